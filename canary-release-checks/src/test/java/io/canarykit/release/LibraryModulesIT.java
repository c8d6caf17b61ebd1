package io.canarykit.release;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The module descriptors of canary-aws, the stores, canary-placement-secrets, canary-testkit, canary-server and
 * canary-cli, checked the way {@link ModuleDescriptorIT} checks core's: the built jars (with core's and their
 * third-party modules) are loaded as named modules in a module layer of their own, and the test reads what a
 * module-path user gets. ElasticMQ (Scala jars without a valid module name) and wiremock-standalone (it bundles
 * {@code org.jspecify.annotations}, which JUnit's {@code org.jspecify} module exports too) cannot be modules there: they
 * are on the layer's parent class loader, its "class path", as a module-path user would put them.
 */
class LibraryModulesIT {

    private static final String INTERNAL_TARGETS = "io.canarykit.";

    /** module name to its exported packages (an empty set: to everyone). */
    private static final Map<String, Map<String, Set<String>>> EXPORTS = Map.of(
            "io.canarykit.aws", Map.of(
                    "io.canarykit.aws.account", Set.of(),
                    "io.canarykit.aws.alert", Set.of(),
                    "io.canarykit.aws.detect", Set.of(),
                    "io.canarykit.aws.issue", Set.of(),
                    "io.canarykit.aws.placement", Set.of()),
            "io.canarykit.store.jdbc", Map.of("io.canarykit.store.jdbc", Set.of()),
            "io.canarykit.store.dynamodb", Map.of("io.canarykit.store.dynamodb", Set.of()),
            "io.canarykit.placement.secrets", Map.of("io.canarykit.placement.secrets", Set.of()),
            "io.canarykit.testkit", Map.of(
                    "io.canarykit.testkit.assertions", Set.of(),
                    "io.canarykit.testkit.aws", Set.of(),
                    "io.canarykit.testkit.placement", Set.of(),
                    "io.canarykit.testkit.postgres", Set.of(),
                    "io.canarykit.testkit.sqs", Set.of(),
                    "io.canarykit.testkit.store", Set.of()),
            "io.canarykit.server", Map.of("io.canarykit.server", Set.of()),
            "io.canarykit.cli", Map.of());

    /** module name to the packages of classes it does not export (implementation). */
    private static final Map<String, Set<String>> NOT_EXPORTED = Map.of(
            "io.canarykit.aws", Set.of(),
            "io.canarykit.store.jdbc", Set.of(),
            "io.canarykit.store.dynamodb", Set.of(),
            "io.canarykit.placement.secrets", Set.of(),
            "io.canarykit.testkit", Set.of("io.canarykit.testkit.internal"),
            "io.canarykit.server", Set.of("io.canarykit.server.console"),
            "io.canarykit.cli", Set.of("io.canarykit.cli"));

    private static final Map<String, String> ARTIFACTS = Map.of(
            "io.canarykit.aws", "canary-aws",
            "io.canarykit.store.jdbc", "canary-store-jdbc",
            "io.canarykit.store.dynamodb", "canary-store-dynamodb",
            "io.canarykit.placement.secrets", "canary-placement-secrets",
            "io.canarykit.testkit", "canary-testkit",
            "io.canarykit.server", "canary-server",
            "io.canarykit.cli", "canary-cli");

    private static final Map<String, Path> JARS = new TreeMap<>();
    private static ModuleLayer layer;
    private static URLClassLoader classPath;
    private static ClassLoader loader;

    @BeforeAll
    static void layer() throws IOException {
        List<Path> modulePath = new ArrayList<>();
        List<URL> parent = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path p = Paths.get(entry).toAbsolutePath();
            String name = p.getFileName().toString();
            String unix = p.toString().replace('\\', '/');
            if (!name.endsWith(".jar") || name.contains("surefire") || name.contains("failsafe")) {
                continue;
            }
            for (Map.Entry<String, String> a : ARTIFACTS.entrySet()) {
                if (name.matches(a.getValue() + "-[0-9.]+(-SNAPSHOT)?\\.jar")) {
                    JARS.put(a.getKey(), p);
                }
            }
            // ElasticMQ and what it runs on (Scala, Pekko, Typesafe config), and wiremock-standalone: the "class path"
            if (name.startsWith("wiremock-standalone-") || unix.contains("/org/elasticmq/")
                    || unix.contains("/org/apache/pekko/") || unix.contains("/org/scala-lang/")
                    || unix.contains("/com/typesafe/") || unix.contains("/io/spray/") || unix.contains("/org/parboiled/")
                    || unix.contains("/org/reactivestreams/")) {
                parent.add(p.toUri().toURL());
                continue;
            }
            if (name.startsWith("slf4j-api-")) {
                parent.add(p.toUri().toURL()); // Pekko logs through SLF4J: the class path gets its own copy
            }
            try {
                ModuleFinder.of(p).findAll();
                modulePath.add(p);
            } catch (FindException e) {
                throw new AssertionError(p + " has no valid module name: decide where it goes", e);
            }
        }
        assertThat(JARS).as("the built jars of the modules under test").containsOnlyKeys(ARTIFACTS.keySet());
        classPath = new URLClassLoader("class-path", parent.toArray(URL[]::new), ClassLoader.getPlatformClassLoader());
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolveAndBind(ModuleFinder.of(modulePath.toArray(Path[]::new)),
                ModuleFinder.of(), ARTIFACTS.keySet());
        layer = boot.defineModulesWithOneLoader(cf, classPath);
        loader = layer.findLoader("io.canarykit.core");
    }

    @AfterAll
    static void close() throws IOException {
        if (classPath != null) {
            classPath.close();
        }
    }

    private static ModuleDescriptor descriptor(String module) {
        return layer.findModule(module).orElseThrow(() -> new AssertionError(module + " not in the layer"))
                .getDescriptor();
    }

    @Test
    void eachModuleIsNamedAndExportsItsApiPackagesOnly() throws IOException {
        for (String module : ARTIFACTS.keySet()) {
            ModuleDescriptor d = descriptor(module);
            assertThat(d.isAutomatic()).as("%s has a module-info.class", module).isFalse();
            Map<String, Set<String>> exports = d.exports().stream()
                    .collect(Collectors.toMap(ModuleDescriptor.Exports::source, ModuleDescriptor.Exports::targets));
            assertThat(exports).as("exports of %s", module).isEqualTo(EXPORTS.get(module));

            Set<String> withClasses = packagesWithClasses(JARS.get(module));
            Set<String> hidden = new TreeSet<>(withClasses);
            hidden.removeAll(exports.keySet());
            assertThat(hidden).as("packages of %s that are not exported", module).isEqualTo(NOT_EXPORTED.get(module));
        }
    }

    @Test
    void internalPackagesOfCoreAreExportedToTheseModulesOnly() {
        ModuleDescriptor core = descriptor("io.canarykit.core");
        Set<String> targets = core.exports().stream().filter(e -> e.source().equals("io.canarykit.internal"))
                .findFirst().orElseThrow().targets();
        assertThat(targets).allMatch(t -> t.startsWith(INTERNAL_TARGETS));
        for (String module : List.of("io.canarykit.aws", "io.canarykit.testkit")) {
            // they use io.canarykit.internal: the qualified export must name them
            assertThat(targets).contains(module);
            assertThat(layer.findModule("io.canarykit.core").orElseThrow()
                    .isExported("io.canarykit.internal", layer.findModule(module).orElseThrow())).isTrue();
        }
    }

    @Test
    void providesMatchesTheServicesFilesAndServiceLoaderFindsTheProvidersOnTheModulePath() throws Exception {
        for (String module : ARTIFACTS.keySet()) {
            Map<String, Set<String>> servicesFiles = ModuleDescriptorIT.servicesFiles(JARS.get(module));
            Map<String, Set<String>> provides = new TreeMap<>();
            descriptor(module).provides().forEach(p -> provides.put(p.service(), new TreeSet<>(p.providers())));
            assertThat(provides).as("provides … with … of %s against its META-INF/services", module)
                    .isEqualTo(servicesFiles);

            for (Map.Entry<String, Set<String>> e : servicesFiles.entrySet()) {
                Class<?> service = loader.loadClass(e.getKey());
                Set<String> found = ServiceLoader.load(layer, service).stream().map(p -> p.type().getName())
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(found).as("ServiceLoader on the module path: %s of %s", e.getKey(), module)
                        .containsAll(e.getValue());
            }
        }
        assertThat(ModuleDescriptorIT.servicesFiles(JARS.get("io.canarykit.aws"))).as("positive control").isNotEmpty();
    }

    @Test
    void theProviderRegistryFindsEachModulesProvidersOnTheModulePath() throws Exception {
        assertThat(names("io.canarykit.issue.CanaryIssuerProvider"))
                .contains("iam-user", "assume-role", "federation-token");
        assertThat(names("io.canarykit.store.CanaryStoreProvider")).contains("in-memory", "jdbc", "dynamodb");
        assertThat(names("io.canarykit.placement.PlacementProvider"))
                .contains("aws-secrets-manager", "ssm-parameter", "github-actions-secret", "gitlab-ci-variable",
                        "vault-kv", "env");
        assertThat(names("io.canarykit.detect.DetectorProvider")).contains("cloudtrail-lookup");
        assertThat(names("io.canarykit.alert.AlertSinkProvider")).contains("sns", "eventbridge");

        // the server's own plug-in point, loaded by the server ("uses") from its module
        Class<?> authenticators = loader.loadClass("io.canarykit.server.CallerAuthenticatorProvider");
        Set<String> found = new TreeSet<>();
        for (Object p : ServiceLoader.load(layer, authenticators)) {
            found.add((String) authenticators.getMethod("name").invoke(p));
        }
        assertThat(found).hasSize(4);
        assertThat(descriptor("io.canarykit.server").uses()).contains(authenticators.getName());
    }

    @Test
    void theJdbcStoreReadsItsSchemaScriptsOnTheModulePath() throws Exception {
        Class<?> registry = loader.loadClass("io.canarykit.config.ProviderRegistry");
        Class<?> stores = loader.loadClass("io.canarykit.store.CanaryStoreProvider");
        Class<?> config = loader.loadClass("io.canarykit.config.CanaryConfig");
        Object root = config.getMethod("of", Map.class).invoke(null,
                Map.of("canary.store.jdbc.url", "jdbc:h2:mem:modules;DB_CLOSE_DELAY=-1"));
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader); // DriverManager finds H2 (an automatic module of the layer) through it
        try {
            Object loaded = registry.getMethod("load", Class.class, ClassLoader.class).invoke(null, stores, loader);
            Object store = registry.getMethod("create", String.class, config).invoke(loaded, "jdbc", root);
            try {
                assertThat(store.getClass().getName()).isEqualTo("io.canarykit.store.jdbc.JdbcCanaryStore");
                assertThat(store.getClass().getModule().getName()).isEqualTo("io.canarykit.store.jdbc");
            } finally {
                ((AutoCloseable) store).close();
            }
        } finally {
            t.setContextClassLoader(before);
        }
    }

    @Test
    void theTestKitsEmulatorAndEmbeddedSqsRunOnTheModulePathWithWireMockAndElasticMqOnTheClassPath() throws Exception {
        Class<?> emulator = loader.loadClass("io.canarykit.testkit.aws.AwsEmulator");
        assertThat(emulator.getModule().getName()).isEqualTo("io.canarykit.testkit");
        assertThat(classPath.loadClass("com.github.tomakehurst.wiremock.WireMockServer").getModule().isNamed())
                .as("WireMock is on the class path").isFalse();
        try (AutoCloseable aws = (AutoCloseable) emulator.getMethod("start").invoke(null)) {
            URI endpoint = (URI) emulator.getMethod("endpoint").invoke(aws);
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(endpoint)
                    .POST(HttpRequest.BodyPublishers.ofString("Action=GetCallerIdentity&Version=2011-06-15"))
                    .header("Content-Type", "application/x-www-form-urlencoded").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as("the emulator answers: an unsigned call is refused as AWS refuses it")
                    .isBetween(400, 499);
        }

        Class<?> sqs = loader.loadClass("io.canarykit.testkit.sqs.EmbeddedSqs");
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        // Pekko loads its classes by name through the context class loader: here that must be the layer's (whose
        // parent holds them), as on a real module path it is the application class loader holding the class path
        t.setContextClassLoader(loader);
        try (AutoCloseable server = (AutoCloseable) sqs.getMethod("start").invoke(null)) {
            String url = (String) sqs.getMethod("createQueue", String.class, Duration.class)
                    .invoke(server, "modules", Duration.ofSeconds(30));
            assertThat(url).endsWith("/modules");
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static Set<String> names(String plugInPoint) throws Exception {
        Class<?> registry = loader.loadClass("io.canarykit.config.ProviderRegistry");
        Object loaded = registry.getMethod("load", Class.class, ClassLoader.class)
                .invoke(null, loader.loadClass(plugInPoint), loader);
        @SuppressWarnings("unchecked")
        Set<String> names = (Set<String>) registry.getMethod("names").invoke(loaded);
        return names;
    }

    private static Set<String> packagesWithClasses(Path jar) throws IOException {
        Set<String> out = new TreeSet<>();
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            zip.stream().map(ZipEntry::getName)
                    .filter(n -> n.endsWith(".class") && !n.startsWith("META-INF/") && n.contains("/"))
                    .forEach(n -> out.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.')));
        }
        return out;
    }
}
