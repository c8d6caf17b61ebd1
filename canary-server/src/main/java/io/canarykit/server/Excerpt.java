package io.canarykit.server;

import org.jspecify.annotations.Nullable;

/**
 * Short, escaped excerpts of what a client sent, for error messages and logs: at most {@value #MAX} characters,
 * anything but printable ASCII written as {@code \\uXXXX}, so that nothing a client sends comes back or reaches a log
 * line at length or with control characters.
 */
final class Excerpt {
    /** The longest excerpt, in characters of the original text. */
    static final int MAX = 48;
    private static final int MAX_MESSAGE = 400;

    private Excerpt() {
    }

    /** {@code text} cut to {@value #MAX} characters (with {@code …} when cut) and escaped. */
    static String of(@Nullable String text) {
        if (text == null) {
            return "";
        }
        boolean cut = text.length() > MAX;
        return escape(cut ? text.substring(0, MAX) : text) + (cut ? "…(" + text.length() + " characters)" : "");
    }

    /** A whole message made safe: control characters escaped, at most 400 characters. */
    static String message(@Nullable String message) {
        if (message == null) {
            return "";
        }
        String m = message.length() > MAX_MESSAGE ? message.substring(0, MAX_MESSAGE) + "…" : message;
        StringBuilder b = new StringBuilder(m.length());
        for (int i = 0; i < m.length(); i++) {
            char c = m.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static String escape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0x20 && c < 0x7f && c != '\\') {
                b.append(c);
            } else {
                b.append(String.format("\\u%04x", (int) c));
            }
        }
        return b.toString();
    }

    /** {@code s} as a JSON string literal (quotes included). */
    static String jsonString(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                default:
                    if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }
}
