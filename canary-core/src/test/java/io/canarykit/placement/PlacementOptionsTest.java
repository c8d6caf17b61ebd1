package io.canarykit.placement;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.file.AwsCredentialsFilePlacementProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.canarykit.placement.Fixtures.request;
import static io.canarykit.placement.Fixtures.session1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One configuration contract: kebab-case option and setting names; the old camelCase names work with one warning. */
class PlacementOptionsTest {
    private static final Set<String> KNOWN = Set.of("path", "allow-default", "credentials-file", "allow-imds-v1");
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(PlacementOptions.class);

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        appender.start();
        logger.addAppender(appender);
    }

    @AfterEach
    void release() {
        logger.detachAppender(appender);
    }

    private List<String> warnings() {
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void camelCaseIsTheKebabCaseNameWithoutDashes() {
        assertThat(PlacementOptions.camelCase("allow-imds-v1")).isEqualTo("allowImdsV1");
        assertThat(PlacementOptions.camelCase("follow-symlinks")).isEqualTo("followSymlinks");
        assertThat(PlacementOptions.camelCase("path")).isEqualTo("path");
    }

    @Test
    void kebabCaseNamesAreReadWithoutAWarning() {
        PlacementOptions o = PlacementOptions.of("test-kebab", Map.of("allow-default", "yes", "path", " x "), KNOWN);
        assertThat(o.flag("allow-default", false)).isTrue();
        assertThat(o.get("path")).isEqualTo("x");
        assertThat(warnings()).isEmpty();
    }

    @Test
    void theOldCamelCaseNameStillWorksAndIsWarnedAboutOnceNamingTheNewKey() {
        for (int i = 0; i < 3; i++) {
            PlacementOptions o = PlacementOptions.of("test-camel", Map.of("allowDefault", "true", "allowImdsV1", "on"), KNOWN);
            assertThat(o.flag("allow-default", false)).isTrue();
            assertThat(o.flag("allow-imds-v1", false)).isTrue();
        }
        assertThat(warnings()).hasSize(2);
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("allowDefault", "deprecated", "allow-default"));
        assertThat(warnings()).anySatisfy(w -> assertThat(w).contains("allowImdsV1", "allow-imds-v1"));
    }

    @Test
    void bothSpellingsWithDifferentValuesAreRefused() {
        assertThatThrownBy(() -> PlacementOptions.of("test-both", Map.of("allowDefault", "true", "allow-default", "false"), KNOWN))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("given twice")
                .hasMessageContaining("keep only allow-default");
        assertThat(PlacementOptions.of("test-both", Map.of("allowDefault", "true", "allow-default", "true"), KNOWN)
                .flag("allow-default", false)).isTrue();
    }

    @Test
    void anUnknownNameIsRefusedNamingTheClosestKnownOne() {
        assertThatThrownBy(() -> PlacementOptions.of("test-typo", Map.of("alow-default", "true"), KNOWN))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("alow-default").hasMessageContaining("did you mean allow-default?")
                .hasMessageContaining("known options: allow-default, allow-imds-v1, credentials-file, path");
        assertThatThrownBy(() -> PlacementOptions.of("test-typo", Map.of("credentials_file", "x"), KNOWN))
                .hasMessageContaining("did you mean credentials-file?");
        assertThatThrownBy(() -> PlacementOptions.of("test-typo", Map.of("zzzzzz", "x"), KNOWN))
                .hasMessageNotContaining("did you mean");
        assertThatThrownBy(() -> PlacementOptions.of("test-typo", Map.of(), Set.of("notKebab")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void settingsRenameTheOldSpellingWithOneWarningAndKeepOtherKeys() {
        CanaryConfig old = CanaryConfig.of(Map.of("credentialsFile", "/x/c", "profile", "ops"));
        CanaryConfig s = PlacementOptions.settings("test-settings", old, KNOWN);
        assertThat(s.getString("credentials-file")).isEqualTo("/x/c");
        assertThat(s.has("credentialsFile")).isFalse();
        assertThat(s.getString("profile")).isEqualTo("ops");
        PlacementOptions.settings("test-settings", old, KNOWN);
        assertThat(warnings()).singleElement().asString()
                .contains("credentialsFile", "canary.placement.test-settings.credentials-file");
        assertThatThrownBy(() -> PlacementOptions.settings("test-settings",
                CanaryConfig.of(Map.of("credentialsFile", "/a", "credentials-file", "/b")), KNOWN))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("given twice");
    }

    @Test
    void providersReadKebabCaseSettingsAndTheOldSpelling() {
        Path kebab = dir.resolve("kebab/credentials");
        Path camel = dir.resolve("camel/credentials");
        AwsCredentialsFilePlacementProvider provider = new AwsCredentialsFilePlacementProvider();
        PlacementReceipt a = provider.create(CanaryConfig.of(Map.of("credentials-file", kebab.toString(), "config", "false")))
                .place(request(session1(), "profile", "ops", "config", "false"));
        assertThat(a.location()).isEqualTo(kebab.toString());
        PlacementReceipt b = provider.create(CanaryConfig.of(Map.of("credentialsFile", camel.toString())))
                .place(request(session1(), "profile", "ops", "config", "false"));
        assertThat(b.location()).isEqualTo(camel.toString());
    }
}
