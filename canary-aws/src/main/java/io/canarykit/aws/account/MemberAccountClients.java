package io.canarykit.aws.account;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Principal;
import io.canarykit.internal.Durations;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.AssumeRoleRequest;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.time.Clock;

/**
 * SDK clients inside each member account of an organisation, through one role assumed in every account (the same role
 * name everywhere, as a CloudFormation StackSet deploys it): {@code arn:aws:iam::<account>:role/<path><role-name>},
 * assumed with the central principal's STS client.
 *
 * <ul>
 *   <li>One credentials provider per account, made on first use and kept: it assumes the role once, caches the session
 *       and assumes it again {@link Builder#refreshBefore} before the session expires, by an injectable clock (one
 *       caller refreshes while the others wait; a call never goes out with credentials about to expire). The SDK's
 *       own {@code StsAssumeRoleCredentialsProvider} reads the wall clock only, which would leave this untestable.</li>
 *   <li>Clients per account (IAM, STS, CloudTrail per region) are made once and shared by every issuer and detector of
 *       the account. {@link #iam}, {@link #sts} and {@link #cloudTrail} hand out the client at once but build the real
 *       one, and assume the role, only at its first call: an organisation of a thousand accounts costs nothing until
 *       an account is used.</li>
 * </ul>
 * The session name ({@code canarykit} by default) and an optional external id are what the role's trust policy may
 * check. Thread-safe; closing closes every client and provider it made (never the central STS client).
 *
 * @since 0.1.0
 */
public final class MemberAccountClients implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemberAccountClients.class);

    private final StsClient centralSts;
    private final String roleName;
    private final String rolePath;
    private final String partition;
    private final String sessionName;
    private final @Nullable String externalId;
    private final Duration sessionDuration;
    private final Duration refreshBefore;
    private final Region region;
    private final @Nullable URI endpoint;
    private final ClientOverrideConfiguration override;
    private final Clock clock;
    private final Map<String, RoleSession> providers = new ConcurrentHashMap<>();
    private final Map<String, Object> clients = new ConcurrentHashMap<>();
    private final List<AutoCloseable> built = new ArrayList<>();
    private volatile boolean closed;

    private MemberAccountClients(Builder b) {
        this.centralSts = Objects.requireNonNull(b.sts, "sts"); // build() checked it
        this.roleName = Objects.requireNonNull(b.roleName, "roleName"); // build() checked it
        this.rolePath = b.rolePath;
        this.partition = b.partition;
        this.sessionName = b.sessionName;
        this.externalId = b.externalId;
        this.sessionDuration = b.sessionDuration;
        this.refreshBefore = b.refreshBefore;
        this.region = b.region;
        this.endpoint = b.endpoint;
        this.override = b.override;
        this.clock = b.clock;
    }

    /** A builder; {@link Builder#sts} and {@link Builder#roleName} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The role assumed in {@code accountId}. */
    public String roleArn(String accountId) {
        Principal.requireAccount(accountId);
        return "arn:" + partition + ":iam::" + accountId + ":role" + rolePath + roleName;
    }

    /** The session name used in every account. */
    public String sessionName() {
        return sessionName;
    }

    /** The assumed-role credentials of an account (made once; refreshed before they expire). */
    public AwsCredentialsProvider credentials(String accountId) {
        requireOpen();
        String arn = roleArn(accountId);
        return providers.computeIfAbsent(accountId, id -> {
            LOG.debug("will assume {} for account {}", arn, id);
            return new RoleSession(arn);
        });
    }

    /**
     * One account's assumed-role session: assumed at the first resolution, kept while more than
     * {@link Builder#refreshBefore} is left before it expires (by {@link Builder#clock}), then assumed again by the one
     * caller that takes the lock while the others wait for it. A failed refresh is thrown to the caller; the next
     * call tries again.
     */
    private final class RoleSession implements AwsCredentialsProvider {
        private final String roleArn;
        private volatile @Nullable AwsSessionCredentials current;

        RoleSession(String roleArn) {
            this.roleArn = roleArn;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            AwsSessionCredentials c = current;
            if (c != null && fresh(c)) {
                return c;
            }
            synchronized (this) {
                c = current;
                if (c != null && fresh(c)) {
                    return c;
                }
                requireOpen();
                AssumeRoleRequest.Builder r = AssumeRoleRequest.builder().roleArn(roleArn).roleSessionName(sessionName)
                        .durationSeconds((int) sessionDuration.toSeconds());
                if (externalId != null) {
                    r.externalId(externalId);
                }
                Credentials k = centralSts.assumeRole(r.build()).credentials();
                c = AwsSessionCredentials.builder().accessKeyId(k.accessKeyId()).secretAccessKey(k.secretAccessKey())
                        .sessionToken(k.sessionToken()).expirationTime(k.expiration()).build();
                current = c;
                LOG.debug("assumed {} until {}", roleArn, k.expiration());
                return c;
            }
        }

        private boolean fresh(AwsSessionCredentials c) {
            return c.expirationTime().map(e -> clock.instant().isBefore(e.minus(refreshBefore))).orElse(true);
        }

        @Override
        public String toString() {
            return "RoleSession[" + roleArn + "]";
        }
    }

    /** The account's IAM client (signs in us-east-1; IAM is global). */
    public IamClient iam(String accountId) {
        return lazy(IamClient.class, "iam/" + accountId, () -> build(IamClient.builder(), accountId, Region.US_EAST_1));
    }

    /** The account's STS client. */
    public StsClient sts(String accountId) {
        return lazy(StsClient.class, "sts/" + accountId, () -> build(StsClient.builder(), accountId, region));
    }

    /** The account's CloudTrail client in {@code regionName}. */
    public CloudTrailClient cloudTrail(String accountId, String regionName) {
        Objects.requireNonNull(regionName, "regionName");
        return lazy(CloudTrailClient.class, "cloudtrail/" + accountId + "/" + regionName,
                () -> build(CloudTrailClient.builder(), accountId, Region.of(regionName)));
    }

    /** How many accounts have had their role assumed (or are being assumed) so far. */
    public int accountsInUse() {
        return providers.size();
    }

    private <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C build(B builder, String accountId,
                                                                                     Region signingRegion) {
        requireOpen();
        builder.region(signingRegion).credentialsProvider(credentials(accountId))
                .httpClientBuilder(UrlConnectionHttpClient.builder()).overrideConfiguration(override);
        if (endpoint != null) {
            builder.endpointOverride(endpoint);
            if (builder instanceof S3ClientBuilder s3) {
                s3.forcePathStyle(true);
            }
        }
        C client = builder.build();
        synchronized (built) {
            built.add((AutoCloseable) client);
        }
        return client;
    }

    /** A client of {@code type} whose real client is made by {@code make} at its first call, then kept. */
    @SuppressWarnings("unchecked")
    private <T extends SdkClient> T lazy(Class<T> type, String key, Supplier<T> make) {
        requireOpen();
        Principal.requireAccount(key.split("/")[1]);
        return (T) clients.computeIfAbsent(key, k -> {
            Object[] real = new Object[1];
            return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[]{type}, (proxy, method, args) -> {
                String name = method.getName();
                if (method.getDeclaringClass() == Object.class) {
                    return switch (name) {
                        case "toString" -> type.getSimpleName() + "[" + key + "]";
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> throw new UnsupportedOperationException(name);
                    };
                }
                if (name.equals("close")) {
                    return null; // closed with this object
                }
                Object target;
                synchronized (real) {
                    if (real[0] == null) {
                        real[0] = make.get();
                    }
                    target = real[0];
                }
                try {
                    return method.invoke(target, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        });
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("these member-account clients are closed");
        }
    }

    @Override
    public void close() {
        closed = true;
        List<AutoCloseable> all;
        synchronized (built) {
            all = new ArrayList<>(built);
            built.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing {} failed", c, e);
            }
        }
        providers.clear();
        clients.clear();
    }

    @Override
    public String toString() {
        return "MemberAccountClients[role " + rolePath + roleName + ", " + providers.size() + " accounts in use]";
    }

    /**
     * Builder for {@link MemberAccountClients}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable StsClient sts;
        private @Nullable String roleName;
        private String rolePath = "/";
        private String partition = "aws";
        private String sessionName = "canarykit";
        private @Nullable String externalId;
        private Duration sessionDuration = Duration.ofHours(1);
        private Duration refreshBefore = Duration.ofMinutes(5);
        private Region region = Region.US_EAST_1;
        private @Nullable URI endpoint;
        private Clock clock = Clock.systemUTC();
        private ClientOverrideConfiguration override = ClientOverrideConfiguration.builder()
                .retryStrategy(AwsClients.retryStrategy("adaptive", 8)).build();

        private Builder() {
        }

        /** The central principal's STS client, which assumes the role in each account (required; caller closes it). */
        public Builder sts(StsClient v) {
            sts = Objects.requireNonNull(v, "sts");
            return this;
        }

        /** The role's name, the same in every account (required). */
        public Builder roleName(String v) {
            Objects.requireNonNull(v, "roleName");
            if (!v.matches("[\\w+=,.@-]{1,64}")) {
                throw new CanaryConfigurationException("role name '" + v + "' is not a valid IAM role name");
            }
            roleName = v;
            return this;
        }

        /** The role's path (default {@code /}). */
        public Builder rolePath(String v) {
            Objects.requireNonNull(v, "rolePath");
            if (!v.startsWith("/") || !v.endsWith("/")) {
                throw new CanaryConfigurationException("role path '" + v + "' must start and end with /");
            }
            rolePath = v;
            return this;
        }

        /** The partition ({@code aws}, {@code aws-cn}, {@code aws-us-gov}; default {@code aws}). */
        public Builder partition(String v) {
            partition = Objects.requireNonNull(v, "partition");
            return this;
        }

        /** The RoleSessionName (default {@code canarykit}). */
        public Builder sessionName(String v) {
            Objects.requireNonNull(v, "sessionName");
            if (!v.matches("[\\w+=,.@-]{2,64}")) {
                throw new CanaryConfigurationException("session name '" + v
                        + "' must be 2-64 of letters, digits and +=,.@_-");
            }
            sessionName = v;
            return this;
        }

        /** An external id the roles' trust policies require (default none). */
        public Builder externalId(String v) {
            externalId = Objects.requireNonNull(v, "externalId");
            return this;
        }

        /** How long each assumed session lasts (default 1 hour; 15 minutes to 12 hours). */
        public Builder sessionDuration(Duration v) {
            Durations.positive(v, "sessionDuration");
            if (v.compareTo(Duration.ofMinutes(15)) < 0 || v.compareTo(Duration.ofHours(12)) > 0) {
                throw new CanaryConfigurationException("sessionDuration must be 15m to 12h, was " + v);
            }
            sessionDuration = v;
            return this;
        }

        /** How long before a session expires it is replaced (default 5 minutes). */
        public Builder refreshBefore(Duration v) {
            refreshBefore = Durations.positive(v, "refreshBefore");
            return this;
        }

        /** The region of the STS and default clients (default us-east-1). */
        public Builder region(Region v) {
            region = Objects.requireNonNull(v, "region");
            return this;
        }

        /** An endpoint for every client (an emulator, a VPC endpoint); default AWS's. */
        public Builder endpoint(@Nullable URI v) {
            endpoint = v;
            return this;
        }

        /** The clock sessions' expiry is compared with (default the UTC system clock). */
        public Builder clock(Clock v) {
            clock = Objects.requireNonNull(v, "clock");
            return this;
        }

        /** The clients' override configuration (default adaptive retries, 8 attempts). */
        public Builder overrideConfiguration(ClientOverrideConfiguration v) {
            override = Objects.requireNonNull(v, "overrideConfiguration");
            return this;
        }

        /**
         * Builds it.
         *
         * @throws CanaryConfigurationException without the STS client or the role name, or if the session would be
         *                                      refreshed before it starts
         */
        public MemberAccountClients build() {
            if (sts == null) {
                throw new CanaryConfigurationException("member-account clients need the central principal's STS client");
            }
            if (roleName == null) {
                throw new CanaryConfigurationException("member-account clients need the role name to assume in each"
                        + " account (role-name)");
            }
            if (refreshBefore.compareTo(sessionDuration) >= 0) {
                throw new CanaryConfigurationException("refresh-before (" + refreshBefore
                        + ") must be shorter than the session duration (" + sessionDuration + ")");
            }
            return new MemberAccountClients(this);
        }
    }
}
