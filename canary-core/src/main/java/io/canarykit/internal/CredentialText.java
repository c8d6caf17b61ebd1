package io.canarykit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * The texts a credential is kept as in secret stores (AWS Secrets Manager, SSM Parameter Store, Vault, CI variables):
 * a JSON object or dotenv lines, with the field names teams use; and the access key id found back in such a text, so
 * that a placement can tell its own value from someone else's without keeping the secret.
 *
 * <p>Stateless and thread-safe. Nothing here logs; the rendered text holds the secret and must only go to the store.
 *
 * <p>Internal: public only so that canarykit's own modules can share it; not API, and it may change without
 * notice.
 *
 * @since 0.1.0
 */
public final class CredentialText {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> ID_FIELDS = List.of("AWS_ACCESS_KEY_ID", "AccessKeyId", "accessKeyId",
            "aws_access_key_id", "access_key", "access_key_id");
    private static final Pattern ID_LINE = Pattern.compile("^\\s*(?:export\\s+)?(?:" + String.join("|", ID_FIELDS)
            + ")\\s*[=:]\\s*[\"']?([A-Za-z0-9]{16,128})", Pattern.MULTILINE);

    private CredentialText() {
    }

    /**
     * How one secret value holds the credential.
     *
     * @since 0.1.0
     */
    public enum Format {
        /** A JSON object, such as {@code {"AWS_ACCESS_KEY_ID":"AKIA…","AWS_SECRET_ACCESS_KEY":"…"}}. */
        JSON("json"),
        /** Dotenv lines, such as {@code AWS_ACCESS_KEY_ID=AKIA…}, one per field, each ending with a line feed. */
        ENV("env");

        private final String configName;

        Format(String configName) {
            this.configName = configName;
        }

        /** The option value naming this format ({@code json}, {@code env}). */
        public String configName() {
            return configName;
        }

        /**
         * The format an option value names.
         *
         * @throws CanaryConfigurationException naming the placement, the option and the allowed values
         */
        public static Format fromConfigName(String placement, String option, String value) {
            for (Format f : values()) {
                if (f.configName.equalsIgnoreCase(value.trim())) {
                    return f;
                }
            }
            throw new CanaryConfigurationException("placement " + placement + " option " + option + ": '" + value
                    + "' is not valid; expected json or env");
        }
    }

    /**
     * The names of the three fields.
     *
     * @since 0.1.0
     */
    public enum KeyNames {
        /** {@code AWS_ACCESS_KEY_ID}, {@code AWS_SECRET_ACCESS_KEY}, {@code AWS_SESSION_TOKEN}: the environment names. */
        ENV("env", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"),
        /** {@code AccessKeyId}, {@code SecretAccessKey}, {@code SessionToken}: the SDKs' and {@code credential_process}'s. */
        PASCAL("pascal", "AccessKeyId", "SecretAccessKey", "SessionToken"),
        /** {@code accessKeyId}, {@code secretAccessKey}, {@code sessionToken}: JavaScript configuration objects. */
        CAMEL("camel", "accessKeyId", "secretAccessKey", "sessionToken"),
        /** {@code aws_access_key_id}, {@code aws_secret_access_key}, {@code aws_session_token}: the credentials file's. */
        SNAKE("snake", "aws_access_key_id", "aws_secret_access_key", "aws_session_token"),
        /** {@code access_key}, {@code secret_key}, {@code security_token}: what Vault's AWS secrets engine returns. */
        VAULT("vault", "access_key", "secret_key", "security_token");

        private final String configName;
        private final String accessKeyId;
        private final String secretAccessKey;
        private final String sessionToken;

        KeyNames(String configName, String accessKeyId, String secretAccessKey, String sessionToken) {
            this.configName = configName;
            this.accessKeyId = accessKeyId;
            this.secretAccessKey = secretAccessKey;
            this.sessionToken = sessionToken;
        }

        /** The option value naming this style ({@code env}, {@code pascal}, {@code camel}, {@code snake}, {@code vault}). */
        public String configName() {
            return configName;
        }

        /** The access key id's field name. */
        public String accessKeyId() {
            return accessKeyId;
        }

        /** The secret access key's field name. */
        public String secretAccessKey() {
            return secretAccessKey;
        }

        /** The session token's field name. */
        public String sessionToken() {
            return sessionToken;
        }

        /**
         * The style an option value names.
         *
         * @throws CanaryConfigurationException naming the placement, the option and the allowed values
         */
        public static KeyNames fromConfigName(String placement, String option, String value) {
            for (KeyNames k : values()) {
                if (k.configName.equalsIgnoreCase(value.trim())) {
                    return k;
                }
            }
            throw new CanaryConfigurationException("placement " + placement + " option " + option + ": '" + value
                    + "' is not valid; expected env, pascal, camel, snake or vault");
        }
    }

    /**
     * The credential's fields in order: access key id, secret access key and, for short-term credentials, session
     * token. The map holds secrets: hand it to the store only.
     *
     * @param credential the credential, not {@code null}
     * @param names      the field names, not {@code null}
     */
    public static Map<String, String> fields(CanaryCredential credential, KeyNames names) {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(names.accessKeyId, credential.accessKeyId());
        out.put(names.secretAccessKey, credential.secretAccessKey().reveal());
        if (credential.sessionToken() != null) {
            out.put(names.sessionToken, credential.sessionToken().reveal());
        }
        return out;
    }

    /**
     * The credential as one text: a compact JSON object, or dotenv lines.
     *
     * @param credential the credential, not {@code null}
     * @param format     the shape, not {@code null}
     * @param names      the field names, not {@code null}
     * @return the text, which holds the secret
     */
    public static String render(CanaryCredential credential, Format format, KeyNames names) {
        Map<String, String> fields = fields(credential, names);
        if (format == Format.ENV) {
            StringBuilder sb = new StringBuilder();
            fields.forEach((k, v) -> sb.append(k).append('=').append(v).append('\n'));
            return sb.toString();
        }
        ObjectNode n = JSON.createObjectNode();
        fields.forEach(n::put);
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new CanaryException("cannot write the credential as JSON", e);
        }
    }

    /**
     * The access key id in a text written by {@link #render} (any format and field names), or in an
     * {@code aws_access_key_id = …} credentials-file line; {@code null} when there is none or the text is
     * {@code null}. Never throws.
     */
    public static @Nullable String accessKeyId(@Nullable String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String trimmed = text.strip();
        if (trimmed.startsWith("{")) {
            try {
                JsonNode n = JSON.readTree(trimmed);
                if (n != null && n.isObject()) {
                    for (String field : ID_FIELDS) {
                        JsonNode id = n.get(field);
                        if (id != null && id.isTextual()) {
                            return id.asText();
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return null;
        }
        Matcher m = ID_LINE.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    /** The access key id fields in a key/value map such as Vault's {@code data} ({@code null} when none). */
    public static @Nullable String accessKeyId(@Nullable Map<String, ?> data) {
        if (data == null) {
            return null;
        }
        for (String field : ID_FIELDS) {
            Object v = data.get(field);
            if (v instanceof String s) {
                return s;
            }
        }
        for (Map.Entry<String, ?> e : data.entrySet()) {
            if (e.getKey().toLowerCase(Locale.ROOT).contains("access_key_id") && e.getValue() instanceof String s) {
                return s;
            }
        }
        return null;
    }
}
