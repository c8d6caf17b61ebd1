package io.canarykit.server;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A CI system whose jobs prove who they are with OpenID Connect tokens: where its tokens come from, which claims
 * name a run, which of them become the canary's labels, and which policy keys match which claims.
 *
 * @since 0.1.0
 */
public enum CiPlatform {
    /**
     * GitHub Actions: tokens from {@code https://token.actions.githubusercontent.com} (GitHub Enterprise Server:
     * {@code https://HOST/_services/token}), keys at {@code <issuer>/.well-known/jwks}. The run is the repository's
     * workflow run and attempt; default lifetime 6 h 15 min (a job's default timeout is 360 minutes).
     */
    GITHUB_ACTIONS("github-actions", "github", "https://token.actions.githubusercontent.com", "/.well-known/jwks",
            Duration.ofMinutes(375),
            List.of("repository", "run_id", "run_attempt"),
            labels("repository", "repository", "repository_id", "repository-id", "workflow", "workflow",
                    "workflow_ref", "workflow-ref", "ref", "ref", "sha", "sha", "run_id", "run-id",
                    "run_attempt", "run-attempt", "run_number", "run-number", "actor", "actor", "event_name", "event",
                    "environment", "environment", "runner_environment", "runner-environment"),
            labels("repository", "repository", "repository-id", "repository_id", "repository-owner",
                    "repository_owner", "ref", "ref", "ref-type", "ref_type", "environment", "environment",
                    "event-name", "event_name", "workflow-ref", "workflow_ref", "job-workflow-ref",
                    "job_workflow_ref", "runner-environment", "runner_environment", "actor", "actor"),
            Set.of("repository", "repository-id", "repository-owner")),
    /**
     * GitLab CI/CD: {@code id_tokens} from {@code https://gitlab.com} (or a self-managed instance's URL), keys at
     * {@code <issuer>/oauth/discovery/keys}. The run is the project's pipeline and job; default lifetime 1 h 15 min (a
     * project's default job timeout is 60 minutes).
     */
    GITLAB_CI("gitlab-ci", "gitlab", "https://gitlab.com", "/oauth/discovery/keys", Duration.ofMinutes(75),
            List.of("project_path", "pipeline_id", "job_id"),
            labels("project_path", "project-path", "project_id", "project-id", "pipeline_id", "pipeline-id",
                    "job_id", "job-id", "ref", "ref", "ref_type", "ref-type", "sha", "sha", "user_login", "user",
                    "pipeline_source", "pipeline-source", "environment", "environment"),
            labels("project-path", "project_path", "project-id", "project_id", "namespace-path", "namespace_path",
                    "ref", "ref", "ref-type", "ref_type", "ref-protected", "ref_protected", "environment",
                    "environment", "environment-protected", "environment_protected", "pipeline-source",
                    "pipeline_source", "user", "user_login"),
            Set.of("project-path", "project-id", "namespace-path"));

    private final String authenticatorName;
    private final String callerPrefix;
    private final String defaultIssuer;
    private final String jwksPath;
    private final Duration defaultLifetime;
    private final List<String> runClaims;
    private final Map<String, String> labelOfClaim;
    private final Map<String, String> claimOfCondition;
    private final Set<String> scopingConditions;

    CiPlatform(String authenticatorName, String callerPrefix, String defaultIssuer, String jwksPath,
               Duration defaultLifetime, List<String> runClaims, Map<String, String> labelOfClaim,
               Map<String, String> claimOfCondition, Set<String> scopingConditions) {
        this.authenticatorName = authenticatorName;
        this.callerPrefix = callerPrefix;
        this.defaultIssuer = defaultIssuer;
        this.jwksPath = jwksPath;
        this.defaultLifetime = defaultLifetime;
        this.runClaims = runClaims;
        this.labelOfClaim = labelOfClaim;
        this.claimOfCondition = claimOfCondition;
        this.scopingConditions = scopingConditions;
    }

    private static Map<String, String> labels(String... pairs) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    /** The authenticator's provider name, such as {@code github-actions}; also the {@code ci} label's value. */
    public String authenticatorName() {
        return authenticatorName;
    }

    /** The prefix of caller names: {@code github} gives {@code github:acme/app}. */
    public String callerPrefix() {
        return callerPrefix;
    }

    /** The public service's issuer URL. */
    public String defaultIssuer() {
        return defaultIssuer;
    }

    /** The JWK set's URL for {@code issuer}. */
    public String jwksUri(String issuer) {
        return (issuer.endsWith("/") ? issuer.substring(0, issuer.length() - 1) : issuer) + jwksPath;
    }

    /** How long a run's canary lives unless configured: just past the default job timeout. */
    public Duration defaultLifetime() {
        return defaultLifetime;
    }

    /** The claims every token must carry to name a run (besides {@code iss}, {@code aud}, {@code exp}, ...). */
    public List<String> runClaims() {
        return runClaims;
    }

    /** Claim name to asset label name, in the order labels are shown. */
    Map<String, String> labelOfClaim() {
        return labelOfClaim;
    }

    /** Policy condition key (kebab-case) to claim name. */
    Map<String, String> claimOfCondition() {
        return claimOfCondition;
    }

    /** Conditions of which a rule needs at least one, so that no rule lets every repository or project in. */
    Set<String> scopingConditions() {
        return scopingConditions;
    }
}
