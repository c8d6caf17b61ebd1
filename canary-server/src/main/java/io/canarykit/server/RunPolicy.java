package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Which CI runs may get canaries, and which: rules tried in name order, the first whose every condition matches the
 * run's verified claims decides. A condition is a claim (by its policy key, such as {@code repository} or
 * {@code ref}) and comma-separated patterns, any of which may match: {@code *} matches within one path segment (no
 * {@code /}), {@code **} matches anything, everything else matches itself (case-sensitive). A claim the token lacks
 * matches nothing. Every rule names the repositories or projects it lets in, so no rule admits every repository of a
 * public CI service. A run no rule matches is refused (403) with the reason, never with the token.
 *
 * <p>Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class RunPolicy {
    /** The asset kind of run canaries unless a rule says otherwise. */
    public static final String DEFAULT_ASSET_KIND = "ci-run";
    private static final Set<String> GRANT_KEYS = Set.of("profiles", "kinds", "lifetime", "asset-kind");
    private static final Pattern RULE_NAME = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");

    /**
     * One rule.
     *
     * @param name       its name (kebab-case)
     * @param conditions policy key to patterns (any may match); all keys must match
     * @param profiles   placement profiles the run may use
     * @param kinds      kinds of canary (short-term only)
     * @param lifetime   the canary's lifetime
     * @param assetKind  the asset kind of its canaries
     *
     * @since 0.1.0
     */
    public record Rule(String name, Map<String, List<String>> conditions, List<String> profiles,
                       Set<CredentialKind> kinds, Duration lifetime, String assetKind) {
        public Rule {
            Objects.requireNonNull(name, "name");
            conditions = Map.copyOf(conditions);
            profiles = List.copyOf(profiles);
            kinds = Set.copyOf(kinds);
            Objects.requireNonNull(lifetime, "lifetime");
            Objects.requireNonNull(assetKind, "assetKind");
        }
    }

    /**
     * What the policy decided for a run.
     *
     * @param rule   the matching rule, or {@code null} if refused
     * @param reason why it was refused (naming the run's facts, never the token), or {@code null}
     *
     * @since 0.1.0
     */
    public record Decision(@Nullable Rule rule, @Nullable String reason) {
        /** True if a rule allows the run. */
        public boolean allowed() {
            return rule != null;
        }
    }

    private final CiPlatform platform;
    private final List<Rule> rules;
    private final Map<Rule, Map<String, List<Pattern>>> compiled;

    private RunPolicy(CiPlatform platform, List<Rule> rules) {
        this.platform = platform;
        this.rules = List.copyOf(rules);
        Map<Rule, Map<String, List<Pattern>>> c = new LinkedHashMap<>();
        for (Rule r : rules) {
            Map<String, List<Pattern>> m = new LinkedHashMap<>();
            r.conditions().forEach((k, v) -> m.put(k, v.stream().map(RunPolicy::glob).toList()));
            c.put(r, m);
        }
        this.compiled = c;
    }

    /**
     * The policy of {@code platform} from its authenticator's keys ({@code rule.<name>.<condition>} and
     * {@code rule.<name>.{profiles,kinds,lifetime,asset-kind}}).
     *
     * @param config          the authenticator's keys, prefix removed
     * @param prefix          the prefix, for messages ({@code canary.api.authenticator.github-actions.})
     * @param defaultLifetime the lifetime of rules that set none
     * @throws CanaryConfigurationException naming the key that is wrong
     */
    static RunPolicy fromConfig(CiPlatform platform, CanaryConfig config, String prefix, Duration defaultLifetime) {
        Set<String> names = new TreeSet<>();
        for (String k : config.withPrefix("rule.").keySet()) {
            int dot = k.indexOf('.');
            names.add(dot < 0 ? k : k.substring(0, dot));
        }
        List<Rule> rules = new ArrayList<>();
        for (String name : names) {
            String p = "rule." + name + ".";
            if (!RULE_NAME.matcher(name).matches()) {
                throw new CanaryConfigurationException("invalid rule name '" + Excerpt.of(name) + "' in " + prefix + p
                        + "*: use lower-case letters, digits, '-' or '_'");
            }
            Map<String, List<String>> conditions = new LinkedHashMap<>();
            for (Map.Entry<String, String> e : config.withPrefix(p).entrySet()) {
                String key = e.getKey();
                if (GRANT_KEYS.contains(key)) {
                    continue;
                }
                if (!platform.claimOfCondition().containsKey(key) && !(key.startsWith("claim.") && key.length() > 6)) {
                    throw new CanaryConfigurationException("unknown key " + prefix + p + key + "; a "
                            + platform.authenticatorName() + " rule matches " + String.join(", ",
                            new TreeSet<>(platform.claimOfCondition().keySet())) + " or claim.<claim name>, and grants "
                            + String.join(", ", new TreeSet<>(GRANT_KEYS)));
                }
                List<String> patterns = config.getList(p + key);
                if (patterns.isEmpty()) {
                    throw new CanaryConfigurationException(prefix + p + key + " is empty: give one or more patterns");
                }
                conditions.put(key, patterns);
            }
            rules.add(rule(platform, config, prefix, name, conditions, defaultLifetime));
        }
        return new RunPolicy(platform, rules);
    }

    private static Rule rule(CiPlatform platform, CanaryConfig config, String prefix, String name,
                             Map<String, List<String>> conditions, Duration defaultLifetime) {
        String p = "rule." + name + ".";
        if (conditions.keySet().stream().noneMatch(platform.scopingConditions()::contains)) {
            throw new CanaryConfigurationException("rule " + name + " (" + prefix + p + "*) would let every "
                    + (platform == CiPlatform.GITLAB_CI ? "project" : "repository") + " of the issuer in: set "
                    + String.join(" or ", new TreeSet<>(platform.scopingConditions())));
        }
        List<String> profiles = config.getList(p + "profiles", List.of(PlacementProfile.RETURN));
        Set<CredentialKind> kinds = new LinkedHashSet<>();
        for (String k : config.getList(p + "kinds", List.of("assume-role", "federation-token"))) {
            CredentialKind kind = CredentialKind.fromConfigName(k);
            if (kind.isLongTerm()) {
                throw new CanaryConfigurationException(prefix + p + "kinds names " + k + ": a run gets a short-term "
                        + "canary (assume-role or federation-token), never an IAM user");
            }
            kinds.add(kind);
        }
        Duration lifetime = config.getDuration(p + "lifetime", defaultLifetime);
        if (lifetime.compareTo(Duration.ofMinutes(15)) < 0 || lifetime.compareTo(Duration.ofHours(36)) > 0) {
            throw new CanaryConfigurationException(prefix + p + "lifetime is " + lifetime + "; AWS issues short-term "
                    + "credentials for 15 minutes to 12 hours (assume-role) or 36 hours (federation-token): set it just "
                    + "past the job's timeout");
        }
        for (CredentialKind k : kinds) {
            Duration max = k.maxDuration().orElseThrow();
            if (lifetime.compareTo(max) > 0) {
                throw new CanaryConfigurationException(prefix + p + "lifetime " + lifetime + " exceeds what "
                        + k.configName() + " allows (" + max + ")");
            }
        }
        String assetKind = config.getString(p + "asset-kind", DEFAULT_ASSET_KIND);
        return new Rule(name, conditions, profiles, kinds, lifetime, assetKind);
    }

    /** A policy built by hand (tests, embedding); rules are tried in the order given. */
    public static RunPolicy of(CiPlatform platform, List<Rule> rules) {
        for (Rule r : rules) {
            if (r.conditions().keySet().stream().noneMatch(platform.scopingConditions()::contains)) {
                throw new CanaryConfigurationException("rule " + r.name() + " would let every repository or project "
                        + "in: set " + String.join(" or ", new TreeSet<>(platform.scopingConditions())));
            }
        }
        return new RunPolicy(platform, rules);
    }

    /** The rules, in the order they are tried. */
    public List<Rule> rules() {
        return rules;
    }

    /**
     * Decides on a run.
     *
     * @param claims the run's verified claims, by claim name (string values)
     */
    public Decision decide(Map<String, String> claims) {
        String nearest = null;
        for (Rule r : rules) {
            List<String> failed = new ArrayList<>();
            boolean scoped = false;
            for (Map.Entry<String, List<Pattern>> c : Objects.requireNonNull(compiled.get(r), "rule").entrySet()) {
                String value = claims.get(claimName(c.getKey()));
                boolean ok = value != null && c.getValue().stream().anyMatch(g -> g.matcher(value).matches());
                if (!ok) {
                    failed.add(c.getKey());
                } else if (platform.scopingConditions().contains(c.getKey())) {
                    scoped = true;
                }
            }
            if (failed.isEmpty()) {
                return new Decision(r, null);
            }
            if (scoped && nearest == null) {
                List<String> what = new ArrayList<>();
                for (String f : failed) {
                    String v = claims.get(claimName(f));
                    what.add(f + " " + (v == null ? "(absent)" : Excerpt.of(v)) + " is not "
                            + String.join(" or ", r.conditions().get(f)));
                }
                nearest = "rule " + r.name() + " allows this " + subject() + " but " + String.join("; ", what);
            }
        }
        String who = platform == CiPlatform.GITLAB_CI ? "project " + show(claims, "project_path")
                : "repository " + show(claims, "repository");
        return new Decision(null, nearest != null ? nearest + ", so no canary for this run"
                : "no " + platform.authenticatorName() + " rule allows " + who + " (ref " + show(claims, "ref")
                + "); the server's operator adds one under canary.api.authenticator." + platform.authenticatorName()
                + ".rule.<name>.*");
    }

    private String subject() {
        return platform == CiPlatform.GITLAB_CI ? "project" : "repository";
    }

    private static String show(Map<String, String> claims, String claim) {
        String v = claims.get(claim);
        return v == null ? "(none)" : Excerpt.of(v);
    }

    private @Nullable String claimName(String conditionKey) {
        return conditionKey.startsWith("claim.") ? conditionKey.substring(6)
                : platform.claimOfCondition().get(conditionKey);
    }

    /** {@code *}: any characters but {@code /}; {@code **}: any characters; the rest literal. */
    static Pattern glob(String pattern) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (int i = 0; i < pattern.length(); i++) {
            char ch = pattern.charAt(i);
            if (ch == '*') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                if (i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                    re.append(".*");
                    i++;
                } else {
                    re.append("[^/]*");
                }
            } else {
                literal.append(ch);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
