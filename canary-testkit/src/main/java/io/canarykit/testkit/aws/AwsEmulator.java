package io.canarykit.testkit.aws;

import io.canarykit.testkit.internal.ClassPathReads;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.common.Slf4jNotifier;
import com.github.tomakehurst.wiremock.core.Options;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.internal.Durations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.builder.SdkSyncClientBuilder;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;

import org.jspecify.annotations.Nullable;

/**
 * A stateful AWS emulator for tests and demos, served over HTTP so that the real AWS SDK v2 clients talk to it through
 * {@code endpointOverride}: one emulated organisation of one or more accounts (AWS Organizations: roots, organisational
 * units, account status and tags) with IAM, STS, CloudTrail (LookupEvents,
 * S3 log files, an EventBridge-style sink) and S3, where every call signed with an emulated credential, to any service,
 * is verified (SigV4), authorised against the caller's real policies, answered in the service's own protocol and
 * recorded as AWS records it.
 *
 * <pre>{@code
 * try (AwsEmulator aws = AwsEmulator.builder().account("111122223333").start()) {
 *     IamClient iam = aws.iam();                       // signed with the account's administrator key
 *     iam.createUser(b -> b.userName("ci-deploy-7f3a"));
 *     aws.faults().failNthCall("iam:CreateAccessKey", 3, FaultAction.connectionReset());
 *     aws.trailRecords();                              // what CloudTrail saw
 * }
 * }</pre>
 *
 * <h2>What is recorded</h2>
 * Every authenticated call (allowed or denied) updates the long-term key's last-used data (date, service namespace,
 * region) and, unless AWS leaves it out of a management trail, writes a CloudTrail record in the caller's account: IAM
 * in us-east-1, everything else in the SigV4 signing region. Left out, as in AWS: SQS {@code ListQueues} and the SQS
 * message calls, SNS {@code Publish}/{@code PublishBatch}, S3 object-level calls and object listings (data events),
 * DynamoDB item calls, Lambda {@code Invoke}, Pinpoint SMS-Voice {@code SendVoiceMessage}, Timestream
 * {@code DescribeEndpoints}. Calls that fail authentication (unknown or inactive key, wrong secret, expired session)
 * leave no record and no last-used trace.
 *
 * <h2>Partial AWS</h2>
 * {@link Builder#partialAws(PartialAws)} (or {@link #partialAws()} at run time) makes the emulator behave like an
 * incomplete implementation of IAM and STS, such as moto: operations answered as unimplemented (HTTP 500 without a
 * body, or a {@code NotImplemented} error), request parameters silently ignored (a permissions boundary or tags on
 * {@code CreateUser}, ...), and deleted users still visible to reads for a while. See {@link PartialAws}.
 *
 * <h2>Time</h2>
 * Every timestamp comes from the {@link Builder#clock(Clock) clock} (use {@link MutableClock} to expire sessions, age
 * credential reports or pass the trail delivery delay). SigV4 request dates are not checked against it.
 *
 * <h2>Threads</h2>
 * Thread-safe: requests are served concurrently and all state sits behind one lock held only while a call is computed.
 *
 * @since 0.1.0
 */
public final class AwsEmulator implements AutoCloseable {
    static {
        ClassPathReads.readWireMock(); // on the module path WireMock is on the class path (see ClassPathReads)
    }

    private static final Logger LOG = LoggerFactory.getLogger(AwsEmulator.class);
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    private final Engine engine;
    private final WireMockServer server;
    private final int clientMaxAttempts;
    private final List<AutoCloseable> clients = new CopyOnWriteArrayList<>();
    private final Map<String, Object> adminClients = new ConcurrentHashMap<>();

    private AwsEmulator(Engine engine, WireMockServer server, int clientMaxAttempts) {
        this.engine = engine;
        this.server = server;
        this.clientMaxAttempts = clientMaxAttempts;
    }

    /** A builder with AWS's defaults: one account {@code 123456789012}, an {@code issuer} administrator user. */
    public static Builder builder() {
        return new Builder();
    }

    /** Starts an emulator with every default. */
    public static AwsEmulator start() {
        return builder().start();
    }

    // ------------------------------------------------------------------------------------------------ basics

    /** The base URL to pass to {@code endpointOverride}, e.g. {@code http://127.0.0.1:41234}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    /** The port it listens on (127.0.0.1). */
    public int port() {
        return server.port();
    }

    /** The first (management) account. */
    public String accountId() {
        return engine.settings.managementAccount();
    }

    /** Every account of the organisation, management account first. */
    public List<String> accountIds() {
        return engine.settings.accountIds();
    }

    /** The organisation id ({@code o-…}). */
    public String organizationId() {
        return engine.settings.organizationId();
    }

    /** The name of each account's administrator user. */
    public String adminUserName() {
        return engine.settings.adminUserName();
    }

    /** The administrator credentials (an IAM user with an {@code Allow * on *} policy) of the management account. */
    public EmulatedCredentials adminCredentials() {
        return adminCredentials(accountId());
    }

    /** The administrator credentials of one account; they survive {@link #reset()}. */
    public EmulatedCredentials adminCredentials(String accountId) {
        String[] key = engine.adminKeys.get(requireAccount(accountId));
        if (key == null) {
            throw new IllegalStateException("account " + accountId + " has no administrator key; the emulator creates "
                    + "one for every account it starts with");
        }
        return EmulatedCredentials.of(key[0], key[1]);
    }

    /** The trail's bucket (path-style: {@code s3.listObjectsV2(b -> b.bucket(aws.trailBucket()))}). */
    public String trailBucket() {
        return engine.settings.trailBucket();
    }

    /** The trail's name. */
    public String trailName() {
        return engine.settings.trailName();
    }

    /** Fault injection: rules and eventual consistency. Changes apply to the next call. */
    public Faults faults() {
        return engine.faults;
    }

    /**
     * The partial-AWS behaviours in force (unimplemented operations, ignored parameters, eventually consistent
     * deletes): the builder's {@link Builder#partialAws(PartialAws)} configuration, changeable at any time; changes
     * apply to the next call and {@link #reset()} comes back to the builder's configuration.
     */
    public PartialAws partialAws() {
        return engine.partial;
    }

    /** Puts the partial-AWS behaviours back to the builder's configuration (the extension does between tests). */
    void restorePartialAws() {
        engine.restorePartialAws();
    }

    /** The clock every emulated timestamp comes from. */
    public Clock clock() {
        return engine.clock;
    }

    // ---------------------------------------------------------------------------------------------- clients

    /** An IAM client signed with the management account's administrator key. Closed with the emulator. */
    public IamClient iam() {
        return (IamClient) adminClients.computeIfAbsent("iam", k -> iam(adminCredentials()));
    }

    /** An IAM client with these credentials. Closed with the emulator. */
    public IamClient iam(EmulatedCredentials credentials) {
        return client(IamClient.builder(), credentials);
    }

    /** An STS client signed with the administrator key. Closed with the emulator. */
    public StsClient sts() {
        return (StsClient) adminClients.computeIfAbsent("sts", k -> sts(adminCredentials()));
    }

    /** An STS client with these credentials. Closed with the emulator. */
    public StsClient sts(EmulatedCredentials credentials) {
        return client(StsClient.builder(), credentials);
    }

    /** A CloudTrail client (us-east-1) signed with the administrator key. Closed with the emulator. */
    public CloudTrailClient cloudTrail() {
        return (CloudTrailClient) adminClients.computeIfAbsent("cloudtrail", k -> cloudTrail(adminCredentials()));
    }

    /** A CloudTrail client (us-east-1) with these credentials. Closed with the emulator. */
    public CloudTrailClient cloudTrail(EmulatedCredentials credentials) {
        return client(CloudTrailClient.builder(), credentials);
    }

    /** A path-style S3 client signed with the administrator key. Closed with the emulator. */
    public S3Client s3() {
        return (S3Client) adminClients.computeIfAbsent("s3", k -> s3(adminCredentials()));
    }

    /** A path-style S3 client with these credentials. Closed with the emulator. */
    public S3Client s3(EmulatedCredentials credentials) {
        return client(S3Client.builder(), credentials);
    }

    /**
     * Builds any SDK v2 client against the emulator (us-east-1): {@code aws.client(Ec2Client.builder(), creds)}.
     * Closed with the emulator.
     */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                     EmulatedCredentials credentials) {
        return client(builder, credentials, Region.US_EAST_1);
    }

    /** Builds any SDK v2 client against the emulator in a given region (the SigV4 scope carries it). */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> C client(B builder,
                                                                                     EmulatedCredentials credentials,
                                                                                     Region region) {
        C client = configure(builder, credentials, region).build();
        if (client instanceof AutoCloseable closeable) {
            clients.add(closeable);
        }
        return client;
    }

    /**
     * Configures a client builder for the emulator without building it (the caller owns and closes the client):
     * region, endpoint, credentials, the URL-connection HTTP client, path-style S3 and the retry strategy
     * ({@link Builder#clientMaxAttempts(int) no retries} unless asked).
     */
    public <B extends AwsClientBuilder<B, C> & SdkSyncClientBuilder<B, C>, C> B configure(B builder,
                                                                                        EmulatedCredentials credentials,
                                                                                        Region region) {
        Objects.requireNonNull(builder, "builder");
        Objects.requireNonNull(credentials, "credentials");
        Objects.requireNonNull(region, "region");
        builder.region(region).endpointOverride(endpoint()).credentialsProvider(credentials.provider())
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.retryStrategy(retryStrategy()));
        if (builder instanceof S3ClientBuilder s3) {
            s3.forcePathStyle(true);
        }
        return builder;
    }

    /** The retry strategy clients get: none by default, else standard retries with short backoff. */
    public RetryStrategy retryStrategy() {
        if (clientMaxAttempts <= 1) {
            return AwsRetryStrategy.doNotRetry();
        }
        BackoffStrategy fast = BackoffStrategy.exponentialDelay(Duration.ofMillis(5), Duration.ofMillis(100));
        return AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(clientMaxAttempts)
                .backoffStrategy(fast).throttlingBackoffStrategy(fast).circuitBreakerEnabled(false).build();
    }

    // ------------------------------------------------------------------------------------------------ trail

    /** Delivers every pending CloudTrail record to the trail bucket now, whatever the delivery delay. */
    public void deliverNow() {
        engine.lock.lock();
        try {
            engine.trail.deliverAll(engine.clock.instant());
        } finally {
            engine.lock.unlock();
        }
        engine.notifySinks();
    }

    /**
     * Writes an object into the trail bucket directly (no HTTP, no CloudTrail record), as another writer of the bucket
     * would: a digest file, a file that is no log file, a corrupt one. The S3 notification sink hears of it.
     *
     * @param key     the object key
     * @param content the bytes (copied)
     */
    public void putTrailObject(String key, byte[] content) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(content, "content");
        engine.lock.lock();
        try {
            engine.trail.put(key, content.clone(), engine.clock.instant(), 0);
        } finally {
            engine.lock.unlock();
        }
        engine.notifySinks();
    }

    /** Same as {@link #deliverNow()}. */
    public void flush() {
        deliverNow();
    }

    /** Every CloudTrail record written, in the order written (all accounts and regions). */
    public List<TrailRecord> trailRecords() {
        engine.lock.lock();
        try {
            List<TrailRecord> out = new ArrayList<>();
            for (Trail.Entry e : engine.trail.entries()) {
                out.add(e.record());
            }
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    /** The CloudTrail records of one account, in the order written. */
    public List<TrailRecord> trailRecords(String accountId) {
        requireAccount(accountId);
        return trailRecords().stream().filter(r -> r.recipientAccountId().equals(accountId)).toList();
    }

    /** The CloudTrail records written for calls signed with one access key id. */
    public List<TrailRecord> trailRecordsForKey(String accessKeyId) {
        return trailRecords().stream().filter(r -> accessKeyId.equals(r.accessKeyId())).toList();
    }

    /** The log files delivered so far (after applying any delivery that is due), sorted by key. */
    public List<LogFile> logFiles() {
        List<LogFile> out = new ArrayList<>();
        engine.lock.lock();
        try {
            engine.trail.deliverDue(engine.clock.instant());
            for (Trail.StoredObject o : engine.trail.objects.values()) {
                out.add(new LogFile(engine.trail.bucket, o.key(), o.lastModified(), o.recordCount(), o.content()));
            }
        } finally {
            engine.lock.unlock();
        }
        engine.notifySinks();
        return out;
    }

    // ---------------------------------------------------------------------------------------------- call log

    /** The most recent calls served, oldest first. */
    public List<ApiCall> calls() {
        return engine.calls();
    }

    /** The last call served, if any. */
    public Optional<ApiCall> lastCall() {
        List<ApiCall> all = engine.calls();
        return all.isEmpty() ? Optional.empty() : Optional.of(all.get(all.size() - 1));
    }

    /** The served call with this request id (as the SDK reports it in {@code responseMetadata().requestId()}). */
    public Optional<ApiCall> call(String requestId) {
        return engine.calls().stream().filter(c -> requestId.equals(c.requestId())).findFirst();
    }

    // ------------------------------------------------------------------------------------------------- state

    /** Every IAM user of an account (the administrator included), by name. */
    public List<IamUserView> users(String accountId) {
        engine.lock.lock();
        try {
            List<IamUserView> out = new ArrayList<>();
            for (AccountState.User u : account(accountId).users.values()) {
                out.add(view(accountId, u));
            }
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    /** The IAM users of an account other than its administrator: what a test that cleans up expects to be empty. */
    public List<IamUserView> usersExceptAdmin(String accountId) {
        return users(accountId).stream().filter(u -> !u.userName().equals(adminUserName())).toList();
    }

    /** One user, if it exists. */
    public Optional<IamUserView> user(String accountId, String userName) {
        engine.lock.lock();
        try {
            AccountState.User u = account(accountId).user(userName);
            return u == null ? Optional.empty() : Optional.of(view(accountId, u));
        } finally {
            engine.lock.unlock();
        }
    }

    /** Every long-term access key of every account, by key id. */
    public List<AccessKeyView> accessKeys() {
        engine.lock.lock();
        try {
            List<AccessKeyView> out = new ArrayList<>();
            for (Credential c : engine.credentials.values()) {
                if (c.kind == Credential.Kind.LONG_TERM) {
                    out.add(keyView(c));
                }
            }
            out.sort(Comparator.comparing(AccessKeyView::accessKeyId));
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    /** One long-term access key (with its last-used data), if it exists. */
    public Optional<AccessKeyView> accessKey(String accessKeyId) {
        engine.lock.lock();
        try {
            Credential c = engine.credentials.get(accessKeyId);
            return c == null || c.kind != Credential.Kind.LONG_TERM ? Optional.empty() : Optional.of(keyView(c));
        } finally {
            engine.lock.unlock();
        }
    }

    /** The STS sessions issued (not yet pruned; expired ones included), by issue time. */
    public List<SessionView> sessions() {
        engine.lock.lock();
        try {
            List<SessionView> out = new ArrayList<>();
            for (Credential c : engine.credentials.values()) {
                if (c.isSession()) {
                    String kind = switch (c.kind) {
                        case ROLE_SESSION -> "AssumedRole";
                        case FEDERATED -> "FederatedUser";
                        default -> "SessionToken";
                    };
                    out.add(new SessionView(c.accessKeyId, c.accountId, kind, c.principalArn(), c.created,
                            Objects.requireNonNull(c.expires, "a session always expires")));
                }
            }
            out.sort(Comparator.comparing(SessionView::issuedAt).thenComparing(SessionView::accessKeyId));
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    /** Every role of an account, by name. */
    public List<RoleView> roles(String accountId) {
        engine.lock.lock();
        try {
            List<RoleView> out = new ArrayList<>();
            for (AccountState.Role r : account(accountId).roles.values()) {
                out.add(new RoleView(accountId, r.name, r.path, r.roleId, r.arn, r.created, r.trustPolicy,
                        r.maxSessionDuration, Map.copyOf(r.inlinePolicies), List.copyOf(r.attachedPolicies),
                        r.boundaryArn, Map.copyOf(r.tags)));
            }
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    /** Every customer managed policy of an account, by ARN. */
    public List<ManagedPolicyView> policies(String accountId) {
        engine.lock.lock();
        try {
            AccountState a = account(accountId);
            List<ManagedPolicyView> out = new ArrayList<>();
            for (AccountState.ManagedPolicy p : a.policies.values()) {
                out.add(new ManagedPolicyView(accountId, p.name, p.path, p.arn, p.policyId, p.created, p.document,
                        IamApi.attachmentCount(a, p.arn), IamApi.boundaryCount(a, p.arn)));
            }
            return out;
        } finally {
            engine.lock.unlock();
        }
    }

    private IamUserView view(String accountId, AccountState.User u) {
        List<AccessKeyView> keys = new ArrayList<>();
        for (Credential c : u.accessKeys) {
            keys.add(keyView(c));
        }
        return new IamUserView(accountId, u.name, u.path, u.userId, u.arn, u.created,
                Collections.unmodifiableMap(new LinkedHashMap<>(u.tags)),
                Collections.unmodifiableMap(new LinkedHashMap<>(u.inlinePolicies)),
                List.copyOf(u.attachedPolicies), List.copyOf(u.groups), u.boundaryArn, List.copyOf(keys),
                u.loginProfile != null, u.mfaSerials.size(), u.sshKeys.size(), u.certificates.size(),
                u.serviceCredentials.size());
    }

    private static AccessKeyView keyView(Credential c) {
        return new AccessKeyView(c.accessKeyId, c.accountId, c.iamUserName(), c.status, c.created, c.lastUsedDate,
                c.lastUsedDate == null || c.lastUsedService == null ? "N/A" : c.lastUsedService,
                c.lastUsedDate == null || c.lastUsedRegion == null ? "N/A" : c.lastUsedRegion);
    }

    // ------------------------------------------------------------------------------------------------ seeding

    /**
     * Creates IAM users directly (no HTTP, no CloudTrail record): for tests that need many principals, e.g. to reach
     * the 5,000-user quota. Names are {@code prefix + i}.
     *
     * @throws IllegalStateException if a name is taken or the quota would be exceeded (nothing is created then)
     */
    public void createUsers(String accountId, String namePrefix, int count) {
        engine.lock.lock();
        try {
            AccountState a = account(accountId);
            if (a.users.size() + count > engine.settings.quotas().usersPerAccount()) {
                throw new IllegalStateException("creating " + count + " users would exceed the quota of "
                        + engine.settings.quotas().usersPerAccount() + " users in account " + accountId);
            }
            for (int i = 0; i < count; i++) {
                if (a.user(namePrefix + i) != null) {
                    throw new IllegalStateException("user " + namePrefix + i + " already exists in " + accountId);
                }
            }
            IamApi iamApi = new IamApi(engine);
            Instant now = engine.clock.instant();
            for (int i = 0; i < count; i++) {
                iamApi.newUser(a, namePrefix + i, "/", now);
            }
        } finally {
            engine.lock.unlock();
        }
    }

    /**
     * Creates an IAM user with optional inline policies and one access key, directly (no CloudTrail record).
     *
     * @param inlinePolicies policy name → document (may be empty)
     * @return the user's new access key
     * @throws IllegalStateException if the user exists or the users quota is reached
     */
    public EmulatedCredentials createUserWithKey(String accountId, String userName, Map<String, String> inlinePolicies) {
        Objects.requireNonNull(userName, "userName");
        engine.lock.lock();
        try {
            AccountState a = account(accountId);
            if (a.user(userName) != null) {
                throw new IllegalStateException("user " + userName + " already exists in " + accountId);
            }
            if (a.users.size() >= engine.settings.quotas().usersPerAccount()) {
                throw new IllegalStateException("account " + accountId + " has reached its users quota");
            }
            IamApi.validateName(userName, "userName", 64);
            for (String doc : inlinePolicies.values()) {
                IamApi.validatePolicy(doc, IamApi.PolicyUse.IDENTITY);
            }
            IamApi iamApi = new IamApi(engine);
            Instant now = engine.clock.instant();
            AccountState.User u = iamApi.newUser(a, userName, "/", now);
            u.inlinePolicies.putAll(inlinePolicies);
            Credential k = iamApi.newAccessKey(a, u, engine.ids.accessKeyId("AKIA", accountId),
                    engine.ids.secretAccessKey(), now);
            return EmulatedCredentials.of(k.accessKeyId, k.secret);
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage());
        } finally {
            engine.lock.unlock();
        }
    }

    /**
     * Creates a role directly (no CloudTrail record).
     *
     * @param inlinePolicies policy name → document (may be empty)
     * @return the role's ARN
     */
    public String createRole(String accountId, String roleName, String trustPolicy, Map<String, String> inlinePolicies) {
        Objects.requireNonNull(roleName, "roleName");
        Objects.requireNonNull(trustPolicy, "trustPolicy");
        engine.lock.lock();
        try {
            AccountState a = account(accountId);
            if (a.role(roleName) != null) {
                throw new IllegalStateException("role " + roleName + " already exists in " + accountId);
            }
            IamApi.validateName(roleName, "roleName", 64);
            IamApi.validatePolicy(trustPolicy, IamApi.PolicyUse.TRUST);
            for (String doc : inlinePolicies.values()) {
                IamApi.validatePolicy(doc, IamApi.PolicyUse.IDENTITY);
            }
            AccountState.Role r = new IamApi(engine).newRole(a, roleName, "/", trustPolicy, engine.clock.instant());
            r.inlinePolicies.putAll(inlinePolicies);
            return r.arn;
        } catch (ApiError e) {
            throw new IllegalArgumentException(e.getMessage());
        } finally {
            engine.lock.unlock();
        }
    }

    /** Replaces the service control policies that apply to an account (empty: none). */
    public void serviceControlPolicies(String accountId, List<String> policies) {
        engine.lock.lock();
        try {
            AccountState a = account(accountId);
            a.serviceControlPolicies.clear();
            a.serviceControlPolicies.addAll(List.copyOf(policies));
        } finally {
            engine.lock.unlock();
        }
    }

    /** Every Secrets Manager secret of an account, in every region (scheduled deletions included), oldest first. */
    public List<SecretView> secrets(String accountId) {
        engine.lock.lock();
        try {
            return engine.secretsManager.views(accountId, engine.clock.instant());
        } finally {
            engine.lock.unlock();
        }
    }

    /** Every SSM parameter of an account, in every region, oldest first. */
    public List<ParameterView> parameters(String accountId) {
        engine.lock.lock();
        try {
            return engine.ssm.views(accountId);
        } finally {
            engine.lock.unlock();
        }
    }

    /**
     * Wipes every account back to its administrator user (same key as before), and clears the trail, the delivered
     * log files, the call log and every fault.
     */
    public void reset() {
        engine.reset();
    }

    /** Stops the server and closes the clients it handed out. */
    @Override
    public void close() {
        for (AutoCloseable c : clients) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.debug("closing an SDK client failed", e);
            }
        }
        clients.clear();
        adminClients.clear();
        server.stop();
    }

    private AccountState account(String accountId) {
        return engine.account(requireAccount(accountId));
    }

    private String requireAccount(String accountId) {
        Objects.requireNonNull(accountId, "accountId");
        if (!engine.settings.accountIds().contains(accountId)) {
            throw new IllegalArgumentException("account " + accountId + " is not emulated; the emulated accounts are "
                    + engine.settings.accountIds());
        }
        return accountId;
    }

    @Override
    public String toString() {
        return "AwsEmulator[" + (server.isRunning() ? endpoint() : "stopped") + ", accounts=" + accountIds() + "]";
    }

    // ------------------------------------------------------------------------------------------------ builder

    /**
     * Configures and starts an {@link AwsEmulator}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private final List<String> accounts = new ArrayList<>();
        private @Nullable String organizationId;
        private Clock clock = Clock.systemUTC();
        private @Nullable Random random;
        private int port;
        private String adminUserName = "issuer";
        private String trailName = "management-events";
        private @Nullable String trailBucket;
        private boolean organizationTrail;
        private Duration trailDeliveryDelay = Duration.ofMinutes(5);
        private Duration lookupEventsDelay = Duration.ZERO;
        private boolean lookupEventsRateLimit;
        private @Nullable CloudTrailEventSink sink;
        private boolean sinkAllManagementEvents = true;
        private IamQuotas quotas = IamQuotas.aws();
        private @Nullable String sourceIpAddress;
        private int callLogLimit = 10_000;
        private int maxTrailRecords = 50_000;
        private int clientMaxAttempts = 1;
        private int containerThreads = 24;
        private Duration credentialReportGenerationTime = Duration.ZERO;
        private Duration keyPropagationDelay = Duration.ZERO;
        private Duration rolePropagationDelay = Duration.ZERO;
        private final Map<String, List<String>> scps = new LinkedHashMap<>();
        private PartialAws partialAws = PartialAws.none();
        private final Organization.Spec organization = new Organization.Spec();
        private @Nullable S3NotificationSink s3NotificationSink;

        private Builder() {
        }

        /** Adds an account (12 digits); the first one added is the management account. Default: {@code 123456789012}. */
        public Builder account(String accountId) {
            accounts.add(Objects.requireNonNull(accountId, "accountId"));
            return this;
        }

        /** Adds accounts; see {@link #account(String)}. */
        public Builder accounts(String... accountIds) {
            for (String id : accountIds) {
                account(id);
            }
            return this;
        }

        /** The organisation id ({@code o-} and 10 to 32 lower-case letters or digits). Default: random. */
        public Builder organizationId(String organizationId) {
            this.organizationId = Objects.requireNonNull(organizationId, "organizationId");
            return this;
        }

        /** The clock of every emulated timestamp. Default: the system clock (UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The source of ids, secrets and tokens (seed it for reproducible ids). Default: a {@link SecureRandom}. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /** The port to listen on (127.0.0.1). Default 0: a free port. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /** The name of each account's administrator user. Default {@code issuer}. */
        public Builder adminUserName(String name) {
            this.adminUserName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The trail's name. Default {@code management-events}. */
        public Builder trailName(String name) {
            this.trailName = Objects.requireNonNull(name, "name");
            return this;
        }

        /** The trail bucket (owned by the management account). Default {@code aws-cloudtrail-logs-<account>-<8 hex>}. */
        public Builder trailBucket(String bucket) {
            this.trailBucket = Objects.requireNonNull(bucket, "bucket");
            return this;
        }

        /** Writes log files in the organisation-trail layout {@code AWSLogs/o-…/<account>/CloudTrail/…}. Default off. */
        public Builder organizationTrail(boolean organizationTrail) {
            this.organizationTrail = organizationTrail;
            return this;
        }

        /**
         * How long after its first pending record a log file is delivered to the trail bucket (AWS: about 5 minutes,
         * the default). Delivery happens when the emulator is next called or inspected once the delay has passed on
         * the clock; {@link AwsEmulator#deliverNow()} delivers at once.
         */
        public Builder trailDeliveryDelay(Duration delay) {
            this.trailDeliveryDelay = nonNegative(delay, "trailDeliveryDelay");
            return this;
        }

        /** How long after a call LookupEvents sees its record. Default zero. */
        public Builder lookupEventsDelay(Duration delay) {
            this.lookupEventsDelay = nonNegative(delay, "lookupEventsDelay");
            return this;
        }

        /** Enforces LookupEvents' 2 requests per second per account and region (ThrottlingException). Default off. */
        public Builder lookupEventsRateLimit(boolean enabled) {
            this.lookupEventsRateLimit = enabled;
            return this;
        }

        /**
         * Sends every CloudTrail record to {@code sink} as an EventBridge "AWS API Call via CloudTrail" envelope.
         *
         * @param allManagementEvents true: as a rule in state {@code ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS};
         *                            false: as a plain {@code ENABLED} rule, which skips read-only Get/List/Describe
         */
        public Builder eventBridgeSink(CloudTrailEventSink sink, boolean allManagementEvents) {
            this.sink = Objects.requireNonNull(sink, "sink");
            this.sinkAllManagementEvents = allManagementEvents;
            return this;
        }

        /** The IAM quotas. Default {@link IamQuotas#aws()}. */
        public Builder quotas(IamQuotas quotas) {
            this.quotas = Objects.requireNonNull(quotas, "quotas");
            return this;
        }

        /** The {@code sourceIPAddress} to record instead of the client's real address (e.g. an attacker's). */
        public Builder sourceIpAddress(String ip) {
            this.sourceIpAddress = Objects.requireNonNull(ip, "ip");
            return this;
        }

        /** How many recent calls {@link AwsEmulator#calls()} keeps (0 disables the log). Default 10,000. */
        public Builder callLogLimit(int limit) {
            if (limit < 0) {
                throw new CanaryConfigurationException("callLogLimit must be >= 0, not " + limit);
            }
            this.callLogLimit = limit;
            return this;
        }

        /** How many CloudTrail records are kept for LookupEvents and inspection (oldest dropped). Default 50,000. */
        public Builder maxTrailRecords(int max) {
            if (max < 1) {
                throw new CanaryConfigurationException("maxTrailRecords must be >= 1, not " + max);
            }
            this.maxTrailRecords = max;
            return this;
        }

        /** Attempts per call for the clients the emulator hands out (1 = no retries, the default). */
        public Builder clientMaxAttempts(int attempts) {
            if (attempts < 1) {
                throw new CanaryConfigurationException("clientMaxAttempts must be >= 1, not " + attempts);
            }
            this.clientMaxAttempts = attempts;
            return this;
        }

        /** Jetty worker threads (concurrent requests, including delayed ones). Default 24. */
        public Builder containerThreads(int threads) {
            if (threads < 4) {
                throw new CanaryConfigurationException("containerThreads must be >= 4, not " + threads);
            }
            this.containerThreads = threads;
            return this;
        }

        /** How long a new credential report takes to generate (ReportInProgress meanwhile). Default zero. */
        public Builder credentialReportGenerationTime(Duration time) {
            this.credentialReportGenerationTime = nonNegative(time, "credentialReportGenerationTime");
            return this;
        }

        /**
         * Eventual consistency by default: a new access key is refused ({@code InvalidClientTokenId}) for this long
         * after its creation. Tests can change it at any time with {@link Faults#keyPropagationDelay(Duration)};
         * {@link Faults#clear()} comes back to this value. Default zero.
         */
        public Builder keyPropagationDelay(Duration delay) {
            this.keyPropagationDelay = nonNegative(delay, "keyPropagationDelay");
            return this;
        }

        /** Like {@link #keyPropagationDelay(Duration)} for {@code sts:AssumeRole} on new roles. Default zero. */
        public Builder rolePropagationDelay(Duration delay) {
            this.rolePropagationDelay = nonNegative(delay, "rolePropagationDelay");
            return this;
        }

        /**
         * Makes this emulator behave like an incomplete implementation of AWS (see {@link PartialAws}): for example
         * {@code partialAws(PartialAws.motoLike())}. The configuration is copied; change it later through
         * {@link AwsEmulator#partialAws()}. Default: {@link PartialAws#none()}.
         */
        public Builder partialAws(PartialAws partial) {
            this.partialAws = Objects.requireNonNull(partial, "partial").copy();
            return this;
        }

        /** Adds a service control policy applying to an account's principals. */
        public Builder serviceControlPolicy(String accountId, String policyJson) {
            scps.computeIfAbsent(Objects.requireNonNull(accountId, "accountId"), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(policyJson, "policyJson"));
            return this;
        }

        /**
         * Places an account in an organisational unit, by path from the root ({@code /Workloads/Prod}); the units are
         * created as needed. Accounts not placed sit directly under the root.
         */
        public Builder organizationalUnit(String accountId, String ouPath) {
            organization.place(accountId, ouPath);
            return this;
        }

        /** Tags an account in AWS Organizations ({@code ListTagsForResource}). */
        public Builder accountTags(String accountId, Map<String, String> tags) {
            organization.tag(accountId, tags);
            return this;
        }

        /** An account's status in the organisation: {@code ACTIVE} (default), {@code SUSPENDED} or {@code PENDING_CLOSURE}. */
        public Builder accountStatus(String accountId, String status) {
            organization.status(accountId, Objects.requireNonNull(status, "status"));
            return this;
        }

        /**
         * Announces every object written to the trail bucket to {@code sink}, as an S3 event notification
         * configuration on the bucket would (see {@link S3ObjectCreated} for the three shapes AWS delivers).
         */
        public Builder s3NotificationSink(S3NotificationSink sink) {
            this.s3NotificationSink = Objects.requireNonNull(sink, "sink");
            return this;
        }

        /**
         * Starts the emulator on 127.0.0.1.
         *
         * @throws CanaryConfigurationException if the configuration is invalid (the message says what to fix)
         */
        public AwsEmulator start() {
            List<String> ids = accounts.isEmpty() ? List.of("123456789012") : List.copyOf(accounts);
            for (String id : ids) {
                if (!ACCOUNT.matcher(id).matches()) {
                    throw new CanaryConfigurationException("account id '" + id + "' is not 12 digits");
                }
            }
            if (ids.stream().distinct().count() != ids.size()) {
                throw new CanaryConfigurationException("account ids must be unique: " + ids);
            }
            for (String id : scps.keySet()) {
                if (!ids.contains(id)) {
                    throw new CanaryConfigurationException("a service control policy names account " + id
                            + ", which is not emulated; add it with account(\"" + id + "\")");
                }
            }
            organization.check(ids);
            if (!IamApi.NAME.matcher(adminUserName).matches() || adminUserName.length() > 64) {
                throw new CanaryConfigurationException("adminUserName '" + adminUserName
                        + "' is not a valid IAM user name (1-64 of [A-Za-z0-9+=,.@_-])");
            }
            if (!IamApi.NAME.matcher(trailName).matches() || trailName.length() < 3 || trailName.length() > 128) {
                throw new CanaryConfigurationException("trailName '" + trailName + "' is not a valid trail name");
            }
            Random rnd = random != null ? random : new SecureRandom();
            Ids idGen = new Ids(rnd);
            String org = organizationId != null ? organizationId : "o-" + idGen.lowerAlnum(10);
            if (!org.matches("o-[a-z0-9]{10,32}")) {
                throw new CanaryConfigurationException("organizationId '" + org + "' must be o- and 10 to 32 lower-case letters or digits");
            }
            String bucket = trailBucket != null ? trailBucket : "aws-cloudtrail-logs-" + ids.get(0) + "-" + idGen.hex(8);
            if (!BUCKET.matcher(bucket).matches()) {
                throw new CanaryConfigurationException("trailBucket '" + bucket
                        + "' is not a valid S3 bucket name (3-63 of lower-case letters, digits, '.' and '-')");
            }
            if (port < 0 || port > 65535) {
                throw new CanaryConfigurationException("port must be within 0..65535, not " + port);
            }
            Map<String, List<String>> scpCopy = new LinkedHashMap<>();
            scps.forEach((k, v) -> scpCopy.put(k, List.copyOf(v)));
            Settings settings = new Settings(ids, org, adminUserName, trailName, bucket, organizationTrail,
                    trailDeliveryDelay, lookupEventsDelay, lookupEventsRateLimit, sink, sinkAllManagementEvents, quotas,
                    sourceIpAddress, callLogLimit, maxTrailRecords, Map.copyOf(scpCopy), credentialReportGenerationTime,
                    keyPropagationDelay, rolePropagationDelay, partialAws.copy(), organization, s3NotificationSink);
            Engine engine = new Engine(settings, clock, idGen, new SimulatorAuthorizer(clock));
            Options options = WireMockConfiguration.options()
                    .port(port)
                    .bindAddress("127.0.0.1")
                    .jettyAcceptors(1)
                    .containerThreads(containerThreads)
                    .disableRequestJournal()
                    .gzipDisabled(true)
                    .stubRequestLoggingDisabled(true)
                    .useChunkedTransferEncoding(Options.ChunkedEncodingPolicy.NEVER)
                    .notifier(new Slf4jNotifier(false))
                    .extensions(new EmulatorTransformer(engine));
            WireMockServer server = new WireMockServer(options);
            server.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(200)));
            server.start();
            LOG.debug("AWS emulator listening on 127.0.0.1:{} for accounts {}", server.port(), ids);
            return new AwsEmulator(engine, server, clientMaxAttempts);
        }

        private static Duration nonNegative(Duration d, String name) {
            return Durations.nonNegative(d, name);
        }
    }
}
