package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What the server decides for endpoint devices ({@code /v1/devices/}, the endpoint script): the asset kind devices are
 * recorded as, the AWS profile name the script plants the canary under, the kind of canary and when it is replaced,
 * and when a device counts as stale.
 *
 * @param assetKind     the asset kind of device assets (default {@code laptop})
 * @param awsProfile    the profile name the script writes in each user's {@code ~/.aws/credentials}: a plausible,
 *                      unused name such as {@code billing-ro}; never {@code default}
 * @param kind          the kind of canary devices get, or {@code null} for the API's default kind
 * @param maxAge        a long-term canary older than this is replaced at the device's next refresh (default 30 days)
 * @param refreshBefore a short-term canary is replaced once it expires within this (default 2 hours)
 * @param staleAfter    a device not seen for this long is reported stale (default 30 days)
 * @param revokeStale   whether a stale device's canaries are revoked when reported (default false: reported only)
 * @param staleCheckInterval how often {@code canary serve} looks for stale devices (default 1 day;
 *                      {@link DeviceApi#scheduleStaleChecks()})
 *
 * @since 0.1.0
 */
public record DeviceSettings(String assetKind, String awsProfile, @Nullable CredentialKind kind, Duration maxAge,
                             Duration refreshBefore, Duration staleAfter, boolean revokeStale,
                             Duration staleCheckInterval) {
    /** Configuration prefix: {@code canary.api.devices.}. */
    public static final String PREFIX = "canary.api.devices.";
    static final Set<String> KEYS = Set.of("asset-kind", "aws-profile", "kind", "max-age", "refresh-before",
            "stale-after", "revoke-stale", "stale-check-interval");
    private static final Pattern PROFILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");

    public DeviceSettings {
        Objects.requireNonNull(assetKind, "assetKind");
        Objects.requireNonNull(awsProfile, "awsProfile");
        if (!PROFILE.matcher(awsProfile).matches() || awsProfile.equals("default")) {
            throw new CanaryConfigurationException(PREFIX + "aws-profile must be a profile name of 1-64 letters, digits, "
                    + "'_', '.' or '-' and never 'default' (every tool would use the canary): choose a plausible, unused "
                    + "name such as billing-ro");
        }
        positive(maxAge, "max-age");
        positive(refreshBefore, "refresh-before");
        positive(staleAfter, "stale-after");
        positive(staleCheckInterval, "stale-check-interval");
        new io.canarykit.Asset(assetKind, "x", java.util.Map.of()); // checks the kind's syntax
    }

    /** Settings with every default and this AWS profile name. */
    public static DeviceSettings of(String awsProfile) {
        return new DeviceSettings("laptop", awsProfile, null, Duration.ofDays(30), Duration.ofHours(2),
                Duration.ofDays(30), false, Duration.ofDays(1));
    }

    /** A copy with another kind of canary. */
    public DeviceSettings withKind(CredentialKind v) {
        return new DeviceSettings(assetKind, awsProfile, v, maxAge, refreshBefore, staleAfter, revokeStale,
                staleCheckInterval);
    }

    /** A copy with another maximum age of long-term canaries. */
    public DeviceSettings withMaxAge(Duration v) {
        return new DeviceSettings(assetKind, awsProfile, kind, v, refreshBefore, staleAfter, revokeStale,
                staleCheckInterval);
    }

    /** A copy with another staleness threshold and revocation choice. */
    public DeviceSettings withStale(Duration after, boolean revoke) {
        return new DeviceSettings(assetKind, awsProfile, kind, maxAge, refreshBefore, after, revoke, staleCheckInterval);
    }

    /** A copy with another interval between scheduled stale-device checks. */
    public DeviceSettings withStaleCheckInterval(Duration v) {
        return new DeviceSettings(assetKind, awsProfile, kind, maxAge, refreshBefore, staleAfter, revokeStale, v);
    }

    /**
     * The settings under {@code canary.api.devices.}, or {@code null} when none is set (no device endpoints).
     *
     * @throws CanaryConfigurationException naming the key that is wrong or unknown
     */
    public static @Nullable DeviceSettings fromConfig(CanaryConfig config) {
        if (config.withPrefix(PREFIX).isEmpty()) {
            return null;
        }
        for (String k : config.withPrefix(PREFIX).keySet()) {
            if (!KEYS.contains(k)) {
                throw new CanaryConfigurationException("unknown configuration key " + PREFIX + k + "; known: " + PREFIX
                        + "{" + String.join(", ", new TreeSet<>(KEYS)) + "}");
            }
        }
        String profile = config.getString(PREFIX + "aws-profile");
        if (profile == null) {
            throw new CanaryConfigurationException(PREFIX + "aws-profile is required: the profile name devices plant "
                    + "their canary under, such as billing-ro");
        }
        DeviceSettings d = of(profile);
        return new DeviceSettings(config.getString(PREFIX + "asset-kind", d.assetKind), profile,
                config.has(PREFIX + "kind") ? CredentialKind.fromConfigName(config.requireString(PREFIX + "kind")) : null,
                config.getDuration(PREFIX + "max-age", d.maxAge), config.getDuration(PREFIX + "refresh-before",
                d.refreshBefore), config.getDuration(PREFIX + "stale-after", d.staleAfter),
                config.getBoolean(PREFIX + "revoke-stale", false),
                config.getDuration(PREFIX + "stale-check-interval", d.staleCheckInterval));
    }

    private static void positive(Duration d, String key) {
        Objects.requireNonNull(d, key);
        if (d.isZero() || d.isNegative()) {
            throw new CanaryConfigurationException(PREFIX + key + " must be a positive duration such as 30d");
        }
    }
}
