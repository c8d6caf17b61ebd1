package io.canarykit.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;

import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/** A placement request's options, read with clear errors. Unknown keys are refused, so that a typo is not ignored. */
final class Options {
    private static final Pattern ACCESS_KEY_ID = Pattern.compile("[A-Za-z0-9]{16,128}");
    private static final Pattern SECRET_CHARS = Pattern.compile("[\\x21-\\x7E]+");

    private final String placement;
    private final Map<String, String> values;

    private Options(String placement, Map<String, String> values) {
        this.placement = placement;
        this.values = values;
    }

    /**
     * @throws CanaryConfigurationException naming the unknown keys and the known ones
     */
    static Options of(String placement, Map<String, String> values, Set<String> known) {
        Set<String> unknown = new TreeSet<>(values.keySet());
        unknown.removeAll(known);
        if (!unknown.isEmpty()) {
            throw new CanaryConfigurationException("placement " + placement + " does not know the option(s) "
                    + String.join(", ", unknown) + "; known options: " + String.join(", ", new TreeSet<>(known)));
        }
        return new Options(placement, values);
    }

    String get(String key) {
        String v = values.get(key);
        return v == null || v.isBlank() ? null : v.trim();
    }

    String get(String key, String defaultValue) {
        String v = get(key);
        return v == null ? defaultValue : v;
    }

    String require(String key, String hint) {
        String v = get(key);
        if (v == null) {
            throw new CanaryConfigurationException("placement " + placement + " needs the option " + key + ": " + hint);
        }
        return v;
    }

    boolean flag(String key, boolean defaultValue) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true": case "yes": case "on": case "1": return true;
            case "false": case "no": case "off": case "0": return false;
            default:
                throw new CanaryConfigurationException("placement " + placement + " option " + key + ": '" + v
                        + "' is not valid; expected true or false");
        }
    }

    String oneOf(String key, String defaultValue, String... allowed) {
        String v = get(key);
        if (v == null) {
            return defaultValue;
        }
        for (String a : allowed) {
            if (a.equalsIgnoreCase(v)) {
                return a;
            }
        }
        throw new CanaryConfigurationException("placement " + placement + " option " + key + ": '" + v
                + "' is not valid; expected one of " + String.join(", ", allowed));
    }

    /**
     * Checks that the credential can be written as plain {@code key = value} text: an access key id of 16-128 letters
     * and digits, secrets of visible ASCII. The message never shows a secret.
     */
    /**
     * Refuses a receipt another placement wrote, or one missing a detail this placement needs to find what it wrote.
     */
    static void checkReceipt(String placement, PlacementReceipt receipt, String... requiredDetails) {
        java.util.Objects.requireNonNull(receipt, "receipt");
        boolean complete = placement.equals(receipt.placement());
        for (String d : requiredDetails) {
            complete &= receipt.detail(d) != null;
        }
        if (!complete) {
            throw new io.canarykit.CanaryConfigurationException("this receipt was not written by placement " + placement
                    + " (placement '" + receipt.placement() + "'); use the placement named in it");
        }
    }

    static void checkWritable(String placement, CanaryCredential c) {
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
}
