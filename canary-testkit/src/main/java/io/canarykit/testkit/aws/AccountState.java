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
    Instant reportGeneratedAt;
    byte[] reportCsv;

    AccountState(String accountId, Instant created) {
        this.accountId = accountId;
        this.created = created;
    }

    static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }

    User user(String name) {
        return name == null ? null : users.get(key(name));
    }

    Role role(String name) {
        return name == null ? null : roles.get(key(name));
    }

    Group group(String name) {
        return name == null ? null : groups.get(key(name));
    }

    /** A deleted user as reads still see it, until {@code visibleUntil}. */
    record DeletedUser(User user, Instant visibleUntil) {
    }

    /** The user {@code name}, or a deleted one reads still see at {@code now}; {@code null} if neither. */
    User visibleUser(String name, Instant now) {
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
        String name;
        String path;
        String userId;
        String arn;
        Instant created;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();
        final Set<String> groups = new LinkedHashSet<>();
        final List<Credential> accessKeys = new ArrayList<>();
        String boundaryArn;
        LoginProfile loginProfile;
        final List<String> mfaSerials = new ArrayList<>();
        final List<SshKey> sshKeys = new ArrayList<>();
        final List<SigningCert> certificates = new ArrayList<>();
        final List<ServiceCredential> serviceCredentials = new ArrayList<>();
    }

    static final class LoginProfile {
        Instant created;
        boolean passwordResetRequired;
    }

    static final class SshKey {
        String id;
        String body;
        String fingerprint;
        String status = "Active";
        Instant uploaded;
    }

    static final class SigningCert {
        String id;
        String body;
        String status = "Active";
        Instant uploaded;
    }

    static final class ServiceCredential {
        String id;
        String serviceName;
        String serviceUserName;
        String status = "Active";
        Instant created;
    }

    static final class MfaDevice {
        String serial;
        String userName;
        Instant enabled;
    }

    static final class Role {
        String name;
        String path;
        String roleId;
        String arn;
        Instant created;
        String trustPolicy;
        String description;
        int maxSessionDuration = 3600;
        String boundaryArn;
        final Map<String, String> tags = new LinkedHashMap<>();
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();
        Instant lastUsedDate;
        String lastUsedRegion;
    }

    static final class Group {
        String name;
        String path;
        String groupId;
        String arn;
        Instant created;
        final Map<String, String> inlinePolicies = new LinkedHashMap<>();
        final Set<String> attachedPolicies = new LinkedHashSet<>();
    }

    static final class ManagedPolicy {
        String name;
        String path;
        String policyId;
        String arn;
        Instant created;
        Instant updated;
        String document;
        String description;
        final Map<String, String> tags = new LinkedHashMap<>();
    }
}
