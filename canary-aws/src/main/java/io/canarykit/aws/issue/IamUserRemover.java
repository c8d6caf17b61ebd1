package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.issue.Revocation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKeyMetadata;
import software.amazon.awssdk.services.iam.model.AttachedPolicy;
import software.amazon.awssdk.services.iam.model.Group;
import software.amazon.awssdk.services.iam.model.ListServiceSpecificCredentialsResponse;
import software.amazon.awssdk.services.iam.model.MFADevice;
import software.amazon.awssdk.services.iam.model.ServiceSpecificCredentialMetadata;
import software.amazon.awssdk.services.iam.model.SigningCertificate;
import software.amazon.awssdk.services.iam.model.SSHPublicKeyMetadata;
import software.amazon.awssdk.services.iam.model.StatusType;
import software.amazon.awssdk.services.iam.model.Tag;
import software.amazon.awssdk.services.iam.model.User;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Deletes an IAM user the way an incident responder would: only if it carries this canary's ownership tag; keys
 * deactivated first, then deleted; then everything an attacker might have added that blocks {@code DeleteUser} (login
 * profile, MFA devices, SSH keys, signing certificates, service-specific credentials, group memberships, attached and
 * inline policies); then the user. A {@code DeleteConflict} (something added meanwhile, or a listing that lagged)
 * starts another round. "Not found" anywhere counts as already gone.
 */
final class IamUserRemover {
    private static final Logger LOG = LoggerFactory.getLogger(IamUserRemover.class);
    private static final int ROUNDS = 5;

    private final IamClient iam;
    private final String ownershipTagKey;

    IamUserRemover(IamClient iam, String ownershipTagKey) {
        this.iam = iam;
        this.ownershipTagKey = ownershipTagKey;
    }

    /**
     * Removes user {@code name} if it was created for canary {@code owner}.
     *
     * @throws CanaryException if AWS failed; calling again is safe
     */
    Revocation remove(String name, CanaryId owner) {
        User user;
        try {
            user = iam.getUser(b -> b.userName(name)).user();
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                LOG.debug("user {} of canary {} does not exist (now)", name, owner);
                return Revocation.nothingFound(false);
            }
            throw AwsErrors.revokeFailure("GetUser", "user " + name, e);
        }
        String tag = null;
        for (Tag t : user.tags()) {
            if (t.key().equalsIgnoreCase(ownershipTagKey)) {
                tag = t.value();
            }
        }
        if (!owner.value().equals(tag)) {
            LOG.debug("user {} is not canary {}'s (its {} tag is {}); left alone", name, owner, ownershipTagKey, tag);
            return Revocation.foreignPrincipal();
        }
        List<String> removed = new ArrayList<>();
        for (int round = 1; round <= ROUNDS; round++) {
            removeSubResources(name, removed);
            try {
                iam.deleteUser(b -> b.userName(name));
                removed.add("user " + name);
                LOG.debug("deleted user {} of canary {}: {}", name, owner, removed);
                return Revocation.removed(removed);
            } catch (SdkException e) {
                if (AwsErrors.is(e, "NoSuchEntity")) {
                    return Revocation.removed(removed);
                }
                if (!AwsErrors.is(e, "DeleteConflict") || round == ROUNDS) {
                    throw AwsErrors.revokeFailure("DeleteUser", "user " + name, e);
                }
                LOG.debug("user {} still has something attached ({}); another round", name, AwsErrors.describe(e));
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private void removeSubResources(String name, List<String> removed) {
        String what = "user " + name;
        // 1. keys: deactivate every key first (a deleted-later key must not work meanwhile), then delete them
        List<AccessKeyMetadata> keys = list("ListAccessKeys", what,
                () -> iam.listAccessKeysPaginator(b -> b.userName(name)).accessKeyMetadata().stream().toList());
        for (AccessKeyMetadata k : keys) {
            if (k.status() != StatusType.INACTIVE) {
                call("UpdateAccessKey", "key " + k.accessKeyId(),
                        () -> iam.updateAccessKey(b -> b.userName(name).accessKeyId(k.accessKeyId())
                                .status(StatusType.INACTIVE)));
            }
        }
        for (AccessKeyMetadata k : keys) {
            if (call("DeleteAccessKey", "key " + k.accessKeyId(),
                    () -> iam.deleteAccessKey(b -> b.userName(name).accessKeyId(k.accessKeyId())))) {
                removed.add("access-key " + k.accessKeyId());
            }
        }
        // 2. console password
        if (call("DeleteLoginProfile", what, () -> iam.deleteLoginProfile(b -> b.userName(name)))) {
            removed.add("login-profile");
        }
        // 3. MFA devices (and the virtual device itself, so nothing an attacker enrolled survives)
        for (MFADevice d : list("ListMFADevices", what,
                () -> iam.listMFADevicesPaginator(b -> b.userName(name)).mfaDevices().stream().toList())) {
            if (call("DeactivateMFADevice", "MFA device " + d.serialNumber(),
                    () -> iam.deactivateMFADevice(b -> b.userName(name).serialNumber(d.serialNumber())))) {
                removed.add("mfa-device " + d.serialNumber());
            }
            if (d.serialNumber().startsWith("arn:")) {
                call("DeleteVirtualMFADevice", "MFA device " + d.serialNumber(),
                        () -> iam.deleteVirtualMFADevice(b -> b.serialNumber(d.serialNumber())));
            }
        }
        // 4. SSH public keys (CodeCommit)
        for (SSHPublicKeyMetadata k : list("ListSSHPublicKeys", what,
                () -> iam.listSSHPublicKeysPaginator(b -> b.userName(name)).sshPublicKeys().stream().toList())) {
            if (call("DeleteSSHPublicKey", "SSH key " + k.sshPublicKeyId(),
                    () -> iam.deleteSSHPublicKey(b -> b.userName(name).sshPublicKeyId(k.sshPublicKeyId())))) {
                removed.add("ssh-public-key " + k.sshPublicKeyId());
            }
        }
        // 5. X.509 signing certificates
        for (SigningCertificate c : list("ListSigningCertificates", what,
                () -> iam.listSigningCertificatesPaginator(b -> b.userName(name)).certificates().stream().toList())) {
            if (call("DeleteSigningCertificate", "certificate " + c.certificateId(),
                    () -> iam.deleteSigningCertificate(b -> b.userName(name).certificateId(c.certificateId())))) {
                removed.add("signing-certificate " + c.certificateId());
            }
        }
        // 6. service-specific credentials (CodeCommit, Keyspaces, Bedrock)
        for (ServiceSpecificCredentialMetadata c : list("ListServiceSpecificCredentials", what,
                () -> serviceSpecificCredentials(name))) {
            if (call("DeleteServiceSpecificCredential", "credential " + c.serviceSpecificCredentialId(),
                    () -> iam.deleteServiceSpecificCredential(b -> b.userName(name)
                            .serviceSpecificCredentialId(c.serviceSpecificCredentialId())))) {
                removed.add("service-specific-credential " + c.serviceSpecificCredentialId());
            }
        }
        // 7. group memberships
        for (Group g : list("ListGroupsForUser", what,
                () -> iam.listGroupsForUserPaginator(b -> b.userName(name)).groups().stream().toList())) {
            if (call("RemoveUserFromGroup", "group " + g.groupName(),
                    () -> iam.removeUserFromGroup(b -> b.userName(name).groupName(g.groupName())))) {
                removed.add("group-membership " + g.groupName());
            }
        }
        // 8. attached managed policies
        for (AttachedPolicy p : list("ListAttachedUserPolicies", what,
                () -> iam.listAttachedUserPoliciesPaginator(b -> b.userName(name)).attachedPolicies().stream().toList())) {
            if (call("DetachUserPolicy", "policy " + p.policyArn(),
                    () -> iam.detachUserPolicy(b -> b.userName(name).policyArn(p.policyArn())))) {
                removed.add("attached-policy " + p.policyArn());
            }
        }
        // 9. inline policies (ours, and any an attacker put)
        for (String policy : list("ListUserPolicies", what,
                () -> iam.listUserPoliciesPaginator(b -> b.userName(name)).policyNames().stream().toList())) {
            if (call("DeleteUserPolicy", "inline policy " + policy,
                    () -> iam.deleteUserPolicy(b -> b.userName(name).policyName(policy)))) {
                removed.add("inline-policy " + policy);
            }
        }
    }

    private List<ServiceSpecificCredentialMetadata> serviceSpecificCredentials(String name) {
        List<ServiceSpecificCredentialMetadata> out = new ArrayList<>();
        String marker = null;
        do {
            String m = marker;
            ListServiceSpecificCredentialsResponse r = iam.listServiceSpecificCredentials(b -> b.userName(name).marker(m));
            out.addAll(r.serviceSpecificCredentials());
            marker = Boolean.TRUE.equals(r.isTruncated()) ? r.marker() : null;
        } while (marker != null);
        return out;
    }

    /** A listing; a user that vanished meanwhile has nothing. */
    private static <T> List<T> list(String operation, String what, Supplier<List<T>> listing) {
        try {
            return listing.get();
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return List.of();
            }
            throw AwsErrors.revokeFailure(operation, what, e);
        }
    }

    /** A delete-like call; returns false when the thing was already gone. */
    private static boolean call(String operation, String what, Runnable action) {
        try {
            action.run();
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            throw AwsErrors.revokeFailure(operation, what, e);
        }
    }
}
