package io.canarykit.config;

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
    private final Map<String, P> byName;
    private final List<ProviderProblem> problems;

    private ProviderRegistry(Class<P> type, Map<String, P> byName, List<ProviderProblem> problems) {
        this.type = type;
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
        return byName.containsKey(normalize(name));
    }

    /**
     * The provider named {@code name}.
     *
     * @throws CanaryConfigurationException listing the names available if there is none
     */
    public P provider(String name) {
        String n = normalize(name);
        P p = n == null ? null : byName.get(n);
        if (p == null) {
            throw unknown(name);
        }
        return p;
    }

    /** Creates the component named {@code name} from {@code config}. */
    public T create(String name, CanaryConfig config) {
        return provider(name).create(config);
    }

    /**
     * Resolves a component: the caller's {@code explicit} instance if given; else the provider named by the
     * configuration property {@code key}; else the provider named {@code defaultName}.
     *
     * @throws CanaryConfigurationException if none of them yields a component
     */
    public T resolve(T explicit, CanaryConfig config, String key, String defaultName) {
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
        sb.append("no ").append(componentName()).append(" named '").append(name).append("'. Available: ")
                .append(describeNames()).append('.');
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
        return name == null ? null : name.trim().toLowerCase(Locale.ROOT);
    }

    private static String knownModule(String providerType, String name) {
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
