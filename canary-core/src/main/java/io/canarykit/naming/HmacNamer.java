package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryRecord;
import io.canarykit.Secret;
import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.Page;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The {@code hmac} namer: a prefix and a keyed HMAC-SHA256 of the asset (and the attempt) in groups of eight, such as
 * {@code svc-7k2m9xqp-4d8wbn3c} (the groups keep the name from looking machine-random). Without the key the name leaks nothing about the asset; with the key and the store a
 * responder maps a name back to its asset ({@link #identify(String, CanaryStore)}) and proves the name is ours.
 *
 * <p>The name does not depend on the target's rules (so that it can be recomputed): the prefix and length must fit
 * every target the namer is used for, which {@link #name} checks.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class HmacNamer implements IdentityNamer {
    /** How many attempts {@link #identify} tries per asset by default. */
    public static final int DEFAULT_MAX_ATTEMPTS = 16;
    private static final int MAX_RETRIES = 64;
    private static final int GROUP = 8;

    private final Keyed.Hasher hasher;
    private final String prefix;
    private final int length;

    private HmacNamer(Builder b) {
        this.hasher = new Keyed.Hasher(Keyed.requireKey(b.key, "the hmac namer"));
        this.prefix = b.prefix;
        this.length = b.length;
    }

    /** A namer with prefix {@code svc-} and 16 characters of HMAC (80 bits). */
    public static HmacNamer create(Secret key) {
        return builder().key(key).build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name(Asset asset, NameRules rules, int attempt) {
        Objects.requireNonNull(rules, "rules");
        String name = name(asset, attempt);
        String problem = rules.problem(name);
        if (problem != null) {
            throw new CanaryConfigurationException(problem + ": shorten the hmac namer's prefix or length");
        }
        return name;
    }

    /** The name for {@code asset} at {@code attempt}, whatever the target. */
    public String name(Asset asset, int attempt) {
        Objects.requireNonNull(asset, "asset");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        for (int retry = 0; retry < MAX_RETRIES; retry++) {
            byte[] h = hasher.hmac("hmac|" + Keyed.canonical(asset) + "|" + attempt + (retry == 0 ? "" : "|" + retry));
            String name = prefix + Keyed.group(Keyed.encode(h, length), GROUP);
            if (NameTellTales.passes(name)) {
                return name;
            }
        }
        throw new CanaryConfigurationException("the hmac namer could not make a name that tells nothing; check its "
                + "prefix");
    }

    /** True if {@code name} is what this namer gives {@code asset} at some attempt below {@code maxAttempts}. */
    public boolean matches(String name, Asset asset, int maxAttempts) {
        Objects.requireNonNull(name, "name");
        boolean found = false;
        for (int a = 0; a < maxAttempts; a++) {
            // compare every attempt in constant time, so timing tells nothing about which one matched
            found |= MessageDigest.isEqual(name.getBytes(StandardCharsets.UTF_8),
                    name(asset, a).getBytes(StandardCharsets.UTF_8));
        }
        return found;
    }

    /** The asset among {@code candidates} whose name (at some attempt below {@code maxAttempts}) is {@code name}. */
    public Optional<Asset> identify(String name, Iterable<Asset> candidates, int maxAttempts) {
        for (Asset a : candidates) {
            if (matches(name, a, maxAttempts)) {
                return Optional.of(a);
            }
        }
        return Optional.empty();
    }

    /**
     * Maps a principal name seen in a log back to its asset: the records the store has for that name, verified with
     * the key (a name the store knows but this key did not make is not returned), else every asset in the store.
     */
    public Optional<Asset> identify(String name, CanaryStore store) {
        Objects.requireNonNull(store, "store");
        for (CanaryRecord r : store.findByPrincipalName(name)) {
            if (matches(name, r.asset(), DEFAULT_MAX_ATTEMPTS)) {
                return Optional.of(r.asset());
            }
        }
        CanaryQuery q = CanaryQuery.all().limit(1000);
        while (true) {
            Page<CanaryRecord> page = store.list(q);
            for (CanaryRecord r : page.items()) {
                if (matches(name, r.asset(), DEFAULT_MAX_ATTEMPTS)) {
                    return Optional.of(r.asset());
                }
            }
            if (!page.hasMore()) {
                return Optional.empty();
            }
            q = q.after(page.nextCursor());
        }
    }

    /**
     * Builds an {@link HmacNamer}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable Secret key;
        private String prefix = "svc-";
        private int length = 16;

        private Builder() {
        }

        /** The HMAC key, at least 16 characters (required). */
        public Builder key(Secret key) {
            this.key = Keyed.requireKey(key, "the hmac namer");
            return this;
        }

        /** The prefix ({@code [A-Za-z0-9+=,.@_-]}, at most 24 characters, telling nothing); default {@code svc-}. */
        public Builder prefix(String prefix) {
            this.prefix = Names.checkLiteral("hmac namer prefix", prefix, 24);
            return this;
        }

        /** HMAC characters (5 bits each), 12-48, not counting the group separators; default 16 (80 bits). */
        public Builder length(int length) {
            if (length < 12 || length > 48) {
                throw new CanaryConfigurationException("invalid hmac name length " + length + ": use 12-48");
            }
            this.length = length;
            return this;
        }

        /**
         * The namer.
         *
         * @throws CanaryConfigurationException if no key is set
         */
        public HmacNamer build() {
            return new HmacNamer(this);
        }
    }
}
