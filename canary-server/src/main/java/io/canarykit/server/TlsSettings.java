package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The TLS side of {@link CanaryHttpServer}: the server's own key and certificate, and the certificate authorities whose
 * client certificates the TLS handshake accepts (mutual TLS, as MDM-issued device certificates use).
 *
 * <p>Client certificates are {@link ClientAuth#WANT asked for} by default when a trust store is given: a client
 * that presents one must chain to the trust store or the handshake fails; a client that presents none still connects
 * and authenticates otherwise (a bearer token). Which certificate is which device is decided afterwards, by a
 * {@link CallerAuthenticator} such as {@link DeviceCertificateAuthenticator}, which checks the chain again against its
 * own CA bundle.
 *
 * @param keyStore           PKCS#12 (or JKS) file with the server's private key and certificate chain
 * @param keyStorePassword   its password (also the key's)
 * @param keyStoreType       {@code PKCS12} or {@code JKS}
 * @param trustedClientCas   the certificate authorities client certificates must chain to; empty: none asked for
 * @param clientAuth         whether client certificates are asked for, required, or neither
 *
 * @since 0.1.0
 */
public record TlsSettings(Path keyStore, Secret keyStorePassword, String keyStoreType,
                          List<X509Certificate> trustedClientCas, ClientAuth clientAuth) {
    /** Configuration prefix: {@code canary.api.tls.}. */
    public static final String PREFIX = "canary.api.tls.";

    /**
     * Whether the server asks clients for a certificate.
     *
     * @since 0.1.0
     */
    public enum ClientAuth {
        /** Never asks. */
        NONE,
        /** Asks; a client without one still connects. */
        WANT,
        /** Requires one: clients without a trusted certificate cannot connect. */
        NEED
    }

    public TlsSettings {
        Objects.requireNonNull(keyStore, "keyStore");
        Objects.requireNonNull(keyStorePassword, "keyStorePassword");
        keyStoreType = keyStoreType == null ? "PKCS12" : keyStoreType.toUpperCase(Locale.ROOT);
        trustedClientCas = List.copyOf(trustedClientCas);
        Objects.requireNonNull(clientAuth, "clientAuth");
        if (clientAuth != ClientAuth.NONE && trustedClientCas.isEmpty()) {
            throw new CanaryConfigurationException(PREFIX + "client-auth=" + clientAuth.name().toLowerCase(Locale.ROOT)
                    + " needs " + PREFIX + "trust-store (a PEM bundle of the CAs that issue client certificates)");
        }
    }

    /**
     * The settings under {@code canary.api.tls.}: {@code key-store} (required), {@code key-store-password},
     * {@code key-store-type} ({@code PKCS12}), {@code trust-store} (a PEM bundle, or a key store of
     * {@code trust-store-type} with {@code trust-store-password}), {@code client-auth} ({@code none}, {@code want}
     * (the default with a trust store), {@code need}).
     *
     * @return the settings, or {@code null} when no {@code canary.api.tls.} key is set (plain HTTP)
     * @throws CanaryConfigurationException naming the key that is wrong or the file that cannot be read
     */
    public static @Nullable TlsSettings fromConfig(CanaryConfig config) {
        if (config.withPrefix(PREFIX).isEmpty()) {
            return null;
        }
        java.util.Set<String> known = java.util.Set.of("key-store", "key-store-password", "key-store-type", "trust-store",
                "trust-store-type", "trust-store-password", "client-auth");
        for (String k : config.withPrefix(PREFIX).keySet()) {
            if (!known.contains(k)) {
                throw new CanaryConfigurationException("unknown configuration key " + PREFIX + k + "; known: " + PREFIX
                        + "{" + String.join(", ", new java.util.TreeSet<>(known)) + "}");
            }
        }
        Path keyStore = config.getPath(PREFIX + "key-store");
        if (keyStore == null) {
            throw new CanaryConfigurationException(PREFIX + "key-store is required for TLS: a PKCS#12 file with the "
                    + "server's key and certificate (openssl pkcs12 -export -in cert.pem -inkey key.pem -out server.p12)");
        }
        Secret password = config.getSecret(PREFIX + "key-store-password");
        if (password == null) {
            password = Secret.of("");
        }
        List<X509Certificate> cas = List.of();
        Path trust = config.getPath(PREFIX + "trust-store");
        if (trust != null) {
            cas = certificates(trust, config.getString(PREFIX + "trust-store-type"),
                    config.getSecret(PREFIX + "trust-store-password"));
        }
        String auth = config.getEnum(PREFIX + "client-auth", cas.isEmpty() ? "none" : "want", "none", "want", "need");
        TlsSettings s = new TlsSettings(keyStore, password, config.getString(PREFIX + "key-store-type", "PKCS12"), cas,
                ClientAuth.valueOf(auth.toUpperCase(Locale.ROOT)));
        s.loadKeyStore(); // fail at start-up, naming the file, rather than at the first handshake
        return s;
    }

    /** The server's key store, loaded. */
    KeyStore loadKeyStore() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore ks = KeyStore.getInstance(keyStoreType);
            ks.load(in, keyStorePassword.reveal().toCharArray());
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new CanaryConfigurationException("cannot load the TLS key store " + keyStore + " (" + PREFIX
                    + "key-store, type " + keyStoreType + "): " + e.getClass().getSimpleName()
                    + " (wrong password or type?)"); // deliberately without the cause, as before
        }
    }

    /** A trust store holding {@link #trustedClientCas()}, or {@code null} for none. */
    @Nullable KeyStore trustStore() {
        if (trustedClientCas.isEmpty()) {
            return null;
        }
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            for (int i = 0; i < trustedClientCas.size(); i++) {
                ks.setCertificateEntry("ca-" + i, trustedClientCas.get(i));
            }
            return ks;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an in-memory trust store", e);
        }
    }

    /**
     * The certificates in {@code file}: a PEM bundle (one or more {@code BEGIN CERTIFICATE} blocks), or a key store of
     * {@code type} (default PKCS12) whose certificate entries are taken.
     *
     * @throws CanaryConfigurationException if the file cannot be read or holds no certificate
     */
    public static List<X509Certificate> certificates(Path file, @Nullable String type, @Nullable Secret password) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read the certificate file " + file + ": " + e.getMessage(), e);
        }
        List<X509Certificate> out = new ArrayList<>();
        try {
            if (type == null && new String(bytes, 0, Math.min(bytes.length, 4096), StandardCharsets.US_ASCII)
                    .contains("-----BEGIN CERTIFICATE-----")) {
                for (Certificate c : CertificateFactory.getInstance("X.509")
                        .generateCertificates(new ByteArrayInputStream(bytes))) {
                    out.add((X509Certificate) c);
                }
            } else {
                KeyStore ks = KeyStore.getInstance(type == null ? "PKCS12" : type);
                ks.load(new ByteArrayInputStream(bytes), password == null ? null : password.reveal().toCharArray());
                for (String alias : java.util.Collections.list(ks.aliases())) {
                    if (ks.getCertificate(alias) instanceof X509Certificate x) {
                        out.add(x);
                    }
                }
            }
        } catch (IOException | GeneralSecurityException e) {
            throw new CanaryConfigurationException("cannot read certificates from " + file + ": "
                    + e.getClass().getSimpleName() + " (give a PEM bundle, or a key store with its type and password)");
            // deliberately without the cause, as before
        }
        if (out.isEmpty()) {
            throw new CanaryConfigurationException("no certificate in " + file);
        }
        return List.copyOf(out);
    }

    @Override
    public String toString() {
        return "TlsSettings[keyStore=" + keyStore + ", keyStoreType=" + keyStoreType + ", trustedClientCas="
                + trustedClientCas.size() + ", clientAuth=" + clientAuth + "]";
    }
}
