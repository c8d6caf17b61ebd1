package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * The {@code opaque} namer: an optional fixed prefix and random lower-case letters and digits (the first a letter) in
 * groups of six, such as {@code k7m2x9-qp4d8w}; the groups keep the name from looking machine-random. Nothing in the name relates to the asset; the store keeps the mapping. Every call
 * gives a new name, so a collision is fixed by asking again.
 *
 * <p>Instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class OpaqueNamer implements IdentityNamer {
    private static final int MAX_RETRIES = 64;
    private static final int GROUP = 6;

    private final String prefix;
    private final int length;
    private final Random random;

    private OpaqueNamer(Builder b) {
        this.prefix = b.prefix;
        this.length = b.length;
        this.random = b.random;
    }

    /** Twelve random characters, no prefix. */
    public static OpaqueNamer create() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name(Asset asset, NameRules rules, int attempt) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(rules, "rules");
        int total = prefix.length() + Keyed.groupedLength(length, GROUP);
        if (total > rules.maxLength() || total < rules.minLength()) {
            throw new CanaryConfigurationException("opaque names have " + total + " characters but "
                    + "a " + rules.target() + " must have " + rules.minLength() + "-" + rules.maxLength()
                    + ": change the opaque namer's prefix or length");
        }
        for (int retry = 0; retry < MAX_RETRIES; retry++) {
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < length; i++) {
                String alphabet = i == 0 && prefix.isEmpty() ? Keyed.LETTERS : Keyed.ALPHABET;
                synchronized (random) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String name = prefix + Keyed.group(sb.toString(), GROUP);
            if (rules.problem(name) == null && NameTellTales.passes(name)) {
                return name;
            }
        }
        throw new CanaryConfigurationException("the opaque namer could not make a " + rules.target()
                + " that tells nothing; check its prefix");
    }

    /**
     * Builds an {@link OpaqueNamer}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String prefix = "";
        private int length = 12;
        private Random random = new SecureRandom();

        private Builder() {
        }

        /** A fixed prefix ({@code [A-Za-z0-9+=,.@_-]}, at most 24 characters, telling nothing); default none. */
        public Builder prefix(String prefix) {
            this.prefix = Names.checkLiteral("opaque namer prefix", prefix, 24);
            return this;
        }

        /** How many random characters, 8-24 (default 12: 60 bits), not counting the group separators. */
        public Builder length(int length) {
            if (length < 8 || length > 24) {
                throw new CanaryConfigurationException("invalid opaque name length " + length + ": use 8-24");
            }
            this.length = length;
            return this;
        }

        /** The source of randomness (a {@link SecureRandom} by default; a seeded one for reproducible tests). */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The namer. */
        public OpaqueNamer build() {
            return new OpaqueNamer(this);
        }
    }
}
