package io.canarykit.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * One configuration key a component reads: its name, what its value is, what it is for, and whether its value is a
 * secret. Providers declare their keys ({@link ComponentProvider#configKeys()}) so that unknown keys can be reported
 * with the closest known one, values checked without building anything ({@code canary config check}), secrets masked,
 * and old spellings renamed.
 *
 * <p>A name is relative to the scope it is declared in ({@code url} for the {@code jdbc} store means
 * {@code canary.store.jdbc.url}) and made of dot-separated kebab-case segments ({@code scp.arn-patterns}); a segment
 * {@code <word>} stands for a name the user chooses ({@code tokens.<caller>}), and as the last segment it also covers
 * names with dots in them.
 *
 * <p>Build keys with the static factories (which refuse a name that is not kebab-case) and the methods that return a
 * changed copy:
 * {@code ConfigKey.duration("connection-timeout", "longest wait for a free connection").withDefault("30s")}.
 *
 * @param name          the relative name (never {@code null})
 * @param type          what the value is
 * @param description   what the key is for, one short phrase (never {@code null})
 * @param defaultValue  the value used when the key is absent, as written in a file, or {@code null}
 * @param secret        true if the value must never be shown (passwords, tokens, keys, URLs with a token in them)
 * @param required      true if the component cannot be built without it
 * @param allowedValues for {@link Type#ONE_OF}: the values allowed; else empty
 * @param providerType  for {@link Type#PROVIDER} and {@link Type#PROVIDERS}: the provider interface whose names the
 *                      value takes; else {@code null}
 * @param formerNames   old absolute keys that still work with a deprecation warning naming this one (such as
 *                      {@code canary.naming.key}); camelCase spellings of the name need not be listed, they always work
 *
 * @since 0.1.0
 */
public record ConfigKey(String name, Type type, String description, @Nullable String defaultValue, boolean secret,
                        boolean required, List<String> allowedValues, @Nullable Class<?> providerType,
                        List<String> formerNames) {
    private static final Pattern SEGMENT = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*|<[a-z][a-z0-9-]*>|\\*");

    /**
     * What a value is; {@code canary config check} checks values against it.
     *
     * @since 0.1.0
     */
    public enum Type {
        /** Any text. */
        STRING,
        /** A whole number. */
        INTEGER,
        /** A number such as {@code 2.5}. */
        DECIMAL,
        /** {@code true/false/yes/no/on/off/1/0}. */
        BOOLEAN,
        /** {@code 30s}, {@code 15m}, {@code 1h30m}, {@code PT15M}. */
        DURATION,
        /** Comma-separated values. */
        LIST,
        /** Comma-separated {@code key=value} pairs. */
        MAP,
        /** A file system path. */
        PATH,
        /** An absolute URL with a scheme and a host. */
        URL,
        /** One of {@link ConfigKey#allowedValues()}, in any case. */
        ONE_OF,
        /** The name of one provider of {@link ConfigKey#providerType()}. */
        PROVIDER,
        /** Comma-separated names of providers of {@link ConfigKey#providerType()}. */
        PROVIDERS,
        /** Every key under this name, read by something that does not declare them: reported as unchecked. */
        UNCHECKED
    }

    /** Checks the name and copies the lists. */
    public ConfigKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        allowedValues = List.copyOf(allowedValues);
        formerNames = List.copyOf(formerNames);
        if (name.isEmpty()) {
            throw new IllegalArgumentException("a configuration key needs a name");
        }
        if ((type == Type.PROVIDER || type == Type.PROVIDERS) != (providerType != null)) {
            throw new IllegalArgumentException("configuration key '" + name + "': a provider type goes with"
                    + " PROVIDER and PROVIDERS only");
        }
        if ((type == Type.ONE_OF) == allowedValues.isEmpty()) {
            throw new IllegalArgumentException("configuration key '" + name + "': allowed values go with ONE_OF only");
        }
    }

    private static ConfigKey of(String name, Type type, String description) {
        return new ConfigKey(kebab(name), type, description, null, false, false, List.of(), null, List.of());
    }

    /** Refuses a name that is not dot-separated kebab-case segments and placeholders. */
    private static String kebab(String name) {
        String[] segments = Objects.requireNonNull(name, "name").split("\\.", -1);
        for (int i = 0; i < segments.length; i++) {
            if (!SEGMENT.matcher(segments[i]).matches() || (segments[i].equals("*") && i < segments.length - 1)) {
                throw new IllegalArgumentException("configuration key '" + name + "' is not kebab-case: write"
                        + " lower-case words joined by '-' and separated by '.', such as scp.arn-patterns");
            }
        }
        return name;
    }

    /** A key whose value is any text. */
    public static ConfigKey string(String name, String description) {
        return of(name, Type.STRING, description);
    }

    /** A key whose value is a whole number. */
    public static ConfigKey integer(String name, String description) {
        return of(name, Type.INTEGER, description);
    }

    /** A key whose value is a number. */
    public static ConfigKey decimal(String name, String description) {
        return of(name, Type.DECIMAL, description);
    }

    /** A key whose value is true or false. */
    public static ConfigKey bool(String name, String description) {
        return of(name, Type.BOOLEAN, description);
    }

    /** A key whose value is a duration such as {@code 30s}. */
    public static ConfigKey duration(String name, String description) {
        return of(name, Type.DURATION, description);
    }

    /** A key whose value is a comma-separated list. */
    public static ConfigKey list(String name, String description) {
        return of(name, Type.LIST, description);
    }

    /** A key whose value is comma-separated {@code key=value} pairs. */
    public static ConfigKey map(String name, String description) {
        return of(name, Type.MAP, description);
    }

    /** A key whose value is a file system path. */
    public static ConfigKey path(String name, String description) {
        return of(name, Type.PATH, description);
    }

    /** A key whose value is an absolute URL. */
    public static ConfigKey url(String name, String description) {
        return of(name, Type.URL, description);
    }

    /** A key whose value is one of {@code values} (compared ignoring case). */
    public static ConfigKey oneOf(String name, String description, String... values) {
        return new ConfigKey(kebab(name), Type.ONE_OF, description, null, false, false, List.of(values), null, List.of());
    }

    /** A key naming one provider of {@code providerType}. */
    public static ConfigKey provider(String name, Class<? extends ComponentProvider<?>> providerType,
                                     String description) {
        return new ConfigKey(kebab(name), Type.PROVIDER, description, null, false, false, List.of(), providerType, List.of());
    }

    /** A key naming providers of {@code providerType}, comma-separated. */
    public static ConfigKey providers(String name, Class<? extends ComponentProvider<?>> providerType,
                                      String description) {
        return new ConfigKey(kebab(name), Type.PROVIDERS, description, null, false, false, List.of(), providerType, List.of());
    }

    /**
     * Every key under {@code name}, read by a component that does not declare them: known, but neither checked nor
     * shown (its values are masked).
     */
    public static ConfigKey unchecked(String name, String description) {
        return of(name + ".*", Type.UNCHECKED, description);
    }

    /** This key with a default value, as written in a file ({@code 30s}, {@code true}). */
    public ConfigKey withDefault(String value) {
        return new ConfigKey(name, type, description, value, secret, required, allowedValues, providerType, formerNames);
    }

    /** This key, marked secret: its value is never shown. */
    public ConfigKey asSecret() {
        return new ConfigKey(name, type, description, defaultValue, true, required, allowedValues, providerType,
                formerNames);
    }

    /** This key, marked required. */
    public ConfigKey asRequired() {
        return new ConfigKey(name, type, description, defaultValue, secret, true, allowedValues, providerType,
                formerNames);
    }

    /** This key, also read under an old absolute key (with a deprecation warning naming this one). */
    public ConfigKey formerly(String absoluteKey) {
        List<String> former = new ArrayList<>(formerNames);
        former.add(Objects.requireNonNull(absoluteKey, "absoluteKey"));
        return new ConfigKey(name, type, description, defaultValue, secret, required, allowedValues, providerType,
                former);
    }

    /** This key under another name (the same key declared in a wider scope: {@code prefix + name}). */
    ConfigKey renamed(String newName) {
        return new ConfigKey(newName, type, description, defaultValue, secret, required, allowedValues, providerType,
                formerNames);
    }

    /** True if this key stands for {@code key}: the same name, or {@code key} fills its placeholders. */
    public boolean matches(String key) {
        if (name.equals(key)) {
            return true;
        }
        if (name.indexOf('<') < 0 && name.indexOf('*') < 0) {
            return false;
        }
        String[] mine = name.split("\\.");
        String[] theirs = key.split("\\.", -1);
        for (int i = 0; i < mine.length; i++) {
            boolean last = i == mine.length - 1;
            String m = mine[i];
            if (m.equals("*")) {
                return theirs.length > i && allNonEmpty(theirs, i);
            }
            if (i >= theirs.length) {
                return false;
            }
            if (m.startsWith("<")) {
                if (last) {
                    return allNonEmpty(theirs, i);
                }
                if (theirs[i].isEmpty()) {
                    return false;
                }
            } else if (!m.equals(theirs[i])) {
                return false;
            }
        }
        return theirs.length == mine.length;
    }

    /**
     * The name with its placeholders filled from {@code key}'s segments at the same places (for "did you mean"
     * suggestions): {@code tokens.<caller>} for {@code tokenz.ci} gives {@code tokens.ci}.
     */
    String filledFrom(String key) {
        if (name.indexOf('<') < 0 && name.indexOf('*') < 0) {
            return name;
        }
        String[] mine = name.split("\\.");
        String[] theirs = key.split("\\.", -1);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < mine.length; i++) {
            if (i > 0) {
                sb.append('.');
            }
            boolean placeholder = mine[i].startsWith("<") || mine[i].equals("*");
            sb.append(placeholder && i < theirs.length ? theirs[i] : mine[i]);
        }
        return sb.toString();
    }

    private static boolean allNonEmpty(String[] segments, int from) {
        for (int i = from; i < segments.length; i++) {
            if (segments[i].isEmpty()) {
                return false;
            }
        }
        return true;
    }
}
