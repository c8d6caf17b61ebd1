package io.canarykit.fingerprint;

/**
 * How a key id is laid out, which decides whether an account can be decoded from it.
 *
 * @since 0.1.0
 */
public enum KeyIdFormat {
    /** The generation bit is set (character 5 is one of {@code Q-Z} or {@code 2-7}): the account is encoded. */
    NEW("new"),
    /** Character 5 is {@code I} or {@code J} (keys from before about 2019): no account anyone has decoded. */
    OLD("old"),
    /** Not a well-formed AWS key id: nothing can be decoded; {@link KeyId#reason()} says why. */
    INVALID("invalid");

    private final String jsonName;

    KeyIdFormat(String jsonName) {
        this.jsonName = jsonName;
    }

    /** The lower-case name used in JSON: {@code new}, {@code old} or {@code invalid}. */
    public String jsonName() {
        return jsonName;
    }
}
