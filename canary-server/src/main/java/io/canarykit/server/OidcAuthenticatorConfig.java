package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Reads an OpenID Connect authenticator's keys ({@code canary.api.authenticator.<name>.*}). */
final class OidcAuthenticatorConfig {
    private static final Set<String> KEYS = Set.of("audience", "issuer", "jwks-uri", "algorithms", "clock-skew",
            "lifetime", "jwks-timeout", "jwks-max-bytes", "jwks-max-keys", "jwks-cache-time",
            "jwks-min-refresh-interval");

    private OidcAuthenticatorConfig() {
    }

    static OidcAuthenticator create(CiPlatform platform, AuthenticatorContext context) {
        CanaryConfig c = context.config();
        String prefix = "canary.api.authenticator." + platform.authenticatorName() + ".";
        List<String> unknown = new ArrayList<>();
        for (String k : c.keys()) {
            if (!KEYS.contains(k) && !k.startsWith("rule.")) {
                unknown.add(prefix + k);
            }
        }
        if (!unknown.isEmpty()) {
            throw new CanaryConfigurationException("unknown configuration key(s) " + String.join(", ", unknown)
                    + "; known: " + prefix + "{" + String.join(", ", new TreeSet<>(KEYS)) + "} and " + prefix
                    + "rule.<name>.*");
        }
        Duration lifetime = c.getDuration("lifetime", platform.defaultLifetime());
        RunPolicy policy = RunPolicy.fromConfig(platform, c, prefix, lifetime);
        if (policy.rules().isEmpty()) {
            throw new CanaryConfigurationException("the " + platform.authenticatorName() + " authenticator has no rule: "
                    + "add " + prefix + "rule.<name>." + (platform == CiPlatform.GITLAB_CI ? "project-path" : "repository")
                    + "=... for the runs that get canaries");
        }
        OidcAuthenticator.Builder b = OidcAuthenticator.builder(platform).clock(context.clock()).policy(policy);
        List<String> audiences = c.getList("audience");
        if (audiences.isEmpty()) {
            throw new CanaryConfigurationException(prefix + "audience is required: the audience the jobs request "
                    + "their ID tokens for, such as https://canary.example.com");
        }
        audiences.forEach(b::audience);
        if (c.has("issuer")) {
            b.issuer(c.requireString("issuer"));
        }
        if (c.has("jwks-uri")) {
            try {
                b.jwksUri(URI.create(c.getString("jwks-uri")));
            } catch (IllegalArgumentException e) {
                throw new CanaryConfigurationException(prefix + "jwks-uri is not a URL");
            }
        }
        if (c.has("algorithms")) {
            b.algorithms(c.getList("algorithms"));
        }
        b.clockSkew(c.getDuration("clock-skew", Duration.ofSeconds(60)));
        b.jwksTimeout(c.getDuration("jwks-timeout", Duration.ofSeconds(5)));
        b.jwksLimits(c.getInt("jwks-max-bytes", 65_536), c.getInt("jwks-max-keys", 32));
        b.jwksCaching(c.getDuration("jwks-cache-time", Duration.ofMinutes(15)),
                c.getDuration("jwks-min-refresh-interval", Duration.ofSeconds(30)));
        return b.build();
    }
}
