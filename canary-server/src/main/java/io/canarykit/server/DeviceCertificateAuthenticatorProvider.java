package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code device-certificate}: {@code canary.api.authenticator.device-certificate.ca-bundle} (PEM, required),
 * {@code .identity-from} ({@code subject-cn}, {@code san-dns}, {@code san-uri}, {@code san-email}),
 * {@code .identity-pattern} (a regular expression with one group).
 *
 * @since 0.1.0
 */
public final class DeviceCertificateAuthenticatorProvider implements CallerAuthenticatorProvider {
    /** For ServiceLoader. */
    public DeviceCertificateAuthenticatorProvider() {
    }

    @Override
    public String name() {
        return "device-certificate";
    }

    @Override
    public CallerAuthenticator create(AuthenticatorContext context) {
        CanaryConfig c = context.config();
        DeviceTokenAuthenticatorProvider.checkKeys(c, name(), Set.of("ca-bundle", "identity-from", "identity-pattern"));
        Path caBundle = c.getPath("ca-bundle");
        if (caBundle == null) {
            throw new CanaryConfigurationException("canary.api.authenticator.device-certificate.ca-bundle is required: "
                    + "a PEM file with the CA certificates that issue device certificates");
        }
        DeviceCertificateAuthenticator.Builder b = DeviceCertificateAuthenticator.builder()
                .deviceCas(TlsSettings.certificates(caBundle, null, null))
                .identityFrom(DeviceCertificateAuthenticator.IdentityFrom.valueOf(c.getEnum("identity-from",
                        "subject-cn", "subject-cn", "san-dns", "san-uri", "san-email").toUpperCase(Locale.ROOT)
                        .replace('-', '_')));
        String identityPattern = c.getString("identity-pattern");
        if (identityPattern != null) {
            b.identityPattern(identityPattern);
        }
        return b.build();
    }
}
