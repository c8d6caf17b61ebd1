package io.canarykit.placement.secrets;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.placement.PlacementEnvironment;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The provider settings every REST placement reads, under {@code canary.placement.<name>.}: {@code api-url},
 * {@code token} or {@code token-file} (else the service's usual environment variables), {@code timeout},
 * {@code max-attempts}, {@code max-retry-wait}, {@code allow-http}. The token is a {@link Secret}: never echoed.
 */
final class ApiSettings {
    static final ConfigKeys CONFIG_KEYS = ConfigKeys.of(
            ConfigKey.url("api-url", "the service's API URL (default: the environment's, then the public service)"),
            ConfigKey.string("token", "the API token (default: token-file, then the environment)").asSecret(),
            ConfigKey.path("token-file", "a file holding the API token"),
            ConfigKey.duration("timeout", "timeout of one API call").withDefault("30s"),
            ConfigKey.integer("max-attempts", "attempts per call, 1-10").withDefault("3"),
            ConfigKey.duration("max-retry-wait", "the longest wait a rate limit may ask for").withDefault("60s"),
            ConfigKey.bool("allow-http", "allow a plain-http API URL (tests, a local relay)").withDefault("false"));
    /** The names of {@link #CONFIG_KEYS}. */
    static final Set<String> KEYS = names(CONFIG_KEYS);

    /** The names of {@code keys}, for {@link io.canarykit.placement.PlacementOptions#strictSettings}. */
    static Set<String> names(ConfigKeys keys) {
        return keys.keys().stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
    }
    private static final Pattern TOKEN = Pattern.compile("[\\x21-\\x7E]{1,4096}");

    private ApiSettings() {
    }

    /**
     * What differs between services: the name in messages, the default API URL ({@code null}: required), the
     * environment variables that may hold the URL and the token, and the header that carries the token.
     */
    record Service(String name, @Nullable String defaultUrl, String[] urlVariables, String[] tokenVariables, String tokenHeader,
                   String tokenPrefix) {
    }

    /** A client builder configured from {@code s} (callers add their own headers). */
    static RestClient.Builder client(String placement, Service service, PlacementOptions s, PlacementEnvironment env) {
        String url = s.get("api-url");
        for (int i = 0; url == null && i < service.urlVariables().length; i++) {
            String v = env.variable(service.urlVariables()[i]);
            url = v == null || v.isBlank() ? null : v.trim();
        }
        if (url == null) {
            url = service.defaultUrl();
        }
        if (url == null) {
            throw new CanaryConfigurationException("placement " + placement + " needs the " + service.name() + " URL: set "
                    + "canary.placement." + placement + ".api-url (or " + String.join(" or ", service.urlVariables()) + ")");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new CanaryConfigurationException("placement " + placement + " setting api-url: '" + url
                    + "' is not a URL such as https://api.github.com");
        }
        return RestClient.builder(service.name()).baseUrl(uri)
                .timeout(s.duration("timeout", Duration.ofSeconds(30)))
                .maxAttempts(s.integer("max-attempts", 3, 1, 10))
                .maxRetryWait(s.duration("max-retry-wait", Duration.ofSeconds(60)))
                .allowHttp(s.flag("allow-http", false))
                .token(service.tokenHeader(), service.tokenPrefix(), token(placement, s, env, service.tokenVariables()));
    }

    /**
     * The API token: {@code token}, else the contents of {@code token-file}, else the first of {@code variables} that
     * is set.
     *
     * @throws CanaryConfigurationException when there is none or it has characters a header cannot carry (the
     *         message never shows it)
     */
    static Secret token(String placement, PlacementOptions s, PlacementEnvironment env, String... variables) {
        String value = s.get("token");
        String from = "setting token";
        if (value == null && s.get("token-file") != null) {
            Path file = env.expandHome(s.get("token-file"));
            try {
                value = Files.readString(file, StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new CanaryConfigurationException("placement " + placement + " setting token-file: cannot read "
                        + file + " (" + e.getClass().getSimpleName() + ")");
            }
            from = "token file " + file;
        }
        for (int i = 0; value == null && i < variables.length; i++) {
            String v = env.variable(variables[i]);
            if (v != null && !v.isBlank()) {
                value = v.strip();
                from = "environment variable " + variables[i];
            }
        }
        if (value == null) {
            throw new CanaryConfigurationException("placement " + placement + " needs an API token: set "
                    + "canary.placement." + placement + ".token-file (or .token, or the environment variable "
                    + String.join(" or ", variables) + ")");
        }
        if (!TOKEN.matcher(value).matches()) {
            throw new CanaryConfigurationException("placement " + placement + ": the API token from " + from
                    + " contains spaces, line breaks or non-ASCII characters, which an HTTP header cannot carry");
        }
        return Secret.of(value);
    }
}
