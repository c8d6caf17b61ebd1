package io.canarykit.fingerprint;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What {@link KeyIds#parse(String)} found in a key or unique id: its prefix, what it identifies, its format, the account
 * it encodes under strict decoding and the account a lenient attacker tool would decode.
 *
 * @param keyId            the input exactly as given; {@code null} when the input was {@code null}
 * @param prefix           the first four characters as given, {@code null} when the input is shorter
 * @param type             what the prefix identifies; {@link KeyType#UNKNOWN} for undocumented prefixes
 * @param format           new, old or invalid
 * @param accountId        the 12-digit account under strict decoding, {@code null} when none decodes
 * @param lenientAccountId what a trufflehog-style tool decodes (it rejects only {@code I}/{@code J} in character 5
 *                         and applies no range check, so this can be a 13-digit number), {@code null} when even a
 *                         lenient tool decodes nothing
 * @param reason           why strict decoding yields no account (or a note on an unknown prefix); {@code null} when an
 *                         account decoded cleanly. Never contains the input itself.
 *
 * @since 0.1.0
 */
public record KeyId(@Nullable String keyId, @Nullable String prefix, KeyType type, KeyIdFormat format,
                    @Nullable String accountId, @Nullable String lenientAccountId, @Nullable String reason) {
    private static final Pattern PRINTABLE = Pattern.compile("[A-Za-z0-9_]{1,128}");

    public KeyId {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(format, "format");
        if (accountId != null && format != KeyIdFormat.NEW) {
            throw new IllegalArgumentException("only a new-format key id encodes an account");
        }
        if (accountId == null && reason == null) {
            throw new IllegalArgumentException("a key id without an account needs a reason");
        }
    }

    /** The account under strict decoding, empty when none decodes (see {@link #reason()}). */
    public Optional<String> account() {
        return Optional.ofNullable(accountId);
    }

    /** The account a lenient attacker tool would decode, empty when it decodes nothing. */
    public Optional<String> lenientAccount() {
        return Optional.ofNullable(lenientAccountId);
    }

    /** Why no account decodes, or a note; empty when the account decoded cleanly. */
    public Optional<String> why() {
        return Optional.ofNullable(reason);
    }

    /** True when strict decoding yields an account. */
    public boolean decodes() {
        return accountId != null;
    }

    /**
     * The key id safe to show to a person or a log: the input when it looks like an id (letters, digits and
     * {@code _}, 1-128 characters, not 40 long), otherwise only its length, because a person who pastes the wrong
     * field may have passed a secret access key (40 characters, often with {@code /} or {@code +}).
     */
    public String display() {
        if (keyId == null) {
            return "(null)";
        }
        if (PRINTABLE.matcher(keyId).matches() && keyId.length() != 40) {
            return keyId;
        }
        return "(hidden input of " + keyId.length() + " characters)";
    }

    /** Shows {@link #display()}, never a value that may be a secret. */
    @Override
    public String toString() {
        return "KeyId[" + display() + ", type=" + type.jsonName() + ", format=" + format.jsonName()
                + ", account=" + accountId + ", lenientAccount=" + lenientAccountId
                + (reason == null ? "" : ", reason=" + reason) + "]";
    }
}
