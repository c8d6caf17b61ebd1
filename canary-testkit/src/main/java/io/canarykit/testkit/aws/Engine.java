package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import org.jspecify.annotations.Nullable;

/**
 * The emulator's core: state of every account, the access key index, the trail, and the request pipeline
 * (parse → faults → authenticate → last-used → serve → record). One lock guards all state; a call holds it only while
 * it is computed (never while the answer is delayed or written).
 */
final class Engine {
    private static final Logger LOG = LoggerFactory.getLogger(Engine.class);
    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    static final String READ_ONLY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
            + "[\"*:Describe*\",\"*:Get*\",\"*:List*\",\"*:Lookup*\",\"*:Head*\"],\"Resource\":\"*\"}]}";
    /** The AWS managed policies the emulator knows. */
    static final Map<String, String> AWS_MANAGED = Map.of(
            "arn:aws:iam::aws:policy/AdministratorAccess", ALLOW_ALL,
            "arn:aws:iam::aws:policy/ReadOnlyAccess", READ_ONLY,
            "arn:aws:iam::aws:policy/AWSDenyAll", DENY_ALL);

    final ReentrantLock lock = new ReentrantLock();
    final Settings settings;
    final Clock clock;
    final Ids ids;
    final Authorizer authorizer;
    final Faults faults;
    /** Partial-AWS behaviours in force; {@link #partialDefaults} is what {@link #reset()} comes back to. */
    final PartialAws partial;
    private final PartialAws partialDefaults;
    final Map<String, AccountState> accounts = new LinkedHashMap<>();
    /** Every access key id the emulator issued, long-term and temporary. */
    final Map<String, Credential> credentials = new HashMap<>();
    final Trail trail;
    final Organization organization;
    private final ArrayDeque<ApiCall> calls = new ArrayDeque<>();
    private final FaultRule lookupLimit = FaultRule.on("cloudtrail:LookupEvents").rateLimit(2).then(FaultAction.throttle());
    /** The administrator key of each account, kept across {@link #reset()}. */
    final Map<String, String[]> adminKeys = new LinkedHashMap<>();
    private int sessionsSincePrune;

    private final IamApi iam;
    private final StsApi sts;
    private final CloudTrailApi cloudTrail;
    private final S3Api s3;
    private final GenericApi generic;
    private final OrganizationsApi organizations;
    final SecretsManagerApi secretsManager;
    final SsmApi ssm;

    Engine(Settings settings, Clock clock, Ids ids, Authorizer authorizer) {
        this.settings = settings;
        this.clock = clock;
        this.ids = ids;
        this.authorizer = authorizer;
        this.faults = new Faults(settings.keyPropagationDelay(), settings.rolePropagationDelay());
        this.partialDefaults = settings.partialAws().copy();
        this.partial = settings.partialAws();
        Instant now = clock.instant();
        this.trail = new Trail(settings.trailBucket(), now, settings.organizationId(), settings.organizationTrail(),
                settings.trailDeliveryDelay(), settings.lookupEventsDelay(), settings.maxTrailRecords(),
                settings.sink(), settings.sinkAllManagementEvents(), ids);
        this.trail.owner = settings.managementAccount();
        this.organization = new Organization(settings.organizationId(), settings.accountIds(),
                settings.organizationSpec(), ids, now);
        this.organizations = new OrganizationsApi(this);
        this.iam = new IamApi(this);
        this.sts = new StsApi(this);
        this.cloudTrail = new CloudTrailApi(this);
        this.s3 = new S3Api(this);
        this.generic = new GenericApi();
        this.secretsManager = new SecretsManagerApi(this);
        this.ssm = new SsmApi();
        bootstrap(now);
    }

    /** Creates the accounts and their administrator users (re-using admin keys after a reset). */
    private void bootstrap(Instant now) {
        for (String id : settings.accountIds()) {
            AccountState account = new AccountState(id, now);
            account.serviceControlPolicies.addAll(settings.serviceControlPolicies().getOrDefault(id, List.of()));
            accounts.put(id, account);
            AccountState.User admin = iam.newUser(account, settings.adminUserName(), "/", now);
            admin.inlinePolicies.put("AdministratorAccess", ALLOW_ALL);
            String[] key = adminKeys.get(id);
            if (key == null) {
                key = new String[] {ids.accessKeyId("AKIA", id), ids.secretAccessKey()};
                adminKeys.put(id, key);
            }
            Credential c = iam.newAccessKey(account, admin, key[0], key[1], now);
            c.bootstrap = true; // usable at once, whatever the propagation delay
        }
    }

    void restorePartialAws() {
        partial.restore(partialDefaults);
    }

    /** Wipes every account back to its administrator user, and the trail, call log and faults. */
    void reset() {
        lock.lock();
        try {
            accounts.clear();
            credentials.clear();
            trail.clear();
            calls.clear();
            faults.clear();
            partial.restore(partialDefaults);
            secretsManager.clear();
            ssm.clear();
            bootstrap(clock.instant());
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ pipeline

    Reply handle(AwsRequest r) {
        Instant now = clock.instant();
        String requestId = ids.requestId();
        Reply reply;
        lock.lock();
        try {
            reply = serve(r, requestId, now);
        } finally {
            lock.unlock();
        }
        notifySinks();
        return reply;
    }

    /** Hands what the trail queued to the EventBridge and S3 notification sinks; call without holding the lock. */
    void notifySinks() {
        List<String> outbox;
        List<S3ObjectCreated> created;
        lock.lock();
        try {
            outbox = trail.drainOutbox();
            created = trail.drainCreated();
        } finally {
            lock.unlock();
        }
        CloudTrailEventSink sink = trail.sink(); // the trail queues envelopes only when there is a sink
        if (sink != null) {
            for (String envelope : outbox) {
                try {
                    sink.accept(envelope);
                } catch (RuntimeException e) {
                    LOG.warn("CloudTrail event sink failed; the event is dropped", e);
                }
            }
        }
        S3NotificationSink s3Sink = settings.s3NotificationSink();
        if (s3Sink == null) {
            return;
        }
        for (S3ObjectCreated c : created) {
            try {
                s3Sink.objectCreated(c);
            } catch (RuntimeException e) {
                LOG.warn("S3 notification sink failed; the notification for {} is dropped", c.key(), e);
            }
        }
    }

    private Reply serve(AwsRequest r, String requestId, Instant now) {
        trail.deliverDue(now);
        boolean signed;
        try {
            signed = SigV4.parse(r);
        } catch (IllegalArgumentException e) {
            ServiceInfo svc = ServiceInfo.of("unknown", r);
            String message = Objects.requireNonNullElse(e.getMessage(), "the request signature is malformed");
            Reply reply = Wire.error(svc, svc.protocol(), new ApiError("IncompleteSignature", 400, message), requestId);
            logCall(requestId, now, r, null, null, reply, null, null);
            return reply;
        }
        if (!signed) {
            ServiceInfo svc = ServiceInfo.of("unknown", r);
            Reply reply = Wire.error(svc, svc.protocol(),
                    new ApiError("MissingAuthenticationToken", 403, "Request is missing Authentication Token"), requestId);
            logCall(requestId, now, r, null, null, reply, null, null);
            return reply;
        }
        String signingName = Objects.requireNonNull(r.service, "a signed request has a credential scope");
        String accessKeyId = Objects.requireNonNull(r.accessKeyId, "a signed request has a credential scope");
        ServiceInfo svc = ServiceInfo.of(signingName, r);
        Protocol protocol = svc.protocol();
        r.protocol = protocol;
        String operation;
        try {
            operation = readOperation(r, protocol);
        } catch (ApiError e) {
            Reply reply = Wire.error(svc, protocol, e, requestId);
            logCall(requestId, now, r, null, null, reply, null, null);
            return reply;
        }

        @Nullable Credential cred = credentials.get(accessKeyId);
        String accountId = cred == null ? null : cred.accountId;

        // faults, counted for every call that names its operation
        FaultAction before = null;
        FaultAction after = null;
        long delay = 0;
        for (FaultRule rule : faults.active()) {
            if (rule.evaluate(r.qualifiedOperation(), accountId, r.accessKeyId, r.region, now)) {
                FaultAction a = rule.action();
                if (!a.terminal()) {
                    delay += a.latency.toMillis();
                } else if (rule.afterApplying()) {
                    after = after == null ? a : after;
                } else {
                    before = before == null ? a : before;
                }
            }
        }
        if (before == null && settings.lookupEventsRateLimit() && "cloudtrail".equals(signingName)
                && "LookupEvents".equals(operation)
                && lookupLimit.evaluate(r.qualifiedOperation(), accountId, r.accessKeyId, r.region, now)) {
            before = FaultAction.throttle();
        }
        if (before != null) {
            Reply reply = faultReply(before, svc, r, requestId);
            reply.delayMillis += delay;
            logCall(requestId, now, r, cred, null, reply, before.toString(), null);
            return reply;
        }

        PartialAws.Unimplemented missing = partial.unimplementedAs(r.qualifiedOperation());
        if (missing != null) {
            Reply reply = unimplementedReply(missing, svc, r, requestId);
            reply.delayMillis += delay;
            logCall(requestId, now, r, cred, null, reply, "unimplemented: " + missing, null);
            return reply;
        }

        Reply reply;
        String eventId = null;
        String principal = null;
        try {
            Credential caller = authenticate(r, svc, cred, now);
            if (protocol == Protocol.QUERY || protocol == Protocol.EC2) {
                List<String> dropped = partial.dropIgnored(r.qualifiedOperation(), r.form);
                if (!dropped.isEmpty()) {
                    LOG.debug("{} {}: ignoring {}", signingName, operation, dropped);
                }
            }
            principal = caller.principalArn();
            if (caller.kind == Credential.Kind.LONG_TERM) {
                caller.lastUsedDate = now;
                caller.lastUsedService = svc.iamPrefix();
                caller.lastUsedRegion = r.region;
            }
            Call call = new Call(this, r, svc, requestId, now, caller, account(caller.accountId));
            try {
                reply = dispatch(call);
            } catch (ApiError e) {
                reply = Wire.error(svc, protocol, e, requestId);
            }
            if (reply.recordable && svc.logged(operation)) {
                eventId = record(call, reply);
            }
        } catch (ApiError authFailure) {
            reply = Wire.error(svc, protocol, authFailure, requestId);
        }
        if (after != null) {
            Reply lost = faultReply(after, svc, r, requestId);
            lost.delayMillis += delay;
            logCall(requestId, now, r, cred, principal, lost, "after applying: " + after, eventId);
            return lost;
        }
        reply.delayMillis += delay;
        logCall(requestId, now, r, cred, principal, reply, delay > 0 ? "latency(" + delay + "ms)" : null, eventId);
        LOG.debug("{} {} by {} -> {} {}", r.service, r.operation, r.accessKeyId, reply.status,
                reply.errorCode == null ? "" : reply.errorCode);
        return reply;
    }

    /** Reads the operation the request names (and a Query request's form) into the request, and returns it. */
    private static String readOperation(AwsRequest r, Protocol protocol) {
        String operation = switch (protocol) {
            case QUERY, EC2 -> {
                String ct = r.header("content-type");
                if (ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded")) {
                    r.form = AwsRequest.parseForm(r.bodyText());
                } else {
                    Map<String, String> q = new LinkedHashMap<>();
                    for (Map.Entry<String, String> e : r.queryParams) {
                        q.putIfAbsent(e.getKey(), e.getValue());
                    }
                    r.form = q;
                }
                String action = r.form.get("Action");
                if (action == null || action.isEmpty()) {
                    throw new ApiError("MissingAction", 400, "Missing Action");
                }
                yield action;
            }
            case JSON -> {
                String target = r.header("x-amz-target");
                if (target == null || target.isEmpty()) {
                    throw new ApiError("UnknownOperationException", 400, "Missing the X-Amz-Target header");
                }
                yield target.substring(target.lastIndexOf('.') + 1);
            }
            case REST_XML -> S3Api.operationOf(r);
            case REST_JSON -> restJsonOperation(r);
        };
        r.operation = operation;
        return operation;
    }

    private static String restJsonOperation(AwsRequest r) {
        if ("lambda".equals(r.service) && r.rawPath.endsWith("/invocations")) {
            return "Invoke";
        }
        if ("lambda".equals(r.service) && r.rawPath.matches("/[0-9-]+/functions/?") && "GET".equals(r.method)) {
            return "ListFunctions";
        }
        return "UnknownOperation";
    }

    private Reply dispatch(Call call) {
        return switch (call.svc.signingName()) {
            case "iam" -> iam.handle(call);
            case "sts" -> sts.handle(call);
            case "cloudtrail" -> cloudTrail.handle(call);
            case "s3" -> s3.handle(call);
            case "organizations" -> organizations.handle(call);
            case "secretsmanager" -> SecretsManagerApi.OPERATIONS.contains(call.op()) ? secretsManager.handle(call)
                    : generic.handle(call);
            case "ssm" -> SsmApi.OPERATIONS.contains(call.op()) ? ssm.handle(call) : generic.handle(call);
            default -> generic.handle(call);
        };
    }

    private static Reply unimplementedReply(PartialAws.Unimplemented how, ServiceInfo svc, AwsRequest r,
                                            String requestId) {
        if (how == PartialAws.Unimplemented.EMPTY_500) {
            Reply reply = new Reply();
            reply.status = 500;
            reply.errorCode = "(no body)";
            reply.recordable = false;
            return reply;
        }
        Reply reply = Wire.error(svc, svc.protocol(), new ApiError("NotImplemented", 501, "The " + r.operation
                + " action has not been implemented"), requestId);
        reply.recordable = false;
        return reply;
    }

    private Reply faultReply(FaultAction a, ServiceInfo svc, AwsRequest r, String requestId) {
        return switch (a.kind) {
            case CONNECTION -> {
                Reply reply = new Reply();
                reply.fault = a.fault;
                reply.status = 0;
                yield reply;
            }
            case THROTTLE -> Wire.error(svc, svc.protocol(), Wire.throttling(svc, svc.protocol()), requestId);
            case SERVER_ERROR -> Wire.error(svc, svc.protocol(), Wire.serverError(svc, svc.protocol(), a.status),
                    requestId);
            case ERROR -> Wire.error(svc, svc.protocol(), new ApiError(
                    Objects.requireNonNull(a.code, "FaultAction.error always has a code"), a.status,
                    Objects.requireNonNull(a.message, "FaultAction.error always has a message")), requestId);
            case LATENCY -> throw new IllegalStateException("latency is not terminal");
        };
    }

    // ------------------------------------------------------------------------------------------ authentication

    /** The caller, once its key, token and signature check out; otherwise the service's authentication error. */
    private Credential authenticate(AwsRequest r, ServiceInfo svc, @Nullable Credential cred, Instant now) {
        Protocol p = svc.protocol();
        if (cred == null) {
            throw unknownKey(svc, p);
        }
        String token = r.presigned ? r.query("X-Amz-Security-Token") : r.header("x-amz-security-token");
        if (cred.kind == Credential.Kind.LONG_TERM) {
            if (!"Active".equals(cred.status) || token != null
                    || (!cred.bootstrap && now.isBefore(cred.created.plus(faults.keyPropagationDelay())))) {
                throw unknownKey(svc, p);
            }
        } else if (token == null || cred.sessionToken == null || !MessageDigest.isEqual(
                token.getBytes(StandardCharsets.UTF_8), cred.sessionToken.getBytes(StandardCharsets.UTF_8))) {
            throw p == Protocol.REST_XML
                    ? new ApiError("InvalidToken", 400, "The provided token is malformed or otherwise invalid.", null, true)
                    : unknownKey(svc, p);
        }
        if (!SigV4.verify(r, cred.secret)) {
            throw badSignature(svc, p);
        }
        if (!SigV4.payloadHashMatches(r)) {
            throw p == Protocol.REST_XML
                    ? new ApiError("XAmzContentSHA256Mismatch", 400,
                    "The provided 'x-amz-content-sha256' header does not match what was computed.", null, true)
                    : badSignature(svc, p);
        }
        if (cred.expires != null && !now.isBefore(cred.expires)) {
            throw switch (p) {
                case REST_XML -> new ApiError("ExpiredToken", 400, "The provided token has expired.", null, true);
                case EC2 -> new ApiError("RequestExpired", 400, "Request has expired.", null, true);
                case JSON, REST_JSON -> "sqs".equals(svc.signingName())
                        ? new ApiError("ExpiredToken", 400, "The security token included in the request is expired", null, true)
                        : new ApiError("ExpiredTokenException", 400, "The security token included in the request is expired", null, true);
                case QUERY -> new ApiError("ExpiredToken", 400, "The security token included in the request is expired", null, true);
            };
        }
        if (cred.kind == Credential.Kind.USER_SESSION && "iam".equals(svc.signingName())) {
            // GetSessionToken credentials without MFA cannot call IAM
            throw unknownKey(svc, p);
        }
        return cred;
    }

    private static ApiError unknownKey(ServiceInfo svc, Protocol p) {
        String invalid = "The security token included in the request is invalid.";
        return switch (p) {
            case REST_XML -> new ApiError("InvalidAccessKeyId", 403,
                    "The AWS Access Key Id you provided does not exist in our records.", null, true);
            // 403, not 401: the JDK's HttpURLConnection cannot hand over the body of a 401 to a streamed POST
            case EC2 -> new ApiError("AuthFailure", 403, "AWS was not able to validate the provided access credentials", null, true);
            case JSON -> "sqs".equals(svc.signingName())
                    ? new ApiError("InvalidClientTokenId", 403, invalid, null, true)
                    : new ApiError("UnrecognizedClientException", 400, invalid, null, true);
            case REST_JSON -> new ApiError("UnrecognizedClientException", 403, invalid, null, true);
            case QUERY -> new ApiError("InvalidClientTokenId", 403, invalid, null, true);
        };
    }

    private static ApiError badSignature(ServiceInfo svc, Protocol p) {
        return switch (p) {
            case REST_XML -> new ApiError("SignatureDoesNotMatch", 403,
                    "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                    null, true);
            case JSON, REST_JSON -> "sqs".equals(svc.signingName())
                    ? new ApiError("SignatureDoesNotMatch", 403, SIG_MESSAGE, null, true)
                    : new ApiError("InvalidSignatureException", p == Protocol.JSON ? 400 : 403, SIG_MESSAGE, null, true);
            case QUERY, EC2 -> new ApiError("SignatureDoesNotMatch", 403, SIG_MESSAGE, null, true);
        };
    }

    private static final String SIG_MESSAGE = "The request signature we calculated does not match the signature you "
            + "provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.";

    // ------------------------------------------------------------------------------------------- authorisation

    /** The policies that apply to a caller. */
    record PrincipalPolicies(List<String> identity, @Nullable String boundaryArn, @Nullable String boundary,
                             @Nullable List<String> session) {
    }

    PrincipalPolicies policiesOf(Credential c) {
        AccountState account = account(c.accountId);
        switch (c.kind) {
            case ROLE_SESSION -> {
                AccountState.Role role = account.role(c.roleName);
                if (role == null || !role.roleId.equals(c.roleId)) {
                    return new PrincipalPolicies(List.of(), null, null, c.sessionPolicies);
                }
                List<String> identity = new ArrayList<>(role.inlinePolicies.values());
                for (String arn : role.attachedPolicies) {
                    addManaged(account, arn, identity);
                }
                return new PrincipalPolicies(identity, role.boundaryArn, managedDocument(account, role.boundaryArn),
                        c.sessionPolicies);
            }
            default -> {
                AccountState.User user = account.user(c.userName);
                List<String> session = c.kind == Credential.Kind.FEDERATED
                        ? (c.sessionPolicies == null ? List.of() : c.sessionPolicies) : null;
                if (user == null || !user.userId.equals(c.userId)) {
                    return new PrincipalPolicies(List.of(), null, null, session);
                }
                List<String> identity = new ArrayList<>(user.inlinePolicies.values());
                for (String arn : user.attachedPolicies) {
                    addManaged(account, arn, identity);
                }
                for (String g : user.groups) {
                    AccountState.Group group = account.group(g);
                    if (group != null) {
                        identity.addAll(group.inlinePolicies.values());
                        for (String arn : group.attachedPolicies) {
                            addManaged(account, arn, identity);
                        }
                    }
                }
                return new PrincipalPolicies(identity, user.boundaryArn, managedDocument(account, user.boundaryArn), session);
            }
        }
    }

    private void addManaged(AccountState account, String arn, List<String> into) {
        String doc = managedDocument(account, arn);
        if (doc != null) {
            into.add(doc);
        }
    }

    /** The document of a customer or AWS managed policy, or {@code null}. */
    @Nullable String managedDocument(AccountState account, @Nullable String arn) {
        if (arn == null) {
            return null;
        }
        String aws = AWS_MANAGED.get(arn);
        if (aws != null) {
            return aws;
        }
        AccountState.ManagedPolicy p = account.policies.get(arn);
        if (p == null) {
            // a policy of another emulated account
            for (AccountState other : accounts.values()) {
                p = other.policies.get(arn);
                if (p != null) {
                    break;
                }
            }
        }
        return p == null ? null : p.document;
    }

    List<String> scps(String accountId) {
        return account(accountId).serviceControlPolicies;
    }

    /** An emulated account that must exist: every credential and every principal belongs to one. */
    AccountState account(String accountId) {
        AccountState a = accounts.get(accountId);
        if (a == null) {
            throw new IllegalStateException("no emulated account " + accountId + " (credentials and principals "
                    + "always belong to one of the accounts the emulator was built with)");
        }
        return a;
    }

    /** The global condition keys of a call. */
    Map<String, List<String>> context(Call call) {
        Credential c = call.cred;
        Map<String, List<String>> ctx = new HashMap<>();
        ctx.put("aws:principalarn", List.of(c.kind == Credential.Kind.ROLE_SESSION ? c.roleArn : c.principalArn()));
        ctx.put("aws:principalaccount", List.of(c.accountId));
        ctx.put("aws:requestedregion", List.of(call.region));
        ctx.put("aws:sourceip", List.of(sourceIp(call.req)));
        ctx.put("aws:currenttime", List.of(call.now.toString()));
        ctx.put("aws:epochtime", List.of(Long.toString(call.now.getEpochSecond())));
        ctx.put("aws:securetransport", List.of("false"));
        ctx.put("aws:multifactorauthpresent", List.of("false"));
        String ua = call.req.header("user-agent");
        if (ua != null) {
            ctx.put("aws:useragent", List.of(ua));
        }
        ctx.put("aws:userid", List.of(c.principalId()));
        switch (c.kind) {
            case LONG_TERM, USER_SESSION -> {
                ctx.put("aws:principaltype", List.of("User"));
                ctx.put("aws:username", List.of(c.userName));
                AccountState.User u = call.account.user(c.userName);
                if (u != null) {
                    u.tags.forEach((k, v) -> ctx.put("aws:principaltag/" + k.toLowerCase(Locale.ROOT), List.of(v)));
                }
            }
            case ROLE_SESSION -> {
                ctx.put("aws:principaltype", List.of("AssumedRole"));
                ctx.put("aws:principalrolearn", List.of(c.roleArn));
                AccountState.Role role = call.account.role(c.roleName);
                if (role != null) {
                    role.tags.forEach((k, v) -> ctx.put("aws:principaltag/" + k.toLowerCase(Locale.ROOT), List.of(v)));
                }
                c.sessionTags.forEach((k, v) -> ctx.put("aws:principaltag/" + k.toLowerCase(Locale.ROOT), List.of(v)));
                if (c.sourceIdentity != null) {
                    ctx.put("aws:sourceidentity", List.of(c.sourceIdentity));
                }
            }
            case FEDERATED -> ctx.put("aws:principaltype", List.of("FederatedUser"));
        }
        if (c.isSession()) {
            ctx.put("aws:tokenissuetime", List.of(c.created.toString()));
        }
        return ctx;
    }

    /** AWS's AccessDenied for this service, with the real message shape. */
    ApiError denied(Call call, String action, String resource, Authorizer.Decision d) {
        String svcName = call.svc.signingName();
        String shownAction = switch (svcName) {
            case "sns" -> "SNS:" + action.substring(action.indexOf(':') + 1);
            case "sqs" -> action.toLowerCase(Locale.ROOT);
            default -> action;
        };
        String shownResource = "sqs".equals(svcName) && "*".equals(resource)
                ? "arn:aws:sqs:" + call.region + ":" + call.accountId() + ":" : resource;
        StringBuilder m = new StringBuilder("User: ").append(call.cred.principalArn())
                .append(" is not authorized to perform: ").append(shownAction);
        if (!"*".equals(shownResource)) {
            m.append(" on resource: ").append(shownResource);
        }
        Authorizer.PolicyKind by = Objects.requireNonNull(d.by(), "a denial names the kind of policy that denied");
        if (d.outcome() == Authorizer.Outcome.EXPLICIT_DENY) {
            m.append(" with an explicit deny in ").append(switch (by) {
                case IDENTITY -> "an identity-based policy";
                case BOUNDARY -> "a permissions boundary";
                case SESSION -> "a session policy";
                case SCP -> "a service control policy";
                case RESOURCE -> "a resource-based policy";
            });
            String policyName = d.policyName();
            if (by == Authorizer.PolicyKind.BOUNDARY && policyName != null && policyName.startsWith("arn:")) {
                m.append(": ").append(policyName);
            }
        } else if (by != Authorizer.PolicyKind.RESOURCE) {
            m.append(" because no ").append(switch (by) {
                case IDENTITY -> "identity-based policy";
                case BOUNDARY -> "permissions boundary";
                case SESSION -> "session policy";
                case SCP -> "service control policy";
                case RESOURCE -> "resource-based policy";
            }).append(" allows the ").append(shownAction).append(" action");
        }
        String message = m.toString();
        return switch (call.svc.protocol()) {
            case EC2 -> new ApiError("UnauthorizedOperation", 403,
                    "You are not authorized to perform this operation. " + message, "Client.UnauthorizedOperation", false);
            case REST_XML -> new ApiError("AccessDenied", 403, message);
            case JSON -> "sqs".equals(svcName)
                    ? new ApiError("AccessDenied", 403, message)
                    : new ApiError("AccessDeniedException", 400, message, "AccessDenied", false);
            case REST_JSON -> new ApiError("AccessDeniedException", 403, message, "AccessDenied", false);
            case QUERY -> "sns".equals(svcName)
                    ? new ApiError("AuthorizationError", 403, message)
                    : new ApiError("AccessDenied", 403, message);
        };
    }

    // ------------------------------------------------------------------------------------------------ recording

    private String record(Call call, Reply reply) {
        Credential c = call.cred;
        String region = "iam".equals(call.svc.signingName()) ? "us-east-1" : call.region;
        String eventId = ids.uuid().toString();
        boolean readOnly = ServiceInfo.readOnly(call.op());
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode rec = f.objectNode();
        rec.put("eventVersion", "1.08");
        rec.set("userIdentity", userIdentity(c));
        rec.put("eventTime", Xml.time(call.now));
        rec.put("eventSource", call.svc.eventSource());
        rec.put("eventName", call.op());
        rec.put("awsRegion", region);
        rec.put("sourceIPAddress", sourceIp(call.req));
        String ua = call.req.header("user-agent");
        rec.put("userAgent", ua == null ? "" : ua.length() > 1024 ? ua.substring(0, 1024) : ua);
        if (reply.isError()) {
            rec.put("errorCode", reply.errorCode);
            rec.put("errorMessage", reply.errorMessage);
        }
        JsonNode params = reply.requestParameters != null ? reply.requestParameters : requestParameters(call.req);
        rec.set("requestParameters", params == null ? f.nullNode() : params);
        rec.set("responseElements", reply.isError() || reply.responseElements == null ? f.nullNode() : reply.responseElements);
        rec.put("requestID", call.requestId);
        rec.put("eventID", eventId);
        rec.put("readOnly", readOnly);
        if ("sts".equals(call.svc.signingName()) && !reply.resources.isEmpty()) {
            ArrayNode res = rec.putArray("resources");
            for (String[] r : reply.resources) {
                if (r[1].startsWith("arn:")) {
                    ObjectNode o = res.addObject();
                    o.put("accountId", call.accountId());
                    o.put("type", r[0]);
                    o.put("ARN", r[1]);
                }
            }
        }
        rec.put("eventType", "AwsApiCall");
        rec.put("managementEvent", true);
        rec.put("recipientAccountId", c.accountId);
        rec.put("eventCategory", "Management");
        ObjectNode tls = rec.putObject("tlsDetails");
        tls.put("tlsVersion", "TLSv1.3");
        tls.put("cipherSuite", "TLS_AES_128_GCM_SHA256");
        tls.put("clientProvidedHostHeader", call.svc.host(region));
        String json = rec.toString();
        List<TrailRecord.Resource> resources = new ArrayList<>();
        for (String[] r : reply.resources) {
            resources.add(new TrailRecord.Resource(r[0], r[1]));
        }
        TrailRecord record = new TrailRecord(eventId, Instant.ofEpochSecond(call.now.getEpochSecond()), c.accountId,
                region, call.svc.eventSource(), call.op(), identityType(c), c.principalArn(), c.accessKeyId,
                lookupUsername(c), reply.errorCode, readOnly, call.requestId, resources, json);
        trail.add(record, rec, call.svc.iamPrefix(), call.now);
        return eventId;
    }

    String sourceIp(AwsRequest r) {
        return Objects.requireNonNullElse(settings.sourceIpAddress(), r.clientIp);
    }

    static String identityType(Credential c) {
        return switch (c.kind) {
            case LONG_TERM, USER_SESSION -> "IAMUser";
            case ROLE_SESSION -> "AssumedRole";
            case FEDERATED -> "FederatedUser";
        };
    }

    private static String lookupUsername(Credential c) {
        return switch (c.kind) {
            case LONG_TERM, USER_SESSION -> c.iamUserName();
            case ROLE_SESSION -> Objects.requireNonNull(c.sessionName, "a role session always has a session name");
            case FEDERATED -> Objects.requireNonNull(c.federatedName, "a federated user always has a name");
        };
    }

    static ObjectNode userIdentity(Credential c) {
        ObjectNode ui = JsonNodeFactory.instance.objectNode();
        ui.put("type", identityType(c));
        ui.put("principalId", c.principalId());
        ui.put("arn", c.principalArn());
        ui.put("accountId", c.accountId);
        ui.put("accessKeyId", c.accessKeyId);
        if (c.kind == Credential.Kind.LONG_TERM || c.kind == Credential.Kind.USER_SESSION) {
            ui.put("userName", c.userName);
        }
        if (c.isSession()) {
            ObjectNode ctx = ui.putObject("sessionContext");
            if (c.kind == Credential.Kind.ROLE_SESSION || c.kind == Credential.Kind.FEDERATED) {
                ObjectNode issuer = ctx.putObject("sessionIssuer");
                if (c.kind == Credential.Kind.ROLE_SESSION) {
                    issuer.put("type", "Role");
                    issuer.put("principalId", c.roleId);
                    issuer.put("arn", c.roleArn);
                    issuer.put("accountId", c.accountId);
                    issuer.put("userName", c.roleName);
                } else {
                    issuer.put("type", "IAMUser");
                    issuer.put("principalId", c.userId);
                    issuer.put("arn", c.userArn);
                    issuer.put("accountId", c.accountId);
                    issuer.put("userName", c.userName);
                }
                ctx.putObject("webIdFederationData");
            }
            ObjectNode attrs = ctx.putObject("attributes");
            attrs.put("creationDate", Xml.time(c.created));
            attrs.put("mfaAuthenticated", "false");
            if (c.sourceIdentity != null) {
                ctx.put("sourceIdentity", c.sourceIdentity);
            }
        }
        return ui;
    }

    /** {@code requestParameters} derived from the request: Query members un-flattened, JSON members as sent. */
    static @Nullable JsonNode requestParameters(AwsRequest r) {
        Protocol protocol = r.protocol;
        if (protocol == null) {
            return null;
        }
        switch (protocol) {
            case QUERY, EC2 -> {
                ObjectNode root = JsonNodeFactory.instance.objectNode();
                for (Map.Entry<String, String> e : r.form.entrySet()) {
                    String k = e.getKey();
                    if (k.equals("Action") || k.equals("Version")) {
                        continue;
                    }
                    String v = k.equals("Password") || k.equals("NewPassword") || k.equals("OldPassword")
                            ? "HIDDEN_DUE_TO_SECURITY_REASONS" : e.getValue();
                    put(root, k.split("\\."), v);
                }
                String operation = r.operation;
                if ("ec2".equals(r.service) && operation != null && operation.startsWith("Describe")) {
                    if (!root.has("instancesSet") && "DescribeInstances".equals(operation)) {
                        root.putObject("instancesSet");
                    }
                    if (!root.has("filterSet")) {
                        root.putObject("filterSet");
                    }
                }
                return root.isEmpty() ? null : root;
            }
            case JSON -> {
                if (r.body.length == 0) {
                    return null;
                }
                try {
                    JsonNode n = Wire.JSON.readTree(r.body);
                    if (n == null || !n.isObject() || n.isEmpty()) {
                        return null;
                    }
                    return lowerCamel(n);
                } catch (Exception e) {
                    return null;
                }
            }
            default -> {
                return null;
            }
        }
    }

    /** CloudTrail writes JSON request members with lower-camel-case names, at every depth. */
    private static JsonNode lowerCamel(JsonNode n) {
        if (n.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                out.set(Call.lowerFirst(e.getKey()), lowerCamel(e.getValue()));
            }
            return out;
        }
        if (n.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            n.forEach(x -> out.add(lowerCamel(x)));
            return out;
        }
        return n;
    }

    private static void put(ObjectNode root, String[] path, String value) {
        JsonNode cur = root;
        for (int i = 0; i < path.length; i++) {
            String seg = path[i];
            if (seg.equals("member")) {
                continue;
            }
            boolean last = i == path.length - 1;
            boolean nextIsIndex = !last && isIndex(nextNonMember(path, i + 1));
            if (isIndex(seg)) {
                if (!(cur instanceof ArrayNode arr)) {
                    return;
                }
                int idx = Integer.parseInt(seg) - 1;
                while (arr.size() <= idx) {
                    arr.addObject();
                }
                if (last) {
                    arr.set(idx, JsonNodeFactory.instance.textNode(value));
                    return;
                }
                JsonNode next = arr.get(idx);
                if (nextIsIndex && !next.isArray()) {
                    next = JsonNodeFactory.instance.arrayNode();
                    arr.set(idx, next);
                }
                cur = next;
            } else {
                if (!(cur instanceof ObjectNode obj)) {
                    return;
                }
                String name = Call.lowerFirst(seg);
                if (last) {
                    obj.put(name, value);
                    return;
                }
                JsonNode next = obj.get(name);
                if (next == null) {
                    next = nextIsIndex ? obj.putArray(name) : obj.putObject(name);
                }
                cur = next;
            }
        }
    }

    private static String nextNonMember(String[] path, int from) {
        for (int i = from; i < path.length; i++) {
            if (!path[i].equals("member")) {
                return path[i];
            }
        }
        return "";
    }

    private static boolean isIndex(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isDigit(s.charAt(i))) {
                return false;
            }
        }
        return true;
    }

    // ---------------------------------------------------------------------------------------------- call log

    private void logCall(String requestId, Instant now, AwsRequest r, @Nullable Credential cred,
                         @Nullable String principal, Reply reply, @Nullable String fault, @Nullable String eventId) {
        if (settings.callLogLimit() <= 0) {
            return;
        }
        calls.addLast(new ApiCall(reply.fault == null ? requestId : null, now, r.service, r.operation,
                cred == null ? null : cred.accountId, r.accessKeyId, principal, reply.status, reply.errorCode, fault,
                eventId));
        while (calls.size() > settings.callLogLimit()) {
            calls.pollFirst();
        }
    }

    List<ApiCall> calls() {
        lock.lock();
        try {
            return List.copyOf(calls);
        } finally {
            lock.unlock();
        }
    }

    // ------------------------------------------------------------------------------------------------ sessions

    /** Registers an STS session, pruning sessions that expired more than a day ago now and then. */
    void addSession(Credential c, Instant now) {
        credentials.put(c.accessKeyId, c);
        if (++sessionsSincePrune >= 10_000) {
            sessionsSincePrune = 0;
            Instant cutoff = now.minus(Duration.ofDays(1));
            credentials.values().removeIf(x -> x.expires != null && x.expires.isBefore(cutoff));
        }
    }

}
