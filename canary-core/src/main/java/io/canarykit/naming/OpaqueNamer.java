package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;

import java.security.SecureRandom;
import java.util.Objects;
import java.util.Random;

/**
 * The {@code opaque} namer: an optional fixed prefix and random lower-case letters and digits (the first a letter),
 * such as {@code k7m2x9qp4d8w}. Nothing in the name relates to the asset; the store keeps the mapping. Every call
 * gives a new name, so a collision is fixed by asking again.
 *
 * <p>Instances are thread-safe.
 */
public final class OpaqueNamer implements IdentityNamer {
    private static final int MAX_RETRIES = 64;

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
        if (prefix.length() + length > rules.maxLength() || prefix.length() + length < rules.minLength()) {
            throw new CanaryConfigurationException("opaque names have " + (prefix.length() + length) + " characters but "
                    + "a " + rules.target() + " must have " + rules.minLength() + "-" + rules.maxLength()
                    + ": change the opaque namer's prefix or length");
        }
        for (int retry = 0; retry < MAX_RETRIES; retry++) {
            StringBuilder sb = new StringBuilder(prefix);
            for (int i = 0; i < length; i++) {
                String alphabet = i == 0 && prefix.isEmpty() ? Keyed.LETTERS : Keyed.ALPHABET;
                synchronized (random) {
                    sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
                }
            }
            String name = sb.toString();
            if (rules.problem(name) == null && TellTales.passes(name)) {
                return name;
            }
        }
        throw new CanaryConfigurationException("the opaque namer could not make a " + rules.target()
                + " that tells nothing; check its prefix");
    }

    /** Builds an {@link OpaqueNamer}. Not thread-safe. */
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

        /** How many random characters, 8-32 (default 12). */
        public Builder length(int length) {
            if (length < 8 || length > 32) {
                throw new CanaryConfigurationException("invalid opaque name length " + length + ": use 8-32");
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
