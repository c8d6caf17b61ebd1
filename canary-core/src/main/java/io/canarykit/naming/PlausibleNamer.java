package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The {@code plausible} namer: names that look like real service and automation principals, built from word lists
 * of teams, tools and roles plus a short keyed suffix, such as {@code jenkins-deploy-7f3k},
 * {@code payments-terraform-q2m9} or {@code svc-data-etl-x8r2}.
 *
 * <p>The words and the suffix come from an HMAC of the asset (and the attempt) under the namer's key, so the same
 * key gives the same name for the same asset and attempt, and the name says nothing about the asset. Without a
 * configured key a random one is made per instance (names are then not reproducible across restarts; the store keeps
 * the mapping anyway). Names are lower case, so IAM's case-insensitive uniqueness never surprises.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class PlausibleNamer implements IdentityNamer {
    private static final Pattern WORD = Pattern.compile("[a-z][a-z0-9]{0,19}");
    private static final int MAX_RETRIES = 64;

    /** Default team words. */
    public static final List<String> DEFAULT_TEAMS = List.of("platform", "data", "payments", "billing", "infra", "web",
            "mobile", "search", "analytics", "growth", "identity", "ops", "sre", "ml", "checkout", "catalog", "orders",
            "shipping", "reporting", "marketing", "finance", "support", "devops", "backend", "frontend", "core",
            "media", "content", "risk", "ledger", "partner", "ads");
    /** Default tool words. */
    public static final List<String> DEFAULT_TOOLS = List.of("jenkins", "terraform", "github", "gitlab", "argocd",
            "airflow", "spinnaker", "circleci", "buildkite", "ansible", "datadog", "packer", "helm", "flux", "atlantis",
            "dbt", "snowflake", "looker", "sentry", "grafana", "vault", "consul", "nomad", "fivetran", "airbyte",
            "lambda", "ecs", "eks", "kafka", "spark", "redshift", "bitbucket", "teamcity", "octopus");
    /** Default role words. */
    public static final List<String> DEFAULT_ROLES = List.of("deploy", "sync", "ci", "etl", "reader", "publisher",
            "uploader", "automation", "bot", "runner", "worker", "exporter", "ingest", "backup", "release", "build",
            "scheduler", "importer", "archiver", "replicator", "provisioner", "collector", "agent", "svc", "loader",
            "metrics", "logs", "cron");

    private final List<String> teams;
    private final List<String> tools;
    private final List<String> roles;
    private final Keyed.Hasher hasher;
    private final int suffixLength;

    private PlausibleNamer(Builder b) {
        this.teams = List.copyOf(b.teams);
        this.tools = List.copyOf(b.tools);
        this.roles = List.copyOf(b.roles);
        this.hasher = new Keyed.Hasher(b.key != null ? Keyed.requireKey(b.key, "the plausible namer")
                : Keyed.randomKey(new SecureRandom()));
        this.suffixLength = b.suffixLength;
    }

    /** A namer with the default word lists and a random key. */
    public static PlausibleNamer create() {
        return builder().build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name(Asset asset, NameRules rules, int attempt) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(rules, "rules");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        String lastProblem = null;
        for (int retry = 0; retry < MAX_RETRIES; retry++) {
            byte[] h = hasher.hmac("plausible|" + Keyed.canonical(asset) + "|" + attempt + "|" + retry);
            String team = teams.get(Keyed.pick(h, 0, teams.size()));
            String tool = tools.get(Keyed.pick(h, 4, tools.size()));
            String role = roles.get(Keyed.pick(h, 8, roles.size()));
            String suffix = Keyed.encode(Arrays.copyOfRange(h, 16, 32), suffixLength);
            List<String> candidates = List.of(
                    tool + "-" + role + "-" + suffix,
                    team + "-" + tool + "-" + suffix,
                    "svc-" + team + "-" + role + "-" + suffix,
                    team + "-" + role + "-" + suffix);
            String preferred = candidates.get(Keyed.pick(h, 12, candidates.size()));
            String chosen = rules.problem(preferred) == null ? preferred : candidates.stream()
                    .filter(c -> rules.problem(c) == null)
                    .min(Comparator.comparingInt(String::length)).orElse(null);
            if (chosen == null) {
                lastProblem = rules.problem(candidates.stream().min(Comparator.comparingInt(String::length)).get());
                continue;
            }
            String tell = NameTellTales.problem(chosen);
            if (tell == null) {
                return chosen;
            }
            lastProblem = "'" + chosen + "' would give the canary away: " + tell;
        }
        throw new CanaryConfigurationException("the plausible namer could not make a " + rules.target() + " that fits "
                + "AWS's rules and tells nothing (" + lastProblem + "); configure shorter or different words");
    }

    /**
     * Builds a {@link PlausibleNamer}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private List<String> teams = DEFAULT_TEAMS;
        private List<String> tools = DEFAULT_TOOLS;
        private List<String> roles = DEFAULT_ROLES;
        private @Nullable Secret key;
        private int suffixLength = 4;

        private Builder() {
        }

        /** Team words (lower-case letters and digits, starting with a letter, at most 20 characters). */
        public Builder teams(List<String> words) {
            this.teams = words("team", words);
            return this;
        }

        /** Tool words. */
        public Builder tools(List<String> words) {
            this.tools = words("tool", words);
            return this;
        }

        /** Role words. */
        public Builder roles(List<String> words) {
            this.roles = words("role", words);
            return this;
        }

        /** The key for the suffix and the choice of words (at least 16 characters); random if not set. */
        public Builder key(Secret key) {
            this.key = Keyed.requireKey(key, "the plausible namer");
            return this;
        }

        /** Suffix length, 3-8 (default 4: about a million suffixes per word combination). */
        public Builder suffixLength(int length) {
            if (length < 3 || length > 8) {
                throw new CanaryConfigurationException("invalid suffix length " + length + ": use 3-8");
            }
            this.suffixLength = length;
            return this;
        }

        /** The namer. */
        public PlausibleNamer build() {
            return new PlausibleNamer(this);
        }

        private static List<String> words(String what, List<String> words) {
            if (words == null || words.isEmpty()) {
                throw new CanaryConfigurationException("the " + what + " word list is empty: list at least one word");
            }
            List<String> out = new ArrayList<>();
            for (String w : words) {
                String t = w == null ? "" : w.trim();
                if (!WORD.matcher(t).matches()) {
                    throw new CanaryConfigurationException("invalid " + what + " word '" + w + "': use 1-20 lower-case "
                            + "letters and digits, starting with a letter");
                }
                String tell = NameTellTales.problem(t);
                if (tell != null) {
                    throw new CanaryConfigurationException("the " + what + " word '" + t + "' would give canaries away ("
                            + tell + ")");
                }
                if (!out.contains(t)) {
                    out.add(t);
                }
            }
            return List.copyOf(out);
        }
    }
}
