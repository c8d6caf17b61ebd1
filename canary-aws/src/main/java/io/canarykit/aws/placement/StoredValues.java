package io.canarykit.aws.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.aws.account.AwsClients;
import io.canarykit.config.ConfigKey;
import io.canarykit.config.ConfigKeys;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.PlacementReceipt;
import io.canarykit.internal.CredentialText;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

/** What the two AWS secret-store placements share: value shapes, comparison, idempotency tokens, clients, errors. */
final class StoredValues {
    /** Provider settings every AWS placement reads (its client); placements add their own. */
    static final ConfigKeys CLIENT_KEYS = ConfigKeys.of(
            ConfigKey.string("region", "the client's region (default: AWS_REGION and the SDK's region chain)"),
            ConfigKey.url("endpoint", "an endpoint for the client (an emulator, a VPC endpoint)"))
            .and(AwsClients.CREDENTIAL_KEYS).and(
            ConfigKey.oneOf("retry-mode", "how throttled calls are retried", "standard", "adaptive", "none")
                    .withDefault("standard"),
            ConfigKey.integer("max-attempts", "attempts per call, 1-20").withDefault("4"),
            ConfigKey.duration("api-call-timeout", "a deadline for each call including retries"));
    /** The names of {@link #CLIENT_KEYS}. */
    static final Set<String> CLIENT_SETTINGS = names(CLIENT_KEYS);

    /** The names of {@code keys}, for {@link PlacementOptions#strictSettings}. */
    static Set<String> names(ConfigKeys keys) {
        return keys.keys().stream().map(ConfigKey::name).collect(Collectors.toUnmodifiableSet());
    }

    private StoredValues() {
    }

    /** The request's value: {@code format} (json, env) and {@code keys} (env, pascal, camel, snake, vault). */
    static String render(String placement, PlacementOptions o, CanaryCredential c) {
        CredentialText.Format format = CredentialText.Format.fromConfigName(placement, "format", o.get("format", "json"));
        CredentialText.KeyNames keys = CredentialText.KeyNames.fromConfigName(placement, "keys", o.get("keys", "env"));
        return CredentialText.render(c, format, keys);
    }

    /** Compares two values in constant time; {@code null} equals nothing. */
    static boolean sameValue(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A version-4-shaped UUID derived from the canary and its key: the same placement retried sends the same
     * idempotency token (so AWS does not write a second version), another canary a different one. Nothing secret goes
     * in; the canary id cannot be read back out.
     */
    static String token(CanaryId canaryId, String accessKeyId) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(("canarykit placement " + canaryId.value() + " "
                    + accessKeyId).getBytes(StandardCharsets.UTF_8));
            h[6] = (byte) ((h[6] & 0x0f) | 0x40);
            h[8] = (byte) ((h[8] & 0x3f) | 0x80);
            ByteBuffer b = ByteBuffer.wrap(h, 0, 16);
            return new UUID(b.getLong(), b.getLong()).toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** AWS's answer for a message: {@code Code: message (HTTP n)}; never request parameters, never a value. */
    static String describe(Throwable e, String... secrets) {
        String text;
        if (e instanceof AwsServiceException ase && ase.awsErrorDetails() != null) {
            text = ase.awsErrorDetails().errorCode() + ": " + ase.awsErrorDetails().errorMessage() + " (HTTP "
                    + ase.statusCode() + ")";
        } else {
            text = e.getClass().getSimpleName() + ": " + e.getMessage();
        }
        for (String s : secrets) {
            if (s != null && !s.isEmpty()) {
                text = text.replace(s, io.canarykit.Secret.MASK);
            }
        }
        return text;
    }

    /**
     * A detail of a receipt the placement's {@code check} already accepted: {@link PlacementOptions#checkReceipt}
     * refuses a receipt without any of the details it names, so this one is there.
     */
    static String detail(PlacementReceipt receipt, String name) {
        return Objects.requireNonNull(receipt.detail(name), name);
    }

    static boolean isCode(Throwable e, String code) {
        return e instanceof AwsServiceException ase && ase.awsErrorDetails() != null
                && code.equals(ase.awsErrorDetails().errorCode());
    }

    /**
     * A client built from provider settings: {@code region} (default: the SDK's region chain, {@code AWS_REGION} ...),
     * {@code endpoint}, credentials ({@code profile}, or {@code access-key-id}/{@code secret-access-key}, else the
     * default chain), {@code retry-mode}, {@code max-attempts}, {@code api-call-timeout}.
     */
    static <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(String placement, B builder,
                                                                                       PlacementOptions s) {
        var config = s.asConfig();
        Region region;
        String regionName = s.get("region");
        if (regionName != null) {
            region = Region.of(regionName.toLowerCase(Locale.ROOT));
        } else {
            try {
                region = DefaultAwsRegionProviderChain.builder().build().getRegion();
            } catch (SdkException e) {
                throw new CanaryConfigurationException("placement " + placement + " needs a region: set canary.placement."
                        + placement + ".region (or AWS_REGION)", e);
            }
        }
        ClientOverrideConfiguration.Builder o = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsClients.retryStrategy(s.get("retry-mode", "standard"),
                        s.integer("max-attempts", 4, 1, 20)));
        Duration apiCallTimeout = s.optionalDuration("api-call-timeout");
        if (apiCallTimeout != null) {
            o.apiCallTimeout(apiCallTimeout);
        }
        builder.region(region).httpClientBuilder(UrlConnectionHttpClient.builder())
                .credentialsProvider(AwsClients.credentials(config)).overrideConfiguration(o.build());
        URI endpoint = AwsClients.uri(config, "endpoint");
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
        }
        return builder.build();
    }

    /** Tags as the map a request asked for, checked for tell-tale words. */
    static Map<String, String> tags(PlacementOptions o) {
        Map<String, String> tags = o.map("tags");
        tags.forEach((k, v) -> {
            o.requirePlausible("tag key", k);
            o.requirePlausible("tag value", v);
        });
        return tags;
    }
}
