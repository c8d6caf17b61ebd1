package io.canarykit;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * What a sighting was. Classification changes an alert's severity and routing, never whether it exists: every real
 * sighting alerts (unless a suppression rule the user wrote holds it for the digest).
 *
 * @since 0.1.0
 */
public enum SightingClass {
    /** A call the library made itself with the canary; recorded, never alerted on. */
    SELF_USE("self-use", AlertSeverity.INFO),
    /**
     * A secret scanner (trufflehog and the like) verifying the key it found: an unlogged {@code sns:Publish} seen in
     * last-used data, a known scanner user agent, or a first use that is only {@code sts:GetCallerIdentity}.
     */
    SECRET_SCANNER_VERIFICATION("secret-scanner-verification", AlertSeverity.MEDIUM),
    /** AWS found the key published: it attached its quarantine policy, or AWS Health reported the key exposed. */
    EXPOSED_PUBLICLY("exposed-publicly", AlertSeverity.HIGH),
    /** Many distinct read calls in a short time, as pacu or ScoutSuite make. */
    ENUMERATION("enumeration", AlertSeverity.CRITICAL),
    /** Any other use of the key. */
    API_USE("api-use", AlertSeverity.HIGH);

    private final String configName;
    private final AlertSeverity severity;

    SightingClass(String configName, AlertSeverity severity) {
        this.configName = configName;
        this.severity = severity;
    }

    /** The name used in configuration and output, such as {@code secret-scanner-verification}. */
    public String configName() {
        return configName;
    }

    /** The severity an alert of this class gets. */
    public AlertSeverity severity() {
        return severity;
    }

    /**
     * Parses a configuration name, ignoring case.
     *
     * @throws CanaryConfigurationException naming the known classes if {@code name} is none of them
     */
    public static SightingClass fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (SightingClass c : values()) {
            if (c.configName.equals(n)) {
                return c;
            }
        }
        throw new CanaryConfigurationException("unknown sighting classification '" + name + "': expected one of "
                + Arrays.stream(values()).map(SightingClass::configName).collect(Collectors.joining(", ")));
    }
}
