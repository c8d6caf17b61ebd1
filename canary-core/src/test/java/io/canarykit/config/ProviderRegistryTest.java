package io.canarykit.config;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreProvider;
import io.canarykit.store.InMemoryCanaryStore;
import org.junit.jupiter.api.Test;

import java.net.URL;
import java.net.URLClassLoader;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProviderRegistryTest {

    private static ClassLoader servicesFrom(String dir) {
        URL url = ProviderRegistryTest.class.getClassLoader().getResource("registry/" + dir + "/");
        assertThat(url).as("test resources for " + dir).isNotNull();
        return new URLClassLoader(new URL[] {url}, ProviderRegistryTest.class.getClassLoader());
    }

    @Test
    void findsProvidersByNormalisedName() {
        ProviderRegistry<Widget, WidgetProvider> registry = ProviderRegistry.load(WidgetProvider.class, servicesFrom("one"));

        assertThat(registry.names()).containsExactly("alpha", "beta");
        assertThat(registry.problems()).isEmpty();
        assertThat(registry.create(" ALPHA", CanaryConfig.of(Map.of("widget.color", "red"))).label()).isEqualTo("alpha:red");
    }

    @Test
    void unknownNameListsWhatIsAvailable() {
        ProviderRegistry<Widget, WidgetProvider> registry = ProviderRegistry.load(WidgetProvider.class, servicesFrom("one"));

        assertThatThrownBy(() -> registry.provider("gamma"))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("no Widget named 'gamma'")
                .hasMessageContaining("Available: alpha, beta");
    }

    @Test
    void unknownNameOfAProjectProviderNamesTheModuleThatSuppliesIt() {
        ProviderRegistry<CanaryStore, CanaryStoreProvider> registry = ProviderRegistry.load(CanaryStoreProvider.class);

        assertThat(registry.names()).contains("in-memory");
        assertThatThrownBy(() -> registry.provider("dynamodb"))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("in-memory")
                .hasMessageContaining("io.canarykit:canary-store-dynamodb");
    }

    @Test
    void twoProvidersWithOneNameFailFast() {
        assertThatThrownBy(() -> ProviderRegistry.load(WidgetProvider.class, servicesFrom("duplicate")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("two Widget providers are named 'alpha'")
                .hasMessageContaining(TestWidgets.Alpha.class.getName())
                .hasMessageContaining(TestWidgets.AlphaAgain.class.getName());
    }

    @Test
    void brokenProvidersAreIsolatedAndReported() {
        ProviderRegistry<Widget, WidgetProvider> registry = ProviderRegistry.load(WidgetProvider.class, servicesFrom("broken"));

        assertThat(registry.names()).containsExactly("beta");
        assertThat(registry.create("beta", CanaryConfig.empty()).label()).isEqualTo("beta");
        assertThat(registry.problems()).hasSize(3);
        assertThat(registry.problems()).extracting(ProviderProblem::message)
                .anySatisfy(m -> assertThat(m).contains("native library missing"))
                .anySatisfy(m -> assertThat(m).contains("NoSuchClass"))
                .anySatisfy(m -> assertThat(m).contains("no name today"));
        assertThatThrownBy(() -> registry.provider("broken"))
                .hasMessageContaining("Available: beta")
                .hasMessageContaining("native library missing");
    }

    @Test
    void explicitInstanceBeatsConfigurationWhichBeatsTheDefault() {
        ProviderRegistry<Widget, WidgetProvider> registry = ProviderRegistry.load(WidgetProvider.class, servicesFrom("one"));
        CanaryConfig config = CanaryConfig.of(Map.of("canary.widget", "beta"));
        Widget mine = () -> "mine";

        assertThat(registry.resolve(mine, config, "canary.widget", "alpha")).isSameAs(mine);
        assertThat(registry.resolve(null, config, "canary.widget", "alpha").label()).isEqualTo("beta");
        assertThat(registry.resolve(null, CanaryConfig.empty(), "canary.widget", "alpha").label()).isEqualTo("alpha:none");
        assertThatThrownBy(() -> registry.resolve(null, CanaryConfig.empty(), "canary.widget", null))
                .hasMessageContaining("set canary.widget to one of alpha, beta");
    }

    @Test
    void handWiredRegistryRefusesDuplicatesToo() {
        assertThatThrownBy(() -> ProviderRegistry.of(WidgetProvider.class, new TestWidgets.Alpha(), new TestWidgets.AlphaAgain()))
                .isInstanceOf(CanaryConfigurationException.class);
        ProviderRegistry<CanaryStore, CanaryStoreProvider> stores = ProviderRegistry.of(CanaryStoreProvider.class,
                new io.canarykit.store.InMemoryCanaryStoreProvider());
        assertThat(stores.create("in-memory", CanaryConfig.empty())).isInstanceOf(InMemoryCanaryStore.class);
    }
}
