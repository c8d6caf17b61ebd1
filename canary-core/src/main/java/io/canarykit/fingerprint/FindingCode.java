package io.canarykit.fingerprint;

/**
 * Every kind of finding a fingerprint check reports. The {@link #code()} strings are a stable public interface.
 *
 * @since 0.1.0
 */
public enum FindingCode {
    /** The decoded account is on a published list of canary-token accounts (high). */
    KNOWN_CANARY_ACCOUNT("known-canary-account"),
    /** The decoded account is not one of the organisation's own accounts (medium). */
    ACCOUNT_NOT_IN_ORGANISATION("account-not-in-organisation"),
    /** The decoded account differs from the accounts of the credentials and ARNs found near it (medium). */
    ACCOUNT_DIFFERS_FROM_NEIGHBOURS("account-differs-from-neighbours"),
    /** The account of the key cannot be decoded, so the key is not known to be clean (low). */
    ACCOUNT_UNDECODABLE("account-undecodable"),
    /** The key is not a well-formed AWS key id (medium). */
    INVALID_KEY_ID("invalid-key-id"),
    /** The key is an old-format id ({@code AKIAI…}/{@code AKIAJ…}) (low). */
    OLD_FORMAT_KEY("old-format-key"),
    /** The prefix is not one AWS documents (low). */
    UNKNOWN_PREFIX("unknown-prefix"),
    /** The id is not an access key ({@code AKIA}/{@code ASIA}) although a credential was checked (info). */
    NOT_AN_ACCESS_KEY("not-an-access-key"),
    /** Attacker tools decode a different account from the key than strict decoding does, or one where strict decodes none (info). */
    LENIENT_DECODE("lenient-decode"),
    /** The principal's ARN names another account than the key encodes (medium). */
    PRINCIPAL_ACCOUNT_MISMATCH("principal-account-mismatch"),
    /** The credential kind does not fit the key prefix, e.g. an IAM user kind with an {@code ASIA} key (medium). */
    KIND_MISMATCH("kind-mismatch"),
    /** A canary word (canary, honey, decoy, tripwire, trap, bait, fake, test) in the principal name (low to high). */
    CANARY_WORD_IN_NAME("canary-word-in-name"),
    /** A canary word in the IAM path or role name (low to high). */
    CANARY_WORD_IN_PATH("canary-word-in-path"),
    /** {@code @@} in the principal name: how canarytokens.org names its users (high). */
    DOUBLE_AT("double-at"),
    /** A UUID in the principal name, as SpaceSiren names its users (high). */
    UUID_NAME("uuid-name"),
    /** A known canary tool's IAM path, e.g. {@code /SpaceCrab/} or {@code /ggcanary/} (high). */
    CANARY_TOOL_PATH("canary-tool-path"),
    /** A known canary tool's name prefix, e.g. {@code canarytokens.com@@} (high). */
    CANARY_TOOL_PREFIX("canary-tool-prefix"),
    /** The principal name looks random (info on its own, medium where neighbours' names do not). */
    RANDOM_LOOKING_NAME("random-looking-name"),
    /** A long-term key among short-term neighbours (medium). */
    LONG_TERM_AMONG_SHORT_TERM("long-term-among-short-term"),
    /** A short-term key among long-term neighbours (medium). */
    SHORT_TERM_AMONG_LONG_TERM("short-term-among-long-term"),
    /** A short-term credential that has already expired: it can no longer be used, so it detects nothing (low). */
    EXPIRED("expired");

    private final String code;

    FindingCode(String code) {
        this.code = code;
    }

    /** The stable lower-case code used in JSON. */
    public String code() {
        return code;
    }
}
