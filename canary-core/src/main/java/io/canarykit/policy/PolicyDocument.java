package io.canarykit.policy;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An IAM policy document: {@code Version}, optional {@code Id}, and its statements. Parse one with {@link #parse},
 * write one with {@link #toJson()}.
 *
 * @param version    {@code 2012-10-17} (policy variables work) or {@code 2008-10-17} (they are literal text)
 * @param id         the optional {@code Id}, or {@code null}
 * @param statements the statements, at least one
 *
 * @since 0.1.0
 */
public record PolicyDocument(String version, @Nullable String id, List<Statement> statements) {
    /** The current policy language version. */
    public static final String VERSION_2012 = "2012-10-17";
    /** The old policy language version, without policy variables. */
    public static final String VERSION_2008 = "2008-10-17";

    public PolicyDocument {
        Objects.requireNonNull(version, "version");
        if (!VERSION_2012.equals(version) && !VERSION_2008.equals(version)) {
            throw new IllegalArgumentException("Version must be " + VERSION_2012 + " or " + VERSION_2008);
        }
        statements = List.copyOf(Objects.requireNonNull(statements, "statements"));
    }

    /** A {@code 2012-10-17} document with these statements. */
    public static PolicyDocument of(Statement... statements) {
        return new PolicyDocument(VERSION_2012, null, List.of(statements));
    }

    /** A {@code 2012-10-17} document with these statements. */
    public static PolicyDocument of(List<Statement> statements) {
        return new PolicyDocument(VERSION_2012, null, statements);
    }

    /**
     * Parses IAM policy JSON: {@code Statement} as a list or a single object; {@code Action}, {@code Resource} and
     * friends as a string or a list; {@code Principal} as {@code "*"} or an object.
     *
     * @throws PolicyParseException pointing at the statement and field, if the text is not a valid policy
     */
    public static PolicyDocument parse(String json) {
        return PolicyJson.parse(null, json);
    }

    /**
     * Parses IAM policy JSON, naming the policy in error messages.
     *
     * @param name what to call the policy in error messages (a file name, a policy name); may be {@code null}
     * @throws PolicyParseException pointing at the statement and field, if the text is not a valid policy
     */
    public static PolicyDocument parse(@Nullable String name, String json) {
        return PolicyJson.parse(name, json);
    }

    /** Whether policy variables such as {@code ${aws:username}} are substituted (only in {@code 2012-10-17}). */
    public boolean supportsVariables() {
        return VERSION_2012.equals(version);
    }

    /** Compact IAM JSON, elements in the canonical order; a one-element list is written as a plain string. */
    public String toJson() {
        return PolicyJson.write(this, false);
    }

    /** Indented IAM JSON, for people. */
    public String toPrettyJson() {
        return PolicyJson.write(this, true);
    }

    /**
     * The number of characters IAM counts against its size quotas: the compact JSON without whitespace (IAM does not
     * count whitespace).
     */
    public int sizeWithoutWhitespace() {
        return nonWhitespaceLength(toJson());
    }

    /** Counts the characters of {@code text} that are not whitespace, as IAM does for inline policy quotas. */
    public static int nonWhitespaceLength(String text) {
        int n = 0;
        for (int i = 0; i < text.length(); i++) {
            if (!Character.isWhitespace(text.charAt(i))) {
                n++;
            }
        }
        return n;
    }

    /** The compact JSON. */
    @Override
    public String toString() {
        return toJson();
    }
}
