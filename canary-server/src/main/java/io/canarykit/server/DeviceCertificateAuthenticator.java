package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;

import java.security.GeneralSecurityException;
import java.security.cert.CertPath;
import java.security.cert.CertPathValidator;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.PKIXParameters;
import java.security.cert.TrustAnchor;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.jspecify.annotations.Nullable;

/**
 * Devices that present a client certificate (mutual TLS, as MDMs issue them: Jamf, Intune SCEP/PKCS, Fleet): the
 * certificate chain must validate (PKIX, at the time of the request) to one of the configured device CAs, be usable
 * for client authentication, and name a device id, taken from the subject's common name or a subject alternative name
 * (optionally through a pattern with one group, such as {@code urn:device:(.+)}). The identity is
 * {@code device:<id>}; it may use nothing but {@code /v1/devices/}.
 *
 * <p>Applies only to requests without an {@code Authorization} header. The TLS connector must ask for client
 * certificates ({@code canary.api.tls.trust-store}, {@link TlsSettings}); this check is made again here, against this
 * authenticator's own bundle, so that a connector trusting more CAs never lets their certificates in as devices.
 * Thread-safe.
 *
 * @since 0.1.0
 */
public final class DeviceCertificateAuthenticator implements CallerAuthenticator {
    /** Scheme of an identity proved by a device certificate. */
    public static final String SCHEME = "device-certificate";
    private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

    /**
     * Where in the certificate the device id is.
     *
     * @since 0.1.0
     */
    public enum IdentityFrom {
        /** The subject's common name. */
        SUBJECT_CN,
        /** A DNS subject alternative name. */
        SAN_DNS,
        /** A URI subject alternative name. */
        SAN_URI,
        /** An e-mail (RFC 822) subject alternative name. */
        SAN_EMAIL;

        int sanType() {
            return this == SAN_DNS ? 2 : this == SAN_URI ? 6 : this == SAN_EMAIL ? 1 : -1;
        }
    }

    private final Set<TrustAnchor> anchors;
    private final IdentityFrom from;
    private final @Nullable Pattern pattern;

    private DeviceCertificateAuthenticator(Builder b) {
        Set<TrustAnchor> a = new LinkedHashSet<>();
        for (X509Certificate c : b.cas) {
            a.add(new TrustAnchor(c, null));
        }
        this.anchors = Set.copyOf(a);
        this.from = b.from;
        this.pattern = b.pattern;
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public Authentication authenticate(AuthenticationRequest request) {
        List<X509Certificate> chain = request.clientCertificates();
        if (chain.isEmpty() || !request.headers("authorization").isEmpty()) {
            return Authentication.notApplicable();
        }
        X509Certificate leaf = chain.get(0);
        try {
            List<X509Certificate> path = new ArrayList<>(chain);
            while (path.size() > 1 && isAnchor(path.get(path.size() - 1))) {
                path.remove(path.size() - 1);
            }
            CertPath certPath = CertificateFactory.getInstance("X.509").generateCertPath(path);
            PKIXParameters params = new PKIXParameters(anchors);
            params.setRevocationEnabled(false);
            params.setDate(Date.from(request.receivedAt()));
            CertPathValidator.getInstance("PKIX").validate(certPath, params);
        } catch (GeneralSecurityException | RuntimeException e) {
            return Authentication.refused("the client certificate is not issued by a configured device CA, or is not "
                    + "valid now");
        }
        try {
            List<String> eku = leaf.getExtendedKeyUsage();
            if (eku != null && !eku.contains(CLIENT_AUTH) && !eku.contains("2.5.29.37.0")) {
                return Authentication.refused("the client certificate may not be used for client authentication");
            }
        } catch (CertificateParsingException e) {
            return Authentication.refused("the client certificate's extended key usage cannot be read");
        }
        String id = deviceId(leaf);
        if (id == null) {
            return Authentication.refused("the client certificate names no device (" + from.name().toLowerCase(Locale.ROOT)
                    .replace('_', '-') + (pattern == null ? "" : " matching " + pattern.pattern()) + ")");
        }
        return Authentication.accepted(DeviceApi.identity(id, SCHEME));
    }

    private boolean isAnchor(X509Certificate c) {
        for (TrustAnchor a : anchors) {
            if (a.getTrustedCert().equals(c)) {
                return true;
            }
        }
        return false;
    }

    private @Nullable String deviceId(X509Certificate leaf) {
        List<String> candidates = new ArrayList<>();
        if (from == IdentityFrom.SUBJECT_CN) {
            try {
                for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
                    if (rdn.getType().equalsIgnoreCase("CN")) {
                        candidates.add(String.valueOf(rdn.getValue()));
                    }
                }
            } catch (InvalidNameException e) {
                return null;
            }
        } else {
            try {
                Collection<List<?>> sans = leaf.getSubjectAlternativeNames();
                if (sans != null) {
                    for (List<?> san : sans) {
                        if (((Integer) san.get(0)) == from.sanType()) {
                            candidates.add(String.valueOf(san.get(1)));
                        }
                    }
                }
            } catch (CertificateParsingException e) {
                return null;
            }
        }
        for (String c : candidates) {
            String id = c;
            if (pattern != null) {
                Matcher m = pattern.matcher(c);
                if (!m.matches()) {
                    continue;
                }
                id = m.group(1);
            }
            if (id != null && DeviceRegistry.ID.matcher(id).matches()) {
                return id;
            }
        }
        return null;
    }

    /**
     * Builder for {@link DeviceCertificateAuthenticator}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private List<X509Certificate> cas = List.of();
        private IdentityFrom from = IdentityFrom.SUBJECT_CN;
        private @Nullable Pattern pattern;

        Builder() {
        }

        /** The CAs that issue device certificates (required). */
        public Builder deviceCas(List<X509Certificate> v) { cas = List.copyOf(v); return this; }

        /** Where the device id is (default the subject's common name). */
        public Builder identityFrom(IdentityFrom v) { from = Objects.requireNonNull(v); return this; }

        /**
         * A pattern the whole name must match, whose first group is the device id (default: the whole name).
         *
         * @throws CanaryConfigurationException if it has no group
         */
        public Builder identityPattern(String regex) {
            Pattern p = Pattern.compile(regex);
            if (p.matcher("").groupCount() < 1) {
                throw new CanaryConfigurationException("the device identity pattern needs one group: the device id");
            }
            pattern = p;
            return this;
        }

        /** Builds it. */
        public DeviceCertificateAuthenticator build() {
            if (cas.isEmpty()) {
                throw new CanaryConfigurationException("DeviceCertificateAuthenticator needs the device CA certificates "
                        + "(canary.api.authenticator.device-certificate.ca-bundle)");
            }
            return new DeviceCertificateAuthenticator(this);
        }
    }
}
