package io.canarykit.config;

import io.canarykit.config.ConfigReport.Finding;
import io.canarykit.config.ConfigReport.Kind;
import io.canarykit.config.ConfigReport.Severity;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * canary config check's engine: every key under canary. is known (service keys, provider keys under
 * canary.<point>.<name>.) or reported with the closest known key; values are checked without building anything; no
 * value that is not known to be plain appears anywhere.
 */
class ConfigCheckTest {
    private static final String SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYzSECRET";
    private final ConfigCheck check = ConfigCheck.load(ProviderScopingTest.gadgetLoader());

    private ConfigReport check(String... keysAndValues) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return check.check(CanaryConfig.of(m));
    }

    private static Finding only(ConfigReport r, String key) {
        List<Finding> f = r.findings().stream().filter(x -> x.key().equals(key)).toList();
        assertThat(f).as("findings for " + key + " in " + r.findings()).hasSize(1);
        return f.get(0);
    }

    @Test
    void aValidConfigurationHasNoErrorsAndShowsItsPlainValues() {
        ConfigReport r = check("canary.kind", "assume-role", "canary.rotate.max-age", "30d",
                "canary.placement.env.lock-directory", "/var/lib/canary/locks", "canary.gadget.declared.colour", "red");

        assertThat(r.valid()).as(r.findings().toString()).isTrue();
        assertThat(r.findings()).isEmpty();
        assertThat(r.effective()).containsEntry("canary.kind", "assume-role")
                .containsEntry("canary.rotate.max-age", "30d")
                .containsEntry("canary.placement.env.lock-directory", "/var/lib/canary/locks");
        assertThat(r.defaults()).containsEntry("canary.rotate.grace-period", "1h")
                .containsEntry("canary.store", "in-memory").containsEntry("canary.gadget.declared.size", "3")
                .doesNotContainKey("canary.placement.env.lock-timeout");
    }

    @Test
    void aMisspeltKeyIsAnErrorWithTheClosestKnownKey() {
        ConfigReport r = check("canary.rotate.max-agee", "30d", "canary.placement.env.lock-directroy", "/x",
                "canary.gadget.declared.colour", "red");

        assertThat(r.valid()).isFalse();
        Finding service = only(r, "canary.rotate.max-agee");
        assertThat(service.severity()).isEqualTo(Severity.ERROR);
        assertThat(service.kind()).isEqualTo(Kind.UNKNOWN_KEY);
        assertThat(service.suggestion()).isEqualTo("canary.rotate.max-age");
        assertThat(service.message()).contains("did you mean canary.rotate.max-age?");
        assertThat(only(r, "canary.placement.env.lock-directroy").suggestion())
                .isEqualTo("canary.placement.env.lock-directory");
    }

    @Test
    void aMisspeltProviderIsAnErrorWithTheClosestKnownKey() {
        ConfigReport r = check("canary.gadget.declard.colour", "red", "canary.gadget.declared.colour", "red");

        Finding f = only(r, "canary.gadget.declard.colour");
        assertThat(f.kind()).isEqualTo(Kind.UNKNOWN_PROVIDER);
        assertThat(f.message()).contains("no Gadget named 'declard' (did you mean declared?)");
        assertThat(f.suggestion()).isEqualTo("canary.gadget.declared.colour");
    }

    @Test
    void selectorsMustNameProvidersOnTheClassPath() {
        ConfigReport r = check("canary.gadgets", "declared,undeclard", "canary.gadget.declared.colour", "red",
                "canary.store", "jdbc");

        assertThat(r.findings(Severity.ERROR)).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo("canary.gadgets");
            assertThat(f.suggestion()).isEqualTo("undeclared");
        }).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo("canary.store");
            assertThat(f.message()).contains("'jdbc' is provided by io.canarykit:canary-store-jdbc");
        });
    }

    @Test
    void valuesAreCheckedAgainstTheirTypesShowingOnlyPlainOnes() {
        ConfigReport r = check("canary.rotate.max-age", "soon", "canary.gadget.declared.size", "big",
                "canary.gadget.declared.colour", "red", "canary.response", "panic", "canary.fingerprint.mode", "loud");

        assertThat(only(r, "canary.rotate.max-age").message()).contains("'soon'", "30s");
        assertThat(only(r, "canary.gadget.declared.size").message()).contains("'big'", "whole number");
        assertThat(only(r, "canary.response").message()).contains("one of alert, revoke, revoke-and-reissue");
        assertThat(only(r, "canary.fingerprint.mode").kind()).isEqualTo(Kind.INVALID_VALUE);
    }

    @Test
    void aSecretUnderAMisspeltUnknownOrSecretKeyNeverAppears() {
        ConfigReport r = check("canary.gadget.declared.api-tokn", SECRET, "canary.gadget.declared.api-token", SECRET,
                "canary.gadget.declared.colour", "red", "canary.totally-unknown", SECRET,
                "canary.gadget.undeclared.password", SECRET, "not-canary.password", SECRET,
                "canary.placement.env.lock-directroy", SECRET);

        assertThat(r.toString()).doesNotContain(SECRET);
        assertThat(r.effective()).containsEntry("canary.gadget.declared.api-token", "****")
                .containsEntry("canary.gadget.declared.api-tokn", "****")
                .containsEntry("canary.totally-unknown", "****")
                .containsEntry("canary.gadget.undeclared.password", "****")
                .containsEntry("canary.gadget.declared.colour", "red"); // positive control
        assertThat(r.effective()).doesNotContainKey("not-canary.password");
    }

    @Test
    void keysOfAProviderThatDeclaresNoneAreNotedAsUncheckedNotErrors() {
        ConfigReport r = check("canary.gadgets", "declared,undeclared", "canary.gadget.declared.colour", "red",
                "canary.gadget.undeclared.whatever", "x");

        assertThat(r.valid()).isTrue();
        Finding f = only(r, "canary.gadget.undeclared.whatever");
        assertThat(f.severity()).isEqualTo(Severity.NOTE);
        assertThat(f.kind()).isEqualTo(Kind.UNCHECKED_KEY);
    }

    @Test
    void oldSpellingsAreWarningsNamingTheNewKey() {
        ConfigReport r = check("canary.legacy.colour", "red", "canary.gadget.declared.followLinks", "true",
                "canary.naming.key", SECRET, "canary.placement.env.followSymlinks", "true");

        assertThat(r.valid()).as(r.findings().toString()).isTrue();
        assertThat(only(r, "canary.legacy.colour").suggestion()).isEqualTo("canary.gadget.declared.colour");
        assertThat(only(r, "canary.gadget.declared.followLinks").suggestion())
                .isEqualTo("canary.gadget.declared.follow-links");
        assertThat(only(r, "canary.naming.key").suggestion()).as("the selected namer's key")
                .isEqualTo("canary.namer.plausible.key");
        assertThat(only(r, "canary.placement.env.followSymlinks").kind()).isEqualTo(Kind.DEPRECATED_KEY);
        assertThat(r.effective()).containsEntry("canary.gadget.declared.colour", "red")
                .containsEntry("canary.namer.plausible.key", "****")
                .containsEntry("canary.placement.env.follow-symlinks", "true");
        assertThat(check("canary.naming.key", SECRET, "canary.namer", "hmac").findings())
                .anySatisfy(f -> assertThat(f.suggestion()).isEqualTo("canary.namer.hmac.key"));
        assertThat(check("canary.legacy.colour", "red", "canary.gadget.declared.colour", "blue").valid()).isFalse();
    }

    @Test
    void requiredKeysOfSelectedProvidersMustBeSet() {
        ConfigReport r = check("canary.alert.sinks", "logging,jsonl-file");

        assertThat(r.findings(Severity.ERROR)).anySatisfy(f -> {
            assertThat(f.key()).isEqualTo("canary.alert.jsonl-file.path");
            assertThat(f.kind()).isEqualTo(Kind.MISSING_KEY);
        }).anySatisfy(f -> assertThat(f.key()).isEqualTo("canary.gadget.declared.colour"));
    }

    @Test
    void keysOfProvidersThatAreNotSelectedAreWarnings() {
        ConfigReport r = check("canary.alert.jsonl-file.path", "/var/log/alerts.jsonl", "canary.gadget.declared.colour",
                "red");

        Finding f = only(r, "canary.alert.jsonl-file.path");
        assertThat(f.kind()).isEqualTo(Kind.NOT_SELECTED);
        assertThat(f.message()).contains("canary.alert.sinks");
        assertThat(r.valid()).isTrue();
    }

    @Test
    void keysOutsideCanaryAreNotes() {
        ConfigReport r = check("cnary.store", "jdbc", "canary.gadget.declared.colour", "red");

        Finding f = only(r, "cnary.store");
        assertThat(f.severity()).isEqualTo(Severity.NOTE);
        assertThat(f.suggestion()).isEqualTo("canary.store");
    }

    @Test
    void keysAreKebabCase() {
        assertThat(ConfigKey.string("scp.arn-patterns", "x").name()).isEqualTo("scp.arn-patterns");
        assertThat(ConfigKey.string("tokens.<caller>", "x").matches("tokens.ci")).isTrue();
        assertThat(ConfigKey.string("tokens.<caller>", "x").matches("tokens.")).isFalse();
        assertThat(ConfigKey.unchecked("authenticator", "x").matches("authenticator.oidc.issuer")).isTrue();
        assertThatThrownBy(() -> ConfigKey.string("followSymlinks", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("kebab-case");
        assertThatThrownBy(() -> ConfigKey.string("lock_dir", "x"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
