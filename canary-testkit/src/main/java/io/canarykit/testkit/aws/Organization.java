package io.canarykit.testkit.aws;

import io.canarykit.CanaryConfigurationException;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.Collection;

import org.jspecify.annotations.Nullable;

/**
 * The emulated AWS Organization: one root, organisational units by path, and for each emulated account its parent,
 * name, e-mail, status and tags. Fixed at start; read by {@link OrganizationsApi}.
 */
final class Organization {

    /** An organisational unit (or the root, whose parent is {@code null}). */
    /** An organisational unit; the root has no parent. */
    record Unit(String id, String name, @Nullable String parentId, String path) {
    }

    /** An account's place and attributes. */
    record Member(String accountId, String name, String email, String status, String parentId,
                  Map<String, String> tags, Instant joined) {
    }

    /** What the emulator's builder collects before start. */
    static final class Spec {
        final Map<String, String> ouOf = new LinkedHashMap<>();
        final Map<String, Map<String, String>> tags = new LinkedHashMap<>();
        final Map<String, String> status = new LinkedHashMap<>();

        void place(String accountId, String ouPath) {
            ouOf.put(Objects.requireNonNull(accountId, "accountId"), normalisePath(ouPath));
        }

        void tag(String accountId, Map<String, String> accountTags) {
            tags.computeIfAbsent(Objects.requireNonNull(accountId, "accountId"), k -> new LinkedHashMap<>())
                    .putAll(Objects.requireNonNull(accountTags, "tags"));
        }

        void status(String accountId, String accountStatus) {
            if (!List.of("ACTIVE", "SUSPENDED", "PENDING_CLOSURE").contains(accountStatus)) {
                throw new CanaryConfigurationException("account status must be ACTIVE, SUSPENDED or PENDING_CLOSURE, not "
                        + accountStatus);
            }
            status.put(Objects.requireNonNull(accountId, "accountId"), accountStatus);
        }

        void check(List<String> accountIds) {
            for (String id : concat(ouOf.keySet(), tags.keySet(), status.keySet())) {
                if (!accountIds.contains(id)) {
                    throw new CanaryConfigurationException("the organisation settings name account " + id
                            + ", which is not emulated; add it with account(\"" + id + "\")");
                }
            }
        }

        private static List<String> concat(Collection<String> a, Collection<String> b,
                                           Collection<String> c) {
            List<String> out = new ArrayList<>(a);
            out.addAll(b);
            out.addAll(c);
            return out;
        }
    }

    final String id;
    final String managementAccount;
    final Unit root;
    /** Units by id, root included. */
    final Map<String, Unit> units = new LinkedHashMap<>();
    /** Members by account id, in the order the accounts were added. */
    final Map<String, Member> members = new LinkedHashMap<>();

    Organization(String id, List<String> accountIds, Spec spec, Ids ids, Instant created) {
        this.id = id;
        this.managementAccount = accountIds.get(0);
        String rootSuffix = ids.lowerAlnum(4);
        this.root = new Unit("r-" + rootSuffix, "Root", null, "/");
        units.put(root.id(), root);
        Map<String, Unit> byPath = new TreeMap<>();
        byPath.put("/", root);
        for (String accountId : accountIds) {
            String path = spec.ouOf.getOrDefault(accountId, "/");
            Unit parent = unit(path, byPath, rootSuffix, ids);
            Map<String, String> tags = Map.copyOf(spec.tags.getOrDefault(accountId, Map.of()));
            String name = accountId.equals(managementAccount) ? "management" : "account-" + accountId;
            members.put(accountId, new Member(accountId, name, name + "@example.com",
                    spec.status.getOrDefault(accountId, "ACTIVE"), parent.id(), tags, created));
        }
    }

    /** The unit at {@code path}, created with its ancestors. */
    private Unit unit(String path, Map<String, Unit> byPath, String rootSuffix, Ids ids) {
        Unit found = byPath.get(path);
        if (found != null) {
            return found;
        }
        int slash = path.lastIndexOf('/', path.length() - 2);
        String parentPath = path.substring(0, slash + 1);
        Unit parent = unit(parentPath, byPath, rootSuffix, ids);
        String name = path.substring(slash + 1, path.length() - 1);
        Unit u = new Unit("ou-" + rootSuffix + "-" + ids.lowerAlnum(8), name, parent.id(), path);
        units.put(u.id(), u);
        byPath.put(path, u);
        return u;
    }

    /** {@code /A/B/} from {@code A/B}, {@code /A/B} or {@code /A/B/}; {@code /} for the root. */
    static String normalisePath(String path) {
        Objects.requireNonNull(path, "ouPath");
        String p = path.trim();
        if (!p.startsWith("/")) {
            p = "/" + p;
        }
        if (!p.endsWith("/")) {
            p = p + "/";
        }
        if (p.contains("//")) {
            throw new CanaryConfigurationException("organisational unit path '" + path + "' has an empty part");
        }
        return p;
    }

    String accountArn(String accountId) {
        return "arn:aws:organizations::" + managementAccount + ":account/" + id + "/" + accountId;
    }

    String unitArn(Unit u) {
        return u.parentId() == null
                ? "arn:aws:organizations::" + managementAccount + ":root/" + id + "/" + u.id()
                : "arn:aws:organizations::" + managementAccount + ":ou/" + id + "/" + u.id();
    }
}
