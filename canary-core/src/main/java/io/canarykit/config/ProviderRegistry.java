package io.canarykit.config;

import io.canarykit.internal.KeyNames;
import io.canarykit.CanaryConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The providers of one plugin point, by name.
 *
 * <ul>
 *   <li>Names are trimmed and lower-cased.</li>
 *   <li>Two providers with one name fail fast when the registry is built, naming both classes.</li>
 *   <li>A provider that throws while loading is isolated and reported in {@link #problems()}, and in the message of
 *       any lookup that fails.</li>
 *   <li>An unknown name fails with the names available and, for the project's own providers, the module that
 *       supplies it.</li>
 *   <li>An instance the caller gives beats configuration, and configuration beats the default name
 *       ({@link #resolve}).</li>
 *   <li>Each provider gets its own keys ({@link #create}): those under {@code canary.<point>.<name>.} of the whole
 *       configuration, without that prefix, where {@code point} is the provider interface's {@link PlugInPoint}. The
 *       old spellings of the keys the provider declares ({@link ComponentProvider#configKeys()}) are renamed with a
 *       deprecation warning naming the new key, and keys it does not declare are warned about with the closest
 *       known one.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @param <T> the component type
 * @param <P> the provider type
 *
 * @since 0.1.0
 */
public final class ProviderRegistry<T, P extends ComponentProvider<T>> {
    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*");
    private static final String KNOWN = "io/canarykit/config/known-providers.properties";

    private final Class<P> type;
    private final @Nullable String point;
    private final Map<String, P> byName;
    private final List<ProviderProblem> problems;

    private ProviderRegistry(Class<P> type, Map<String, P> byName, List<ProviderProblem> problems) {
        this.type = type;
        PlugInPoint p = type.getAnnotation(PlugInPoint.class);
        this.point = p == null ? null : p.value();
        this.byName = Collections.unmodifiableMap(byName);
        this.problems = List.copyOf(problems);
    }

    /** Loads the providers of {@code type} with the thread's context class loader (or this class's loader). */
    public static <T, P extends ComponentProvider<T>> ProviderRegistry<T, P> load(Class<P> type) {
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        return load(type, cl != null ? cl : ProviderRegistry.class.getClassLoader());
    }

    /**
     * Loads the providers of {@code type} from {@code classLoader}.
     *
     * @throws CanaryConfigurationException if two providers share a name
     */
    public static <T, P extends ComponentProvider<T>> ProviderRegistry<T, P> load(Class<P> type, ClassLoader classLoader) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(classLoader, "classLoader");
        List<P> found = new ArrayList<>();
        List<ProviderProblem> problems = new ArrayList<>();
        // on the module path, a plug-in point of another module (the server's, a user's) needs a "uses" of this module
        // too; on the class path this does nothing
        ProviderRegistry.class.getModule().addUses(type);
        Iterator<P> it = ServiceLoader.load(type, classLoader).iterator();
        int index = 0;
        while (true) {
            index++;
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(new ProviderProblem(type, "entry #" + index, e));
                if (problems.size() > 100) {
                    break; // a broken loader that keeps failing: stop rather than loop
                }
            }
        }
        return build(type, found, problems);
    }

    /**
     * A registry of the given providers, for users who wire by hand and for tests.
     *
     * @throws CanaryConfigurationException if two providers share a name
     */
    @SafeVarargs
    public static <T, P extends ComponentProvider<T>> ProviderRegistry<T, P> of(Class<P> type, P... providers) {
        return build(type, List.of(providers), List.of());
    }

    private static <T, P extends ComponentProvider<T>> ProviderRegistry<T, P> build(Class<P> type, List<P> providers,
                                                                                     List<ProviderProblem> problemsIn) {
        List<ProviderProblem> problems = new ArrayList<>(problemsIn);
        Map<String, P> byName = new TreeMap<>();
        for (P p : providers) {
            String name;
            try {
                name = normalize(p.name());
            } catch (RuntimeException | LinkageError e) {
                problems.add(new ProviderProblem(type, p.getClass().getName(), e));
                continue;
            }
            if (name == null || !NAME.matcher(name).matches()) {
                problems.add(new ProviderProblem(type, p.getClass().getName(),
                        new IllegalArgumentException("invalid provider name '" + p.name()
                                + "': use lower-case letters, digits, '.', '_' and '-'")));
                continue;
            }
            P previous = byName.putIfAbsent(name, p);
            if (previous != null) {
                throw new CanaryConfigurationException("two " + componentName(type) + " providers are named '" + name + "': "
                        + previous.getClass().getName() + " and " + p.getClass().getName()
                        + ". Remove one of the jars that provide them from the class path, or rename one provider.");
            }
        }
        return new ProviderRegistry<>(type, byName, problems);
    }

    /** The provider interface. */
    public Class<P> type() {
        return type;
    }

    /** The names available, sorted. */
    public Set<String> names() {
        return byName.keySet();
    }

    /** Providers that failed to load. */
    public List<ProviderProblem> problems() {
        return problems;
    }

    /** True if a provider has this name. */
    public boolean contains(String name) {
        return name != null && byName.containsKey(normalize(name)); // a caller outside NullAway may pass null
    }

    /**
     * The provider named {@code name}.
     *
     * @throws CanaryConfigurationException listing the names available if there is none
     */
    public P provider(String name) {
        P p = name == null ? null : byName.get(normalize(name)); // a caller outside NullAway may pass null
        if (p == null) {
            throw unknown(String.valueOf(name));
        }
        return p;
    }

    /** The plug-in point's name ({@link PlugInPoint}), or {@code null} if the provider interface has none. */
    public @Nullable String point() {
        return point;
    }

    /**
     * Where the provider named {@code name} reads its keys: {@code canary.<point>.<name>.}; {@code null} if the
     * provider interface has no {@link PlugInPoint}.
     */
    public @Nullable String scope(String name) {
        return point == null ? null : scopeOf(point, name);
    }

    private static String scopeOf(String point, String name) {
        return "canary." + point + "." + normalize(name) + ".";
    }

    /**
     * Creates the component named {@code name} from the whole configuration: the provider gets its own keys
     * ({@link #settings}). For a provider interface without a {@link PlugInPoint}, {@code root} is handed over as
     * given.
     *
     * @param root the whole configuration (keys starting with {@code canary.}); to hand a provider keys you have
     *             already scoped, call {@code provider(name).create(settings)}
     * @throws CanaryConfigurationException if there is no such provider or its configuration is wrong
     * @throws IllegalArgumentException if {@code root} has keys but none under {@code canary.}: it was scoped already
     */
    public T create(String name, CanaryConfig root) {
        P provider = provider(name);
        return provider.create(point == null ? root : settings(name, root));
    }

    /**
     * The keys the provider named {@code name} reads, as {@link #create} hands them over: those under
     * {@link #scope}, without it, with the old spellings of the keys it declares renamed (a deprecation warning,
     * once per JVM, names the new key), declaring its keys. A key it does not declare is warned about once, with the
     * closest known key; a provider that declares nothing gets its keys unchecked.
     *
     * @throws CanaryConfigurationException if there is no such provider, or a key is given in both spellings with
     *         different values
     * @throws IllegalArgumentException if {@code root} has keys but none under {@code canary.}
     */
    public CanaryConfig settings(String name, CanaryConfig root) {
        Objects.requireNonNull(root, "root");
        P provider = provider(name);
        String p = point;
        if (p == null) {
            return root;
        }
        if (!root.keys().isEmpty() && root.keys().stream().noneMatch(k -> k.startsWith("canary."))) {
            throw new IllegalArgumentException("the " + componentName() + " registry takes the whole configuration"
                    + " (the provider's keys under " + scope(name) + "), and these keys are not under canary.: call"
                    + " provider(\"" + normalize(name) + "\").create(settings) to hand a provider keys you scoped yourself");
        }
        String scope = scopeOf(p, name);
        ConfigKeys keys = provider.configKeys();
        if (!keys.declared()) {
            return root.scoped(scope);
        }
        CanaryConfig settings = keys.settings(root, scope, ConfigWarnings::deprecated);
        for (String key : settings.keys()) {
            if (keys.find(key) == null) {
                String close = keys.closest(key);
                ConfigWarnings.unknown(scope + key, "the " + normalize(name) + " " + componentName(),
                        close == null ? null : scope + close);
            }
        }
        return settings;
    }

    /**
     * Resolves a component: the caller's {@code explicit} instance if given; else the provider named by the
     * configuration property {@code key}; else the provider named {@code defaultName}.
     *
     * @throws CanaryConfigurationException if none of them yields a component
     */
    public T resolve(@Nullable T explicit, CanaryConfig config, String key, String defaultName) {
        if (explicit != null) {
            return explicit;
        }
        String name = config.getString(key, defaultName);
        if (name == null) {
            throw new CanaryConfigurationException("no " + componentName() + " configured: set " + key + " to one of "
                    + describeNames() + ", or pass an instance to the builder");
        }
        return create(name, config);
    }

    private CanaryConfigurationException unknown(String name) {
        StringBuilder sb = new StringBuilder();
        sb.append("no ").append(componentName()).append(" named '").append(name).append("'");
        String close = KeyNames.closest(normalize(name), byName.keySet());
        if (close != null) {
            sb.append(" (did you mean ").append(close).append("?)");
        }
        sb.append(". Available: ").append(describeNames()).append('.');
        String module = knownModule(type.getSimpleName(), normalize(name));
        if (module != null) {
            sb.append(" '").append(normalize(name)).append("' is provided by ").append(module)
                    .append(": add it as a dependency.");
        }
        for (ProviderProblem p : problems) {
            sb.append(" Note: ").append(p.message()).append('.');
        }
        return new CanaryConfigurationException(sb.toString());
    }

    private String describeNames() {
        return byName.isEmpty() ? "none (no provider found on the class path)" : String.join(", ", byName.keySet());
    }

    private String componentName() {
        return componentName(type);
    }

    private static String componentName(Class<?> type) {
        String simple = type.getSimpleName();
        return simple.endsWith("Provider") ? simple.substring(0, simple.length() - "Provider".length()) : simple;
    }

    static String normalize(String name) {
        return name.trim().toLowerCase(Locale.ROOT);
    }

    private static @Nullable String knownModule(String providerType, @Nullable String name) {
        if (name == null) {
            return null;
        }
        Properties known = new Properties();
        try (InputStream in = ProviderRegistry.class.getClassLoader().getResourceAsStream(KNOWN)) {
            if (in != null) {
                known.load(in);
            }
        } catch (IOException e) {
            return null;
        }
        return known.getProperty(providerType + "." + name);
    }

    @Override
    public String toString() {
        return "ProviderRegistry[" + type.getSimpleName() + ": " + describeNames() + "]";
    }
}
