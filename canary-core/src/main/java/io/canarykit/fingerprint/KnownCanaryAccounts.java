package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * AWS accounts known to issue canary tokens: the published lists attacker tools check every key against, plus any
 * lists of the user's own. Immutable and thread-safe.
 *
 * <p>The bundled lists are a data resource ({@code io/canarykit/fingerprint/known-canary-accounts.tsv}): the 13
 * Thinkst-attributed accounts and the 16 off-brand ("knockoff") accounts of AWS-REFERENCE §K.5.3, each with its label
 * and sources. Add your own with {@link Builder#addFile(Path)} (one account per line, optionally followed by a label,
 * or {@code account<TAB>label<TAB>sources}, or the bundled file's layout {@code account<TAB>list<TAB>label<TAB>sources})
 * or {@link Builder#add}.
 * When an account appears twice, the first entry wins.
 *
 * @since 0.1.0
 */
public final class KnownCanaryAccounts {
    /** Class-path location of the bundled lists. */
    public static final String BUNDLED_RESOURCE = "/io/canarykit/fingerprint/known-canary-accounts.tsv";

    private static volatile @Nullable KnownCanaryAccounts bundled;

    private final Map<String, KnownCanaryAccount> accounts;

    private KnownCanaryAccounts(Map<String, KnownCanaryAccount> accounts) {
        this.accounts = accounts;
    }

    /** The bundled published lists (29 accounts), loaded once. */
    public static KnownCanaryAccounts bundled() {
        KnownCanaryAccounts b = bundled;
        if (b == null) {
            b = builder().addBundled().build();
            bundled = b;
        }
        return b;
    }

    /** No accounts at all (for tests, or to check only the user's own list). */
    public static KnownCanaryAccounts none() {
        return new KnownCanaryAccounts(Map.of());
    }

    /** A builder starting empty; call {@link Builder#addBundled()} to include the published lists. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The entry for an account, empty when it is not listed (or {@code accountId} is {@code null}).
     *
     * @param accountId a 12-digit account id, may be {@code null}
     */
    public Optional<KnownCanaryAccount> lookup(@Nullable String accountId) {
        return accountId == null ? Optional.empty() : Optional.ofNullable(accounts.get(accountId));
    }

    /** True when the account is listed. */
    public boolean contains(@Nullable String accountId) {
        return accountId != null && accounts.containsKey(accountId);
    }

    /** Every entry, in the order added. */
    public List<KnownCanaryAccount> all() {
        return List.copyOf(accounts.values());
    }

    /** How many accounts are listed. */
    public int size() {
        return accounts.size();
    }

    @Override
    public String toString() {
        return "KnownCanaryAccounts[" + accounts.size() + " accounts]";
    }

    /**
     * Builds a {@link KnownCanaryAccounts}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Map<String, KnownCanaryAccount> accounts = new LinkedHashMap<>();

        private Builder() {
        }

        /** Adds the bundled published lists (13 Thinkst-attributed, 16 knockoff). */
        public Builder addBundled() {
            try (InputStream in = KnownCanaryAccounts.class.getResourceAsStream(BUNDLED_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("bundled resource " + BUNDLED_RESOURCE
                            + " is missing from the canary-core jar");
                }
                for (AccountFile.Line line : AccountFile.read(in, BUNDLED_RESOURCE)) {
                    add(entry(line, "bundled"));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read bundled resource " + BUNDLED_RESOURCE, e);
            }
            return this;
        }

        /**
         * Adds a list from a file: one 12-digit account per line, optionally followed by a label (after a tab, spaces
         * or a comma), or the bundled layout {@code account<TAB>list<TAB>label<TAB>sources}; {@code #} starts a
         * comment line.
         *
         * @throws CanaryConfigurationException naming the file and line when it cannot be read or a line is not an
         *                                      account id
         */
        public Builder addFile(Path file) {
            Objects.requireNonNull(file, "file");
            String name = file.getFileName() == null ? file.toString() : file.getFileName().toString();
            for (AccountFile.Line line : AccountFile.read(file)) {
                add(entry(line, name));
            }
            return this;
        }

        /**
         * Adds one account.
         *
         * @param accountId a 12-digit account id
         * @param label     who issues canaries from it
         * @param sources   where it is known from
         * @throws CanaryConfigurationException for a malformed account id
         */
        public Builder add(String accountId, String label, String sources) {
            return add(new KnownCanaryAccount(accountId, "user", label, sources));
        }

        /** Adds accounts that share one label (e.g. an internal list of a red team's canaries). */
        public Builder addAll(Collection<String> accountIds, String label, String sources) {
            for (String a : accountIds) {
                add(a, label, sources);
            }
            return this;
        }

        /** Adds one entry; an account already present keeps its first entry. */
        public Builder add(KnownCanaryAccount account) {
            Objects.requireNonNull(account, "account");
            accounts.putIfAbsent(account.accountId(), account);
            return this;
        }

        /** An immutable snapshot. */
        public KnownCanaryAccounts build() {
            return new KnownCanaryAccounts(Collections.unmodifiableMap(new LinkedHashMap<>(accounts)));
        }

        private static KnownCanaryAccount entry(AccountFile.Line line, String source) {
            List<String> f = line.fields();
            // account | account label | account label sources | account list label sources
            if (f.size() >= 3) {
                return new KnownCanaryAccount(line.accountId(), f.get(0), f.get(1), f.get(2));
            }
            String label = f.isEmpty() || f.get(0).isEmpty() ? "listed in " + source : f.get(0);
            return new KnownCanaryAccount(line.accountId(), "user", label, f.size() == 2 ? f.get(1) : source);
        }
    }
}
