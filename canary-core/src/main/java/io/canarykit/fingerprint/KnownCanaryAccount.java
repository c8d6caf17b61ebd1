package io.canarykit.fingerprint;

import io.canarykit.Principal;

import java.util.Objects;

/**
 * One AWS account known to issue canary tokens.
 *
 * @param accountId the 12-digit account id
 * @param list      which list it comes from: {@code thinkst}, {@code knockoff}, or the user's own list name
 * @param label     who issues from it, as the source names it (e.g. "Thinkst / canarytokens.org")
 * @param sources   where it was published (tools, files), free text
 *
 * @since 0.1.0
 */
public record KnownCanaryAccount(String accountId, String list, String label, String sources) {
    public KnownCanaryAccount {
        Principal.requireAccount(accountId);
        Objects.requireNonNull(list, "list");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(sources, "sources");
    }
}
