package io.canarykit.naming;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The tell-tale checks for principal names and paths that namers apply before returning a name: no canary or honey
 * words, no {@code @@} (Thinkst's {@code domain@@token}), no UUID (SpaceSiren), no 32-hex-digit run. Kept here so that
 * naming does not depend on the fingerprint capability; namers also apply that capability's check when it is on the
 * class path (see {@link #problem(String)}).
 */
public final class TellTales {
    /** Words that give a canary away wherever they appear in a name. */
    static final List<String> WORDS = List.of("canary", "canaries", "honey", "decoy", "tripwire", "deception",
            "spacecrab", "spacesiren", "thinkst", "tracebit", "ggcanary", "canarytoken", "honeytoken", "honeypot",
            "sentinel", "sweetener");
    /** Short words that give a canary away when they are a whole token of the name ({@code bootstrap} is fine). */
    static final List<String> TOKENS = List.of("trap", "traps", "bait", "lure", "fake", "dummy", "tripped", "tarpit",
            "snare", "honeypots");
    private static final Pattern UUID = Pattern.compile(
            "[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}", Pattern.CASE_INSENSITIVE);
    private static final Pattern SPLIT = Pattern.compile("[^a-z]+");

    private TellTales() {
    }

    /** What gives {@code name} away, or {@code null} if nothing does. */
    public static String problem(String name) {
        if (name == null) {
            return null;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (String w : WORDS) {
            if (lower.contains(w)) {
                return "it contains '" + w + "'";
            }
        }
        for (String t : SPLIT.split(lower)) {
            if (TOKENS.contains(t)) {
                return "it contains the word '" + t + "'";
            }
        }
        if (name.contains("@@")) {
            return "it contains '@@', as Canarytokens user names do";
        }
        if (UUID.matcher(name).find()) {
            return "it contains a UUID, as SpaceSiren user names are";
        }
        return null;
    }

    /** True if nothing gives {@code name} away. */
    public static boolean passes(String name) {
        return problem(name) == null;
    }
}
