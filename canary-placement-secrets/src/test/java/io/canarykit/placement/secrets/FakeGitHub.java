package io.canarykit.placement.secrets;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import org.bouncycastle.crypto.params.X25519PrivateKeyParameters;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * GitHub's Actions secrets API as documented (2022-11-28): per scope (repository, environment, organisation) a
 * public key and secrets; {@code PUT} answers 201 when it creates and 204 when it updates; {@code GET} answers
 * name, created_at and updated_at (never the value); {@code DELETE} 204; unknown secrets 404. The fake holds the
 * scopes' private keys, so a test can open what was stored. Timestamps advance one second per write.
 */
final class FakeGitHub extends FakeApi {
    static final String TOKEN = "ghp_16C7e42F292c6912E7710c838347Ae178B4a";
    private static final Pattern SCOPE = Pattern.compile(
            "(/repos/[^/]+/[^/]+/actions|/repos/[^/]+/[^/]+/environments/[^/]+|/orgs/[^/]+/actions)/secrets(?:/([^/]+))?");

    record Stored(String scope, String name, byte[] encrypted, String keyId, Instant createdAt, Instant updatedAt,
                  String visibility) {
    }

    private final Map<String, byte[]> secretKeys = new LinkedHashMap<>();
    final Map<String, Stored> secrets = new TreeMap<>();
    Instant now = Instant.parse("2026-05-01T12:00:00Z");
    /** When false, every write lands in the same second (as two quick writes do on GitHub). */
    boolean advanceClock = true;

    @Override
    public String getName() {
        return "fake-github";
    }

    @Override
    String tokenHeader() {
        return "Authorization";
    }

    @Override
    ResponseDefinition answer(Call c) {
        if (!("Bearer " + TOKEN).equals(c.token())) {
            return json(401, "{\"message\":\"Bad credentials\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"401\"}");
        }
        Matcher m = SCOPE.matcher(c.path());
        if (!m.matches()) {
            return json(404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}");
        }
        String scope = decode(m.group(1));
        String name = m.group(2) == null ? null : decode(m.group(2));
        if ("public-key".equals(name) && c.method().equals("GET")) {
            byte[] pk = new X25519PrivateKeyParameters(secretKey(scope), 0).generatePublicKey().getEncoded();
            return json(200, "{\"key_id\":\"" + keyId(scope) + "\",\"key\":\"" + Base64.getEncoder().encodeToString(pk) + "\"}");
        }
        if (name == null) {
            return json(404, "{\"message\":\"Not Found\"}");
        }
        String id = scope + "/" + name.toUpperCase(java.util.Locale.ROOT);
        Stored s = secrets.get(id);
        switch (c.method()) {
            case "GET" -> {
                if (s == null) {
                    return json(404, "{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com/rest\",\"status\":\"404\"}");
                }
                ObjectNode n = JSON.createObjectNode().put("name", s.name()).put("created_at", s.createdAt().toString())
                        .put("updated_at", s.updatedAt().toString());
                if (s.visibility() != null) {
                    n.put("visibility", s.visibility());
                }
                return json(200, n);
            }
            case "PUT" -> {
                String keyId = c.body().path("key_id").asText("");
                byte[] enc;
                try {
                    enc = Base64.getDecoder().decode(c.body().path("encrypted_value").asText(""));
                } catch (IllegalArgumentException e) {
                    enc = new byte[0];
                }
                if (!keyId.equals(keyId(scope)) || enc.length < SealedBox.SEAL_BYTES) {
                    return json(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"resource\":\"Secret\",\"code\":\"invalid\"}],\"status\":\"422\"}");
                }
                Instant at = tick();
                secrets.put(id, new Stored(scope, name.toUpperCase(java.util.Locale.ROOT), enc, keyId,
                        s == null ? at : s.createdAt(), at, c.body().path("visibility").asText(null)));
                return empty(s == null ? 201 : 204);
            }
            case "DELETE" -> {
                return secrets.remove(id) == null ? json(404, "{\"message\":\"Not Found\"}") : empty(204);
            }
            default -> {
                return json(404, "{\"message\":\"Not Found\"}");
            }
        }
    }

    private Instant tick() {
        if (advanceClock) {
            now = now.plus(Duration.ofSeconds(1));
        }
        return now;
    }

    private byte[] secretKey(String scope) {
        return secretKeys.computeIfAbsent(scope, s -> {
            byte[] k = new byte[32];
            new SecureRandom().nextBytes(k);
            return k;
        });
    }

    private static String keyId(String scope) {
        return Integer.toString(Math.abs(scope.hashCode()) % 1_000_000 + 568_250_167);
    }

    /** The plaintext of a stored secret, opened with the scope's private key (the MAC is checked). */
    String open(String scope, String name) {
        Stored s = secrets.get(scope + "/" + name);
        if (s == null) {
            return null;
        }
        byte[] sk = secretKey(scope);
        byte[] pk = new X25519PrivateKeyParameters(sk, 0).generatePublicKey().getEncoded();
        byte[] epk = Arrays.copyOf(s.encrypted(), 32);
        byte[] nonce = new byte[SealedBox.NONCE_BYTES];
        var blake = new org.bouncycastle.crypto.digests.Blake2bDigest(SealedBox.NONCE_BYTES * 8);
        blake.update(epk, 0, 32);
        blake.update(pk, 0, 32);
        blake.doFinal(nonce, 0);
        byte[] boxed = Arrays.copyOfRange(s.encrypted(), 32, s.encrypted().length);
        byte[] cipher = Arrays.copyOfRange(boxed, SealedBox.MAC_BYTES, boxed.length);
        // XSalsa20 is its own inverse: boxing the ciphertext under the same key and nonce gives the plaintext
        byte[] plain = Arrays.copyOfRange(SealedBox.box(cipher, nonce, epk, sk), SealedBox.MAC_BYTES, boxed.length);
        byte[] again = SealedBox.box(plain, nonce, epk, sk);
        if (!Arrays.equals(Arrays.copyOf(again, SealedBox.MAC_BYTES), Arrays.copyOf(boxed, SealedBox.MAC_BYTES))) {
            throw new AssertionError("the sealed box of " + name + " does not authenticate");
        }
        return new String(plain, StandardCharsets.UTF_8);
    }
}
