package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryService;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The run policy as the operator writes it ({@code canary.api.authenticator.<ci>.rule.<name>.*}): which runs get
 * canaries, and the configurations refused at start-up because they would let every repository in, hand a run a
 * long-term key or a lifetime AWS cannot issue, or name runs in principal names.
 */
class RunPolicyTest {
    private static final String GH = "canary.api.authenticator.github-actions.";

    private static RunPolicy github(Map<String, String> keys) {
        return RunPolicy.fromConfig(CiPlatform.GITHUB_ACTIONS, CanaryConfig.of(keys), GH,
                CiPlatform.GITHUB_ACTIONS.defaultLifetime());
    }

    private static Map<String, String> run(String repository, String ref) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("repository", repository);
        if (repository.indexOf('/') > 0) {
            c.put("repository_owner", repository.substring(0, repository.indexOf('/')));
        }
        c.put("ref", ref);
        c.put("environment", "production");
        return c;
    }

    @Test
    void theFirstRuleWhoseEveryConditionMatchesDecides() {
        RunPolicy p = github(Map.of(
                "rule.a-deploy.repository", "acme/paygate, acme/web-*",
                "rule.a-deploy.ref", "refs/heads/main,refs/tags/v*",
                "rule.a-deploy.lifetime", "2h",
                "rule.a-deploy.kinds", "assume-role",
                "rule.b-any-branch.repository-owner", "acme",
                "rule.b-any-branch.ref", "refs/heads/**",
                "rule.b-any-branch.claim.environment", "production"));
        RunPolicy.Decision d = p.decide(run("acme/web-shop", "refs/tags/v1.2"));
        assertThat(d.allowed()).isTrue();
        assertThat(d.rule().name()).isEqualTo("a-deploy");
        assertThat(d.rule().lifetime()).isEqualTo(Duration.ofHours(2));
        assertThat(d.rule().kinds()).containsExactly(CredentialKind.ASSUMED_ROLE);
        assertThat(d.rule().profiles()).containsExactly(PlacementProfile.RETURN);

        RunPolicy.Decision other = p.decide(run("acme/tools", "refs/heads/feature/x"));
        assertThat(other.rule().name()).as("** crosses '/', a claim.<name> condition matches that claim")
                .isEqualTo("b-any-branch");
        assertThat(other.rule().lifetime()).isEqualTo(CiPlatform.GITHUB_ACTIONS.defaultLifetime());
        assertThat(other.rule().assetKind()).isEqualTo(RunPolicy.DEFAULT_ASSET_KIND);

        Map<String, String> staging = run("acme/tools", "refs/heads/main");
        staging.put("environment", "staging");
        assertThat(p.decide(staging).reason()).isEqualTo("rule b-any-branch allows this repository but "
                + "claim.environment staging is not production, so no canary for this run");
        Map<String, String> devInStaging = run("acme/paygate", "refs/heads/dev");
        devInStaging.put("environment", "staging");
        assertThat(p.decide(devInStaging).reason()).as("the first rule that admits the repository explains")
                .startsWith("rule a-deploy allows this repository but ref refs/heads/dev is not refs/heads/main or "
                        + "refs/tags/v*");
    }

    @Test
    void patternsAreGlobsNotRegularExpressions() {
        RunPolicy p = github(Map.of("rule.web.repository", "acme/web-*", "rule.web.ref", "refs/tags/v1.*"));
        assertThat(p.decide(run("acme/web-shop", "refs/tags/v1.0")).allowed()).isTrue();
        assertThat(p.decide(run("acme/web-shop", "refs/tags/v1x0")).allowed()).as("'.' is a dot").isFalse();
        assertThat(p.decide(run("acmeXweb-shop", "refs/tags/v1.0")).allowed()).isFalse();
        assertThat(p.decide(run("acme/web-", "refs/tags/v1.0/../../heads/x")).allowed())
                .as("* stays within one path segment").isFalse();
        assertThat(p.decide(run("Acme/web-shop", "refs/tags/v1.0")).allowed()).as("case-sensitive").isFalse();
        Map<String, String> noRef = run("acme/web-shop", "x");
        noRef.remove("ref");
        assertThat(p.decide(noRef).allowed()).as("an absent claim matches nothing").isFalse();
        assertThat(p.decide(run("mallory/exfil", "refs/heads/main")).reason())
                .isEqualTo("no github-actions rule allows repository mallory/exfil (ref refs/heads/main); the server's "
                        + "operator adds one under canary.api.authenticator.github-actions.rule.<name>.*");
    }

    @Test
    void rulesThatWouldAdmitAnyRepositoryOrHandOutLongTermKeysAreRefused() {
        assertThatThrownBy(() -> github(Map.of("rule.all.ref", "refs/heads/main")))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("would let every repository of the issuer in")
                .hasMessageContaining("repository or repository-id or repository-owner");
        assertThatThrownBy(() -> RunPolicy.fromConfig(CiPlatform.GITLAB_CI, CanaryConfig.of(Map.of(
                "rule.all.ref-protected", "true")), "p.", Duration.ofHours(1)))
                .hasMessageContaining("would let every project of the issuer in");
        assertThatThrownBy(() -> github(Map.of("rule.a.repository", "acme/*", "rule.a.kinds", "iam-user")))
                .hasMessageContaining("never an IAM user");
        assertThatThrownBy(() -> github(Map.of("rule.a.repository", "acme/*", "rule.a.lifetime", "13h",
                "rule.a.kinds", "assume-role")))
                .hasMessageContaining("exceeds what assume-role allows");
        assertThatThrownBy(() -> github(Map.of("rule.a.repository", "acme/*", "rule.a.lifetime", "5m")))
                .hasMessageContaining("15 minutes");
        assertThatThrownBy(() -> github(Map.of("rule.a.repository", "acme/*", "rule.a.repositry", "acme/x")))
                .hasMessageContaining("unknown key " + GH + "rule.a.repositry");
        assertThatThrownBy(() -> github(Map.of("rule.a.repository", " , ")))
                .hasMessageContaining("is empty");
        assertThatThrownBy(() -> github(Map.of("rule.A!.repository", "acme/x")))
                .hasMessageContaining("invalid rule name");
    }

    private static void serve(Map<String, String> props) {
        try (CanaryService service = CanaryService.fromConfig(CanaryConfig.of(Map.of(
                "canary.issuer.iam-user.account-id", "123456789012", "canary.issuer.iam-user.region", "us-east-1")))) {
            IssuanceApi.fromConfig(CanaryConfig.of(props), service).build();
        }
    }

    @Test
    void theAuthenticatorsAreFoundByNameAndTheirKeysChecked() {
        Map<String, String> ok = new LinkedHashMap<>();
        ok.put("canary.api.authenticators", "github-actions,gitlab-ci");
        ok.put(GH + "audience", "https://canary.example.com");
        ok.put(GH + "rule.deploy.repository", "acme/paygate");
        ok.put("canary.api.authenticator.gitlab-ci.audience", "https://canary.example.com");
        ok.put("canary.api.authenticator.gitlab-ci.issuer", "https://gitlab.example.com");
        ok.put("canary.api.authenticator.gitlab-ci.rule.protected.project-path", "acme/**");
        ok.put("canary.api.authenticator.gitlab-ci.rule.protected.ref-protected", "true");
        serve(ok);

        Map<String, String> typo = new LinkedHashMap<>(ok);
        typo.put(GH + "audiance", "x");
        assertThatThrownBy(() -> serve(typo)).hasMessageContaining(GH + "audiance").hasMessageContaining("audience");
        Map<String, String> noAudience = new LinkedHashMap<>(ok);
        noAudience.remove(GH + "audience");
        assertThatThrownBy(() -> serve(noAudience)).hasMessageContaining(GH + "audience is required");
        Map<String, String> noRule = new LinkedHashMap<>(ok);
        noRule.remove(GH + "rule.deploy.repository");
        assertThatThrownBy(() -> serve(noRule)).hasMessageContaining("has no rule");
        Map<String, String> leakyNames = new LinkedHashMap<>(ok);
        leakyNames.put("canary.namer", "template");
        leakyNames.put("canary.naming.template", "ci-{id}");
        assertThatThrownBy(() -> serve(leakyNames)).hasMessageContaining("would put its repository, run id or commit "
                + "in the principal name");
    }
}
