package io.canarykit.testkit.placement;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.CanaryCredential;
import io.canarykit.Secret;
import software.amazon.awssdk.profiles.Profile;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** Reads credentials back the way attackers' tools and the AWS SDK do, without the placement that wrote them. */
final class ReadBack {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ReadBack() {
    }

    static byte[] bytes(Path file) {
        try {
            return Files.exists(file) ? Files.readAllBytes(file) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void write(Path file, String content) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A profile of a shared credentials file, read by the AWS SDK's own parser. */
    static CanaryCredential profile(Path file, String name) {
        byte[] b = bytes(file);
        if (b == null) {
            return null;
        }
        Optional<Profile> p = ProfileFile.builder().content(new ByteArrayInputStream(b)).type(ProfileFile.Type.CREDENTIALS)
                .build().profile(name);
        return p.map(Profile::properties).map(m -> credential(m.get("aws_access_key_id"), m.get("aws_secret_access_key"),
                m.get("aws_session_token"))).orElse(null);
    }

    /** {@code NAME=value} / {@code export NAME=value} lines, the last assignment of each name winning. */
    static CanaryCredential envFile(Path file, String prefix) {
        byte[] b = bytes(file);
        if (b == null) {
            return null;
        }
        Map<String, String> vars = new LinkedHashMap<>();
        for (String line : new String(b, StandardCharsets.UTF_8).split("\r?\n")) {
            String l = line.strip().replaceFirst("^export\\s+", "");
            int eq = l.indexOf('=');
            if (eq > 0 && !l.startsWith("#")) {
                vars.put(l.substring(0, eq).trim(), l.substring(eq + 1).trim());
            }
        }
        return credential(vars.get(prefix + "AWS_ACCESS_KEY_ID"), vars.get(prefix + "AWS_SECRET_ACCESS_KEY"),
                vars.get(prefix + "AWS_SESSION_TOKEN"));
    }

    /** A JSON document with the given field names (credential_process output, endpoint answers). */
    static CanaryCredential json(byte[] document, String keyId, String secret, String token) {
        if (document == null) {
            return null;
        }
        try {
            JsonNode n = JSON.readTree(document);
            return credential(n.path(keyId).asText(null), n.path(secret).asText(null), n.path(token).asText(null));
        } catch (IOException e) {
            return null;
        }
    }

    /** The {@code data} of a Kubernetes Secret manifest in YAML, with the env layout, base64-decoded. */
    static CanaryCredential kubernetesYaml(Path file) {
        byte[] b = bytes(file);
        if (b == null) {
            return null;
        }
        Map<String, String> data = new LinkedHashMap<>();
        boolean inData = false;
        for (String line : new String(b, StandardCharsets.UTF_8).split("\r?\n")) {
            if (line.equals("data:")) {
                inData = true;
            } else if (inData && line.startsWith("  ") && line.contains(": ")) {
                String[] kv = line.strip().split(": ", 2);
                data.put(kv[0], new String(Base64.getDecoder().decode(kv[1].replace("\"", "")), StandardCharsets.UTF_8));
            } else {
                inData = false;
            }
        }
        return credential(data.get("AWS_ACCESS_KEY_ID"), data.get("AWS_SECRET_ACCESS_KEY"), data.get("AWS_SESSION_TOKEN"));
    }

    static CanaryCredential credential(String keyId, String secret, String token) {
        if (keyId == null || secret == null) {
            return null;
        }
        return new CanaryCredential(keyId, Secret.of(secret), token == null ? null : Secret.of(token), null);
    }
}
