package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.internal.KeyNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import io.canarykit.fingerprint.Finding;
import io.canarykit.fingerprint.Severity;
import io.canarykit.fingerprint.TellTales;
import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * A placement request's options, read with clear errors; what every built-in placement uses, and what a placement
 * plugin should use too, so that all placements share one contract:
 *
 * <ul>
 *   <li><b>Kebab-case.</b> Option names are lower-case words joined by {@code -} ({@code allow-default},
 *       {@code credentials-file}). The camelCase spelling of a known name ({@code allowDefault}) still works: it is
 *       read as the kebab-case name, and a deprecation warning naming the new key is logged once per JVM for each
 *       placement and old name. Both spellings at once with different values are refused.</li>
 *   <li><b>Unknown names are refused</b>, naming the closest known one, so that a typo is never silently ignored.</li>
 *   <li>Values are trimmed; a blank value counts as absent.</li>
 * </ul>
 *
 * <p>{@link #settings} applies the same renaming to a provider's configuration ({@code canary.placement.<name>.*}).
 * {@link #checkWritable} and {@link #checkReceipt} are the checks every placement makes on its input.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class PlacementOptions {
    private static final Logger LOG = LoggerFactory.getLogger(PlacementOptions.class);
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9]{16,128}");
    private static final Pattern SECRET_CHARS = Pattern.compile("[\\x21-\\x7E]+");
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private final String placement;
    private final String kind;
    private final Map<String, String> values;

    private PlacementOptions(String placement, Map<String, String> values) {
        this(placement, "option", values);
    }

    private PlacementOptions(String placement, String kind, Map<String, String> values) {
        this.placement = placement;
        this.kind = kind;
        this.values = values;
    }

    /**
     * Reads {@code values} as the options of {@code placement}.
     *
     * @param placement the placement's name, for messages
     * @param values    the request's options, never {@code null}
     * @param known     the kebab-case names the placement knows
     * @throws CanaryConfigurationException for an unknown name (naming the closest known one and listing them all), or
     *         an option given in both spellings with different values
     */
    public static PlacementOptions of(String placement, Map<String, String> values, Set<String> known) {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(values, "values");
        checkNames(known);
        Map<String, String> out = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        for (Map.Entry<String, String> e : values.entrySet()) {
            String key = e.getKey();
            String name = canonical(key, known);
            if (name == null) {
                unknown.add(key);
                continue;
            }
            if (!name.equals(key)) {
                deprecated(placement, "option", key, name, "option " + name);
            }
            put(out, name, key, e.getValue(), "placement " + placement + " option");
        }
        if (!unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder("placement " + placement + " does not know the option(s) ");
            sb.append(String.join(", ", unknown));
            String close = closest(unknown.iterator().next(), known);
            if (close != null) {
                sb.append(" (did you mean ").append(close).append("?)");
            }
            sb.append("; known options: ").append(String.join(", ", new TreeSet<>(known)));
            throw new CanaryConfigurationException(sb.toString());
        }
        return new PlacementOptions(placement, out);
    }

    /**
     * A placement provider's configuration (the keys under {@code canary.placement.<name>.}, without that prefix) with
     * the camelCase spelling of each {@code known} setting renamed to its kebab-case name, logging a deprecation
     * warning once per JVM for each. Keys that are not settings are passed through unchanged (the {@code canary place}
     * command builds the placement from the same keys as the request).
     *
     * @param placement the placement's name, for messages
     * @param config    the provider's configuration, never {@code null}
     * @param known     the kebab-case names of the provider's settings
     * @throws CanaryConfigurationException if a setting is given in both spellings with different values
     */
    public static CanaryConfig settings(String placement, CanaryConfig config, Set<String> known) {
        checkNames(known);
        List<ConfigKey> keys = new ArrayList<>();
        for (String k : new TreeSet<>(known)) {
            keys.add(ConfigKey.string(k, k));
        }
        return settings(placement, config, ConfigKeys.of(keys));
    }

    /**
     * {@link #settings(String, CanaryConfig, Set)} for a provider that declares its settings: the result also declares
     * them (so that messages show the values of settings that are not secret).
     *
     * @throws CanaryConfigurationException if a setting is given in both spellings with different values
     */
    public static CanaryConfig settings(String placement, CanaryConfig config, ConfigKeys known) {
        Objects.requireNonNull(placement, "placement");
        Objects.requireNonNull(config, "config");
        return known.settings(config, "", (old, name) ->
                deprecated(placement, "setting", old, name, "canary.placement." + placement + "." + name));
    }

    /** The camelCase spelling of a kebab-case name: {@code allow-imds-v1} gives {@code allowImdsV1}. */
    public static String camelCase(String kebab) {
        return KeyNames.camelCase(kebab);
    }

    /** The option's value, trimmed, or {@code null} when it is absent or blank. */
    public @Nullable String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** The option's value, trimmed, or {@code defaultValue} when it is absent or blank. */
    public String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    /**
     * The option's value.
     *
     * @param hint what the option is, for the message, such as "the file to write the variables to"
     * @throws CanaryConfigurationException if it is absent or blank
     */
    public String require(String key, String hint) {
        String v = get(key);
        if (v == null) {
            throw new CanaryConfigurationException("placement " + placement + " needs the " + kind + " " + key + ": " + hint);
        }
        return v;
    }

    /**
     * The option as a boolean: {@code true/yes/on/1} or {@code false/no/off/0}, in any case.
     *
     * @throws CanaryConfigurationException for any other value
     */
    public boolean flag(String key, boolean defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default:
                throw invalid(key, v, "true or false");
        }
    }

    /**
     * The option as one of {@code allowed} (compared ignoring case, returned as spelled in {@code allowed}).
     *
     * @throws CanaryConfigurationException for any other value
     */
    public String oneOf(String key, String defaultValue, String... allowed) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw invalid(key, v, "one of " + String.join(", ", allowed));
    }

    /** True when the option has a (non-blank) value. */
    public boolean has(String key) {
        return get(key) != null;
    }

    /**
     * The option as a whole number in {@code [min, max]}, or {@code defaultValue} when it is absent or blank. For an
     * option without a default use {@link #optionalInteger(String, int, int)}.
     *
     * @param defaultValue the value of an absent option, never {@code null}
     * @throws CanaryConfigurationException for anything else
     * @throws NullPointerException if {@code defaultValue} is {@code null}
     */
    public Integer integer(String key, Integer defaultValue, int min, int max) {
        Objects.requireNonNull(defaultValue,
                "defaultValue: for an option without a default use optionalInteger(key, min, max)");
        Integer n = optionalInteger(key, min, max);
        return n == null ? defaultValue : n;
    }

    /**
     * The option as a whole number in {@code [min, max]} ({@code _} may group digits), or {@code null} when it is
     * absent or blank.
     *
     * @throws CanaryConfigurationException for anything else
     */
    public @Nullable Integer optionalInteger(String key, int min, int max) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        try {
            int n = Integer.parseInt(v.replace("_", ""));
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw invalid(key, v, "a whole number from " + min + " to " + max);
    }

    /**
     * The option as a duration such as {@code 500ms}, {@code 30s} or {@code 2m}, or {@code defaultValue} when it is
     * absent or blank. For an option without a default use {@link #optionalDuration(String)}.
     *
     * @param defaultValue the value of an absent option, never {@code null}
     * @throws CanaryConfigurationException for anything else
     * @throws NullPointerException if {@code defaultValue} is {@code null}
     */
    public Duration duration(String key, Duration defaultValue) {
        Objects.requireNonNull(defaultValue, "defaultValue: for an option without a default use optionalDuration(key)");
        Duration d = optionalDuration(key);
        return d == null ? defaultValue : d;
    }

    /**
     * The option as a duration such as {@code 500ms}, {@code 30s} or {@code 2m}, or {@code null} when it is absent or
     * blank.
     *
     * @throws CanaryConfigurationException for anything else
     */
    public @Nullable Duration optionalDuration(String key) {
        String v = get(key);
        if (v == null) {
            return null;
        }
        try {
            return CanaryConfig.of(Map.of(key, v)).getDuration(key);
        } catch (CanaryConfigurationException e) {
            throw invalid(key, v, "a duration such as 500ms, 30s or 2m");
        }
    }

    /**
     * The option as {@code k1=v1,k2=v2}, in order; empty when absent.
     *
     * @throws CanaryConfigurationException for an item without {@code =} or with an empty key
     */
    public Map<String, String> map(String key) {
        String v = get(key);
        Map<String, String> out = new LinkedHashMap<>();
        if (v == null) {
            return out;
        }
        for (String item : v.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            int eq = item.indexOf('=');
            if (eq <= 0 || item.substring(0, eq).isBlank()) {
                throw invalid(key, v, "comma-separated key=value pairs such as team=payments,env=prod");
            }
            out.put(item.substring(0, eq).trim(), item.substring(eq + 1).trim());
        }
        return out;
    }

    /** These values as a configuration of their own (for components that read a {@link CanaryConfig}). */
    public CanaryConfig asConfig() {
        return CanaryConfig.of(values);
    }

    /**
     * Refuses a name, tag or description an attacker would read as a canary's: the fingerprint checks' findings of
     * medium or high severity (canary words such as {@code canary}, {@code honey}, {@code decoy}, {@code trap},
     * {@code fake}; canary tools' marks; {@code @@}; UUIDs). {@code test} (low) passes: real secrets are named so.
     *
     * @param what what the text is, such as {@code "secret name"}
     * @param text the text; {@code null} or empty passes
     * @throws CanaryConfigurationException saying what gives the canary away
     */
    public void requirePlausible(String what, @Nullable String text) {
        if (text == null || text.isEmpty()) {
            return;
        }
        for (Finding f : TellTales.principalFindings(text, null)) {
            if (f.severity().compareTo(Severity.MEDIUM) >= 0) {
                throw new CanaryConfigurationException("placement " + placement + ": the " + what + " '" + text
                        + "' would give the canary away (" + f.code().code() + "): choose an ordinary name such as "
                        + "the ones your team's real credentials have");
            }
        }
    }

    /**
     * A provider's settings, read strictly: {@code config} is the provider's configuration (the keys under
     * {@code canary.placement.<name>.}, without that prefix, as {@link #settings} takes it), which may also hold the
     * request's options ({@code canary place} builds the placement from the same keys): keys in
     * {@code requestOptions} that are not settings are skipped; any other unknown key is refused.
     *
     * @throws CanaryConfigurationException naming the unknown keys (with 'did you mean') and the known ones
     */
    public static PlacementOptions strictSettings(String placement, CanaryConfig config, Set<String> known,
                                                  Set<String> requestOptions) {
        CanaryConfig renamed = settings(placement, config, known);
        Map<String, String> values = new TreeMap<>();
        Set<String> unknown = new TreeSet<>();
        for (String key : renamed.keys()) {
            if (known.contains(key)) {
                values.put(key, renamed.getString(key));
            } else if (!requestOptions.contains(key) && canonical(key, requestOptions) == null) {
                unknown.add(key);
            }
        }
        if (!unknown.isEmpty()) {
            StringBuilder sb = new StringBuilder("placement " + placement + " does not know the setting(s) ");
            sb.append(String.join(", ", unknown));
            String close = closest(unknown.iterator().next(), known);
            if (close != null) {
                sb.append(" (did you mean ").append(close).append("?)");
            }
            sb.append(" under canary.placement.").append(placement).append(".; known settings: ")
                    .append(String.join(", ", new TreeSet<>(known)));
            throw new CanaryConfigurationException(sb.toString());
        }
        return new PlacementOptions(placement, "setting", values);
    }

    private CanaryConfigurationException invalid(String key, String value, String expected) {
        String k = key.toLowerCase(Locale.ROOT);
        boolean secret = k.contains("token") || k.contains("secret") || k.contains("password") || k.contains("key");
        return new CanaryConfigurationException("placement " + placement + " " + kind + " " + key + ": "
                + (secret ? "its value" : "'" + value + "'") + " is not valid; expected " + expected);
    }

    /**
     * Refuses a receipt another placement wrote, or one missing a detail this placement needs to find what it wrote.
     *
     * @throws CanaryConfigurationException naming the placement that wrote it
     */
    public static void checkReceipt(String placement, PlacementReceipt receipt, String... requiredDetails) {
        Objects.requireNonNull(receipt, "receipt");
        boolean complete = placement.equals(receipt.placement());
        for (String d : requiredDetails) {
            complete &= receipt.detail(d) != null;
        }
        if (!complete) {
            throw new CanaryConfigurationException("this receipt was not written by placement " + placement
                    + " (placement '" + receipt.placement() + "'); use the placement named in it");
        }
    }

    /**
     * Checks that the credential can be written as plain {@code key = value} text: an access key id of 16-128 letters
     * and digits, secrets of visible ASCII. The message never shows a secret.
     *
     * @throws CanaryConfigurationException if it cannot
     */
    public static void checkWritable(String placement, CanaryCredential c) {
        if (!ACCESS_KEY_ID.matcher(c.accessKeyId()).matches()) {
            throw new CanaryConfigurationException("placement " + placement + ": the access key id '" + c.accessKeyId()
                    + "' is not 16-128 letters and digits");
        }
        if (!SECRET_CHARS.matcher(c.secretAccessKey().reveal()).matches()) {
            throw new CanaryConfigurationException("placement " + placement + ": the secret access key of "
                    + c.accessKeyId() + " contains spaces or characters other than visible ASCII, which cannot be written");
        }
        if (c.sessionToken() != null && !SECRET_CHARS.matcher(c.sessionToken().reveal()).matches()) {
            throw new CanaryConfigurationException("placement " + placement + ": the session token of "
                    + c.accessKeyId() + " contains spaces or characters other than visible ASCII, which cannot be written");
        }
    }

    @Override
    public String toString() {
        return "PlacementOptions[" + placement + " " + values.keySet() + "]";
    }

    private static void checkNames(Set<String> known) {
        for (String k : Objects.requireNonNull(known, "known")) {
            if (!KeyNames.isKebabCase(k)) {
                throw new IllegalArgumentException("option name '" + k + "' is not kebab-case");
            }
        }
    }

    /** The known kebab-case name {@code key} stands for, or {@code null}. */
    private static @Nullable String canonical(String key, Set<String> known) {
        if (known.contains(key)) {
            return key;
        }
        for (String k : known) {
            if (k.indexOf('-') >= 0 && KeyNames.camelCase(k).equals(key)) {
                return k;
            }
        }
        return null;
    }

    private static void put(Map<String, String> out, String name, String given, String value, String what) {
        String previous = out.get(name);
        String v = value == null ? "" : value;
        if (previous != null && !previous.trim().equals(v.trim())) {
            throw new CanaryConfigurationException(what + " " + name + " is given twice, also as " + given
                    + ", with different values; keep only " + name);
        }
        out.put(name, v);
    }

    private static void deprecated(String placement, String kind, String old, String name, String use) {
        if (WARNED.add(placement + "\u0000" + kind + "\u0000" + old)) {
            LOG.warn("placement {}: the {} name {} is deprecated and will be removed; use {}", placement, kind, old, use);
        }
    }

    /** The known name closest to {@code given} (at most a third of its letters different), or {@code null}. */
    static @Nullable String closest(String given, Set<String> known) {
        return KeyNames.closest(given, known);
    }

    /** For tests: the options as read, by kebab-case name. */
    Map<String, String> values() {
        return new LinkedHashMap<>(values);
    }
}
