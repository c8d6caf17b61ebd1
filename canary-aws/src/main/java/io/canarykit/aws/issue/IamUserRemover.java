package io.canarykit.aws.issue;

import io.canarykit.CanaryException;
import io.canarykit.CanaryId;
import io.canarykit.issue.Revocation;
import org.jspecify.annotations.Nullable;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.time.Duration;

/**
 * Deletes an IAM user the way an incident responder would: only if it carries this canary's ownership tag; keys
 * deactivated first, then deleted; then everything an attacker might have added that blocks {@code DeleteUser} (login
 * profile, MFA devices, SSH keys, signing certificates, service-specific credentials, group memberships, attached and
 * inline policies); then the user. "Not found" anywhere counts as already gone.
 *
 * <p>Every AWS implementation is partial somewhere. A listing or delete of a sub-resource that fails is tried again
 * (when the failure may pass: 5xx, an answer without an AWS error, {@code NotImplemented}, throttling, a broken
 * connection), then skipped: {@code DeleteUser} is the judge, since AWS refuses it with {@code DeleteConflict}
 * (naming what is left) while anything remains. A {@code DeleteConflict} starts another round while rounds make
 * progress; the final failure names what AWS says is left and which steps failed.
 */
final class IamUserRemover {
    private static final Logger LOG = LoggerFactory.getLogger(IamUserRemover.class);
    private static final int ROUNDS = 5;
    private static final int ATTEMPTS = 3;

    private final IamClient iam;
    private final String ownershipTagKey;
    private final long pauseMillis;
    /** Steps AWS answered as unimplemented after every attempt: tried once from then on, without retries. */
    private final Set<String> unsupported = ConcurrentHashMap.newKeySet();

    IamUserRemover(IamClient iam, String ownershipTagKey, Duration pause) {
        this.iam = iam;
        this.ownershipTagKey = ownershipTagKey;
        this.pauseMillis = pause.toMillis();
    }

    /** Steps that failed and were skipped in one round, for the final message. */
    private static final class Skipped {
        final Map<String, String> steps = new LinkedHashMap<>();

        void add(String operation, String what, SdkException e) {
            steps.put(operation + " for " + what, AwsErrors.describe(e));
        }

        boolean isEmpty() {
            return steps.isEmpty();
        }

        @Override
        public String toString() {
            StringBuilder sb = new StringBuilder();
            steps.forEach((step, why) -> sb.append(sb.length() == 0 ? "" : "; ").append(step).append(": ").append(why));
            return sb.toString();
        }
    }

    /**
     * Removes user {@code name} if it was created for canary {@code owner}.
     *
     * @param knownKeyId the canary's access key id, deactivated and deleted even when {@code ListAccessKeys} fails;
     *                   may be {@code null}
     * @throws CanaryException if AWS failed; calling again is safe
     */
    Revocation remove(String name, CanaryId owner, @Nullable String knownKeyId) {
        return remove(name, owner, knownKeyId, false);
    }

    /**
     * Removes user {@code name}, which the calling issuance created a moment ago ({@code CreateUser} answered with
     * success, so the name was free): no ownership tag is needed, since AWS may have dropped the tags.
     */
    Revocation removeCreated(String name, CanaryId owner, @Nullable String knownKeyId) {
        return remove(name, owner, knownKeyId, true);
    }

    private Revocation remove(String name, CanaryId owner, @Nullable String knownKeyId, boolean createdByCaller) {
        User user;
        try {
            user = retried("GetUser", () -> iam.getUser(b -> b.userName(name)).user());
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                LOG.debug("user {} of canary {} does not exist (now)", name, owner);
                return Revocation.nothingFound(false);
            }
            throw AwsErrors.revokeFailure("GetUser", "user " + name, e);
        }
        if (!createdByCaller) {
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
        }
        List<String> removed = new ArrayList<>();
        String lastConflict = null;
        for (int round = 1; round <= ROUNDS; round++) {
            int before = removed.size();
            Skipped skipped = new Skipped();
            removeSubResources(name, knownKeyId, removed, skipped);
            try {
                retried("DeleteUser", () -> iam.deleteUser(b -> b.userName(name)));
                removed.add("user " + name);
                if (!skipped.isEmpty()) {
                    LOG.debug("user {}: DeleteUser succeeded, so nothing was left behind the steps that failed ({})",
                            name, skipped);
                }
                LOG.debug("deleted user {} of canary {}: {}", name, owner, removed);
                return Revocation.removed(removed);
            } catch (SdkException e) {
                if (AwsErrors.is(e, "NoSuchEntity")) {
                    // gone meanwhile; if nothing was found at all, a delete still settling may be what GetUser saw
                    return removed.isEmpty() ? Revocation.nothingFound(false) : Revocation.removed(removed);
                }
                if (!AwsErrors.is(e, "DeleteConflict")) {
                    throw failure("DeleteUser for user " + name + " failed: " + AwsErrors.describe(e), skipped, e);
                }
                String conflict = AwsErrors.describe(e);
                boolean stuck = removed.size() == before && conflict.equals(lastConflict);
                if (round == ROUNDS || stuck) {
                    throw failure("DeleteUser for user " + name + " was refused, so AWS still holds something of it: "
                            + conflict, skipped, e);
                }
                lastConflict = conflict;
                LOG.debug("user {} still has something attached ({}); another round", name, conflict);
            }
        }
        throw new IllegalStateException("unreachable");
    }

    private static CanaryException failure(String what, Skipped skipped, SdkException e) {
        String steps = skipped.isEmpty() ? "" : "; these steps failed and were skipped: " + skipped;
        return new CanaryException(what + steps + "; the revocation is idempotent: run it again (the recovery pass"
                + " does), or remove what is left by hand", e);
    }

    private void removeSubResources(String name, @Nullable String knownKeyId, List<String> removed, Skipped skipped) {
        String what = "user " + name;
        // 1. keys: deactivate every key first (a deleted-later key must not work meanwhile), then delete them
        List<String> keys = new ArrayList<>();
        List<AccessKeyMetadata> listed = list("ListAccessKeys", what, skipped,
                () -> iam.listAccessKeysPaginator(b -> b.userName(name)).accessKeyMetadata().stream().toList());
        if (listed == null) {
            if (knownKeyId != null) {
                keys.add(knownKeyId);
            }
        } else {
            for (AccessKeyMetadata k : listed) {
                keys.add(k.accessKeyId());
                if (k.status() == StatusType.INACTIVE) {
                    continue;
                }
                call("UpdateAccessKey", "key " + k.accessKeyId(), skipped,
                        () -> iam.updateAccessKey(b -> b.userName(name).accessKeyId(k.accessKeyId())
                                .status(StatusType.INACTIVE)));
            }
        }
        if (listed == null) {
            for (String k : keys) {
                call("UpdateAccessKey", "key " + k, skipped,
                        () -> iam.updateAccessKey(b -> b.userName(name).accessKeyId(k).status(StatusType.INACTIVE)));
            }
        }
        for (String k : keys) {
            if (call("DeleteAccessKey", "key " + k, skipped,
                    () -> iam.deleteAccessKey(b -> b.userName(name).accessKeyId(k)))) {
                removed.add("access-key " + k);
            }
        }
        // 2. console password
        if (call("DeleteLoginProfile", what, skipped, () -> iam.deleteLoginProfile(b -> b.userName(name)))) {
            removed.add("login-profile");
        }
        // 3. MFA devices (and the virtual device itself, so nothing an attacker enrolled survives)
        for (MFADevice d : orEmpty(list("ListMFADevices", what, skipped,
                () -> iam.listMFADevicesPaginator(b -> b.userName(name)).mfaDevices().stream().toList()))) {
            if (call("DeactivateMFADevice", "MFA device " + d.serialNumber(), skipped,
                    () -> iam.deactivateMFADevice(b -> b.userName(name).serialNumber(d.serialNumber())))) {
                removed.add("mfa-device " + d.serialNumber());
            }
            if (d.serialNumber().startsWith("arn:")) {
                call("DeleteVirtualMFADevice", "MFA device " + d.serialNumber(), skipped,
                        () -> iam.deleteVirtualMFADevice(b -> b.serialNumber(d.serialNumber())));
            }
        }
        // 4. SSH public keys (CodeCommit)
        for (SSHPublicKeyMetadata k : orEmpty(list("ListSSHPublicKeys", what, skipped,
                () -> iam.listSSHPublicKeysPaginator(b -> b.userName(name)).sshPublicKeys().stream().toList()))) {
            if (call("DeleteSSHPublicKey", "SSH key " + k.sshPublicKeyId(), skipped,
                    () -> iam.deleteSSHPublicKey(b -> b.userName(name).sshPublicKeyId(k.sshPublicKeyId())))) {
                removed.add("ssh-public-key " + k.sshPublicKeyId());
            }
        }
        // 5. X.509 signing certificates
        for (SigningCertificate c : orEmpty(list("ListSigningCertificates", what, skipped,
                () -> iam.listSigningCertificatesPaginator(b -> b.userName(name)).certificates().stream().toList()))) {
            if (call("DeleteSigningCertificate", "certificate " + c.certificateId(), skipped,
                    () -> iam.deleteSigningCertificate(b -> b.userName(name).certificateId(c.certificateId())))) {
                removed.add("signing-certificate " + c.certificateId());
            }
        }
        // 6. service-specific credentials (CodeCommit, Keyspaces, Bedrock)
        for (ServiceSpecificCredentialMetadata c : orEmpty(list("ListServiceSpecificCredentials", what, skipped,
                () -> serviceSpecificCredentials(name)))) {
            if (call("DeleteServiceSpecificCredential", "credential " + c.serviceSpecificCredentialId(), skipped,
                    () -> iam.deleteServiceSpecificCredential(b -> b.userName(name)
                            .serviceSpecificCredentialId(c.serviceSpecificCredentialId())))) {
                removed.add("service-specific-credential " + c.serviceSpecificCredentialId());
            }
        }
        // 7. group memberships
        for (Group g : orEmpty(list("ListGroupsForUser", what, skipped,
                () -> iam.listGroupsForUserPaginator(b -> b.userName(name)).groups().stream().toList()))) {
            if (call("RemoveUserFromGroup", "group " + g.groupName(), skipped,
                    () -> iam.removeUserFromGroup(b -> b.userName(name).groupName(g.groupName())))) {
                removed.add("group-membership " + g.groupName());
            }
        }
        // 8. attached managed policies
        for (AttachedPolicy p : orEmpty(list("ListAttachedUserPolicies", what, skipped,
                () -> iam.listAttachedUserPoliciesPaginator(b -> b.userName(name)).attachedPolicies().stream().toList()))) {
            if (call("DetachUserPolicy", "policy " + p.policyArn(), skipped,
                    () -> iam.detachUserPolicy(b -> b.userName(name).policyArn(p.policyArn())))) {
                removed.add("attached-policy " + p.policyArn());
            }
        }
        // 9. inline policies (ours, and any an attacker put)
        for (String policy : orEmpty(list("ListUserPolicies", what, skipped,
                () -> iam.listUserPoliciesPaginator(b -> b.userName(name)).policyNames().stream().toList()))) {
            if (call("DeleteUserPolicy", "inline policy " + policy, skipped,
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

    private static <T> List<T> orEmpty(@Nullable List<T> list) {
        return list == null ? List.of() : list;
    }

    /** A listing; a user that vanished meanwhile has nothing; {@code null} when it failed (recorded as skipped). */
    private <T> @Nullable List<T> list(String operation, String what, Skipped skipped, Supplier<List<T>> listing) {
        try {
            return retried(operation, listing);
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return List.of();
            }
            LOG.debug("{} for {} failed ({}); skipped: DeleteUser will tell whether anything is left", operation, what,
                    AwsErrors.describe(e));
            skipped.add(operation, what, e);
            return null;
        }
    }

    /** A delete-like call; false when the thing was already gone or the call failed (recorded as skipped). */
    private boolean call(String operation, String what, Skipped skipped, Runnable action) {
        try {
            retried(operation, () -> {
                action.run();
                return null;
            });
            return true;
        } catch (SdkException e) {
            if (AwsErrors.is(e, "NoSuchEntity")) {
                return false;
            }
            LOG.debug("{} for {} failed ({}); skipped: DeleteUser will tell whether anything is left", operation, what,
                    AwsErrors.describe(e));
            skipped.add(operation, what, e);
            return false;
        }
    }

    /**
     * Runs {@code call}, trying again (up to {@value #ATTEMPTS} times in all) while the failure may pass; an operation
     * that stayed unimplemented through every attempt once is tried only once from then on.
     */
    private <T> T retried(String operation, Supplier<T> call) {
        int attempts = unsupported.contains(operation) ? 1 : ATTEMPTS;
        for (int attempt = 1; ; attempt++) {
            try {
                T result = call.get();
                unsupported.remove(operation);
                return result;
            } catch (SdkException e) {
                if (attempt >= attempts || !AwsErrors.isTransient(e)) {
                    if (AwsErrors.isUnsupported(e)) {
                        unsupported.add(operation);
                    }
                    throw e;
                }
                try {
                    Thread.sleep(pauseMillis * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }
}
