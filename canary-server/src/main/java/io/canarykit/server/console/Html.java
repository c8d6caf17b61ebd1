package io.canarykit.server.console;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * A page being written. Everything that is not a constant of this package goes through {@link #t(String)} (text
 * content and double-quoted attribute values alike), so a principal name or a user agent from CloudTrail can never
 * become markup. {@link #r(String)} takes only string constants and values this package built from escaped parts.
 * Not thread-safe; one per response.
 */
final class Html {
    private final StringBuilder b = new StringBuilder(8192);

    /** Appends markup written in this package; never input. */
    Html r(String markup) {
        b.append(markup);
        return this;
    }

    /** Appends {@code text} escaped for element content and double-quoted attributes; {@code null} as an empty string. */
    Html t(@Nullable String text) {
        b.append(escape(text));
        return this;
    }

    /** Appends an instant to the second, or a dash. */
    Html time(@Nullable Instant at) {
        return at == null ? r("&#8212;") : r("<time datetime=\"").t(at.toString()).r("\">").t(format(at)).r("</time>");
    }

    @Override
    public String toString() {
        return b.toString();
    }

    /**
     * {@code text} with {@code & < > " '} replaced by character references and every control character except tab,
     * line feed and carriage return dropped; {@code null} gives an empty string.
     */
    static String escape(@Nullable String text) {
        if (text == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&': out.append("&amp;"); break;
                case '<': out.append("&lt;"); break;
                case '>': out.append("&gt;"); break;
                case '"': out.append("&quot;"); break;
                case '\'': out.append("&#39;"); break;
                default:
                    if (c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r') {
                        out.append(c);
                    }
            }
        }
        return out.toString();
    }

    /** {@code value} encoded for a URL query parameter (the result still goes through {@link #t}). */
    static String query(String value) {
        return URLEncoder.encode(value == null ? "" : value, StandardCharsets.UTF_8);
    }

    /** An instant as {@code 2026-12-07 13:00:42Z}. */
    static String format(Instant at) {
        return at.truncatedTo(ChronoUnit.SECONDS).toString().replace('T', ' ');
    }
}
