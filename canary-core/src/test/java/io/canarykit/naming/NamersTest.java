package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import io.canarykit.fingerprint.TellTales;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NamersTest {
    private static final Secret KEY = Secret.of("k3y-for-tests-0123456789abcdef");
    private static final List<NameRules> ALL_RULES = List.of(NameRules.IAM_USER, NameRules.ROLE_SESSION,
            NameRules.FEDERATED_USER);

    /** Assets whose ids and labels carry everything a name must not leak. */
    static List<Asset> assets(int n) {
        List<Asset> out = new ArrayList<>();
        String[] kinds = {"host", "laptop", "ci-build", "container-host"};
        for (int i = 0; i < n; i++) {
            String kind = kinds[i % kinds.length];
            String id = switch (i % 4) {
                case 0 -> "web-prod-" + i + ".corp.example.com";
                case 1 -> "MBP-ALICE-" + i;
                case 2 -> "job/" + (100000 + i);
                default -> "ip-10-0-" + (i % 250) + "-" + (i / 250) + ".ec2.internal";
            };
            out.add(new Asset(kind, id, Map.of("owner", "team-" + (i % 7), "canary-purpose", "honeypot")));
        }
        return out;
    }

    /** Every generated name: fits the rules, has no fingerprint finding at all, is lower case, leaks no asset data. */
    static void assertGood(String name, Asset asset, NameRules rules) {
        assertThat(rules.problem(name)).as(name).isNull();
        assertThat(TellTales.principalFindings(name, "/")).as(name).isEmpty();
        assertThat(name).as(name).isEqualTo(name.toLowerCase(Locale.ROOT));
        String lower = name.toLowerCase(Locale.ROOT);
        for (String part : asset.id().toLowerCase(Locale.ROOT).split("[^a-z0-9]+")) {
            if (part.length() >= 5) {
                assertThat(lower).as(name + " leaks " + asset.id()).doesNotContain(part);
            }
        }
        assertThat(lower).doesNotContain("honeypot").doesNotContain(asset.kind());
    }

    @Test
    void plausibleNamesOverManyAssetsAndTargets() {
        PlausibleNamer namer = PlausibleNamer.builder().key(KEY).build();
        Set<String> seen = new HashSet<>();
        List<Asset> assets = assets(2000);
        for (NameRules rules : ALL_RULES) {
            for (Asset a : assets) {
                String name = namer.name(a, rules, 0);
                assertGood(name, a, rules);
                assertThat(name).matches("[a-z][a-z0-9]*(-[a-z0-9]+)+");
                seen.add(name);
            }
        }
        // varied: thousands of distinct names, many shapes
        assertThat(seen.size()).isGreaterThan(1900);
        assertThat(seen.stream().filter(n -> n.startsWith("svc-")).count()).isGreaterThan(100);
    }

    @Test
    void plausibleNamesAreReproducibleWithTheKeyAndChangeWithTheAttempt() {
        Asset a = Asset.of("host", "web-1.corp.example.com");
        PlausibleNamer one = PlausibleNamer.builder().key(KEY).build();
        PlausibleNamer two = PlausibleNamer.builder().key(KEY).build();
        assertThat(one.name(a, NameRules.IAM_USER, 0)).isEqualTo(two.name(a, NameRules.IAM_USER, 0));
        Set<String> attempts = new HashSet<>();
        for (int attempt = 0; attempt < 50; attempt++) {
            attempts.add(one.name(a, NameRules.IAM_USER, attempt));
        }
        assertThat(attempts).hasSize(50);
        PlausibleNamer otherKey = PlausibleNamer.builder().key(Secret.of("another-key-0123456789")).build();
        assertThat(otherKey.name(a, NameRules.IAM_USER, 0)).isNotEqualTo(one.name(a, NameRules.IAM_USER, 0));
        // without a key: a random one per instance
        assertThat(PlausibleNamer.create().name(a, NameRules.IAM_USER, 0)).isNotNull();
    }

    @Test
    void collisionsAreResolvedThroughTheAttemptArgument() {
        // a tiny namespace forces collisions: one word per list and a 3-character suffix
        PlausibleNamer namer = PlausibleNamer.builder().key(KEY).teams(List.of("data")).tools(List.of("airflow"))
                .roles(List.of("etl")).suffixLength(3).build();
        Set<String> taken = new HashSet<>();
        int collisions = 0;
        for (Asset a : assets(1000)) {
            int attempt = 0;
            String name = namer.name(a, NameRules.IAM_USER, attempt);
            while (!taken.add(NameRules.IAM_USER.uniquenessKey(name))) {
                collisions++;
                name = namer.name(a, NameRules.IAM_USER, ++attempt);
                assertThat(attempt).isLessThan(50);
            }
            assertGood(name, a, NameRules.IAM_USER);
        }
        assertThat(taken).hasSize(1000);
        assertThat(collisions).isPositive();
    }

    @Test
    void plausibleFitsFederatedUserNamesOrSaysWhy() {
        PlausibleNamer longWords = PlausibleNamer.builder().key(KEY)
                .teams(List.of("internationalization")).tools(List.of("cloudformationstack"))
                .roles(List.of("provisioningservice")).build();
        assertThatThrownBy(() -> longWords.name(Asset.of("host", "h"), NameRules.FEDERATED_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("federated user name").hasMessageContaining("2-32")
                .hasMessageContaining("shorter");
        assertThat(longWords.name(Asset.of("host", "h"), NameRules.IAM_USER, 0)).hasSizeLessThanOrEqualTo(64);
    }

    @Test
    void plausibleWordListsAreChecked() {
        assertThatThrownBy(() -> PlausibleNamer.builder().teams(List.of("honeybadger")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("give canaries away");
        assertThatThrownBy(() -> PlausibleNamer.builder().roles(List.of("trap")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("give canaries away");
        assertThatThrownBy(() -> PlausibleNamer.builder().tools(List.of("Big Tool")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("lower-case");
        assertThatThrownBy(() -> PlausibleNamer.builder().tools(List.of()))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("empty");
        assertThatThrownBy(() -> PlausibleNamer.builder().suffixLength(2))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("3-8");
        for (String w : concat(PlausibleNamer.DEFAULT_TEAMS, PlausibleNamer.DEFAULT_TOOLS, PlausibleNamer.DEFAULT_ROLES)) {
            assertThat(TellTales.principalFindings(w, null)).as(w).isEmpty();
            assertThat(NameTellTales.problem(w)).as(w).isNull();
        }
    }

    @Test
    void opaqueNamesOverManyAssets() {
        OpaqueNamer namer = OpaqueNamer.builder().random(new Random(42)).build();
        Set<String> seen = new HashSet<>();
        for (NameRules rules : ALL_RULES) {
            for (Asset a : assets(1500)) {
                String name = namer.name(a, rules, 0);
                assertGood(name, a, rules);
                assertThat(name).matches("[a-z][a-z0-9]{5}-[a-z0-9]{6}");
                seen.add(name);
            }
        }
        assertThat(seen).hasSize(4500);
        OpaqueNamer prefixed = OpaqueNamer.builder().prefix("svc-").length(16).build();
        assertThat(prefixed.name(Asset.of("host", "h"), NameRules.FEDERATED_USER, 0))
                .matches("svc-[a-z0-9]{6}-[a-z0-9]{6}-[a-z0-9]{4}");
        OpaqueNamer tooLong = OpaqueNamer.builder().prefix("automation-service-").length(24).build();
        assertThatThrownBy(() -> tooLong.name(Asset.of("host", "h"), NameRules.FEDERATED_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("federated user name")
                .hasMessageContaining("2-32");
        assertThatThrownBy(() -> OpaqueNamer.builder().prefix("canary-")).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("give canaries away");
        assertThatThrownBy(() -> OpaqueNamer.builder().prefix("a b")).isInstanceOf(CanaryConfigurationException.class);
    }

    @Test
    void hmacNamesLeakNothingAndMapBackWithTheKey() {
        HmacNamer namer = HmacNamer.create(KEY);
        List<Asset> assets = assets(1500);
        Map<String, Asset> byName = new HashMap<>();
        for (Asset a : assets) {
            String name = namer.name(a, NameRules.FEDERATED_USER, 0);
            assertGood(name, a, NameRules.FEDERATED_USER);
            assertThat(name).matches("svc-[0-9a-z]{8}-[0-9a-z]{8}");
            assertThat(byName.put(name, a)).isNull();
        }
        Asset some = assets.get(1234);
        String name = namer.name(some, NameRules.IAM_USER, 0);
        assertThat(namer.identify(name, assets, 4)).contains(some);
        assertThat(namer.matches(name, some, 1)).isTrue();
        assertThat(namer.matches(name, assets.get(1), 16)).isFalse();
        String retry = namer.name(some, NameRules.IAM_USER, 3);
        assertThat(retry).isNotEqualTo(name);
        assertThat(namer.identify(retry, assets, 4)).contains(some);
        assertThat(namer.identify(retry, assets, 3)).isEmpty();
        // another key cannot map the name back
        assertThat(HmacNamer.create(Secret.of("some-other-key-0123456789")).identify(name, assets, 16)).isEmpty();
    }

    @Test
    void hmacNamesMapBackThroughTheStore() {
        HmacNamer namer = HmacNamer.builder().key(KEY).prefix("ci-").length(12).build();
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        Asset mapped = Asset.of("host", "db-7.corp.example.com");
        Asset unmapped = Asset.of("host", "db-8.corp.example.com");
        String stored = namer.name(mapped, NameRules.IAM_USER, 0);
        store.create(record(mapped, stored));
        String other = namer.name(unmapped, NameRules.IAM_USER, 0);
        store.create(record(unmapped, "svc-recorded-under-another-name"));
        assertThat(namer.identify(stored, store)).contains(mapped);
        assertThat(namer.identify(other, store)).as("found by scanning the store's assets").contains(unmapped);
        assertThat(namer.identify("ci-notours-atall", store)).isEmpty();
    }

    @Test
    void hmacNeedsAKeyAndNeverShowsIt() {
        assertThatThrownBy(() -> HmacNamer.builder().build()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("canary.namer.<name>.key");
        assertThatThrownBy(() -> HmacNamer.builder().key(Secret.of("short")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("too short")
                .hasMessageNotContaining("short)");
        assertThatThrownBy(() -> HmacNamer.builder().length(60)).isInstanceOf(CanaryConfigurationException.class);
        ProviderRegistry<IdentityNamer, IdentityNamerProvider> registry = ProviderRegistry.load(IdentityNamerProvider.class);
        CanaryConfig config = CanaryConfig.of(Map.of("canary.namer.hmac.key", "tiny"));
        assertThatThrownBy(() -> registry.create("hmac", config)).isInstanceOf(CanaryConfigurationException.class)
                .message().doesNotContain("tiny");
        assertThat(config.toString()).doesNotContain("tiny");
    }

    @Test
    void templateValidatesWhenConfigured() {
        assertThat(TemplateNamer.of("ci-{random:6}").template()).isEqualTo("ci-{random:6}");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{serial}")).hasMessageContaining("unknown placeholder {serial}");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{random:6")).hasMessageContaining("unbalanced '{'");
        assertThatThrownBy(() -> TemplateNamer.of("ci/{random:6}")).hasMessageContaining("'/' at position 3");
        assertThatThrownBy(() -> TemplateNamer.of("canary-{random:6}")).hasMessageContaining("give canaries away");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{hmac:8}")).hasMessageContaining("needs a key");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{random:0}")).hasMessageContaining("1-32");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{random}")).hasMessageContaining("needs a length");
        assertThatThrownBy(() -> TemplateNamer.of("ci-{label}")).hasMessageContaining("label name");
        assertThatThrownBy(() -> TemplateNamer.of("{id:x}")).hasMessageContaining("takes no argument");
        assertThatThrownBy(() -> TemplateNamer.of("x".repeat(60) + "{random:8}")).hasMessageContaining("at least 68");
        assertThatThrownBy(() -> TemplateNamer.of("")).hasMessageContaining("empty");
        ProviderRegistry<IdentityNamer, IdentityNamerProvider> registry = ProviderRegistry.load(IdentityNamerProvider.class);
        assertThatThrownBy(() -> registry.create("template", CanaryConfig.of(Map.of("canary.namer.template.pattern",
                "{nope}")))).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("{nope}");
    }

    @Test
    void templateRendersAndTheRawIdAppearsOnlyWhenAskedFor() {
        Asset a = new Asset("host", "web-7", Map.of("team", "payments"));
        TemplateNamer t = TemplateNamer.builder().template("{label:team}-{tool}-{hmac:6}").key(KEY).build();
        String name = t.name(a, NameRules.IAM_USER, 0);
        assertThat(name).startsWith("payments-").doesNotContain("web-7");
        assertThat(t.name(a, NameRules.IAM_USER, 0)).isEqualTo(name);
        assertThat(t.name(a, NameRules.IAM_USER, 1)).isNotEqualTo(name);
        assertGood(name, Asset.of("host", "web-7"), NameRules.IAM_USER);
        assertThat(TemplateNamer.of("agent-{id}").name(a, NameRules.IAM_USER, 0)).isEqualTo("agent-web-7");
        assertThat(TemplateNamer.of("agent-{id}-{attempt}").name(a, NameRules.IAM_USER, 2)).isEqualTo("agent-web-7-2");
    }

    @Test
    void templateErrorsNameTheRuleInsteadOfTruncating() {
        Asset host = Asset.of("host", "web 7.corp");
        assertThatThrownBy(() -> TemplateNamer.of("agent-{id}").name(host, NameRules.IAM_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("{id}")
                .hasMessageContaining("' '").hasMessageContaining("IAM user name");
        Asset longId = Asset.of("host", "a".repeat(40));
        assertThatThrownBy(() -> TemplateNamer.of("agent-{id}").name(longId, NameRules.FEDERATED_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("46 characters")
                .hasMessageContaining("2-32");
        assertThatThrownBy(() -> TemplateNamer.of("agent-{id}").name(Asset.of("host", "web-7"), NameRules.IAM_USER, 1))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("same name on every attempt");
        assertThatThrownBy(() -> TemplateNamer.of("agent-{label:team}").name(Asset.of("host", "h"), NameRules.IAM_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("no label team");
        assertThatThrownBy(() -> TemplateNamer.of("agent-{id}").name(Asset.of("host", "honeypot-1"), NameRules.IAM_USER, 0))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("give the canary away");
    }

    @Test
    void providersAreRegistered() {
        ProviderRegistry<IdentityNamer, IdentityNamerProvider> registry = ProviderRegistry.load(IdentityNamerProvider.class);
        CanaryConfig config = CanaryConfig.of(Map.of(
                "canary.namer.plausible.key", KEY.reveal(),
                "canary.namer.plausible.teams", "payments,search",
                "canary.namer.plausible.suffix-length", "5",
                "canary.namer.opaque.length", "10",
                "canary.namer.hmac.key", KEY.reveal(),
                "canary.namer.hmac.prefix", "ops-",
                "canary.namer.template.pattern", "ci-{hmac:8}",
                "canary.namer.template.key", KEY.reveal()));
        Asset a = Asset.of("host", "h1");
        assertThat(registry.create("plausible", config).name(a, NameRules.IAM_USER, 0)).matches(".*-[0-9a-z]{5}");
        assertThat(registry.create("opaque", config).name(a, NameRules.IAM_USER, 0)).matches("[a-z0-9]{6}-[a-z0-9]{4}");
        assertThat(registry.create("hmac", config).name(a, NameRules.IAM_USER, 0)).startsWith("ops-");
        assertThat(registry.create("template", config).name(a, NameRules.IAM_USER, 0)).matches("ci-[0-9a-z]{8}");
        assertThat(registry.create("plausible", CanaryConfig.empty()).name(a, NameRules.IAM_USER)).isNotBlank();
    }

    @Test
    void theOldNamingKeysStillWorkForEveryNamer() {
        ProviderRegistry<IdentityNamer, IdentityNamerProvider> registry = ProviderRegistry.load(IdentityNamerProvider.class);
        CanaryConfig old = CanaryConfig.of(Map.of(
                "canary.naming.key", KEY.reveal(),
                "canary.naming.plausible.suffix-length", "5",
                "canary.naming.opaque.length", "10",
                "canary.naming.hmac.prefix", "ops-",
                "canary.naming.template", "ci-{hmac:8}"));
        CanaryConfig current = CanaryConfig.of(Map.of(
                "canary.namer.plausible.key", KEY.reveal(),
                "canary.namer.plausible.suffix-length", "5",
                "canary.namer.opaque.length", "10",
                "canary.namer.hmac.key", KEY.reveal(),
                "canary.namer.hmac.prefix", "ops-",
                "canary.namer.template.pattern", "ci-{hmac:8}",
                "canary.namer.template.key", KEY.reveal()));
        Asset a = Asset.of("host", "h1");
        for (String keyed : List.of("plausible", "hmac", "template")) {
            assertThat(registry.create(keyed, old).name(a, NameRules.IAM_USER, 0)).as(keyed)
                    .isEqualTo(registry.create(keyed, current).name(a, NameRules.IAM_USER, 0));
        }
        assertThat(registry.create("plausible", old).name(a, NameRules.IAM_USER, 0)).matches(".*-[0-9a-z]{5}");
        assertThat(registry.create("opaque", old).name(a, NameRules.IAM_USER, 0)).matches("[a-z0-9]{6}-[a-z0-9]{4}");
    }

    @Test
    void theKeyIsNeverPrinted() {
        List<Object> namers = List.of(PlausibleNamer.builder().key(KEY).build(), HmacNamer.create(KEY),
                TemplateNamer.builder().template("ci-{hmac:8}").key(KEY).build(), new Keyed.Hasher(KEY));
        for (Object n : namers) {
            assertThat(String.valueOf(n)).doesNotContain(KEY.reveal());
        }
        assertThatThrownBy(() -> TemplateNamer.builder().template("ci-{hmac:8}").key(KEY).build()
                .name(Asset.of("host", "x"), NameRules.FEDERATED_USER, -1))
                .message().doesNotContain(KEY.reveal());
    }

    private static CanaryRecord record(Asset asset, String userName) {
        return CanaryRecord.builder()
                .id(CanaryId.generate(Instant.parse("2026-11-28T10:00:00Z"), new Random(asset.id().hashCode())))
                .status(CanaryStatus.PENDING).kind(CredentialKind.IAM_USER).issuer("iam-user")
                .principal(Principal.iamUser("111122223333", "/", userName)).asset(asset)
                .createdAt(Instant.parse("2026-11-28T10:00:00Z")).build();
    }

    @SafeVarargs
    private static List<String> concat(List<String>... lists) {
        List<String> out = new ArrayList<>();
        for (List<String> l : lists) {
            out.addAll(l);
        }
        return out;
    }
}
