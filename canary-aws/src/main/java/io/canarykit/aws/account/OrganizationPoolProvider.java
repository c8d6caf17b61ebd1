package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.aws.issue.AssumeRoleIssuerProvider;
import io.canarykit.aws.issue.IamUserIssuerProvider;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.issue.CanaryIssuer;
import io.canarykit.issue.IssuerPool;
import io.canarykit.issue.IssuerPoolProvider;
import io.canarykit.store.CanaryStore;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Provider {@code organization} for {@code canary.pool}: issuers in every member account of an AWS Organization, each
 * through one role assumed in the account. Keys under {@code canary.pool.organization.}:
 * <ul>
 *   <li>the central principal (the management account or a delegated administrator): {@code region},
 *       {@code endpoint}, {@code profile} or {@code access-key-id}/{@code secret-access-key}, as in {@link AwsClients};
 *       {@code organizations.endpoint} overrides the Organizations endpoint</li>
 *   <li>which accounts: {@code accounts} (listed), or {@code discover=true} with optional {@code ou-paths}
 *       ({@code /Workloads/Prod} or {@code ou-…} ids, sub-units included), {@code account-tags}
 *       ({@code canary=enabled,env=*}) and {@code exclude-accounts}; suspended accounts are always skipped</li>
 *   <li>the role: {@code role-name} (required; the same in every account), {@code role-path} (default {@code /}),
 *       {@code external-id}, {@code session-name} (default {@code canarykit}), {@code session-duration} (1h),
 *       {@code refresh-before} (5m)</li>
 *   <li>the account choice: {@code account-label} (an asset label holding a 12-digit account id, such as
 *       {@code aws-account}), or {@code account-map-label} with {@code account-map} ({@code payments=111122223333,…});
 *       else headroom. {@code max-canary-users} caps long-term canaries per account; {@code summary-ttl} (5m)</li>
 * </ul>
 * The issuers are those of {@code canary.issuers} (default {@code iam-user}), configured by their
 * {@code canary.issuer.<name>.*} keys but with the member account's clients: {@code iam-user}, and {@code assume-role}
 * whose canary role is named by {@code canary.issuer.assume-role.role-name} (or a {@code role-arn} containing
 * {@code {account}}). {@code federation-token} needs an IAM user's long-term key in each account and is refused.
 *
 * @since 0.1.0
 */
public final class OrganizationPoolProvider implements IssuerPoolProvider {
    private static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.string("region", "the region of the central clients").withDefault("us-east-1"),
            ConfigKey.url("endpoint", "an endpoint for STS and Organizations (an emulator, a VPC endpoint)"),
            ConfigKey.url("organizations.endpoint", "the Organizations endpoint, over endpoint"))
            .and(AwsClients.CREDENTIAL_KEYS).and(
            ConfigKey.oneOf("retry-mode", "how throttled calls are retried", "adaptive", "standard", "none")
                    .withDefault("adaptive"),
            ConfigKey.integer("max-attempts", "attempts per call, 1-20").withDefault("8"),
            ConfigKey.list("accounts", "the member accounts to issue from (without discover)"),
            ConfigKey.bool("discover", "find the member accounts with the Organizations API").withDefault("false"),
            ConfigKey.list("ou-paths", "with discover: only these organizational units (/Workloads/Prod or ou-...)"),
            ConfigKey.map("account-tags", "with discover: only accounts with these tags, canary=enabled,env=*"),
            ConfigKey.list("exclude-accounts", "accounts never issued from"),
            ConfigKey.string("role-name", "the role assumed in every member account").asRequired(),
            ConfigKey.string("role-path", "that role's IAM path").withDefault("/"),
            ConfigKey.string("external-id", "the external id that role's trust policy asks for"),
            ConfigKey.string("session-name", "the role session's name").withDefault("canarykit"),
            ConfigKey.duration("session-duration", "the role session's lifetime").withDefault("1h"),
            ConfigKey.duration("refresh-before", "renew the session this long before it expires").withDefault("5m"),
            ConfigKey.string("account-label", "an asset label holding the 12-digit account to issue in"),
            ConfigKey.string("account-map-label", "an asset label looked up in account-map"),
            ConfigKey.map("account-map", "label value to account, payments=111122223333,..."),
            ConfigKey.integer("max-canary-users", "the most long-term canaries per account"),
            ConfigKey.duration("summary-ttl", "how long an account's canary count is reused").withDefault("5m"));
    /** For {@link java.util.ServiceLoader}. */
    public OrganizationPoolProvider() {
    }

    @Override
    public String name() {
        return "organization";
    }

    @Override
    public ConfigKeys configKeys() {
        return KEYS;
    }

    @Override
    public IssuerPool create(CanaryConfig root, CanaryStore store) {
        CanaryConfig c = root.scoped("canary.pool.organization.");
        String roleName = c.getString("role-name");
        if (roleName == null) {
            throw new CanaryConfigurationException("canary.pool.organization.role-name is missing: name the role the"
                    + " StackSet created in every member account (canary policy render --format stackset)");
        }
        Region region = Region.of(c.getString("region", "us-east-1").toLowerCase(Locale.ROOT));
        URI endpoint = AwsClients.uri(c, "endpoint");
        AwsCredentialsProvider credentials = AwsClients.credentials(c);
        ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsClients.retryStrategy(c.getEnum("retry-mode", "adaptive", "adaptive", "standard",
                        "none"), c.getInt("max-attempts", 8))).build();
        List<AutoCloseable> owned = new ArrayList<>();
        try {
            var sb = StsClient.builder().region(region).credentialsProvider(credentials)
                    .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override);
            if (endpoint != null) {
                sb.endpointOverride(endpoint);
            }
            StsClient central = sb.build();
            owned.add(central);

            OrganizationAccounts.Builder ab = OrganizationAccounts.builder().exclude(c.getList("exclude-accounts"));
            if (c.getBoolean("discover", false)) {
                URI orgEndpoint = c.has("organizations.endpoint") ? AwsClients.uri(c, "organizations.endpoint") : endpoint;
                SignedOrganizationsApi.Builder ob = SignedOrganizationsApi.builder().credentialsProvider(credentials)
                        .maxAttempts(c.getInt("max-attempts", 8));
                if (orgEndpoint != null) {
                    ob.endpoint(orgEndpoint);
                }
                SignedOrganizationsApi api = ob.build();
                owned.add(api);
                ab.organizations(api).ouPaths(c.getList("ou-paths")).tagFilters(c.getMap("account-tags"));
            } else {
                ab.accounts(c.getList("accounts"));
            }
            OrganizationAccounts.Discovery discovery = ab.build().discover();
            if (discovery.accounts().isEmpty()) {
                throw new CanaryConfigurationException("no member account to issue from: discovery found none ("
                        + discovery.skipped().size() + " skipped: " + discovery.skipped() + ")");
            }

            MemberAccountClients.Builder mb = MemberAccountClients.builder().sts(central)
                    .roleName(roleName).rolePath(c.getString("role-path", "/"))
                    .sessionName(c.getString("session-name", "canarykit"))
                    .sessionDuration(c.getDuration("session-duration", Duration.ofHours(1)))
                    .refreshBefore(c.getDuration("refresh-before", Duration.ofMinutes(5)))
                    .region(region).endpoint(endpoint).overrideConfiguration(override);
            String externalId = c.getString("external-id");
            if (externalId != null) {
                mb.externalId(externalId);
            }
            MemberAccountClients members = mb.build();

            AccountPool.Builder pb = AccountPool.builder().store(store)
                    .summaryTtl(c.getDuration("summary-ttl", Duration.ofMinutes(5)))
                    .accountRule(rule(c));
            Integer cap = c.getInt("max-canary-users");
            List<String> kinds = root.getList("canary.issuers", List.of("iam-user"));
            for (OrganizationAccounts.Member m : discovery.accounts()) {
                String id = m.accountId();
                List<CanaryIssuer> issuers = new ArrayList<>();
                for (String kind : kinds) {
                    issuers.add(issuer(kind, root.scoped("canary.issuer." + kind + "."), id, members));
                }
                pb.account(new IssuingAccount(id, members.iam(id), issuers, cap));
            }
            return new OrganizationPool(pb.build(), discovery, members, owned);
        } catch (RuntimeException e) {
            for (AutoCloseable a : owned) {
                try {
                    a.close();
                } catch (Exception suppressed) {
                    e.addSuppressed(suppressed);
                }
            }
            throw e;
        }
    }

    private static CanaryIssuer issuer(String kind, CanaryConfig ic, String accountId, MemberAccountClients members) {
        return switch (kind) {
            case "iam-user" -> IamUserIssuerProvider.create(ic.with("account-id", accountId), members.iam(accountId),
                    members.sts(accountId));
            case "assume-role" -> {
                String arn;
                String roleName = ic.getString("role-name");
                String roleArn = ic.getString("role-arn");
                if (roleName != null) {
                    arn = "arn:aws:iam::" + accountId + ":role" + ic.getString("role-path", "/") + roleName;
                } else if (roleArn != null && roleArn.contains("{account}")) {
                    arn = roleArn.replace("{account}", accountId);
                } else {
                    throw new CanaryConfigurationException("in an organisation pool, the assume-role issuer needs"
                            + " canary.issuer.assume-role.role-name (the canary role in every account), or a role-arn"
                            + " with {account} in it");
                }
                CanaryConfig withIssuer = ic.has("issuer-arn") ? ic : ic.with("issuer-arn", members.roleArn(accountId));
                yield AssumeRoleIssuerProvider.create(withIssuer, arn, members.iam(accountId), members.sts(accountId));
            }
            case "federation-token" -> throw new CanaryConfigurationException("the federation-token issuer cannot work"
                    + " through an assumed role (GetFederationToken needs an IAM user's long-term key in each account):"
                    + " use iam-user or assume-role in canary.issuers with canary.pool=organization");
            default -> throw new CanaryConfigurationException("canary.issuers names '" + kind + "', which an"
                    + " organisation pool cannot build per account: use iam-user and/or assume-role");
        };
    }

    private static AccountRule rule(CanaryConfig c) {
        List<AccountRule> rules = new ArrayList<>();
        String mapLabel = c.getString("account-map-label");
        if (mapLabel != null) {
            Map<String, String> map = c.getMap("account-map");
            if (map.isEmpty()) {
                throw new CanaryConfigurationException("account-map-label is set but account-map is empty: give"
                        + " label-value=account pairs such as payments=111122223333");
            }
            rules.add(AccountRule.mapped(mapLabel, map));
        }
        String label = c.getString("account-label");
        if (label != null) {
            rules.add(AccountRule.label(label));
        }
        return rules.isEmpty() ? AccountRule.none() : AccountRule.firstOf(rules);
    }
}
