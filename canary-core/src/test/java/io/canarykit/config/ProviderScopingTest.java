package io.canarykit.config;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One configuration contract: the registry hands each provider the keys under canary.<point>.<name>., and only those. */
class ProviderScopingTest {
    private static final String SECRET = "tok-7d1e0c55b2f94a6e8c3b";
    private final ListAppender<ILoggingEvent> appender = new ListAppender<>();
    private final Logger logger = (Logger) LoggerFactory.getLogger(CanaryConfig.class);
    private final ProviderRegistry<Supplier<CanaryConfig>, GadgetProvider> gadgets =
            ProviderRegistry.load(GadgetProvider.class, gadgetLoader());

    static ClassLoader gadgetLoader() {
        URL url = ProviderScopingTest.class.getClassLoader().getResource("registry/gadgets/");
        assertThat(url).isNotNull();
        return new URLClassLoader(new URL[] {url}, ProviderScopingTest.class.getClassLoader());
    }

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
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    @Test
    void eachProviderGetsItsOwnKeysWithoutThePrefix() {
        CanaryConfig root = CanaryConfig.of(Map.of("canary.gadget.declared.size", "5",
                "canary.gadget.declared.colour", "red", "canary.gadget.undeclared.size", "9", "canary.kind", "iam-user"));

        CanaryConfig declared = gadgets.create("declared", root).get();
        assertThat(declared.keys()).containsExactly("colour", "size");
        assertThat(declared.getInt("size", 0)).isEqualTo(5);
        assertThat(gadgets.create("undeclared", root).get().keys()).containsExactly("size");
        assertThat(gadgets.scope("Declared")).isEqualTo("canary.gadget.declared.");
        assertThat(gadgets.point()).isEqualTo("gadget");
    }

    @Test
    void aScopedViewNamesWholeKeysAndShowsOnlyPlainDeclaredValues() {
        CanaryConfig view = gadgets.create("declared", CanaryConfig.of(Map.of("canary.gadget.declared.size", "big",
                "canary.gadget.declared.api-token", SECRET, "canary.gadget.declared.colour", "red"))).get();

        assertThatThrownBy(() -> view.getInt("size", 0))
                .hasMessageContaining("configuration property canary.gadget.declared.size: 'big' is not valid");
        assertThatThrownBy(() -> view.getInt("api-token", 0)).satisfies(e ->
                assertThat(e.getMessage()).contains("canary.gadget.declared.api-token", "its value").doesNotContain(SECRET));
        assertThat(view.toString()).doesNotContain(SECRET).contains("api-token=****", "colour=red");
    }

    @Test
    void anUnknownKeyIsWarnedAboutOnceWithTheClosestKnownOneAndNeverItsValue() {
        CanaryConfig root = CanaryConfig.of(Map.of("canary.gadget.declared.api-tokn", SECRET,
                "canary.gadget.declared.colour", "red"));
        gadgets.create("declared", root);
        gadgets.create("declared", root);

        assertThat(warnings()).singleElement().asString().contains("canary.gadget.declared.api-tokn",
                "did you mean canary.gadget.declared.api-token?").doesNotContain(SECRET);
    }

    @Test
    void undeclaredProvidersStillWorkAndAreNotWarnedAbout() {
        CanaryConfig view = gadgets.create("undeclared", CanaryConfig.of(Map.of("canary.gadget.undeclared.anything",
                SECRET))).get();

        assertThat(view.getString("anything")).isEqualTo(SECRET);
        assertThat(view.toString()).doesNotContain(SECRET);
        assertThat(warnings()).isEmpty();
    }

    @Test
    void oldSpellingsAreReadAsTheNewKeyWithOneWarningNamingIt() {
        CanaryConfig root = CanaryConfig.of(Map.of("canary.legacy.colour", "blue",
                "canary.gadget.declared.followLinks", "true"));
        for (int i = 0; i < 3; i++) {
            CanaryConfig view = gadgets.create("declared", root).get();
            assertThat(view.getString("colour")).isEqualTo("blue");
            assertThat(view.getBoolean("follow-links", false)).isTrue();
            assertThat(view.keys()).containsExactly("colour", "follow-links");
        }
        assertThat(warnings()).hasSize(2)
                .anySatisfy(w -> assertThat(w).contains("canary.legacy.colour", "deprecated",
                        "use canary.gadget.declared.colour"))
                .anySatisfy(w -> assertThat(w).contains("canary.gadget.declared.followLinks",
                        "use canary.gadget.declared.follow-links"));
        assertThatThrownBy(() -> gadgets.create("declared", CanaryConfig.of(Map.of("canary.legacy.colour", "blue",
                "canary.gadget.declared.colour", "red")))).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("given twice").hasMessageContaining("keep only canary.gadget.declared.colour");
    }

    @Test
    void keysAlreadyScopedAreRefusedLoudlyNotIgnored() {
        assertThatThrownBy(() -> gadgets.create("declared", CanaryConfig.of(Map.of("size", "5"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("canary.gadget.declared.")
                .hasMessageContaining("provider(\"declared\").create(settings)");
        assertThat(gadgets.provider("declared").create(CanaryConfig.of(Map.of("size", "5"))).get().getInt("size", 0))
                .isEqualTo(5);
        assertThat(gadgets.create("declared", CanaryConfig.empty()).get().keys()).isEmpty();
    }

    @Test
    void aMisspeltProviderNameGetsASuggestion() {
        assertThatThrownBy(() -> gadgets.provider("declard")).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("no Gadget named 'declard' (did you mean declared?)")
                .hasMessageContaining("Available: declared, undeclared");
    }
}
