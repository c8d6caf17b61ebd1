package io.canarykit.fingerprint;

import io.canarykit.Principal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What surrounds a credential: the organisation's own accounts, and the other credentials and ARNs found near it (in
 * the same file, environment, repository or host). Every part is optional; an empty context checks the key alone.
 *
 * @param organisationAccounts the organisation's 12-digit account ids; empty when unknown (no account check)
 * @param neighbourKeyIds      key ids found near the credential
 * @param neighbourArns        principal ARNs found near the credential
 * @param neighboursShortTerm  whether the neighbours are short-term credentials; {@code null} to derive it from the
 *                             neighbour key ids ({@code ASIA} short-term, {@code AKIA} long-term; unknown when mixed)
 *
 * @since 0.1.0
 */
public record FingerprintContext(Set<String> organisationAccounts, List<String> neighbourKeyIds,
                                 List<String> neighbourArns, @Nullable Boolean neighboursShortTerm) {
    private static final FingerprintContext NONE = new FingerprintContext(Set.of(), List.of(), List.of(), null);

    public FingerprintContext {
        organisationAccounts = organisationAccounts == null ? Set.of() : Set.copyOf(organisationAccounts);
        organisationAccounts.forEach(Principal::requireAccount);
        neighbourKeyIds = copyNonNull(neighbourKeyIds);
        neighbourArns = copyNonNull(neighbourArns);
    }

    /** No context: the key is checked on its own. */
    public static FingerprintContext none() {
        return NONE;
    }

    /** A builder starting empty. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads account ids from a file: one 12-digit account per line (anything after it on the line is ignored), blank
     * lines and {@code #} comment lines skipped.
     *
     * @throws io.canarykit.CanaryConfigurationException naming the file and line when a line is not an account id or
     *                                                   the file cannot be read
     */
    public static Set<String> readAccounts(Path file) {
        Objects.requireNonNull(file, "file");
        Set<String> out = new LinkedHashSet<>();
        for (AccountFile.Line line : AccountFile.read(file)) {
            out.add(line.accountId());
        }
        return out;
    }

    private static List<String> copyNonNull(@Nullable List<String> values) {
        if (values == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                out.add(v);
            }
        }
        return List.copyOf(out);
    }

    /**
     * Builds a {@link FingerprintContext}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final Set<String> organisationAccounts = new LinkedHashSet<>();
        private final List<String> neighbourKeyIds = new ArrayList<>();
        private final List<String> neighbourArns = new ArrayList<>();
        private @Nullable Boolean neighboursShortTerm;

        private Builder() {
        }

        /**
         * Adds organisation accounts.
         *
         * @throws io.canarykit.CanaryConfigurationException for an id that is not 12 digits
         */
        public Builder organisationAccounts(Collection<String> accountIds) {
            for (String a : accountIds) {
                organisationAccounts.add(Principal.requireAccount(a));
            }
            return this;
        }

        /** Adds one organisation account. */
        public Builder organisationAccount(String accountId) {
            organisationAccounts.add(Principal.requireAccount(accountId));
            return this;
        }

        /** Adds the organisation accounts listed in a file (see {@link #readAccounts(Path)}). */
        public Builder organisationAccountsFromFile(Path file) {
            organisationAccounts.addAll(readAccounts(file));
            return this;
        }

        /** Adds key ids found near the credential. */
        public Builder neighbourKeyIds(Collection<String> keyIds) {
            neighbourKeyIds.addAll(keyIds);
            return this;
        }

        /** Adds one key id found near the credential. */
        public Builder neighbourKeyId(String keyId) {
            neighbourKeyIds.add(keyId);
            return this;
        }

        /** Adds principal ARNs found near the credential. */
        public Builder neighbourArns(Collection<String> arns) {
            neighbourArns.addAll(arns);
            return this;
        }

        /** Adds one principal ARN found near the credential. */
        public Builder neighbourArn(String arn) {
            neighbourArns.add(arn);
            return this;
        }

        /** Says whether the neighbours are short-term, overriding what their key ids suggest. */
        public Builder neighboursShortTerm(boolean shortTerm) {
            this.neighboursShortTerm = shortTerm;
            return this;
        }

        /** The context. */
        public FingerprintContext build() {
            return new FingerprintContext(organisationAccounts, neighbourKeyIds, neighbourArns, neighboursShortTerm);
        }
    }
}
