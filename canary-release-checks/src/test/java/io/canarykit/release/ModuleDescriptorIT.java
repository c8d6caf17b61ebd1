package io.canarykit.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Loads the built {@code canary-core} jar as a named module in a module layer of its own (with Jackson and SLF4J, and
 * without JSpecify, which it requires only statically) and checks what a module-path user gets: the API packages
 * exported, {@code io.canarykit.internal} only to canarykit's modules, and every provider of its
 * {@code META-INF/services} files declared with {@code provides} (so the two registrations cannot drift apart), found
 * by {@link ServiceLoader} and by the provider registry.
 */
class ModuleDescriptorIT {

    private static final Path ROOT = Paths.get(System.getProperty("canary.root")).toAbsolutePath().normalize();
    private static Path coreJar;
    private static ModuleLayer layer;

    @BeforeAll
    static void layer() throws IOException {
        try (var jars = Files.list(ROOT.resolve("canary-core/target"))) {
            coreJar = jars.filter(p -> p.getFileName().toString().matches("canary-core-[0-9.]+(-SNAPSHOT)?\\.jar"))
                    .findFirst().orElseThrow(() -> new AssertionError("build canary-core first"));
        }
        List<Path> path = new ArrayList<>();
        path.add(coreJar);
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            String name = Paths.get(entry).getFileName().toString();
            if (name.startsWith("jackson-databind-") || name.startsWith("jackson-core-")
                    || name.startsWith("jackson-annotations-") || name.startsWith("slf4j-api-")) {
                path.add(Paths.get(entry));
            }
        }
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(path.toArray(Path[]::new)),
                ModuleFinder.of(), Set.of("io.canarykit.core"));
        layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getPlatformClassLoader());
    }

    @Test
    void exportsTheApiPackagesAndInternalOnlyToCanarykitModules() {
        ModuleDescriptor d = layer.findModule("io.canarykit.core").orElseThrow().getDescriptor();

        assertThat(d.isAutomatic()).isFalse();
        Map<String, Set<String>> exports = d.exports().stream()
                .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
        assertThat(exports).containsKeys("io.canarykit", "io.canarykit.config", "io.canarykit.placement",
                "io.canarykit.store", "io.canarykit.alert", "io.canarykit.policy");
        assertThat(exports.get("io.canarykit.placement")).as("unqualified").isEmpty();
        assertThat(exports.get("io.canarykit.internal")).as("qualified export")
                .isNotEmpty().allMatch(m -> m.startsWith("io.canarykit."));
        assertThat(d.packages()).as("every package is exported").isEqualTo(exports.keySet());
    }

    @Test
    void providesEveryServiceOfItsServicesFilesAndServiceLoaderFindsThem() throws Exception {
        Map<String, Set<String>> servicesFiles = servicesFiles(coreJar);
        assertThat(servicesFiles).isNotEmpty();
        ModuleDescriptor d = layer.findModule("io.canarykit.core").orElseThrow().getDescriptor();
        Map<String, Set<String>> provides = new TreeMap<>();
        d.provides().forEach(p -> provides.put(p.service(), new TreeSet<>(p.providers())));

        assertThat(provides).as("provides … with … of module-info.java against META-INF/services")
                .isEqualTo(servicesFiles);

        ClassLoader loader = layer.findLoader("io.canarykit.core");
        for (Map.Entry<String, Set<String>> e : servicesFiles.entrySet()) {
            Class<?> service = loader.loadClass(e.getKey());
            Set<String> found = ServiceLoader.load(layer, service).stream().map(p -> p.type().getName())
                    .collect(Collectors.toCollection(TreeSet::new));
            assertThat(found).as("ServiceLoader on the module path: %s", e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void theProviderRegistryFindsProvidersOnTheModulePath() throws Exception {
        ClassLoader loader = layer.findLoader("io.canarykit.core");
        Class<?> registry = loader.loadClass("io.canarykit.config.ProviderRegistry");
        Class<?> placements = loader.loadClass("io.canarykit.placement.PlacementProvider");

        Object loaded = registry.getMethod("load", Class.class, ClassLoader.class).invoke(null, placements, loader);
        @SuppressWarnings("unchecked")
        Set<String> names = (Set<String>) registry.getMethod("names").invoke(loaded);

        assertThat(names).contains("aws-credentials-file", "env", "imds", "kubernetes-secret");
    }

    /** The providers each {@code META-INF/services} file of {@code jar} lists, by service (also LibraryModulesIT's). */
    static Map<String, Set<String>> servicesFiles(Path jar) throws IOException {
        Map<String, Set<String>> out = new TreeMap<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            for (ZipEntry entry : zip.stream().collect(Collectors.toList())) {
                String name = entry.getName();
                if (!name.startsWith("META-INF/services/") || entry.isDirectory()) {
                    continue;
                }
                Set<String> providers = new TreeSet<>();
                try (BufferedReader r = new BufferedReader(
                        new InputStreamReader(zip.getInputStream(entry), StandardCharsets.UTF_8))) {
                    r.lines().map(l -> l.replaceAll("#.*", "").trim()).filter(l -> !l.isEmpty())
                            .forEach(providers::add);
                }
                out.put(name.substring("META-INF/services/".length()), providers);
            }
        }
        return out;
    }
}
