package io.canarykit.config;

import io.canarykit.internal.KeyNames;
import io.canarykit.CanaryConfigurationException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import org.jspecify.annotations.Nullable;

/**
 * The keys a component declares, relative to its scope ({@code canary.<plug-in point>.<name>.} for a provider), or
 * {@link #undeclared()} when it declares none. What is declared is known: its values are checked, shown when the key is
 * not secret, and its old spellings renamed; what is not is reported as unknown (with the closest known key) or, under
 * a component that declares nothing, as unchecked, and its values are never shown.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class ConfigKeys {
    private static final ConfigKeys UNDECLARED = new ConfigKeys(List.of(), false);
    private static final ConfigKeys NONE = new ConfigKeys(List.of(), true);

    private final List<ConfigKey> keys;
    private final boolean declared;

    private ConfigKeys(List<ConfigKey> keys, boolean declared) {
        this.keys = List.copyOf(keys);
        this.declared = declared;
    }

    /** What a component that declares nothing has: its keys are reported as unchecked and never shown. */
    public static ConfigKeys undeclared() {
        return UNDECLARED;
    }

    /** What a component that reads no key at all declares. */
    public static ConfigKeys none() {
        return NONE;
    }

    /**
     * These keys.
     *
     * @throws IllegalArgumentException if two share a name
     */
    public static ConfigKeys of(ConfigKey... keys) {
        return of(List.of(keys));
    }

    /**
     * These keys.
     *
     * @throws IllegalArgumentException if two share a name
     */
    public static ConfigKeys of(Collection<ConfigKey> keys) {
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        for (ConfigKey k : keys) {
            if (byName.putIfAbsent(k.name(), k) != null) {
                throw new IllegalArgumentException("configuration key '" + k.name() + "' is declared twice");
            }
        }
        return new ConfigKeys(new ArrayList<>(byName.values()), true);
    }

    /** True unless this is {@link #undeclared()}. */
    public boolean declared() {
        return declared;
    }

    /** The keys, in the order declared. */
    public List<ConfigKey> keys() {
        return keys;
    }

    /** These keys and {@code more} (a key of {@code more} with the name of one of these replaces it). */
    public ConfigKeys and(ConfigKeys more) {
        Map<String, ConfigKey> byName = new LinkedHashMap<>();
        keys.forEach(k -> byName.put(k.name(), k));
        more.keys.forEach(k -> byName.put(k.name(), k));
        return new ConfigKeys(new ArrayList<>(byName.values()), declared || more.declared);
    }

    /** These keys and {@code more}. */
    public ConfigKeys and(ConfigKey... more) {
        return and(of(more));
    }

    /** The same keys declared in a wider scope: each name with {@code prefix} in front. */
    public ConfigKeys prefixed(String prefix) {
        List<ConfigKey> out = new ArrayList<>();
        for (ConfigKey k : keys) {
            out.add(k.renamed(prefix + k.name()));
        }
        return new ConfigKeys(out, declared);
    }

    /** The keys under {@code prefix}, without it (the keys of a narrower scope). */
    public ConfigKeys under(String prefix) {
        List<ConfigKey> out = new ArrayList<>();
        for (ConfigKey k : keys) {
            if (k.name().startsWith(prefix) && k.name().length() > prefix.length()) {
                out.add(k.renamed(k.name().substring(prefix.length())));
            }
        }
        return new ConfigKeys(out, declared);
    }

    /** The declared key that stands for {@code key} (by name, else by placeholder), or {@code null}. */
    public @Nullable ConfigKey find(String key) {
        for (ConfigKey k : keys) {
            if (k.name().equals(key)) {
                return k;
            }
        }
        for (ConfigKey k : keys) {
            if (k.matches(key)) {
                return k;
            }
        }
        return null;
    }

    /** True if {@code key} is declared and its value is not secret: only then may a message show its value. */
    public boolean showsValueOf(String key) {
        ConfigKey k = find(key);
        return k != null && !k.secret() && k.type() != ConfigKey.Type.UNCHECKED;
    }

    /** The declared name closest to {@code key} ("did you mean"), or {@code null}. */
    public @Nullable String closest(String key) {
        List<String> candidates = new ArrayList<>();
        for (ConfigKey k : keys) {
            if (k.type() != ConfigKey.Type.UNCHECKED) {
                candidates.add(k.filledFrom(key));
            }
        }
        return KeyNames.closest(key, candidates);
    }

    /**
     * The declared name that {@code key} is the camelCase spelling of ({@code followSymlinks} for
     * {@code follow-symlinks}), or {@code key} itself when it is declared, else {@code null}.
     */
    public @Nullable String canonical(String key) {
        if (find(key) != null) {
            return key;
        }
        for (ConfigKey k : keys) {
            if (k.name().indexOf('-') >= 0 && KeyNames.camelCase(k.name()).equals(key)) {
                return k.name();
            }
        }
        return null;
    }

    /**
     * The configuration a component declaring these keys reads: the keys of {@code root} under {@code scope}, without
     * it, where each declared key's old spellings (its {@link ConfigKey#formerNames() former} absolute keys in
     * {@code root}, and its camelCase spelling under {@code scope}) are renamed to it; the result declares these keys.
     * {@code deprecated} is told each old absolute key and the new one it was read as.
     *
     * @param root       the whole configuration ({@code scope} may be empty when it is already the component's)
     * @param scope      the component's prefix, such as {@code canary.placement.env.}
     * @param deprecated receives (old key, new key) for each renamed key; may warn
     * @throws CanaryConfigurationException if a key is given in both spellings with different values
     */
    public CanaryConfig settings(CanaryConfig root, String scope, BiConsumer<String, String> deprecated) {
        Objects.requireNonNull(root, "root");
        Objects.requireNonNull(scope, "scope");
        CanaryConfig scoped = scope.isEmpty() ? root : root.scoped(scope);
        Map<String, String> changes = new HashMap<>();
        for (ConfigKey k : keys) {
            for (String former : k.formerNames()) {
                if (root.has(former)) {
                    adopt(scoped, changes, null, former, root.getString(former), k.name(), scope);
                    deprecated.accept(former, scope + k.name());
                }
            }
        }
        for (String key : scoped.keys()) {
            String name = canonical(key);
            if (name != null && !name.equals(key)) {
                adopt(scoped, changes, key, scope + key, scoped.getString(key), name, scope);
                deprecated.accept(scope + key, scope + name);
            }
        }
        return (changes.isEmpty() ? scoped : scoped.with(changes)).declaring(this);
    }

    private static void adopt(CanaryConfig scoped, Map<String, String> changes, @Nullable String oldRelative,
                              String oldKey, @Nullable String value, String name, String scope) {
        String current = changes.containsKey(name) && changes.get(name) != null ? changes.get(name)
                : scoped.getString(name);
        if (current != null && !current.equals(value)) {
            throw new CanaryConfigurationException(scope + name + " is given twice, as " + scope + name + " and as "
                    + oldKey + ", with different values; keep only " + scope + name);
        }
        if (oldRelative != null) {
            changes.put(oldRelative, null);
        }
        changes.put(name, value);
    }

    @Override
    public String toString() {
        if (!declared) {
            return "ConfigKeys[undeclared]";
        }
        List<String> names = new ArrayList<>();
        keys.forEach(k -> names.add(k.name()));
        return "ConfigKeys" + names;
    }
}
