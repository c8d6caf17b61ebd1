package io.canarykit.policy;

/**
 * IAM wildcard matching: {@code *} for any run of characters, {@code ?} for one. The characters {@link #LITERAL_STAR}
 * and {@link #LITERAL_QUESTION} in a pattern (what {@code ${*}} and {@code ${?}} become) match a literal {@code *} and
 * {@code ?}.
 */
final class Wildcards {
    static final char LITERAL_STAR = '\uE000';
    static final char LITERAL_QUESTION = '\uE001';

    private Wildcards() {
    }

    /** Action matching: case-insensitive, wildcards anywhere. */
    static boolean matchAction(String pattern, String action) {
        return match(pattern, action, true, false);
    }

    /** {@code StringLike}: case-sensitive, wildcards anywhere. */
    static boolean matchString(String pattern, String value) {
        return match(pattern, value, false, false);
    }

    /**
     * Resource and ARN matching: case-sensitive; a wildcard stays inside its colon-separated ARN segment, except a
     * {@code *} that ends a segment, which may run on across colons (as IAM documents for the Resource element).
     */
    static boolean matchArn(String pattern, String value) {
        return match(pattern, value, false, true);
    }

    /**
     * {@code ArnLike}/{@code ArnEquals}: each of the six colon-delimited components is matched on its own (the last
     * one keeps any further colons), so no wildcard runs across a component boundary.
     */
    static boolean matchArnComponents(String pattern, String value) {
        String[] p = pattern.split(":", 6);
        String[] v = value.split(":", 6);
        if (p.length != v.length) {
            return false;
        }
        for (int i = 0; i < p.length; i++) {
            if (!match(p[i], v[i], false, false)) {
                return false;
            }
        }
        return true;
    }

    static boolean match(String pattern, String value, boolean ignoreCase, boolean arnSegments) {
        int m = pattern.length();
        int n = value.length();
        boolean[] prev = new boolean[n + 1];
        boolean[] cur = new boolean[n + 1];
        prev[0] = true;
        for (int i = 1; i <= m; i++) {
            char p = pattern.charAt(i - 1);
            boolean crossesColons = !arnSegments || i == m || pattern.charAt(i) == ':';
            cur[0] = p == '*' && prev[0];
            for (int j = 1; j <= n; j++) {
                char c = value.charAt(j - 1);
                if (p == '*') {
                    cur[j] = prev[j] || (cur[j - 1] && (crossesColons || c != ':'));
                } else if (p == '?') {
                    cur[j] = prev[j - 1] && (!arnSegments || c != ':');
                } else {
                    cur[j] = prev[j - 1] && same(literal(p), c, ignoreCase);
                }
            }
            boolean[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[n];
    }

    private static char literal(char p) {
        if (p == LITERAL_STAR) {
            return '*';
        }
        if (p == LITERAL_QUESTION) {
            return '?';
        }
        return p;
    }

    private static boolean same(char a, char b, boolean ignoreCase) {
        if (a == b) {
            return true;
        }
        return ignoreCase && (Character.toLowerCase(a) == Character.toLowerCase(b)
                || Character.toUpperCase(a) == Character.toUpperCase(b));
    }
}
