package io.canarykit.fingerprint;

import org.jspecify.annotations.Nullable;

/**
 * What a key or unique id identifies, from its four-character prefix. The twelve prefixes are the ones AWS documents
 * in "Understanding unique ID prefixes" (IAM User Guide); anything else is {@link #UNKNOWN}.
 *
 * @since 0.1.0
 */
public enum KeyType {
    /** {@code ABIA}: AWS STS service bearer token. */
    STS_BEARER_TOKEN("ABIA", "sts-bearer-token", "AWS STS service bearer token", 20),
    /** {@code ACCA}: context-specific credential. */
    CONTEXT_CREDENTIAL("ACCA", "context-specific-credential", "context-specific credential", 20),
    /** {@code AGPA}: IAM user group. */
    GROUP("AGPA", "group", "IAM user group", 21),
    /** {@code AIDA}: IAM user (unique id). */
    IAM_USER("AIDA", "iam-user", "IAM user", 21),
    /** {@code AIPA}: Amazon EC2 instance profile. */
    INSTANCE_PROFILE("AIPA", "instance-profile", "Amazon EC2 instance profile", 21),
    /** {@code AKIA}: long-term access key of an IAM user or the root user. */
    ACCESS_KEY("AKIA", "access-key", "long-term access key", 20),
    /** {@code ANPA}: managed policy. */
    MANAGED_POLICY("ANPA", "managed-policy", "managed policy", 21),
    /** {@code ANVA}: version in a managed policy. */
    POLICY_VERSION("ANVA", "policy-version", "version in a managed policy", 21),
    /** {@code APKA}: public key. */
    PUBLIC_KEY("APKA", "public-key", "public key", 21),
    /** {@code AROA}: IAM role (unique id). */
    ROLE("AROA", "role", "IAM role", 21),
    /** {@code ASCA}: certificate. */
    CERTIFICATE("ASCA", "certificate", "certificate", 21),
    /** {@code ASIA}: temporary (AWS STS) access key. */
    TEMPORARY_ACCESS_KEY("ASIA", "temporary-access-key", "temporary (STS) access key", 20),
    /** A prefix AWS does not document, or an input too short to have one. */
    UNKNOWN(null, "unknown", "unknown prefix", 20);

    private final @Nullable String prefix;
    private final String jsonName;
    private final String description;
    private final int typicalLength;

    KeyType(@Nullable String prefix, String jsonName, String description, int typicalLength) {
        this.prefix = prefix;
        this.jsonName = jsonName;
        this.description = description;
        this.typicalLength = typicalLength;
    }

    /** The four-character prefix, {@code null} for {@link #UNKNOWN}. */
    public @Nullable String prefix() {
        return prefix;
    }

    /** The stable lower-case name used in JSON ({@code keyType}) and on the command line, e.g. {@code access-key}. */
    public String jsonName() {
        return jsonName;
    }

    /** What this prefix identifies, in AWS's words. */
    public String description() {
        return description;
    }

    /** The length AWS issues ids of this type with: 20 for access keys, 21 for unique ids. */
    public int typicalLength() {
        return typicalLength;
    }

    /** True for the two access-key prefixes a credential can have ({@code AKIA}, {@code ASIA}). */
    public boolean isAccessKey() {
        return this == ACCESS_KEY || this == TEMPORARY_ACCESS_KEY;
    }

    /**
     * The type for a prefix, compared exactly (prefixes are upper case); {@link #UNKNOWN} for anything else, including
     * {@code null}. Never throws.
     */
    public static KeyType fromPrefix(@Nullable String prefix) {
        if (prefix == null || prefix.length() != 4) {
            return UNKNOWN;
        }
        for (KeyType t : values()) {
            if (prefix.equals(t.prefix)) {
                return t;
            }
        }
        return UNKNOWN;
    }
}
