package io.canarykit.config;

import io.canarykit.internal.KeyNames;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.ConfigReport.Finding;
import io.canarykit.config.ConfigReport.Kind;
import io.canarykit.config.ConfigReport.Severity;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Checks a whole configuration against every key known on the class path, without building anything: no AWS client,
 * no store, no file is touched. Known are the keys of every {@link ConfigSection} and, for each of their plug-in points,
 * the keys each provider declares under {@code canary.<point>.<name>.}.
 *
 * <ul>
 *   <li>A key under {@code canary.} that nothing declares is an error, with the closest known key ("did you mean");
 *       so is a key under a provider that is not on the class path.</li>
 *   <li>Keys under a provider that declares none are noted as unchecked, never as errors.</li>
 *   <li>Values are checked against their declared type; a provider selector must name a provider on the class path;
 *       a required key of a selected provider must be set.</li>
 *   <li>An old spelling (camelCase, or a former key such as {@code canary.naming.key}) is a warning naming the new key;
 *       keys set for a provider that its selector does not select are a warning.</li>
 *   <li>No value appears in a finding or in the effective configuration unless its key is known and not secret.</li>
 * </ul>
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ConfigCheck {
    private static final String ROOT = "canary.";

    private final ConfigKeys sectionKeys;
    private final List<Point> points;
    private final List<Finding> loadProblems;

    /** A plug-in point: its providers, and the section key that selects among them ({@code null}: all available). */
    private record Point(String name, ProviderRegistry<?, ?> registry, @Nullable ConfigKey selector) {
        /** The key that selects this point's providers, for messages. */
        String selectorName() {
            return selector == null ? ROOT + name : selector.name();
        }

    }

    /**
     * The keys one provider declares.
     *
     * @param point    the plug-in point, such as {@code store}
     * @param provider the provider's name, such as {@code jdbc}
     * @param keys     its keys, relative to {@code canary.<point>.<provider>.}
     *
     * @since 0.1.0
     */
    public record ProviderKeys(String point, String provider, ConfigKeys keys) {
        /** Checks the components. */
        public ProviderKeys {
            Objects.requireNonNull(point, "point");
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(keys, "keys");
        }

        /** Where the provider's keys live: {@code canary.<point>.<provider>.}. */
        public String scope() {
            return ROOT + point + "." + provider + ".";
        }
    }

    private ConfigCheck(ConfigKeys sectionKeys, List<Point> points, List<Finding> loadProblems) {
        this.sectionKeys = sectionKeys;
        this.points = List.copyOf(points);
        this.loadProblems = List.copyOf(loadProblems);
    }

    /** A check over the {@link ConfigSection}s and providers {@code loader} finds. */
    public static ConfigCheck load(ClassLoader loader) {
        Objects.requireNonNull(loader, "loader");
        List<ConfigSection> sections = new ArrayList<>();
        List<Finding> problems = new ArrayList<>();
        Iterator<ConfigSection> it = ServiceLoader.load(ConfigSection.class, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                sections.add(it.next());
            } catch (ServiceConfigurationError | RuntimeException | LinkageError e) {
                problems.add(new Finding(Severity.WARNING, Kind.NOT_LOADED, "canary", "a ConfigSection could not be loaded, so its keys"
                        + " are reported as unknown: " + e.getMessage(), null));
                if (problems.size() > 100) {
                    break;
                }
            }
        }
        return of(sections, loader, problems);
    }

    /** A check over these sections and the providers {@code loader} finds for their plug-in points. */
    public static ConfigCheck of(List<ConfigSection> sections, ClassLoader loader) {
        return of(sections, loader, List.of());
    }

    private static ConfigCheck of(List<ConfigSection> sections, ClassLoader loader, List<Finding> problemsIn) {
        List<Finding> problems = new ArrayList<>(problemsIn);
        ConfigKeys keys = ConfigKeys.none();
        Set<Class<? extends ComponentProvider<?>>> types = new LinkedHashSet<>();
        for (ConfigSection s : sections) {
            keys = keys.and(s.keys());
            types.addAll(s.plugInPoints());
        }
        List<Point> points = new ArrayList<>();
        for (Class<? extends ComponentProvider<?>> type : types) {
            PlugInPoint annotation = type.getAnnotation(PlugInPoint.class);
            if (annotation == null) {
                throw new IllegalArgumentException(type.getName() + " has no @PlugInPoint: its providers' keys have no"
                        + " place under canary.");
            }
            ConfigKey selector = null;
            for (ConfigKey k : keys.keys()) {
                if (type.equals(k.providerType())) {
                    selector = k;
                }
            }
            String key = ROOT + annotation.value();
            try {
                ProviderRegistry<?, ?> registry = load(type, loader);
                for (ProviderProblem p : registry.problems()) {
                    problems.add(new Finding(Severity.WARNING, Kind.NOT_LOADED, key, p.message(), null));
                }
                points.add(new Point(annotation.value(), registry, selector));
            } catch (CanaryConfigurationException e) {
                problems.add(new Finding(Severity.ERROR, Kind.NOT_LOADED, key, String.valueOf(e.getMessage()), null));
            }
        }
        return new ConfigCheck(keys, points, problems);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static ProviderRegistry<?, ?> load(Class<? extends ComponentProvider<?>> type, ClassLoader loader) {
        return ProviderRegistry.load((Class) type, loader);
    }

    /** The keys of every section, absolute. */
    public ConfigKeys sectionKeys() {
        return sectionKeys;
    }

    /** The keys of every provider found, by plug-in point and provider name. */
    public List<ProviderKeys> providerKeys() {
        List<ProviderKeys> out = new ArrayList<>();
        for (Point p : points) {
            for (String name : p.registry().names()) {
                out.add(new ProviderKeys(p.name(), name, p.registry().provider(name).configKeys()));
            }
        }
        return out;
    }

    /** Every declared key, absolute: the sections' and the providers' (under their scopes). */
    public ConfigKeys knownKeys() {
        ConfigKeys all = sectionKeys;
        for (ProviderKeys pk : providerKeys()) {
            all = all.and(pk.keys().prefixed(pk.scope()));
        }
        return all;
    }

    /**
     * Checks {@code root}, the whole configuration (with {@code ${env:...}} references already resolved).
     *
     * @return the findings and the effective configuration, never {@code null}
     */
    public ConfigReport check(CanaryConfig root) {
        Objects.requireNonNull(root, "root");
        List<Finding> findings = new ArrayList<>(loadProblems);
        Map<String, String> effective = new TreeMap<>();
        ConfigKeys known = knownKeys();
        List<ProviderKeys> providers = providerKeys();
        Map<String, Set<String>> selected = selected(root);
        Map<String, String> renamed = renames(root, providers, selected);

        for (String key : root.keys()) {
            String value = root.requireString(key); // one of root's keys
            if (!key.startsWith(ROOT)) {
                String close = known.closest(key);
                findings.add(new Finding(Severity.NOTE, Kind.NOT_CANARYKIT, key, "not under canary.: canarykit does not read it"
                        + didYouMean(close), close));
                continue;
            }
            String name = renamed.getOrDefault(key, key);
            if (!name.equals(key)) {
                findings.add(new Finding(Severity.WARNING, Kind.DEPRECATED_KEY, key, "deprecated spelling: rename it to " + name, name));
                String other = root.getString(name);
                if (other != null && !other.equals(value)) {
                    findings.add(new Finding(Severity.ERROR, Kind.INVALID_VALUE, key, "given twice, as " + name + " and as " + key
                            + ", with different values: keep only " + name, name));
                }
            }
            ConfigKey declared = sectionKeys.find(name);
            if (declared == null) {
                Placed placed = place(name, providers);
                if (placed != null && placed.provider == null) {
                    String close = known.closest(name);
                    String message = unknownProvider(placed.point, placed.segment);
                    findings.add(new Finding(Severity.ERROR, Kind.UNKNOWN_PROVIDER, name, message.contains("did you mean") ? message
                            : message + didYouMean(close), close));
                    effective.put(name, Secret.MASK);
                    continue;
                }
                if (placed != null && placed.provider != null) {
                    ConfigKeys keys = placed.provider.keys();
                    if (!keys.declared()) {
                        findings.add(new Finding(Severity.NOTE, Kind.UNCHECKED_KEY, name, "not checked: the " + placed.provider.provider()
                                + " " + placed.point.name() + " declares no keys", null));
                        effective.put(name, Secret.MASK);
                        continue;
                    }
                    String relative = name.substring(placed.provider.scope().length());
                    declared = keys.find(relative);
                    if (declared != null) {
                        declared = declared.renamed(name);
                        Set<String> chosen = selected.get(placed.point.name());
                        if (chosen != null && !chosen.contains(placed.provider.provider())) {
                            findings.add(new Finding(Severity.WARNING, Kind.NOT_SELECTED, name, "not used: " + placed.provider.provider()
                                    + " is not selected by " + placed.point.selectorName(), null));
                        }
                    }
                }
            }
            if (declared == null) {
                String close = known.closest(name);
                findings.add(new Finding(Severity.ERROR, Kind.UNKNOWN_KEY, name, "unknown key" + didYouMean(close), close));
                effective.put(name, Secret.MASK);
                continue;
            }
            if (declared.type() == ConfigKey.Type.UNCHECKED) {
                findings.add(new Finding(Severity.NOTE, Kind.UNCHECKED_KEY, name, "not checked: " + declared.description(), null));
                effective.put(name, Secret.MASK);
                continue;
            }
            String problem = invalid(name, value, declared);
            if (problem != null) {
                findings.add(new Finding(Severity.ERROR, Kind.INVALID_VALUE, name, problem, null));
            }
            effective.put(name, declared.secret() ? Secret.MASK : value);
        }

        checkSelectors(root, findings);
        Map<String, String> defaults = new TreeMap<>();
        for (ConfigKey k : sectionKeys.keys()) {
            required(k, k.name(), effective, "", findings, defaults);
        }
        for (ProviderKeys pk : providers) {
            Set<String> chosen = selected.get(pk.point());
            if (chosen != null && chosen.contains(pk.provider())) {
                for (ConfigKey k : pk.keys().keys()) {
                    required(k, pk.scope() + k.name(), effective, " (the " + pk.provider() + " " + pk.point()
                            + " needs it)", findings, defaults);
                }
            }
        }
        findings.sort(Comparator.comparing(Finding::severity).thenComparing(Finding::key));
        return new ConfigReport(findings, effective, defaults);
    }

    private static void required(ConfigKey k, String key, Map<String, String> effective, String why,
                                 List<Finding> findings, Map<String, String> defaults) {
        if (k.name().indexOf('<') >= 0 || k.name().indexOf('*') >= 0 || effective.containsKey(key)) {
            return;
        }
        if (k.required()) {
            findings.add(new Finding(Severity.ERROR, Kind.MISSING_KEY, key, "missing: set it to " + k.description() + why, null));
        } else if (k.defaultValue() != null) {
            defaults.put(key, k.secret() ? Secret.MASK : k.defaultValue());
        }
    }

    /**
     * Checks {@code root} and logs, at WARN and once per JVM for each key, what building from it would otherwise pass
     * over in silence: unknown keys (with the closest known one), keys under providers that are not on the class path,
     * old spellings (naming the new key) and keys of providers that are not selected. What building fails on anyway
     * (bad values, missing keys) is left to that failure. No value is logged.
     *
     * @return the report
     */
    public ConfigReport logFindings(CanaryConfig root) {
        ConfigReport report = check(root);
        log(report);
        return report;
    }

    /**
     * Checks {@code root} as {@link #logFindings} does, and refuses it when a key under {@code canary.} is unknown
     * (nothing declares it, or it is under a provider that is not on the class path): a misspelt key would otherwise
     * be silently ignored. The message names every such key with the closest known one and never shows a value.
     * Other errors (bad values, missing keys) are left to building, which names them.
     *
     * @return the report
     * @throws CanaryConfigurationException if a key under {@code canary.} is unknown
     */
    public ConfigReport requireKnownKeys(CanaryConfig root) {
        ConfigReport report = check(root);
        List<String> unknown = new ArrayList<>();
        for (Finding f : report.findings()) {
            if (f.kind() == Kind.UNKNOWN_KEY || f.kind() == Kind.UNKNOWN_PROVIDER) {
                unknown.add(f.key() + (f.suggestion() == null ? "" : " (did you mean " + f.suggestion() + "?)"));
            }
        }
        if (!unknown.isEmpty()) {
            throw new CanaryConfigurationException("unknown configuration key" + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown) + ": fix the spelling or remove it (canary config check lists every"
                    + " finding)");
        }
        log(report);
        return report;
    }

    private static void log(ConfigReport report) {
        for (Finding f : report.findings()) {
            switch (f.kind()) {
                case DEPRECATED_KEY -> ConfigWarnings.deprecated(f.key(), String.valueOf(f.suggestion())); // always set
                case UNKNOWN_KEY, UNKNOWN_PROVIDER, NOT_SELECTED -> ConfigWarnings.finding(f.key(), f.message());
                default -> {
                    // errors that building reports itself, and notes
                }
            }
        }
    }

    /** For each point with a selector: the provider names it selects (what is set, else the default). */
    private Map<String, Set<String>> selected(CanaryConfig root) {
        Map<String, Set<String>> out = new LinkedHashMap<>();
        for (Point p : points) {
            if (p.selector() == null) {
                continue;
            }
            Set<String> names = new LinkedHashSet<>();
            String v = root.getString(p.selector().name());
            if (v == null) {
                v = p.selector().defaultValue();
            }
            if (v != null) {
                for (String n : v.split(",")) {
                    if (!n.isBlank()) {
                        names.add(ProviderRegistry.normalize(n));
                    }
                }
            }
            out.put(p.name(), names);
        }
        return out;
    }

    /** Old spellings set in {@code root}, by the key they stand for now. */
    private static Map<String, String> renames(CanaryConfig root, List<ProviderKeys> providers,
                                               Map<String, Set<String>> selected) {
        Map<String, String> out = new TreeMap<>();
        Map<String, List<String>> formerTargets = new TreeMap<>();
        for (ProviderKeys pk : providers) {
            Set<String> chosen = selected.get(pk.point());
            boolean isSelected = chosen == null || chosen.contains(pk.provider());
            for (ConfigKey k : pk.keys().keys()) {
                for (String former : k.formerNames()) {
                    if (root.has(former)) {
                        List<String> targets = formerTargets.computeIfAbsent(former, f -> new ArrayList<>());
                        // a selected provider's key first: the one the old key is read as
                        targets.add(isSelected ? 0 : targets.size(), pk.scope() + k.name());
                    }
                }
            }
            for (String key : root.keys()) {
                if (key.startsWith(pk.scope())) {
                    String relative = key.substring(pk.scope().length());
                    String canonical = pk.keys().canonical(relative);
                    if (canonical != null && !canonical.equals(relative)) {
                        out.put(key, pk.scope() + canonical);
                    }
                }
            }
        }
        formerTargets.forEach((former, targets) -> out.put(former, targets.get(0)));
        return out;
    }

    private void checkSelectors(CanaryConfig root, List<Finding> findings) {
        for (Point p : points) {
            ConfigKey selector = p.selector();
            if (selector == null || !root.has(selector.name())) {
                continue;
            }
            for (String n : root.getList(selector.name())) {
                if (!p.registry().contains(n)) {
                    String close = KeyNames.closest(ProviderRegistry.normalize(n), p.registry().names());
                    findings.add(new Finding(Severity.ERROR, Kind.UNKNOWN_PROVIDER, selector.name(), unknownProvider(p, n),
                            close));
                }
            }
        }
    }

    private static String unknownProvider(Point p, String name) {
        try {
            p.registry().provider(name);
            return "the " + p.name() + " " + name + " is on the class path";
        } catch (CanaryConfigurationException e) {
            return String.valueOf(e.getMessage());
        }
    }

    /** Where a key falls: under a plug-in point ({@code canary.<point>.}) and, if found, one of its providers. */
    private record Placed(Point point, @Nullable ProviderKeys provider, String segment) {
    }

    private @Nullable Placed place(String key, List<ProviderKeys> providers) {
        for (Point p : points) {
            String prefix = ROOT + p.name() + ".";
            if (!key.startsWith(prefix)) {
                continue;
            }
            ProviderKeys best = null;
            for (ProviderKeys pk : providers) {
                if (pk.point().equals(p.name()) && key.startsWith(pk.scope())
                        && (best == null || pk.scope().length() > best.scope().length())) {
                    best = pk;
                }
            }
            String rest = key.substring(prefix.length());
            int dot = rest.indexOf('.');
            if (best == null && dot < 0) {
                continue; // canary.<point>.<x> alone is not a provider's key
            }
            return new Placed(p, best, dot < 0 ? rest : rest.substring(0, dot));
        }
        return null;
    }

    /** What is wrong with {@code value} for {@code key}, or {@code null}; shows the value only if not secret. */
    private static @Nullable String invalid(String key, String value, ConfigKey declared) {
        CanaryConfig one = CanaryConfig.of(Map.of(key, value)).declaring(ConfigKeys.of(declared.renamed(key)));
        try {
            switch (declared.type()) {
                case INTEGER -> one.getInt(key);
                case DECIMAL -> one.getDouble(key, 0);
                case BOOLEAN -> one.getBoolean(key, false);
                case DURATION -> one.getDuration(key);
                case MAP -> one.getMap(key);
                case PATH -> one.getPath(key);
                case URL -> one.getUri(key);
                case ONE_OF -> one.getEnum(key, value, declared.allowedValues().toArray(new String[0]));
                default -> {
                    // STRING, LIST, PROVIDER(S): any text (selectors are checked against the registries)
                }
            }
            return null;
        } catch (CanaryConfigurationException e) {
            return e.getMessage();
        }
    }

    private static String didYouMean(@Nullable String suggestion) {
        return suggestion == null ? "" : " (did you mean " + suggestion + "?)";
    }

    @Override
    public String toString() {
        List<String> names = new ArrayList<>();
        points.forEach(p -> names.add(p.name()));
        return "ConfigCheck[" + sectionKeys.keys().size() + " section keys, points " + names + "]";
    }
}
