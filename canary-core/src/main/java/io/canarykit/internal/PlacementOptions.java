package io.canarykit.internal;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.PlacementReceipt;
import io.canarykit.config.CanaryConfig;
import io.canarykit.fingerprint.Finding;
import io.canarykit.fingerprint.Severity;
import io.canarykit.fingerprint.TellTales;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * A placement's request options or provider settings, read with clear errors: unknown keys are refused (a typo is
 * never ignored), values are trimmed, and names an attacker would see are checked for tell-tale words. Used by the
 * secret-store placements of {@code canary-aws} and {@code canary-placement-secrets}.
 *
 * <p>Internal: public only so that canarykit's other modules can use it; not API, and it may change without notice.
 * Immutable and thread-safe. Messages never echo a value whose key looks secret ({@code token}, {@code secret}, ...).
 */
public final class PlacementOptions {
    private final String placement;
    private final String kind;
    private final Map<String, String> values;

    private PlacementOptions(String placement, String kind, Map<String, String> values) {
        this.placement = placement;
        this.kind = kind;
        this.values = values;
    }

    /**
     * A request's options.
     *
     * @param placement the placement's name, for messages
     * @param options   the options, not {@code null}
     * @param known     every key the placement reads
     * @throws CanaryConfigurationException naming the unknown keys and the known ones
     */
    public static PlacementOptions of(String placement, Map<String, String> options, Set<String> known) {
        return new PlacementOptions(placement, "option ", checked(placement, "option", options, known));
    }

    /**
     * A provider's settings: the keys under {@code canary.placement.<placement>.} of {@code config}, or, when
     * {@code config} holds no {@code canary.} key at all, {@code config} itself (a configuration already scoped to the
     * placement, as {@link CanaryConfig#scoped} makes it). A scoped configuration may also hold the request's options
     * ({@code canary place} builds the placement from the same keys as the request): keys in {@code requestOptions}
     * are skipped there.
     *
     * @param known          every setting the provider reads
     * @param requestOptions the request options of the placement (never settings; may be empty)
     * @throws CanaryConfigurationException naming the unknown keys (with their full names) and the known ones
     */
    public static PlacementOptions settings(String placement, CanaryConfig config, Set<String> known,
                                            Set<String> requestOptions) {
        Objects.requireNonNull(config, "config");
        String prefix = "canary.placement." + placement + ".";
        boolean whole = config.keys().stream().anyMatch(k -> k.startsWith("canary."));
        Map<String, String> scoped = whole ? config.withPrefix(prefix) : new LinkedHashMap<>();
        if (!whole) {
            config.keys().stream().filter(k -> known.contains(k) || !requestOptions.contains(k))
                    .forEach(k -> scoped.put(k, config.getString(k)));
        }
        return new PlacementOptions(placement, "setting " + (whole ? prefix : ""),
                checked(placement, whole ? "setting " + prefix + "*" : "setting", scoped, known));
    }

    private static Map<String, String> checked(String placement, String kind, Map<String, String> values,
                                               Set<String> known) {
        Objects.requireNonNull(values, "options");
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new CanaryConfigurationException("placement " + placement + " does not know the " + kind
                    + (unknown.size() > 1 ? " keys " : " key ") + String.join(", ", unknown) + "; known: "
                    + String.join(", ", new TreeSet<>(known)));
        }
        Map<String, String> out = new LinkedHashMap<>();
        values.forEach((k, v) -> {
            if (v != null && !v.isBlank()) {
                out.put(k, v.trim());
            }
        });
        return out;
    }

    /** The value, or {@code null} when absent or blank. */
    public String get(String key) {
        return values.get(key);
    }

    /** The value, or {@code defaultValue}. */
    public String get(String key, String defaultValue) {
        String v = values.get(key);
        return v == null ? defaultValue : v;
    }

    /** These values as a configuration of their own (keys as read, without any prefix). */
    public CanaryConfig asConfig() {
        return CanaryConfig.of(values);
    }

    /** True when the key has a value. */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * A required value.
     *
     * @param hint what the value is, with an example, for the message
     * @throws CanaryConfigurationException if it is absent
     */
    public String require(String key, String hint) {
        String v = values.get(key);
        if (v == null) {
            throw new CanaryConfigurationException("placement " + placement + " needs the " + kind + key + ": " + hint);
        }
        return v;
    }

    /** {@code true/false/yes/no/on/off/1/0}, or {@code defaultValue}. */
    public boolean flag(String key, boolean defaultValue) {
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

    /** One of {@code allowed} (compared ignoring case, returned as written in {@code allowed}), or the default. */
    public String oneOf(String key, String defaultValue, String... allowed) {
        String v = values.get(key);
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

    /** A whole number in {@code [min, max]}, or {@code defaultValue} (which may be {@code null}). */
    public Integer integer(String key, Integer defaultValue, int min, int max) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
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

    /** A duration such as {@code 30s} or {@code 2m}, or {@code defaultValue}. */
    public java.time.Duration duration(String key, java.time.Duration defaultValue) {
        String v = values.get(key);
        if (v == null) {
            return defaultValue;
        }
        try {
            return CanaryConfig.of(Map.of(key, v)).getDuration(key);
        } catch (CanaryConfigurationException e) {
            throw invalid(key, v, "a duration such as 500ms, 30s or 2m");
        }
    }

    /**
     * {@code k1=v1,k2=v2} as an ordered map (empty when absent).
     *
     * @throws CanaryConfigurationException for an item without {@code =} or with an empty key
     */
    public Map<String, String> map(String key) {
        String v = values.get(key);
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

    /**
     * Refuses a name, tag or description an attacker would read as a canary's: the fingerprint checks' findings of
     * medium or high severity (canary words such as {@code canary}, {@code honey}, {@code decoy}, {@code trap},
     * {@code fake}; canary tools' marks; {@code @@}; UUIDs). {@code test} (low) is allowed: real secrets are named so.
     *
     * @param what what the text is, such as {@code "secret name"}
     * @param text the text, may be {@code null} (nothing to check)
     * @throws CanaryConfigurationException saying what gives the canary away
     */
    public void requirePlausible(String what, String text) {
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
     * Refuses a receipt another placement wrote, or one missing a detail this placement needs.
     *
     * @throws CanaryConfigurationException saying which placement the receipt belongs to
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

    private CanaryConfigurationException invalid(String key, String value, String expected) {
        String shown = looksSecret(key) ? "its value" : "'" + value + "'";
        return new CanaryConfigurationException("placement " + placement + " " + kind + key + ": " + shown
                + " is not valid; expected " + expected);
    }

    private static boolean looksSecret(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        return k.contains("token") || k.contains("secret") || k.contains("password") || k.contains("key");
    }

    @Override
    public String toString() {
        return "PlacementOptions[" + placement + ", keys=" + values.keySet() + "]";
    }
}
