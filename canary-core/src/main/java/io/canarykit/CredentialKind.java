package io.canarykit;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * The kinds of AWS credential a canary can be.
 *
 * @since 0.1.0
 */
public enum CredentialKind {
    /** Long-term: an IAM user with an access key ({@code AKIA…}). Detectable by CloudTrail and by last-used data. */
    IAM_USER("iam-user", null),
    /** Short-term: an {@code AssumeRole} session ({@code ASIA…}), up to 12 hours. CloudTrail only. */
    ASSUMED_ROLE("assume-role", Duration.ofHours(12)),
    /** Short-term: a {@code GetFederationToken} session ({@code ASIA…}), up to 36 hours. CloudTrail only. */
    FEDERATION_TOKEN("federation-token", Duration.ofHours(36));

    private final String configName;
    private final @Nullable Duration maxDuration;

    CredentialKind(String configName, @Nullable Duration maxDuration) {
        this.configName = configName;
        this.maxDuration = maxDuration;
    }

    /** The lower-case name used in configuration and on the command line, which is also the issuer's name. */
    public String configName() {
        return configName;
    }

    /** True for IAM user keys, which live until deleted. */
    public boolean isLongTerm() {
        return maxDuration == null;
    }

    /** The longest lifetime AWS allows, empty for long-term keys. */
    public Optional<Duration> maxDuration() {
        return Optional.ofNullable(maxDuration);
    }

    /** Parses {@code iam-user}, {@code assume-role} or {@code federation-token} (or the enum constant's name). */
    public static CredentialKind fromConfigName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
        for (CredentialKind k : values()) {
            if (k.configName.equals(n) || k.name().toLowerCase(Locale.ROOT).equals(n)) {
                return k;
            }
        }
        throw new CanaryConfigurationException("unknown credential kind '" + name + "': expected one of "
                + Arrays.stream(values()).map(CredentialKind::configName).collect(Collectors.joining(", ")));
    }
}
