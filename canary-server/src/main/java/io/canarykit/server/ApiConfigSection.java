package io.canarykit.server;

import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.config.ConfigSection;

/**
 * The keys the issuance API reads ({@code canary.api.*}: {@link ApiConfig}, {@link ServerLimits}), declared so that
 * {@code canary config check} and {@code CanaryService.fromConfig} know them. Stateless; public only so that
 * {@link java.util.ServiceLoader} can make it.
 *
 * @since 0.1.0
 */
public final class ApiConfigSection implements ConfigSection {
    private static final String KINDS = "iam-user, assume-role or federation-token";
    private static final String[] KIND_NAMES = {"iam-user", "assume-role", "federation-token", "iam_user",
        "assumed_role", "federation_token"};

    /** Every {@code canary.api.*} key. */
    static final ConfigKeys KEYS = ConfigKeys.of(
            ConfigKey.decimal("canary.api.rate-per-minute", "requests each caller may make per minute")
                    .withDefault("60"),
            ConfigKey.integer("canary.api.burst", "requests each caller may make at once").withDefault("10"),
            ConfigKey.duration("canary.api.header-timeout", "time a client has to send the headers").withDefault("10s"),
            ConfigKey.duration("canary.api.body-timeout", "time a client has to send the body").withDefault("10s"),
            ConfigKey.duration("canary.api.idle-timeout", "an idle keep-alive connection is closed after it")
                    .withDefault("30s"),
            ConfigKey.integer("canary.api.max-header-bytes", "the largest request head").withDefault("8192"),
            ConfigKey.integer("canary.api.max-body-bytes", "the largest request body").withDefault("65536"),
            ConfigKey.integer("canary.api.max-connections", "open connections at once").withDefault("512"),
            ConfigKey.integer("canary.api.max-connections-per-address", "open connections from one address")
                    .withDefault("16"),
            ConfigKey.integer("canary.api.threads", "request threads, at least 4").withDefault("16"),
            ConfigKey.decimal("canary.api.failed-auth-per-minute", "failed authentications one address may make per"
                    + " minute").withDefault("10"),
            ConfigKey.integer("canary.api.failed-auth-burst", "failed authentications one address may make at once")
                    .withDefault("20"),
            ConfigKey.duration("canary.api.hmac-max-skew", "how far an HMAC request's time may be from ours")
                    .withDefault("5m"),
            ConfigKey.oneOf("canary.api.kind", "the kind the API issues by default (default: canary.kind)",
                    KIND_NAMES),
            ConfigKey.path("canary.api.audit.file", "the audit log, one JSON line per request"),
            ConfigKey.list("canary.api.authenticators", "further caller authenticators, by provider name"),
            ConfigKey.unchecked("canary.api.authenticator.<name>", "the keys of the authenticator named <name>"),
            ConfigKey.string("canary.api.tokens.<caller>", "the bearer token of an API caller").asSecret(),
            ConfigKey.string("canary.api.hmac-keys.<caller>", "the HMAC key an API caller signs requests with")
                    .asSecret(),
            ConfigKey.string("canary.api.caller.<caller>.token", "the caller's bearer token").asSecret(),
            ConfigKey.string("canary.api.caller.<caller>.hmac-key", "the caller's HMAC key").asSecret(),
            ConfigKey.list("canary.api.caller.<caller>.profiles", "the placement profiles the caller may use")
                    .withDefault(PlacementProfile.RETURN),
            ConfigKey.list("canary.api.caller.<caller>.asset-kinds", "the asset kinds the caller may ask for")
                    .withDefault(CallerPermissions.ANY),
            ConfigKey.list("canary.api.caller.<caller>.kinds", "the canary kinds the caller may ask for (" + KINDS
                    + ")").withDefault(CallerPermissions.ANY),
            ConfigKey.bool("canary.api.caller.<caller>.admin", "the caller may list and revoke every canary")
                    .withDefault("false"),
            ConfigKey.string("canary.api.profile.<name>.placement", "the placement a profile plants with"),
            ConfigKey.list("canary.api.profile.<name>.allowed-directories", "directories a caller's path option may"
                    + " name"),
            ConfigKey.list("canary.api.profile.<name>.caller-options", "placement options the caller may set"),
            ConfigKey.list("canary.api.profile.<name>.path-options", "caller options that are paths, kept inside"
                    + " allowed-directories"),
            ConfigKey.oneOf("canary.api.profile.<name>.kind", "the kind the profile issues", KIND_NAMES),
            ConfigKey.string("canary.api.profile.<name>.option.<option>", "a fixed placement option"),
            ConfigKey.path("canary.api.tls.key-store", "PKCS#12 (or JKS) file with the server's key and certificate:"
                    + " serve HTTPS"),
            ConfigKey.string("canary.api.tls.key-store-password", "its password").asSecret(),
            ConfigKey.oneOf("canary.api.tls.key-store-type", "its type", "PKCS12", "JKS", "pkcs12", "jks")
                    .withDefault("PKCS12"),
            ConfigKey.path("canary.api.tls.trust-store", "the CAs client (device) certificates must chain to: a PEM"
                    + " bundle or a key store"),
            ConfigKey.string("canary.api.tls.trust-store-type", "the trust store's type when it is a key store"),
            ConfigKey.string("canary.api.tls.trust-store-password", "the trust store's password").asSecret(),
            ConfigKey.oneOf("canary.api.tls.client-auth", "whether client certificates are asked for (default: want"
                    + " with a trust store)", "none", "want", "need"),
            ConfigKey.string("canary.api.devices.asset-kind", "the asset kind of device assets").withDefault("laptop"),
            ConfigKey.string("canary.api.devices.aws-profile", "the profile name the endpoint script writes (never"
                    + " default)"),
            ConfigKey.oneOf("canary.api.devices.kind", "the kind of device canaries", KIND_NAMES),
            ConfigKey.duration("canary.api.devices.max-age", "age after which a device's canary is rotated")
                    .withDefault("30d"),
            ConfigKey.duration("canary.api.devices.refresh-before", "how long before expiry short-term device canaries"
                    + " are refreshed").withDefault("2h"),
            ConfigKey.duration("canary.api.devices.stale-after", "a device not seen for this long is stale")
                    .withDefault("30d"),
            ConfigKey.bool("canary.api.devices.revoke-stale", "revoke the canaries of stale devices")
                    .withDefault("false"),
            ConfigKey.duration("canary.api.devices.stale-check-interval", "how often canary serve looks for stale"
                    + " devices").withDefault("1d"));

    /** For {@link java.util.ServiceLoader}. */
    public ApiConfigSection() {
    }

    @Override
    public ConfigKeys keys() {
        return KEYS;
    }
}
