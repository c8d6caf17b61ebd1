package io.canarykit.config;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A read-only, typed view over string properties, from which providers build their components.
 *
 * <p>Every getter comes in a form that returns {@code null} (or empty) when the key is absent and a form with a
 * default. A value that is present but malformed fails with a {@link CanaryConfigurationException} naming the key and
 * what was expected; the value itself is shown only when the key is declared ({@link #declaring}) and not secret, so
 * that a secret under a misspelt or undeclared key never appears in a message, and {@link #toString()} masks the same
 * values. Keys are case-sensitive and trimmed; values are trimmed; an empty value counts as absent.
 *
 * <p>A provider gets its own view: the keys under {@code canary.<plug-in point>.<name>.}, without that prefix,
 * declaring the keys the provider declares ({@link ProviderRegistry#create}).
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CanaryConfig {
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
    private static final CanaryConfig EMPTY = new CanaryConfig(Map.of(), ConfigKeys.undeclared(), "");

    private final Map<String, String> values;
    private final ConfigKeys declared;
    private final String prefix;

    private CanaryConfig(Map<String, String> values, ConfigKeys declared, String prefix) {
        this.values = Collections.unmodifiableMap(values);
        this.declared = declared;
        this.prefix = prefix;
    }

    /** A configuration with no properties. */
    public static CanaryConfig empty() {
        return EMPTY;
    }

    /** A configuration over a copy of {@code properties}. */
    public static CanaryConfig of(Map<String, String> properties) {
        Objects.requireNonNull(properties, "properties");
        Map<String, String> copy = new TreeMap<>();
        properties.forEach((k, v) -> {
            Objects.requireNonNull(k, "property key");
            if (v != null && !v.trim().isEmpty()) {
                copy.put(k.trim(), v.trim());
            }
        });
        return new CanaryConfig(copy, ConfigKeys.undeclared(), "");
    }

    /** A configuration over a copy of {@code properties}. */
    public static CanaryConfig of(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name, properties.getProperty(name));
        }
        return of(map);
    }

    /**
     * Reads a Java properties file (UTF-8).
     *
     * @throws CanaryConfigurationException if the file is missing or unreadable
     */
    public static CanaryConfig load(Path file) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("configuration file " + file + " does not exist; create it or pass another --config");
        } catch (IOException | IllegalArgumentException e) {
            throw new CanaryConfigurationException("cannot read configuration file " + file + ": " + e.getMessage(), e);
        }
        return of(p);
    }

    /** A new configuration with {@code overrides} applied on top of this one. */
    public CanaryConfig with(Map<String, String> overrides) {
        Map<String, String> merged = new TreeMap<>(values);
        overrides.forEach((k, v) -> {
            if (v == null || v.trim().isEmpty()) {
                merged.remove(k.trim());
            } else {
                merged.put(k.trim(), v.trim());
            }
        });
        return new CanaryConfig(merged, declared, prefix);
    }

    /** A new configuration with one property set. */
    public CanaryConfig with(String key, String value) {
        Map<String, String> one = new LinkedHashMap<>();
        one.put(key, value);
        return with(one);
    }

    /** Every key, sorted. */
    public Set<String> keys() {
        return Collections.unmodifiableSet(new TreeSet<>(values.keySet()));
    }

    /** The properties whose keys start with {@code prefix}, with the prefix removed. */
    public Map<String, String> withPrefix(String prefix) {
        Map<String, String> out = new TreeMap<>();
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.length() > prefix.length()) {
                out.put(k.substring(prefix.length()), v);
            }
        });
        return out;
    }

    /**
     * The properties under {@code prefix} as a configuration of their own, with the prefix removed: {@code
     * scoped("canary.issuer.iam-user.")} turns {@code canary.issuer.iam-user.region} into {@code region}.
     */
    public CanaryConfig scoped(String prefix) {
        return new CanaryConfig(new TreeMap<>(withPrefix(prefix)), declared.under(prefix), this.prefix + prefix);
    }

    /**
     * The same properties, declaring {@code keys}: messages and {@link #toString()} then show the values of the
     * declared keys that are not secret (and of no other key).
     */
    public CanaryConfig declaring(ConfigKeys keys) {
        return new CanaryConfig(values, Objects.requireNonNull(keys, "keys"), prefix);
    }

    /**
     * {@code key} as written in the whole configuration, for messages: {@code canary.store.jdbc.url} for {@code url}
     * in the view {@code scoped("canary.store.jdbc.")} made.
     */
    public String qualified(String key) {
        return prefix + key;
    }

    /** The keys this configuration declares ({@link ConfigKeys#undeclared()} unless {@link #declaring} said). */
    public ConfigKeys declaredKeys() {
        return declared;
    }

    /** The value of {@code key} as a message may show it: the value if the key is declared and not secret, else masked. */
    public @Nullable String shown(String key) {
        String v = values.get(key);
        return v == null ? null : declared.showsValueOf(key) ? v : Secret.MASK;
    }

    /** True if the key has a (non-empty) value. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /** The value, or {@code null}. */
    public @Nullable String getString(String key) {
        return values.get(key);
    }

    /** The value, or {@code defaultValue}. */
    public String getString(String key, String defaultValue) {
        String v = values.get(key);
        return v == null ? defaultValue : v;
    }

    /**
     * The value of a required key.
     *
     * @throws CanaryConfigurationException naming the key if it is absent
     */
    public String requireString(String key) {
        String v = values.get(key);
        if (v == null) {
            throw new CanaryConfigurationException("missing configuration property " + qualified(key) + ": set it");
        }
        return v;
    }

    /** A required value that must be one of {@code allowed} (compared case-insensitively, returned lower-case). */
    public String getEnum(String key, String defaultValue, String... allowed) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        for (String a : allowed) {
            if (a.equalsIgnoreCase(lower)) {
                return a;
            }
        }
        throw invalid(key, v, "one of " + String.join(", ", allowed));
    }

    /** The value as an int, or {@code null}. */
    public @Nullable Integer getInt(String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number such as 42");
        }
    }

    /** The value as an int, or {@code defaultValue}. */
    public int getInt(String key, int defaultValue) {
        Integer v = getInt(key);
        return v == null ? defaultValue : v;
    }

    /** The value as a long, or {@code defaultValue}. */
    public long getLong(String key, long defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Long.parseLong(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a whole number such as 42");
        }
    }

    /** The value as a double, or {@code defaultValue}. */
    public double getDouble(String key, double defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Double.parseDouble(v);
        } catch (NumberFormatException e) {
            throw invalid(key, v, "a number such as 2.5");
        }
    }

    /** {@code true/false/yes/no/on/off/1/0}, or {@code defaultValue}. */
    public boolean getBoolean(String key, boolean defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default: throw invalid(key, v, "true or false");
        }
    }

    /**
     * A duration written as {@code 500ms}, {@code 30s}, {@code 15m}, {@code 12h}, {@code 2d}, a combination such as
     * {@code 1h30m}, or ISO-8601 such as {@code PT15M}; or {@code null}.
     */
    public @Nullable Duration getDuration(String key) {
        String v = values.get(key);
        return v == null ? null : parseDuration(key, v);
    }

    /** A duration, or {@code defaultValue}. */
    public Duration getDuration(String key, Duration defaultValue) {
        Duration d = getDuration(key);
        return d == null ? defaultValue : d;
    }

    /** A comma-separated list with blank items dropped; empty when absent. */
    public List<String> getList(String key) {
        String v = values.get(key);
        if (v == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String item : v.split(",")) {
            if (!item.isBlank()) {
                out.add(item.trim());
            }
        }
        return List.copyOf(out);
    }

    /** A comma-separated list, or {@code defaultValue} when absent. */
    public List<String> getList(String key, List<String> defaultValue) {
        return has(key) ? getList(key) : defaultValue;
    }

    /** {@code k1=v1,k2=v2} as an ordered map; empty when absent. */
    public Map<String, String> getMap(String key) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String item : getList(key)) {
            int eq = item.indexOf('=');
            if (eq <= 0) {
                throw invalid(key, values.get(key), "comma-separated key=value pairs such as team=platform,env=prod");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return Collections.unmodifiableMap(out);
    }

    /** A file system path, or {@code null}. A leading {@code ~/} is expanded to the user's home. */
    public @Nullable Path getPath(String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        if (v.equals("~") || v.startsWith("~/")) {
            v = System.getProperty("user.home") + v.substring(1);
        }
        try {
            return Path.of(v);
        } catch (RuntimeException e) {
            throw invalid(key, v, "a file system path");
        }
    }

    /**
     * An absolute URL with a scheme and a host ({@code https://iam.amazonaws.com}, {@code http://127.0.0.1:4566}), or
     * {@code null}.
     */
    public @Nullable URI getUri(String key) {
        String v = values.get(key);
        if (v == null) {
            return null;
        }
        try {
            URI u = new URI(v);
            if (u.getScheme() != null && u.getHost() != null) {
                return u;
            }
        } catch (URISyntaxException e) {
            // reported below
        }
        throw invalid(key, v, "an absolute URL such as https://iam.amazonaws.com or http://127.0.0.1:4566");
    }

    /** A secret, or {@code null}; its value never appears in a message. */
    public @Nullable Secret getSecret(String key) {
        return Secret.ofNullable(values.get(key));
    }

    private CanaryConfigurationException invalid(String key, @Nullable String value, String expected) {
        String shown = declared.showsValueOf(key) ? "'" + value + "'" : "its value";
        return new CanaryConfigurationException("configuration property " + qualified(key) + ": " + shown
                + " is not valid; expected "
                + expected);
    }

    private Duration parseDuration(String key, String v) {
        String s = v.trim();
        if (s.startsWith("P") || s.startsWith("p") || s.startsWith("-P")) {
            try {
                Duration d = Duration.parse(s.toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException e) {
                // fall through to the error below
            }
            throw invalid(key, v, "a non-negative duration such as 30s, 15m, 12h, 2d, 1h30m or PT15M");
        }
        Matcher m = DURATION.matcher(s.toLowerCase(Locale.ROOT).replace(" ", ""));
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": total = total.plusMillis(n); break;
                case "s": total = total.plusSeconds(n); break;
                case "m": total = total.plusMinutes(n); break;
                case "h": total = total.plusHours(n); break;
                default: total = total.plusDays(n); break;
            }
            end = m.end();
        }
        if (end == 0 || end != s.toLowerCase(Locale.ROOT).replace(" ", "").length()) {
            throw invalid(key, v, "a duration such as 30s, 15m, 12h, 2d, 1h30m or PT15M");
        }
        return total;
    }

    /** Keys and values, every value masked unless its key is declared and not secret. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CanaryConfig{");
        String sep = "";
        for (String key : values.keySet()) {
            sb.append(sep).append(key).append('=').append(shown(key));
            sep = ", ";
        }
        return sb.append('}').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CanaryConfig c && c.values.equals(values);
    }

    @Override
    public int hashCode() {
        return values.hashCode();
    }

}
