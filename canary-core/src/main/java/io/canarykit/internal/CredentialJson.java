package io.canarykit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.Secret;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.jspecify.annotations.Nullable;

/**
 * The JSON documents credential endpoints and {@code credential_process} commands answer with, written and read by the
 * file and endpoint placements. Internal: public only so that canarykit's placement packages can share it; not API,
 * and it may change without notice.
 *
 * @since 0.1.0
 */
public final class CredentialJson {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private CredentialJson() {
    }

    /**
     * Loads and initialises what answering needs, so that the first client, often the one that matters, is not kept
     * waiting past an SDK's one-second metadata timeout.
     */
    public static void warmUp() {
        CanaryCredential dummy = new CanaryCredential("ASIAWARMUPWARMUPWARM", Secret.of("warm-up"),
                Secret.of("warm-up"), Instant.EPOCH);
        imds(dummy, Instant.EPOCH, "000000000000");
        container(dummy, null, null);
        accessKeyId(object("AccessKeyId", "x"));
    }

    /** What a {@code credential_process} command prints: {@code Version} 1. */
    public static byte[] process(CanaryCredential c, @Nullable String accountId) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Version", 1);
        n.put("AccessKeyId", c.accessKeyId());
        n.put("SecretAccessKey", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            n.put("SessionToken", c.sessionToken().reveal());
        }
        if (c.expiration() != null) {
            n.put("Expiration", time(c.expiration()));
        }
        if (accountId != null) {
            n.put("AccountId", accountId);
        }
        return bytes(n);
    }

    /** What the instance metadata service answers for a role, with {@code AccountId} on the extended path. */
    public static byte[] imds(CanaryCredential c, Instant lastUpdated, @Nullable String accountId) {
        ObjectNode n = JSON.createObjectNode();
        n.put("Code", "Success");
        n.put("LastUpdated", time(lastUpdated));
        n.put("Type", "AWS-HMAC");
        n.put("AccessKeyId", c.accessKeyId());
        n.put("SecretAccessKey", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            n.put("Token", c.sessionToken().reveal());
        }
        if (c.expiration() != null) {
            n.put("Expiration", time(c.expiration()));
        }
        if (accountId != null) {
            n.put("AccountId", accountId);
        }
        return bytes(n);
    }

    /** What the ECS / EKS container credentials endpoint answers. */
    public static byte[] container(CanaryCredential c, @Nullable String roleArn, @Nullable String accountId) {
        ObjectNode n = JSON.createObjectNode();
        n.put("AccessKeyId", c.accessKeyId());
        if (c.expiration() != null) {
            n.put("Expiration", time(c.expiration()));
        }
        if (roleArn != null) {
            n.put("RoleArn", roleArn);
        }
        n.put("SecretAccessKey", c.secretAccessKey().reveal());
        if (c.sessionToken() != null) {
            n.put("Token", c.sessionToken().reveal());
        }
        if (accountId != null) {
            n.put("AccountId", accountId);
        }
        return bytes(n);
    }

    /** A small JSON object from pairs, for {@code iam/info} and the like. */
    public static byte[] object(String... pairs) {
        ObjectNode n = JSON.createObjectNode();
        for (int i = 0; i < pairs.length; i += 2) {
            n.put(pairs[i], pairs[i + 1]);
        }
        return bytes(n);
    }

    /** The {@code AccessKeyId} of a document, or {@code null} when it is not such a document. */
    public static @Nullable String accessKeyId(byte @Nullable [] document) {
        if (document == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(document);
            JsonNode k = n == null ? null : n.get("AccessKeyId");
            return k != null && k.isTextual() ? k.asText() : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** An instant as the services write it: UTC, whole seconds, such as {@code 2030-01-01T12:00:00Z}. */
    public static String time(Instant t) {
        return t.truncatedTo(ChronoUnit.SECONDS).toString();
    }

    private static byte[] bytes(ObjectNode n) {
        try {
            return (JSON.writeValueAsString(n) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new CanaryException("cannot write a credential document", e);
        }
    }
}
