package io.canarykit.naming;

import io.canarykit.fingerprint.Finding;
import io.canarykit.fingerprint.Severity;
import io.canarykit.fingerprint.TellTales;

import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The tell-tale checks namers apply before returning a name: every check of the fingerprint capability
 * ({@link io.canarykit.fingerprint.TellTales}: canary words, {@code @@}, UUIDs, canary tools' marks), of which any
 * finding above {@link Severity#INFO} refuses the name, plus a few more words and token forms of our own.
 */
final class NameTellTales {
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

    private NameTellTales() {
    }

    /** What gives the IAM path {@code path} away, or {@code null} if nothing does. */
    static @Nullable String pathProblem(String path) {
        for (Finding f : TellTales.principalFindings(null, path)) {
            if (f.severity() != Severity.INFO) {
                return f.message();
            }
        }
        return ownProblem(path);
    }

    /** What gives {@code name} away, or {@code null} if nothing does. */
    static @Nullable String problem(@Nullable String name) {
        if (name == null) {
            return null;
        }
        for (Finding f : TellTales.principalFindings(name, null)) {
            if (f.severity() != Severity.INFO) {
                return f.message();
            }
        }
        return ownProblem(name);
    }

    /** All fingerprint findings for a name, INFO included (random-looking names). */
    static List<Finding> findings(String name) {
        return TellTales.principalFindings(name, null);
    }

    private static @Nullable String ownProblem(String name) {
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
            return "it contains a UUID or a 32-hex-digit run, as SpaceSiren user names do";
        }
        return null;
    }

    /** True if nothing gives {@code name} away. */
    static boolean passes(String name) {
        return problem(name) == null;
    }
}
