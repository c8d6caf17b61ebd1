package io.canarykit.testkit.aws;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import org.jspecify.annotations.Nullable;

/** Everything one emulated account holds. Guarded by the engine's lock. */
final class AccountState {
    final String accountId;
    final Instant created;
    /** Keyed by lower-cased name: IAM names are unique case-insensitively. */
    final Map<String, User> users = new TreeMap<>();
    /** Deleted users still visible to reads (partial AWS: eventually consistent deletes), by lower-cased name. */
    final Map<String, DeletedUser> deletedUsers = new TreeMap<>();
    final Map<String, Role> roles = new TreeMap<>();
    final Map<String, Group> groups = new TreeMap<>();
    /** Customer managed policies by ARN. */
    final Map<String, ManagedPolicy> policies = new TreeMap<>();
    /** Virtual MFA devices by serial number. */
    final Map<String, MfaDevice> mfaDevices = new TreeMap<>();
    final List<String> serviceControlPolicies = new ArrayList<>();
    /** The last credential report, null until GenerateCredentialReport runs. */
    @Nullable Instant reportGeneratedAt;
    byte @Nullable [] reportCsv;

    AccountState(String accountId, Instant created) {
        this.accountId = accountId;
        this.created = created;
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    @Nullable User user(@Nullable String name) {
        return name == null ? null : users.get(key(name));
    }

    @Nullable Role role(@Nullable String name) {
        return name == null ? null : roles.get(key(name));
    }

    @Nullable Group group(@Nullable String name) {
        return name == null ? null : groups.get(key(name));
    }

    /** A deleted user as reads still see it, until {@code visibleUntil}. */
    record DeletedUser(User user, Instant visibleUntil) {
    }

    /** The user {@code name}, or a deleted one reads still see at {@code now}; {@code null} if neither. */
    @Nullable User visibleUser(@Nullable String name, Instant now) {
        User u = user(name);
        if (u != null || name == null) {
            return u;
        }
        DeletedUser d = deletedUsers.get(key(name));
        if (d == null) {
            return null;
        }
        if (!now.isBefore(d.visibleUntil())) {
            deletedUsers.remove(key(name));
            return null;
        }
        return d.user();
    }

    static final class User {
        final String name;
        final String path;
        final String userId;
        final String arn;
        final Instant created;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();
        final Set<String> groups = new LinkedHashSet<>();
        final List<Credential> accessKeys = new ArrayList<>();
        @Nullable String boundaryArn;
        @Nullable LoginProfile loginProfile;
        final List<String> mfaSerials = new ArrayList<>();
        final List<SshKey> sshKeys = new ArrayList<>();
        final List<SigningCert> certificates = new ArrayList<>();
        final List<ServiceCredential> serviceCredentials = new ArrayList<>();

        User(String name, String path, String userId, String arn, Instant created) {
            this.name = name;
            this.path = path;
            this.userId = userId;
            this.arn = arn;
            this.created = created;
        }
    }

    static final class LoginProfile {
        final Instant created;
        boolean passwordResetRequired;

        LoginProfile(Instant created, boolean passwordResetRequired) {
            this.created = created;
            this.passwordResetRequired = passwordResetRequired;
        }
    }

    static final class SshKey {
        final String id;
        final String body;
        final String fingerprint;
        String status = "Active";
        final Instant uploaded;

        SshKey(String id, String body, String fingerprint, Instant uploaded) {
            this.id = id;
            this.body = body;
            this.fingerprint = fingerprint;
            this.uploaded = uploaded;
        }
    }

    static final class SigningCert {
        final String id;
        final String body;
        String status = "Active";
        final Instant uploaded;

        SigningCert(String id, String body, Instant uploaded) {
            this.id = id;
            this.body = body;
            this.uploaded = uploaded;
        }
    }

    static final class ServiceCredential {
        final String id;
        final String serviceName;
        final String serviceUserName;
        String status = "Active";
        final Instant created;

        ServiceCredential(String id, String serviceName, String serviceUserName, Instant created) {
            this.id = id;
            this.serviceName = serviceName;
            this.serviceUserName = serviceUserName;
            this.created = created;
        }
    }

    static final class MfaDevice {
        final String serial;
        /** The user it is enabled for, and since when; both null while it is not enabled. */
        @Nullable String userName;
        @Nullable Instant enabled;

        MfaDevice(String serial) {
            this.serial = serial;
        }
    }

    static final class Role {
        final String name;
        final String path;
        final String roleId;
        final String arn;
        final Instant created;
        String trustPolicy;
        @Nullable String description;
        int maxSessionDuration = 3600;
        @Nullable String boundaryArn;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();
        @Nullable Instant lastUsedDate;
        @Nullable String lastUsedRegion;

        Role(String name, String path, String roleId, String arn, Instant created, String trustPolicy) {
            this.name = name;
            this.path = path;
            this.roleId = roleId;
            this.arn = arn;
            this.created = created;
            this.trustPolicy = trustPolicy;
        }
    }

    static final class Group {
        final String name;
        final String path;
        final String groupId;
        final String arn;
        final Instant created;
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();

        Group(String name, String path, String groupId, String arn, Instant created) {
            this.name = name;
            this.path = path;
            this.groupId = groupId;
            this.arn = arn;
            this.created = created;
        }
    }

    static final class ManagedPolicy {
        final String name;
        final String path;
        final String policyId;
        final String arn;
        final Instant created;
        final Instant updated;
        final String document;
        @Nullable String description;
        final Map<String, String> tags = new LinkedHashMap<>();

        ManagedPolicy(String name, String path, String policyId, String arn, String document, Instant created) {
            this.name = name;
            this.path = path;
            this.policyId = policyId;
            this.arn = arn;
            this.document = document;
            this.created = created;
            this.updated = created;
        }
    }
}
