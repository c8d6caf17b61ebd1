package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Principal;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.Collections;

/**
 * Which member accounts canaries are issued into and watched in: listed explicitly, or discovered with AWS
 * Organizations.
 *
 * <ul>
 *   <li>Without organisational-unit paths, {@code ListAccounts} lists every account. With paths, each is resolved
 *       ({@code ListRoots}, then {@code ListOrganizationalUnitsForParent} level by level for a path of names such as
 *       {@code /Workloads/Prod}; an id such as {@code ou-ab12-34567890} is taken as it is) and the accounts under it
 *       and under every unit below it are listed with {@code ListAccountsForParent}.</li>
 *   <li>Tag filters ({@code key=value}, or {@code key=*} for any value) keep accounts whose {@code ListTagsForResource}
 *       has every filter.</li>
 *   <li>Accounts that are not {@code ACTIVE} (suspended, closing) are skipped, and so are the excluded ones; each skip
 *       is reported in the {@link Discovery} with its reason.</li>
 * </ul>
 * Thread-safe; each {@link #discover()} asks Organizations again.
 *
 * @since 0.1.0
 */
public final class OrganizationAccounts {
    private static final Logger LOG = LoggerFactory.getLogger(OrganizationAccounts.class);

    /**
     * One account to work in.
     *
     * @param accountId the 12-digit id
     * @param name      its name in Organizations ({@code null} when listed explicitly)
     * @param tags      its Organizations tags (read only when tag filters are set; else empty)
     *
     * @since 0.1.0
     */
    public record Member(String accountId, @Nullable String name, Map<String, String> tags) {
        public Member {
            Principal.requireAccount(accountId);
            tags = Map.copyOf(tags);
        }
    }

    /**
     * What a discovery found.
     *
     * @param accounts the accounts to use, in Organizations' order
     * @param skipped  account id → why it was left out (suspended, excluded, tags), in order
     *
     * @since 0.1.0
     */
    public record Discovery(List<Member> accounts, Map<String, String> skipped) {
        public Discovery {
            accounts = List.copyOf(accounts);
            skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
        }

        /** The ids of {@link #accounts()}. */
        public List<String> accountIds() {
            return accounts.stream().map(Member::accountId).toList();
        }
    }

    private final @Nullable OrganizationsApi api;
    private final List<String> listed;
    private final List<String> ouPaths;
    private final Map<String, String> tagFilters;
    private final Set<String> excluded;

    private OrganizationAccounts(Builder b) {
        this.api = b.api;
        this.listed = List.copyOf(b.listed);
        this.ouPaths = List.copyOf(b.ouPaths);
        this.tagFilters = Map.copyOf(b.tagFilters);
        this.excluded = Set.copyOf(b.excluded);
    }

    /** A builder: either {@link Builder#accounts} or {@link Builder#organizations}. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The accounts now.
     *
     * @throws io.canarykit.CanaryException if Organizations refused or failed (after its retries)
     * @throws CanaryConfigurationException if an organisational-unit path does not exist
     */
    public Discovery discover() {
        Map<String, String> skipped = new LinkedHashMap<>();
        if (api == null) {
            List<Member> out = new ArrayList<>();
            for (String id : listed) {
                if (excluded.contains(id)) {
                    skipped.put(id, "excluded");
                } else {
                    out.add(new Member(id, null, Map.of()));
                }
            }
            return new Discovery(out, skipped);
        }
        List<OrganizationsApi.Account> found = new ArrayList<>();
        if (ouPaths.isEmpty()) {
            found.addAll(api.listAccounts());
        } else {
            Set<String> seen = new LinkedHashSet<>();
            for (String path : ouPaths) {
                for (OrganizationsApi.Account a : accountsUnder(resolve(path))) {
                    if (seen.add(a.id())) {
                        found.add(a);
                    }
                }
            }
        }
        List<Member> out = new ArrayList<>();
        for (OrganizationsApi.Account a : found) {
            if (!a.id().matches("\\d{12}")) {
                skipped.put(a.id(), "not a 12-digit account id");
                continue;
            }
            if (!a.active()) {
                skipped.put(a.id(), "status " + a.status());
                continue;
            }
            if (excluded.contains(a.id())) {
                skipped.put(a.id(), "excluded");
                continue;
            }
            Map<String, String> tags = Map.of();
            if (!tagFilters.isEmpty()) {
                tags = api.listTagsForResource(a.id());
                String missing = firstMissing(tags);
                if (missing != null) {
                    skipped.put(a.id(), "tag " + missing + " does not match");
                    continue;
                }
            }
            out.add(new Member(a.id(), a.name(), tags));
        }
        LOG.debug("organisation accounts: {} in use, {} skipped {}", out.size(), skipped.size(), skipped);
        return new Discovery(out, skipped);
    }

    private @Nullable String firstMissing(Map<String, String> tags) {
        for (Map.Entry<String, String> f : tagFilters.entrySet()) {
            String v = tags.get(f.getKey());
            if (v == null || !f.getValue().equals("*") && !f.getValue().equals(v)) {
                return f.getKey() + "=" + f.getValue();
            }
        }
        return null;
    }

    /** The Organizations API: only the paths of {@link #discover()} taken when there is one call this. */
    private OrganizationsApi api() {
        return Objects.requireNonNull(api, "api");
    }

    /** The id of the unit a path names: an id as it is, else names from the root. */
    private String resolve(String path) {
        String p = path.trim();
        if (p.startsWith("ou-") || p.startsWith("r-")) {
            return p;
        }
        List<OrganizationsApi.Unit> roots = api().listRoots();
        if (roots.isEmpty()) {
            throw new CanaryConfigurationException("AWS Organizations lists no root; is this the management account?");
        }
        String id = roots.get(0).id();
        StringBuilder walked = new StringBuilder();
        for (String name : p.split("/")) {
            if (name.isBlank()) {
                continue;
            }
            walked.append('/').append(name);
            String next = null;
            List<String> names = new ArrayList<>();
            for (OrganizationsApi.Unit u : api().listOrganizationalUnitsForParent(id)) {
                names.add(u.name());
                if (u.name().equals(name)) {
                    next = u.id();
                }
            }
            if (next == null) {
                throw new CanaryConfigurationException("organisational unit " + walked + " does not exist (units there: "
                        + new TreeSet<>(names) + "); fix ou-paths");
            }
            id = next;
        }
        return id;
    }

    private List<OrganizationsApi.Account> accountsUnder(String parentId) {
        List<OrganizationsApi.Account> out = new ArrayList<>();
        List<String> todo = new ArrayList<>(List.of(parentId));
        Set<String> visited = new LinkedHashSet<>();
        while (!todo.isEmpty()) {
            String id = todo.remove(0);
            if (!visited.add(id)) {
                continue;
            }
            out.addAll(api().listAccountsForParent(id));
            for (OrganizationsApi.Unit u : api().listOrganizationalUnitsForParent(id)) {
                todo.add(u.id());
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return api == null ? "OrganizationAccounts" + listed
                : "OrganizationAccounts[ou-paths=" + ouPaths + ", tags=" + tagFilters + "]";
    }

    /**
     * Builder for {@link OrganizationAccounts}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable OrganizationsApi api;
        private final List<String> listed = new ArrayList<>();
        private final List<String> ouPaths = new ArrayList<>();
        private final Map<String, String> tagFilters = new LinkedHashMap<>();
        private final Set<String> excluded = new LinkedHashSet<>();

        private Builder() {
        }

        /** The accounts, listed explicitly (no Organizations call is made). */
        public Builder accounts(Collection<String> v) {
            for (String id : v) {
                Principal.requireAccount(id);
            }
            listed.clear();
            listed.addAll(new LinkedHashSet<>(v));
            return this;
        }

        /** Discover the accounts through this Organizations client. */
        public Builder organizations(OrganizationsApi v) {
            api = Objects.requireNonNull(v, "organizations");
            return this;
        }

        /** Only accounts under these units (paths of names from the root, or unit ids), and under their sub-units. */
        public Builder ouPaths(Collection<String> v) {
            ouPaths.clear();
            for (String p : v) {
                if (p == null || p.isBlank()) {
                    throw new CanaryConfigurationException("an organisational-unit path is empty");
                }
                ouPaths.add(p);
            }
            return this;
        }

        /** Only accounts with every one of these tags ({@code *} as the value: any value). */
        public Builder tagFilters(Map<String, String> v) {
            tagFilters.clear();
            tagFilters.putAll(v);
            return this;
        }

        /** Never these accounts. */
        public Builder exclude(Collection<String> v) {
            excluded.clear();
            excluded.addAll(v);
            return this;
        }

        /**
         * Builds it.
         *
         * @throws CanaryConfigurationException if neither or both of accounts and organizations were given, or filters
         *                                      were given for an explicit list
         */
        public OrganizationAccounts build() {
            if (api == null && listed.isEmpty()) {
                throw new CanaryConfigurationException("name the member accounts (accounts) or discover them through AWS"
                        + " Organizations (discover=true)");
            }
            if (api != null && !listed.isEmpty()) {
                throw new CanaryConfigurationException("either list the member accounts or discover them, not both");
            }
            if (api == null && (!ouPaths.isEmpty() || !tagFilters.isEmpty())) {
                throw new CanaryConfigurationException("ou-paths and account-tags filter discovered accounts: set"
                        + " discover=true, or list the accounts without filters");
            }
            return new OrganizationAccounts(this);
        }
    }
}
