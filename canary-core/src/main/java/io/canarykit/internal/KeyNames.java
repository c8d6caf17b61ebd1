package io.canarykit.internal;

import java.util.Collection;
import java.util.Locale;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Names of configuration keys and placement options: kebab-case, their old camelCase spelling, and the closest known
 * name to a misspelt one ("did you mean"). One implementation for every place that reports unknown names.
 *
 * <p>Internal: public only so that canarykit's own modules can share it; not API, and it may change without
 * notice.
 *
 * @since 0.1.0
 */
public final class KeyNames {
    private static final Pattern KEBAB = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    private KeyNames() {
    }

    /** True if {@code name} is kebab-case: lower-case words of letters and digits joined by {@code -}. */
    public static boolean isKebabCase(String name) {
        return name != null && KEBAB.matcher(name).matches();
    }

    /** The camelCase spelling of a kebab-case name: {@code allow-imds-v1} gives {@code allowImdsV1}. */
    public static String camelCase(String kebab) {
        StringBuilder sb = new StringBuilder(kebab.length());
        boolean up = false;
        for (int i = 0; i < kebab.length(); i++) {
            char c = kebab.charAt(i);
            if (c == '-') {
                up = true;
            } else {
                sb.append(up ? Character.toUpperCase(c) : c);
                up = false;
            }
        }
        return sb.toString();
    }

    /**
     * The known name closest to {@code given} (at most a third of its letters different, ignoring case and reading
     * {@code _} as {@code -}), or {@code null} when none is that close.
     */
    public static @Nullable String closest(String given, Collection<String> known) {
        String g = given.toLowerCase(Locale.ROOT).replace("_", "-");
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : new TreeSet<>(known)) {
            int d = Math.min(distance(g, k), distance(g, camelCase(k).toLowerCase(Locale.ROOT)));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        return best != null && bestDistance <= Math.max(1, g.length() / 3) ? best : null;
    }

    /** The Levenshtein distance between two strings. */
    static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
