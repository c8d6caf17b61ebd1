package io.canarykit.policy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.time.Instant;
import java.util.LinkedHashSet;
import org.jspecify.annotations.Nullable;

/**
 * Evaluates requests against IAM policies offline, with AWS's evaluation logic, and says which statement of which
 * policy decided.
 *
 * <p>The order of evaluation:
 * <ol>
 *   <li>{@code sts:GetCallerIdentity} is always allowed: it needs no permission and cannot be denied.</li>
 *   <li>An explicit {@code Deny} that applies, in any policy (identity-based, boundary, session, SCP,
 *       resource-based), denies.</li>
 *   <li>Federated user sessions cannot call IAM, nor STS other than {@code GetCallerIdentity}.</li>
 *   <li>SCPs: at every level some SCP must allow, else implicit deny. (The account root user is then allowed.)</li>
 *   <li>Same account: a resource-based policy that grants the caller directly (its user ARN, its session ARN,
 *       {@code "*"}) allows, whatever the identity-based policies, boundary and session policies say. A grant to the
 *       role ARN of an assumed-role session stands in for an identity-based allow but is still capped by the boundary
 *       and the session policies. A grant to the account only delegates to identity-based policies.</li>
 *   <li>Identity-based policies must allow (a federated user session also needs a session policy), else implicit
 *       deny.</li>
 *   <li>Across accounts the resource-based policy must grant the caller (or its account) as well.</li>
 *   <li>The permissions boundary, if any, and the session policies, if any, must each allow, else implicit
 *       deny.</li>
 * </ol>
 *
 * <p>Actions match case-insensitively with {@code *} and {@code ?}; resources match case-sensitively, a wildcard
 * staying inside its ARN segment unless a {@code *} ends the segment. {@code NotAction}, {@code NotResource},
 * {@code NotPrincipal} and policy variables are supported. Condition operators: {@code String*}, {@code Numeric*},
 * {@code Date*}, {@code Bool}, {@code BinaryEquals}, {@code IpAddress}/{@code NotIpAddress}, {@code Arn*},
 * {@code Null}, each with {@code IfExists} and {@code ForAnyValue:}/{@code ForAllValues:}. An unknown operator is
 * never met, so it never lets an {@code Allow} apply (nor a {@code Deny}; the decision notes it).
 *
 * <p>Not modelled: resource control policies, KMS key policies' requirement that the key policy itself allow,
 * VPC endpoint policies, ACLs, and the account root user's exemptions beyond SCPs.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class PolicySimulator {
    private static final Logger LOG = LoggerFactory.getLogger(PolicySimulator.class);
    private static final String GET_CALLER_IDENTITY = "sts:GetCallerIdentity";

    private final Clock clock;

    private PolicySimulator(Clock clock) {
        this.clock = clock;
    }

    /** A simulator that reads {@code aws:CurrentTime} from the system UTC clock. */
    public static PolicySimulator create() {
        return new PolicySimulator(Clock.systemUTC());
    }

    /** A simulator that reads {@code aws:CurrentTime} and {@code aws:EpochTime} from {@code clock}. */
    public static PolicySimulator create(Clock clock) {
        return new PolicySimulator(Objects.requireNonNull(clock, "clock"));
    }

    /** True for {@code sts:GetCallerIdentity} (any case), the one action no policy can deny. */
    public static boolean isUndeniable(String action) {
        return GET_CALLER_IDENTITY.equalsIgnoreCase(action);
    }

    /**
     * Evaluates one request.
     *
     * @param policies every policy that takes part
     * @param request  the request
     * @return the decision with its reason; never {@code null}
     */
    public Decision evaluate(Policies policies, AccessRequest request) {
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(request, "request");
        Decision d = new Evaluation(policies, request, false).run();
        if (LOG.isTraceEnabled()) { // one line per request on a hot path (the emulator authorises every call)
            LOG.trace("{} {} on {} by {}: {}", d.outcome(), request.action(), request.resource(),
                    request.principalArn(), d.reason());
        }
        return d;
    }

    /**
     * Evaluates a request given as JSON policy strings, for callers that hold raw documents.
     *
     * @throws PolicyParseException if a document is not valid
     */
    public Decision evaluate(List<String> identityPolicies, String boundary, String sessionPolicy,
                             List<String> resourcePolicies, AccessRequest request) {
        Policies.Builder b = Policies.builder();
        for (int i = 0; i < identityPolicies.size(); i++) {
            b.identityPolicy("identity-" + (i + 1), identityPolicies.get(i));
        }
        if (boundary != null) {
            b.boundary("boundary", boundary);
        }
        if (sessionPolicy != null) {
            b.sessionPolicy("session", sessionPolicy);
        }
        for (int i = 0; i < resourcePolicies.size(); i++) {
            b.resourcePolicy("resource-" + (i + 1), resourcePolicies.get(i));
        }
        return evaluate(b.build(), request);
    }

    /**
     * Checks that {@code policies} deny {@code principalArn} every action but {@code sts:GetCallerIdentity}, whatever
     * the request context: it evaluates a catalogue of actions ({@link ActionCatalog}) plus actions and resources
     * derived from the policies themselves, on sample resources, in the worst case (every condition of an
     * {@code Allow} holds, none of a {@code Deny} does). It also looks for a blanket explicit deny: an unconditional
     * {@code Deny} of {@code *} on {@code *} that always applies to the principal, which proves the result for every
     * action, not only the sampled ones.
     *
     * @param policies     the policies, resource-based ones included (they may grant what identity policies do not)
     * @param principalArn the canary principal, as {@code GetCallerIdentity} shows it
     */
    public DenyAllReport checkDeniesEverything(Policies policies, String principalArn) {
        Objects.requireNonNull(policies, "policies");
        Objects.requireNonNull(principalArn, "principalArn");
        AccessRequest base = AccessRequest.of(principalArn, "sts:GetCallerIdentity", "*");
        LinkedHashSet<String> actions = new LinkedHashSet<>(ActionCatalog.actions());
        LinkedHashSet<String> resources = new LinkedHashSet<>(
                ActionCatalog.sampleResources(base.principalAccount() == null ? "111122223333" : base.principalAccount()));
        resources.add(principalArn);
        for (Policies.TypedPolicy tp : policies.all()) {
            for (Statement s : tp.policy().document().statements()) {
                ActionCatalog.deriveActions(s.actions(), actions);
                ActionCatalog.deriveActions(s.notActions(), actions);
                ActionCatalog.deriveResources(s.resources(), resources);
                ActionCatalog.deriveResources(s.notResources(), resources);
            }
        }
        List<DenyAllReport.Finding> allowed = new ArrayList<>();
        int checked = 0;
        for (String action : actions) {
            if (isUndeniable(action)) {
                continue;
            }
            for (String resource : resources) {
                checked++;
                Decision d = new Evaluation(policies, base.with(action, resource), true).run();
                if (d.allowed()) {
                    allowed.add(new DenyAllReport.Finding(action, resource, d));
                }
            }
        }
        StatementRef blanket = blanketDeny(policies, principalArn);
        LOG.debug("deny-everything check for {}: {} requests, {} allowed, blanket deny {}", principalArn, checked,
                allowed.size(), blanket == null ? "none" : blanket.describe());
        return new DenyAllReport(principalArn, checked, blanket, allowed);
    }

    /** An unconditional Deny of every action on every resource that always applies to the principal, or null. */
    private @Nullable StatementRef blanketDeny(Policies policies, String principalArn) {
        for (Policies.TypedPolicy tp : policies.all()) {
            List<Statement> statements = tp.policy().document().statements();
            for (int i = 0; i < statements.size(); i++) {
                Statement s = statements.get(i);
                if (s.effect() != Effect.DENY || !s.conditions().isEmpty() || s.actions() == null
                        || s.notResources() != null) {
                    continue;
                }
                boolean allActions = s.actions().stream().anyMatch(a -> a.equals("*") || a.equals("*:*"));
                boolean allResources = s.resources() == null || s.resources().contains("*");
                boolean everyone = tp.type() != PolicyType.RESOURCE
                        || (s.principal() != null && (s.principal().wildcard()
                        || s.principal().values("AWS").contains("*")
                        || s.principal().values("AWS").contains(principalArn)));
                if (allActions && allResources && everyone) {
                    return new StatementRef(tp.type(), tp.policy().name(), i, s);
                }
            }
        }
        return null;
    }

    /** How a resource-based policy statement names the caller. */
    private enum Grant { NONE, ACCOUNT, ROLE, DIRECT }

    /** One evaluation. */
    private final class Evaluation {
        private final Policies policies;
        private final AccessRequest request;
        private final RequestContext ctx;
        private final PrincipalInfo who;
        private final boolean worstCase;

        Evaluation(Policies policies, AccessRequest request, boolean worstCase) {
            this.policies = policies;
            this.worstCase = worstCase;
            this.request = request;
            this.who = PrincipalInfo.of(request.principalArn(), request.principalAccount());
            Map<String, List<String>> derived = who.derivedKeys();
            Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
            derived.put("aws:CurrentTime", List.of(DateTimeFormatter.ISO_INSTANT.format(now)));
            derived.put("aws:EpochTime", List.of(Long.toString(now.getEpochSecond())));
            this.ctx = new RequestContext(request, who, derived);
        }

        Decision run() {
            String action = request.action();
            if (isUndeniable(action)) {
                return new Decision(true, false, "sts:GetCallerIdentity needs no permission and cannot be denied",
                        null, null, null, ctx.notes);
            }
            // 1. explicit deny anywhere
            boolean outsideTheOrganisation = who.kind == PrincipalInfo.Kind.SERVICE
                    || who.kind == PrincipalInfo.Kind.ANONYMOUS;
            for (Policies.TypedPolicy tp : policies.all()) {
                if (outsideTheOrganisation && tp.type() == PolicyType.SERVICE_CONTROL) {
                    continue; // SCPs govern the member account's principals, not services or anonymous callers
                }
                StatementRef deny = firstMatch(tp.type(), tp.policy(), Effect.DENY);
                if (deny != null) {
                    return new Decision(false, false, "explicitly denied by " + deny.describe(), tp.type(),
                            tp.policy().name(), deny, ctx.notes);
                }
            }
            // 2. what AWS refuses to federated user sessions whatever the policies say
            if (who.kind == PrincipalInfo.Kind.FEDERATED_USER) {
                String service = action.substring(0, Math.max(0, action.indexOf(':'))).toLowerCase(Locale.ROOT);
                if (service.equals("iam") || service.equals("sts")) {
                    return implicit("a federated user session (GetFederationToken) cannot call " + service.toUpperCase(
                            Locale.ROOT) + (service.equals("sts") ? " other than GetCallerIdentity" : ""), null, null);
                }
            }
            // 3. SCPs: every level must allow
            if (who.kind != PrincipalInfo.Kind.SERVICE && who.kind != PrincipalInfo.Kind.ANONYMOUS) {
                List<List<NamedPolicy>> levels = policies.serviceControlLevels();
                for (int level = 0; level < levels.size(); level++) {
                    if (firstAllow(PolicyType.SERVICE_CONTROL, levels.get(level)) == null) {
                        List<NamedPolicy> l = levels.get(level);
                        String names = names(l);
                        return implicit("no statement of the service control " + (l.size() == 1 ? "policy " : "policies ")
                                + names + (levels.size() > 1 ? " (level " + (level + 1) + " of the organisation)" : "")
                                + " allows " + action + " on " + request.resource(), PolicyType.SERVICE_CONTROL,
                                l.size() == 1 ? l.get(0).name() : null);
                    }
                }
            }
            if (who.kind == PrincipalInfo.Kind.ROOT) {
                return new Decision(true, false, "the root user of account " + who.account + " is not limited by "
                        + "identity-based policies, and nothing denies it", null, null, null, ctx.notes);
            }
            // 4. resource-based grants
            boolean sameAccount = request.resourceAccount() != null && request.resourceAccount().equals(who.account);
            StatementRef grant = null;
            Grant grantKind = Grant.NONE;
            for (NamedPolicy p : policies.resource()) {
                List<Statement> statements = p.document().statements();
                for (int i = 0; i < statements.size(); i++) {
                    Statement s = statements.get(i);
                    if (s.effect() != Effect.ALLOW) {
                        continue;
                    }
                    Grant g = applies(PolicyType.RESOURCE, p, i, s);
                    if (g.ordinal() > grantKind.ordinal()) {
                        grantKind = g;
                        grant = new StatementRef(PolicyType.RESOURCE, p.name(), i, s);
                    }
                }
            }
            if (!who.hasIdentityPolicies()) {
                if (grantKind == Grant.DIRECT) {
                    // grant is set whenever grantKind rises above NONE
                    StatementRef direct = Objects.requireNonNull(grant, "grant");
                    return allow("allowed by " + direct.describe(), direct);
                }
                return implicit("no resource-based policy grants " + who.describe() + " " + action + " on "
                        + request.resource(), null, null);
            }
            if (sameAccount && grantKind == Grant.DIRECT) {
                // grant is set whenever grantKind rises above NONE
                StatementRef direct = Objects.requireNonNull(grant, "grant");
                return allow("allowed by " + direct.describe() + ", which names the caller directly: within one "
                        + "account that needs no identity-based allow and is not capped by a permissions boundary or "
                        + "session policy", direct);
            }
            // 5. identity-based policies (or a same-account grant to the role, which counts as one)
            StatementRef identityAllow = firstAllow(PolicyType.IDENTITY, policies.identity());
            StatementRef allowBy = identityAllow;
            if (identityAllow == null && sameAccount && grantKind == Grant.ROLE) {
                allowBy = grant;
            }
            if (who.kind == PrincipalInfo.Kind.FEDERATED_USER && policies.session().isEmpty()) {
                return implicit("a federated user session without a session policy has no permissions", null, null);
            }
            if (allowBy == null) {
                return implicit("no identity-based policy allows " + action + " on " + request.resource()
                        + (policies.identity().isEmpty() ? " (there is none)" : ""), PolicyType.IDENTITY,
                        policies.identity().size() == 1 ? policies.identity().get(0).name() : null);
            }
            // 6. across accounts the resource owner must grant too
            if (!sameAccount && grantKind == Grant.NONE) {
                return implicit("the request crosses accounts (" + who.account + " to " + request.resourceAccount()
                        + ") and no resource-based policy of the resource grants " + who.describe() + " or its account",
                        PolicyType.RESOURCE, policies.resource().size() == 1 ? policies.resource().get(0).name() : null);
            }
            // 7. boundary and session policies cap what is left
            if (policies.boundary() != null
                    && firstAllow(PolicyType.PERMISSIONS_BOUNDARY, List.of(policies.boundary())) == null) {
                return implicit("the permissions boundary \"" + policies.boundary().name() + "\" does not allow "
                        + action + " on " + request.resource(), PolicyType.PERMISSIONS_BOUNDARY,
                        policies.boundary().name());
            }
            if (!policies.session().isEmpty() && firstAllow(PolicyType.SESSION, policies.session()) == null) {
                return implicit("no session policy (" + names(policies.session()) + ") allows " + action + " on "
                        + request.resource(), PolicyType.SESSION,
                        policies.session().size() == 1 ? policies.session().get(0).name() : null);
            }
            // across accounts step 6 returned unless grantKind is above NONE, and then grant is set
            String also = !sameAccount ? " and granted by " + Objects.requireNonNull(grant, "grant").describe() : "";
            return allow("allowed by " + allowBy.describe() + also, allowBy);
        }

        private Decision allow(String reason, StatementRef by) {
            return new Decision(true, false, reason, by.type(), by.policyName(), by, ctx.notes);
        }

        private Decision implicit(String reason, @Nullable PolicyType type, @Nullable String policyName) {
            return new Decision(false, true, "implicitly denied: " + reason, type, policyName, null, ctx.notes);
        }

        private String names(List<NamedPolicy> l) {
            StringBuilder sb = new StringBuilder();
            for (NamedPolicy p : l) {
                sb.append(sb.length() == 0 ? "" : ", ").append('"').append(p.name()).append('"');
            }
            return sb.toString();
        }

        private @Nullable StatementRef firstAllow(PolicyType type, List<NamedPolicy> list) {
            for (NamedPolicy p : list) {
                StatementRef r = firstMatch(type, p, Effect.ALLOW);
                if (r != null) {
                    return r;
                }
            }
            return null;
        }

        private @Nullable StatementRef firstMatch(PolicyType type, NamedPolicy p, Effect effect) {
            List<Statement> statements = p.document().statements();
            for (int i = 0; i < statements.size(); i++) {
                Statement s = statements.get(i);
                if (s.effect() == effect && applies(type, p, i, s) != Grant.NONE) {
                    return new StatementRef(type, p.name(), i, s);
                }
            }
            return null;
        }

        /** NONE if the statement does not apply to the request; otherwise how it names the caller. */
        private Grant applies(PolicyType type, NamedPolicy p, int index, Statement s) {
            String where = "Statement[" + index + "] of the " + type.description() + " \"" + p.name() + "\"";
            if (!actionMatches(s)) {
                return Grant.NONE;
            }
            boolean variables = p.document().supportsVariables();
            if (!resourceMatches(s, variables, where)) {
                return Grant.NONE;
            }
            Grant g = Grant.DIRECT;
            if (type == PolicyType.RESOURCE) {
                g = principalGrant(s, where);
                if (g == Grant.NONE) {
                    return Grant.NONE;
                }
            }
            if (worstCase) {
                // the worst case for a deny-everything proof: every Allow's conditions hold, no Deny's do
                return s.effect() == Effect.DENY && !s.conditions().isEmpty() ? Grant.NONE : g;
            }
            for (PolicyCondition c : s.conditions()) {
                if (!Conditions.holds(c, ctx, variables, where)) {
                    return Grant.NONE;
                }
            }
            return g;
        }

        private boolean actionMatches(Statement s) {
            String action = request.action();
            if (s.actions() != null) {
                for (String a : s.actions()) {
                    if (Wildcards.matchAction(a, action)) {
                        return true;
                    }
                }
                return false;
            }
            // a statement has exactly one of Action and NotAction (the Statement constructor checks)
            for (String a : Objects.requireNonNull(s.notActions(), "notActions")) {
                if (Wildcards.matchAction(a, action)) {
                    return false;
                }
            }
            return true;
        }

        private boolean resourceMatches(Statement s, boolean variables, String where) {
            String resource = request.resource();
            List<String> patterns = s.resources() != null ? s.resources() : s.notResources();
            if (patterns == null) {
                return true; // a trust policy: the resource is the role itself
            }
            boolean any = false;
            for (String raw : patterns) {
                String pattern = ctx.substitute(raw, variables, where + " (" + (s.resources() != null ? "Resource"
                        : "NotResource") + ")");
                if (pattern == null) {
                    if (worstCase && s.effect() == Effect.ALLOW) {
                        if (s.resources() != null) {
                            any = true;
                            break;
                        }
                        continue;
                    }
                    return false; // an unresolved variable: the statement does not apply
                }
                if (Wildcards.matchArn(pattern, resource)) {
                    any = true;
                    break;
                }
            }
            return s.resources() != null ? any : !any;
        }

        private Grant principalGrant(Statement s, String where) {
            if (s.principal() != null) {
                return principalMatch(s.principal());
            }
            // Policies refuses a resource-based statement with neither Principal nor NotPrincipal
            Grant listed = principalMatch(Objects.requireNonNull(s.notPrincipal(), "notPrincipal"));
            if (s.effect() == Effect.DENY && policies.boundary() != null
                    && (who.kind == PrincipalInfo.Kind.IAM_USER || who.kind == PrincipalInfo.Kind.ASSUMED_ROLE
                    || who.kind == PrincipalInfo.Kind.ROLE) && listed != Grant.NONE) {
                ctx.note("NotPrincipal with Deny in " + where + " applies to every IAM principal with a permissions "
                        + "boundary, whatever it lists (as AWS documents)");
                return Grant.DIRECT;
            }
            return listed == Grant.NONE ? Grant.DIRECT : Grant.NONE;
        }

        private Grant principalMatch(PolicyPrincipal p) {
            if (p.wildcard()) {
                return Grant.DIRECT;
            }
            Grant best = Grant.NONE;
            for (String v : p.values("AWS")) {
                best = max(best, awsPrincipalMatch(v));
            }
            for (String type : List.of("Service", "Federated", "CanonicalUser")) {
                for (String v : p.values(type)) {
                    if (v.equals(who.arn)) {
                        best = Grant.DIRECT;
                    }
                }
            }
            return best;
        }

        private Grant awsPrincipalMatch(String v) {
            if (v.equals("*") || v.equals(who.arn)) {
                return Grant.DIRECT;
            }
            if (who.account != null && (v.equals(who.account)
                    || v.equals("arn:" + who.partition + ":iam::" + who.account + ":root"))) {
                return who.kind == PrincipalInfo.Kind.ROOT ? Grant.DIRECT : Grant.ACCOUNT;
            }
            if (who.kind == PrincipalInfo.Kind.ASSUMED_ROLE && v.startsWith("arn:" + who.partition + ":iam::"
                    + who.account + ":role/") && v.endsWith("/" + who.roleName)) {
                return Grant.ROLE;
            }
            return Grant.NONE;
        }

        private Grant max(Grant a, Grant b) {
            return a.ordinal() >= b.ordinal() ? a : b;
        }
    }

    /** A short summary of {@code policies} for messages: how many of each type. */
    static String summary(Policies policies) {
        List<String> parts = new ArrayList<>();
        parts.add(policies.identity().size() + " identity");
        if (policies.boundary() != null) {
            parts.add("boundary");
        }
        if (!policies.session().isEmpty()) {
            parts.add(policies.session().size() + " session");
        }
        if (!policies.serviceControlLevels().isEmpty()) {
            parts.add(policies.serviceControlLevels().size() + " SCP level(s)");
        }
        if (!policies.resource().isEmpty()) {
            parts.add(policies.resource().size() + " resource");
        }
        return String.join(", ", parts);
    }
}
