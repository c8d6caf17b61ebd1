package io.canarykit.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import io.canarykit.naming.IamPath;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Infrastructure as code for an organisation, rendered from the same hardener and issuer policies as
 * {@code canary policy show}, so that what is deployed is exactly what the library expects:
 * <ul>
 *   <li>{@link #stackSetTemplate()}: a CloudFormation template for a service-managed StackSet deployed to every member
 *       account: the issuer role (trusting the central principal; its inline policies are the issuer policies of each
 *       kind, plus the read calls the member-account detectors make) and the canaries' deny-all permissions boundary;
 *       optionally the EventBridge rule forwarding "AWS API Call via CloudTrail" events to a central bus, in state
 *       {@code ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS} (a plain {@code ENABLED} rule never sees read-only calls,
 *       which most canary trips are; deploy it in us-east-1, where IAM and STS events arrive).</li>
 *   <li>{@link #managementTemplate()}: a CloudFormation template for the management (or delegated) account: the
 *       service control policy that denies every canary principal everything (optional), the central event bus whose
 *       policy lets the organisation's accounts put events (what {@code PutPermission} with an
 *       {@code aws:PrincipalOrgID} condition does), its rule and the queues the SQS detectors consume, each with a
 *       dead-letter queue.</li>
 *   <li>{@link #terraformMemberModule()} and {@link #terraformManagementModule()}: the same as Terraform modules.</li>
 * </ul>
 * Account ids are never baked in: every ARN naming the member account is written with {@code ${AWS::AccountId}} (or
 * {@code data.aws_caller_identity}), so one template fits every account. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class OrganizationTemplates {
    /** The account id the policies are rendered for before it is replaced by the deploying account's. */
    static final String PLACEHOLDER = "000000000000";
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final JsonNodeFactory F = JsonNodeFactory.instance;
    private static final Pattern ARN = Pattern.compile("arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:\\d{12}:.+");
    /** The read calls the detectors make inside each member account through the issuer role. */
    static final String DETECT_POLICY = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"DetectInThisAccount\","
            + "\"Effect\":\"Allow\",\"Action\":[\"cloudtrail:LookupEvents\",\"iam:GetAccessKeyLastUsed\","
            + "\"iam:GenerateCredentialReport\",\"iam:GetCredentialReport\"],\"Resource\":\"*\"}]}";

    private final String roleName;
    private final String trustedPrincipalArn;
    private final @Nullable String externalId;
    private final Set<CredentialKind> kinds;
    private final String userPath;
    private final String canaryRoleName;
    private final DenyAllPolicyHardener hardener;
    private final @Nullable String organizationId;
    private final String centralBusName;
    private final @Nullable String centralAccountId;

    private OrganizationTemplates(Builder b) {
        // build() refuses a builder without either.
        this.roleName = Objects.requireNonNull(b.roleName, "roleName");
        this.trustedPrincipalArn = Objects.requireNonNull(b.trustedPrincipalArn, "trustedPrincipalArn");
        this.externalId = b.externalId;
        this.kinds = Set.copyOf(b.kinds);
        this.userPath = b.userPath;
        this.canaryRoleName = b.canaryRoleName;
        this.hardener = b.hardener;
        this.organizationId = b.organizationId;
        this.centralBusName = b.centralBusName;
        this.centralAccountId = b.centralAccountId;
    }

    /** A builder; {@link Builder#roleName} and {@link Builder#trustedPrincipalArn} are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** The member account's issuer policies, by inline policy name, as rendered for {@link #PLACEHOLDER}. */
    Map<String, String> issuerPolicies() {
        Map<String, String> out = new LinkedHashMap<>();
        for (CredentialKind k : List.of(CredentialKind.IAM_USER, CredentialKind.ASSUMED_ROLE)) {
            if (!kinds.contains(k)) {
                continue;
            }
            IssuerPolicies.Builder ib = IssuerPolicies.builder().accountId(PLACEHOLDER).userPath(userPath)
                    .matching(set(k));
            if (k == CredentialKind.ASSUMED_ROLE) {
                ib.roleArn("arn:aws:iam::" + PLACEHOLDER + ":role/" + canaryRoleName);
            }
            out.put("canarykit-" + k.configName(), ib.build().forKind(k).toJson());
        }
        out.put("canarykit-detect", DETECT_POLICY);
        return out;
    }

    private CanaryPolicySet set(CredentialKind k) {
        HardeningRequest r = k == CredentialKind.IAM_USER
                ? HardeningRequest.iamUser(PLACEHOLDER, "canary", userPath)
                : HardeningRequest.assumedRole(PLACEHOLDER, "canary", "arn:aws:iam::" + PLACEHOLDER + ":role/"
                + canaryRoleName, trustedPrincipalArn);
        return hardener.harden(r);
    }

    private String trustPolicy() {
        ObjectNode doc = F.objectNode();
        doc.put("Version", "2012-10-17");
        ObjectNode st = doc.putArray("Statement").addObject();
        st.put("Sid", "CentralCanaryIssuer");
        st.put("Effect", "Allow");
        st.putObject("Principal").put("AWS", trustedPrincipalArn);
        st.put("Action", "sts:AssumeRole");
        if (externalId != null) {
            st.putObject("Condition").putObject("StringEquals").put("sts:ExternalId", externalId);
        }
        return doc.toString();
    }

    /** The deny-all boundary's name and document. */
    private CanaryPolicySet boundarySet() {
        return set(kinds.contains(CredentialKind.IAM_USER) ? CredentialKind.IAM_USER : CredentialKind.ASSUMED_ROLE);
    }

    // ------------------------------------------------------------------------------------------ CloudFormation

    /** The StackSet template for every member account (CloudFormation JSON). */
    public String stackSetTemplate() {
        ObjectNode t = F.objectNode();
        t.put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "canarykit member account: issuer role " + roleName + " and the canaries' deny-all"
                + " boundary (rendered by canary policy render; deploy with a service-managed StackSet)");
        ObjectNode res = t.putObject("Resources");
        CanaryPolicySet b = boundarySet();
        if (b.boundaryPolicy() != null) {
            ObjectNode boundary = resource(res, "CanaryBoundaryPolicy", "AWS::IAM::ManagedPolicy");
            boundary.put("ManagedPolicyName", b.boundaryPolicyName());
            boundary.put("Path", b.boundaryPolicyPath());
            boundary.put("Description", "deny-all permissions boundary of every canary principal");
            boundary.set("PolicyDocument", cfn(b.boundaryPolicy()));
        }
        ObjectNode role = resource(res, "CanaryIssuerRole", "AWS::IAM::Role");
        role.put("RoleName", roleName);
        role.put("MaxSessionDuration", 43200);
        role.set("AssumeRolePolicyDocument", cfn(trustPolicy()));
        ArrayNode policies = role.putArray("Policies");
        issuerPolicies().forEach((name, doc) -> policies.addObject().put("PolicyName", name).set("PolicyDocument", cfn(doc)));
        if (centralBusArn() != null) {
            ObjectNode fwdRole = resource(res, "CanaryEventForwardingRole", "AWS::IAM::Role");
            fwdRole.set("AssumeRolePolicyDocument", json(servicePrincipalTrust("events.amazonaws.com")));
            fwdRole.putArray("Policies").addObject().put("PolicyName", "put-events-on-central-bus")
                    .set("PolicyDocument", json("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
                            + "\"Action\":\"events:PutEvents\",\"Resource\":\"" + centralBusArn() + "\"}]}"));
            ObjectNode rule = resource(res, "CanaryApiCallsToCentralBus", "AWS::Events::Rule");
            rule.put("Description", "API calls recorded by CloudTrail, to the organisation's central bus; the state"
                    + " lets read-only calls (Get*, List*, Describe*) through. Deploy in us-east-1.");
            rule.put("State", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
            rule.set("EventPattern", json("{\"detail-type\":[\"AWS API Call via CloudTrail\"]}"));
            ObjectNode target = rule.putArray("Targets").addObject();
            target.put("Id", "central-bus");
            target.put("Arn", centralBusArn());
            target.set("RoleArn", getAtt("CanaryEventForwardingRole", "Arn"));
        }
        ObjectNode out = t.putObject("Outputs");
        out.putObject("IssuerRoleArn").set("Value", getAtt("CanaryIssuerRole", "Arn"));
        return write(t);
    }

    /** The management-account template (CloudFormation JSON): SCP, central bus and the detectors' queues. */
    public String managementTemplate() {
        ObjectNode t = F.objectNode();
        t.put("AWSTemplateFormatVersion", "2010-09-09");
        t.put("Description", "canarykit management account: canary SCP, central event bus, detector queues"
                + " (rendered by canary policy render)");
        ObjectNode params = t.putObject("Parameters");
        ObjectNode res = t.putObject("Resources");
        String scp = boundarySet().scpDocument();
        if (scp != null) {
            params.putObject("ScpTargetId").put("Type", "String")
                    .put("Description", "the root (r-...) or unit (ou-...) the SCP is attached to");
            ObjectNode p = resource(res, "CanaryServiceControlPolicy", "AWS::Organizations::Policy");
            p.put("Name", "canarykit-deny-canaries");
            p.put("Type", "SERVICE_CONTROL_POLICY");
            p.put("Description", "denies every canary principal everything, whatever else grants it");
            p.set("Content", json(scp));
            p.putArray("TargetIds").addObject().put("Ref", "ScpTargetId");
        }
        params.putObject("TrailBucketName").put("Type", "String")
                .put("Description", "the organisation trail's bucket, whose ObjectCreated notifications go to the"
                        + " cloudtrail-sqs queue");
        queues(res, "Trail", "s3.amazonaws.com", sub("arn:aws:s3:::${TrailBucketName}"));
        if (organizationId != null) {
            ObjectNode bus = resource(res, "CanaryCentralBus", "AWS::Events::EventBus");
            bus.put("Name", centralBusName);
            ObjectNode policy = resource(res, "CanaryCentralBusPolicy", "AWS::Events::EventBusPolicy");
            policy.set("EventBusName", ref("CanaryCentralBus"));
            policy.put("StatementId", "AllowOrganizationAccounts");
            policy.set("Statement", json("{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"events:PutEvents\","
                    + "\"Resource\":\"" + centralBusArn() + "\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\""
                    + organizationId + "\"}}}"));
            ObjectNode rule = resource(res, "CanaryCentralRule", "AWS::Events::Rule");
            rule.set("EventBusName", ref("CanaryCentralBus"));
            rule.put("State", "ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS");
            rule.set("EventPattern", json("{\"detail-type\":[\"AWS API Call via CloudTrail\"]}"));
            ObjectNode target = rule.putArray("Targets").addObject();
            target.put("Id", "eventbridge-sqs");
            target.set("Arn", getAtt("CanaryEventsQueue", "Arn"));
            queues(res, "Events", "events.amazonaws.com", getAtt("CanaryCentralRule", "Arn"));
        }
        return write(t);
    }

    private void queues(ObjectNode res, String name, String service, JsonNode sourceArn) {
        ObjectNode dlq = resource(res, "Canary" + name + "DeadLetterQueue", "AWS::SQS::Queue");
        dlq.put("MessageRetentionPeriod", 1209600);
        ObjectNode q = resource(res, "Canary" + name + "Queue", "AWS::SQS::Queue");
        q.put("VisibilityTimeout", 300);
        q.put("MessageRetentionPeriod", 1209600);
        ObjectNode redrive = q.putObject("RedrivePolicy");
        redrive.set("deadLetterTargetArn", getAtt("Canary" + name + "DeadLetterQueue", "Arn"));
        redrive.put("maxReceiveCount", 10); // the detectors' own max-receive-count (5) acts first and reports
        ObjectNode qp = resource(res, "Canary" + name + "QueuePolicy", "AWS::SQS::QueuePolicy");
        qp.putArray("Queues").addObject().put("Ref", "Canary" + name + "Queue");
        ObjectNode doc = qp.putObject("PolicyDocument");
        doc.put("Version", "2012-10-17");
        ObjectNode st = doc.putArray("Statement").addObject();
        st.put("Effect", "Allow");
        st.putObject("Principal").put("Service", service);
        st.put("Action", "sqs:SendMessage");
        st.set("Resource", getAtt("Canary" + name + "Queue", "Arn"));
        st.putObject("Condition").putObject("ArnEquals").set("aws:SourceArn", sourceArn);
    }

    private @Nullable String centralBusArn() {
        return organizationId == null ? null
                : "arn:aws:events:us-east-1:" + centralAccountId + ":event-bus/" + centralBusName;
    }

    private static String servicePrincipalTrust(String service) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\""
                + service + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    private static ObjectNode resource(ObjectNode resources, String name, String type) {
        ObjectNode r = resources.putObject(name);
        r.put("Type", type);
        return r.putObject("Properties");
    }

    private static ObjectNode getAtt(String resource, String attribute) {
        ObjectNode n = F.objectNode();
        n.putArray("Fn::GetAtt").add(resource).add(attribute);
        return n;
    }

    private static ObjectNode ref(String name) {
        return F.objectNode().put("Ref", name);
    }

    private static ObjectNode sub(String s) {
        return F.objectNode().put("Fn::Sub", s);
    }

    /** A policy for CloudFormation: every string naming the placeholder account becomes {@code Fn::Sub}. */
    private static JsonNode cfn(String policy) {
        return replace(json(policy), s -> s.contains(PLACEHOLDER)
                ? sub(s.replace("${", "${!").replace(PLACEHOLDER, "${AWS::AccountId}")) : TextNode.valueOf(s));
    }

    private static JsonNode replace(JsonNode n, Function<String, JsonNode> f) {
        if (n.isTextual()) {
            return f.apply(n.asText());
        }
        if (n.isObject()) {
            ObjectNode o = F.objectNode();
            n.properties().forEach(e -> o.set(e.getKey(), replace(e.getValue(), f)));
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = F.arrayNode();
            n.forEach(x -> a.add(replace(x, f)));
            return a;
        }
        return n;
    }

    /**
     * The central watcher's own policy (the principal {@code canary detect} and the pool run as): assume the issuer
     * role in member accounts, discover them, consume the detector queues (and move what keeps failing to their
     * dead-letter queues), read the trail's log files.
     *
     * @param trailBucket the organisation trail's bucket
     * @param queueArns   the detector queues' ARNs and their dead-letter queues' ARNs
     */
    public String watcherPolicy(String trailBucket, List<String> queueArns) {
        Objects.requireNonNull(trailBucket, "trailBucket");
        ObjectNode doc = F.objectNode();
        doc.put("Version", "2012-10-17");
        ArrayNode st = doc.putArray("Statement");
        ObjectNode assume = st.addObject().put("Sid", "AssumeTheIssuerRoleInMemberAccounts").put("Effect", "Allow");
        assume.put("Action", "sts:AssumeRole");
        assume.put("Resource", "arn:aws:iam::*:role/" + roleName);
        ObjectNode discover = st.addObject().put("Sid", "DiscoverMemberAccounts").put("Effect", "Allow");
        discover.putArray("Action").add("organizations:ListAccounts").add("organizations:ListAccountsForParent")
                .add("organizations:ListRoots").add("organizations:ListOrganizationalUnitsForParent")
                .add("organizations:ListTagsForResource");
        discover.put("Resource", "*");
        ObjectNode consume = st.addObject().put("Sid", "ConsumeTheDetectorQueues").put("Effect", "Allow");
        consume.putArray("Action").add("sqs:ReceiveMessage").add("sqs:DeleteMessage").add("sqs:ChangeMessageVisibility")
                .add("sqs:GetQueueAttributes").add("sqs:SendMessage");
        ArrayNode queues = consume.putArray("Resource");
        queueArns.forEach(queues::add);
        ObjectNode read = st.addObject().put("Sid", "ReadTheTrailsLogFiles").put("Effect", "Allow");
        read.put("Action", "s3:GetObject");
        read.put("Resource", "arn:aws:s3:::" + trailBucket + "/AWSLogs/*");
        return write(doc);
    }

    // ----------------------------------------------------------------------------------------------- Terraform

    /** The member-account Terraform module: file name → content ({@code main.tf}, {@code variables.tf}). */
    public Map<String, String> terraformMemberModule() {
        StringBuilder tf = new StringBuilder();
        tf.append("# canarykit member account: rendered by canary policy render (do not edit; render again)\n");
        tf.append("# Apply in every member account (a provider per account), or use the StackSet instead.\n\n");
        tf.append("data \"aws_caller_identity\" \"current\" {}\n\n");
        tf.append("locals {\n  account_id = data.aws_caller_identity.current.account_id\n}\n\n");
        CanaryPolicySet b = boundarySet();
        if (b.boundaryPolicy() != null) {
            tf.append("resource \"aws_iam_policy\" \"canary_boundary\" {\n");
            tf.append("  name        = \"").append(b.boundaryPolicyName()).append("\"\n");
            tf.append("  path        = \"").append(b.boundaryPolicyPath()).append("\"\n");
            tf.append("  description = \"deny-all permissions boundary of every canary principal\"\n");
            tf.append("  policy      = ").append(heredoc(b.boundaryPolicy())).append("}\n\n");
        }
        tf.append("resource \"aws_iam_role\" \"issuer\" {\n");
        tf.append("  name                 = var.role_name\n");
        tf.append("  max_session_duration = 43200\n");
        tf.append("  assume_role_policy   = ").append(heredoc(trustPolicy()
                .replace(trustedPrincipalArn, "${var.trusted_principal_arn}"))).append("}\n");
        for (Map.Entry<String, String> e : issuerPolicies().entrySet()) {
            tf.append("\nresource \"aws_iam_role_policy\" \"").append(e.getKey().replace('-', '_')).append("\" {\n");
            tf.append("  name   = \"").append(e.getKey()).append("\"\n");
            tf.append("  role   = aws_iam_role.issuer.id\n");
            tf.append("  policy = ").append(heredoc(e.getValue())).append("}\n");
        }
        if (centralBusArn() != null) {
            tf.append("\nresource \"aws_iam_role\" \"event_forwarding\" {\n");
            tf.append("  name_prefix        = \"canarykit-events-\"\n");
            tf.append("  assume_role_policy = ").append(heredoc(servicePrincipalTrust("events.amazonaws.com")))
                    .append("  inline_policy {\n    name   = \"put-events-on-central-bus\"\n    policy = ")
                    .append(heredoc("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
                            + "\"events:PutEvents\",\"Resource\":\"" + centralBusArn() + "\"}]}")).append("  }\n}\n");
            tf.append("\n# deploy in us-east-1: IAM and STS events arrive there only\n");
            tf.append("resource \"aws_cloudwatch_event_rule\" \"api_calls\" {\n");
            tf.append("  name          = \"canarykit-api-calls-to-central-bus\"\n");
            tf.append("  state         = \"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\" # ENABLED would miss Get/List/Describe\n");
            tf.append("  event_pattern = jsonencode({ \"detail-type\" = [\"AWS API Call via CloudTrail\"] })\n}\n\n");
            tf.append("resource \"aws_cloudwatch_event_target\" \"central_bus\" {\n");
            tf.append("  rule     = aws_cloudwatch_event_rule.api_calls.name\n");
            tf.append("  arn      = \"").append(centralBusArn()).append("\"\n");
            tf.append("  role_arn = aws_iam_role.event_forwarding.arn\n}\n");
        }
        tf.append("\noutput \"issuer_role_arn\" {\n  value = aws_iam_role.issuer.arn\n}\n");
        String vars = "variable \"role_name\" {\n  type    = string\n  default = \"" + roleName + "\"\n}\n\n"
                + "variable \"trusted_principal_arn\" {\n  type        = string\n  description = \"the central principal"
                + " that assumes the issuer role\"\n  default     = \"" + trustedPrincipalArn + "\"\n}\n";
        Map<String, String> out = new LinkedHashMap<>();
        out.put("main.tf", tf.toString());
        out.put("variables.tf", vars);
        return out;
    }

    /** The management-account Terraform module: file name → content. */
    public Map<String, String> terraformManagementModule() {
        StringBuilder tf = new StringBuilder();
        tf.append("# canarykit management account: rendered by canary policy render (do not edit; render again)\n\n");
        String scp = boundarySet().scpDocument();
        if (scp != null) {
            tf.append("resource \"aws_organizations_policy\" \"deny_canaries\" {\n");
            tf.append("  name    = \"canarykit-deny-canaries\"\n  type    = \"SERVICE_CONTROL_POLICY\"\n");
            tf.append("  content = ").append(heredoc(scp)).append("}\n\n");
            tf.append("resource \"aws_organizations_policy_attachment\" \"deny_canaries\" {\n");
            tf.append("  policy_id = aws_organizations_policy.deny_canaries.id\n  target_id = var.scp_target_id\n}\n\n");
        }
        tf.append(terraformQueues("trail", "s3.amazonaws.com", "\"arn:aws:s3:::${var.trail_bucket_name}\""));
        if (organizationId != null) {
            tf.append("\nresource \"aws_cloudwatch_event_bus\" \"central\" {\n  name = \"").append(centralBusName)
                    .append("\"\n}\n\n");
            tf.append("# what PutPermission with an aws:PrincipalOrgID condition does: only the organisation's accounts\n");
            tf.append("resource \"aws_cloudwatch_event_bus_policy\" \"organization\" {\n");
            tf.append("  event_bus_name = aws_cloudwatch_event_bus.central.name\n  policy         = ")
                    .append(heredoc("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AllowOrganizationAccounts\","
                            + "\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"events:PutEvents\",\"Resource\":\""
                            + centralBusArn() + "\",\"Condition\":{\"StringEquals\":{\"aws:PrincipalOrgID\":\""
                            + organizationId + "\"}}}]}")).append("}\n\n");
            tf.append("resource \"aws_cloudwatch_event_rule\" \"central\" {\n");
            tf.append("  event_bus_name = aws_cloudwatch_event_bus.central.name\n");
            tf.append("  name           = \"canarykit-api-calls\"\n");
            tf.append("  state          = \"ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS\"\n");
            tf.append("  event_pattern  = jsonencode({ \"detail-type\" = [\"AWS API Call via CloudTrail\"] })\n}\n\n");
            tf.append("resource \"aws_cloudwatch_event_target\" \"events_queue\" {\n");
            tf.append("  event_bus_name = aws_cloudwatch_event_bus.central.name\n");
            tf.append("  rule           = aws_cloudwatch_event_rule.central.name\n");
            tf.append("  arn            = aws_sqs_queue.events.arn\n}\n\n");
            tf.append(terraformQueues("events", "events.amazonaws.com", "aws_cloudwatch_event_rule.central.arn"));
        }
        String vars = "variable \"trail_bucket_name\" {\n  type = string\n}\n"
                + (scp != null ? "\nvariable \"scp_target_id\" {\n  type        = string\n  description = \"the root (r-...)"
                + " or unit (ou-...) the SCP is attached to\"\n}\n" : "");
        Map<String, String> out = new LinkedHashMap<>();
        out.put("main.tf", tf.toString());
        out.put("variables.tf", vars);
        return out;
    }

    private static String terraformQueues(String name, String service, String sourceArnExpression) {
        return "resource \"aws_sqs_queue\" \"" + name + "_dead_letters\" {\n  name                      = \"canarykit-"
                + name + "-dlq\"\n  message_retention_seconds = 1209600\n}\n\n"
                + "resource \"aws_sqs_queue\" \"" + name + "\" {\n  name                       = \"canarykit-" + name
                + "\"\n  visibility_timeout_seconds = 300\n  message_retention_seconds  = 1209600\n"
                + "  # the detectors' own max-receive-count (5) acts first and reports; this is the backstop\n"
                + "  redrive_policy = jsonencode({ deadLetterTargetArn = aws_sqs_queue." + name
                + "_dead_letters.arn, maxReceiveCount = 10 })\n}\n\n"
                + "resource \"aws_sqs_queue_policy\" \"" + name + "\" {\n  queue_url = aws_sqs_queue." + name + ".id\n"
                + "  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect    = \"Allow\"\n"
                + "      Principal = { Service = \"" + service + "\" }\n      Action    = \"sqs:SendMessage\"\n"
                + "      Resource  = aws_sqs_queue." + name + ".arn\n      Condition = { ArnEquals = { \"aws:SourceArn\" = "
                + sourceArnExpression + " } }\n    }]\n  })\n}\n";
    }

    /** A JSON document as a Terraform heredoc, the placeholder account replaced by the deploying account's. */
    private static String heredoc(String json) {
        String pretty = write(json(json)).replace("${", "$${").replace("%{", "%%{")
                .replace("$${var.trusted_principal_arn}", "${var.trusted_principal_arn}")
                .replace(PLACEHOLDER, "${local.account_id}");
        StringBuilder sb = new StringBuilder("<<-EOT\n");
        for (String line : pretty.split("\n")) {
            sb.append("    ").append(line).append('\n');
        }
        return sb.append("  EOT\n").toString();
    }

    private static JsonNode json(String s) {
        try {
            return JSON.readTree(s);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a rendered policy is not JSON", e);
        }
    }

    private static String write(JsonNode n) {
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return "OrganizationTemplates[" + roleName + ", " + kinds + "]";
    }

    /**
     * Builder for {@link OrganizationTemplates}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String roleName;
        private @Nullable String trustedPrincipalArn;
        private @Nullable String externalId;
        private final Set<CredentialKind> kinds = EnumSet.of(CredentialKind.IAM_USER);
        private String userPath = "/";
        private String canaryRoleName = "ci-deploy";
        private DenyAllPolicyHardener hardener = DenyAllPolicyHardener.builder()
                .scpMode(DenyAllPolicyHardener.ScpMode.TAG).build();
        private @Nullable String organizationId;
        private String centralBusName = "canarykit-central";
        private @Nullable String centralAccountId;

        private Builder() {
        }

        /** The issuer role's name in every member account (required), as {@code role-name} configures it. */
        public Builder roleName(@Nullable String v) {
            if (v == null || !v.matches("[\\w+=,.@-]{1,64}")) {
                throw new CanaryConfigurationException("role name '" + v + "' is not a valid IAM role name");
            }
            roleName = v;
            return this;
        }

        /** The central principal that assumes the role (required): a role ARN or an account's root. */
        public Builder trustedPrincipalArn(@Nullable String v) {
            if (v == null || !ARN.matcher(v).matches()) {
                throw new CanaryConfigurationException("trusted principal '" + v + "' is not an IAM ARN such as"
                        + " arn:aws:iam::111122223333:role/canarykit-central");
            }
            trustedPrincipalArn = v;
            return this;
        }

        /** An external id the role's trust policy requires. */
        public Builder externalId(String v) {
            externalId = Objects.requireNonNull(v, "externalId");
            return this;
        }

        /** The kinds issued in member accounts: {@code IAM_USER} and/or {@code ASSUMED_ROLE} (default IAM_USER). */
        public Builder kinds(Set<CredentialKind> v) {
            if (v.isEmpty() || v.contains(CredentialKind.FEDERATION_TOKEN)) {
                throw new CanaryConfigurationException("member accounts issue iam-user and/or assume-role canaries"
                        + " (federation-token needs an IAM user's key in each account)");
            }
            kinds.clear();
            kinds.addAll(v);
            return this;
        }

        /** The IAM path of canary users (default {@code /}). */
        public Builder userPath(String v) {
            userPath = IamPath.validate(v);
            return this;
        }

        /** The canary role assume-role canaries are sessions of (default {@code ci-deploy}). */
        public Builder canaryRoleName(String v) {
            canaryRoleName = Objects.requireNonNull(v, "canaryRoleName");
            return this;
        }

        /** The hardener (default deny-all with a tag-based SCP statement, which fits every account). */
        public Builder hardener(DenyAllPolicyHardener v) {
            hardener = Objects.requireNonNull(v, "hardener");
            return this;
        }

        /**
         * Adds the EventBridge part: the central bus in {@code centralAccountId} (us-east-1) that the organisation
         * {@code organizationId} may put events on, and the member rules forwarding to it.
         */
        public Builder eventBridge(@Nullable String organizationId, String centralAccountId) {
            if (organizationId == null || !organizationId.matches("o-[a-z0-9]{10,32}")) {
                throw new CanaryConfigurationException("organisation id '" + organizationId + "' must be o- and 10 to 32"
                        + " lower-case letters or digits");
            }
            io.canarykit.Principal.requireAccount(centralAccountId);
            this.organizationId = organizationId;
            this.centralAccountId = centralAccountId;
            return this;
        }

        /**
         * Builds it.
         *
         * @throws CanaryConfigurationException without the role name or the trusted principal
         */
        public OrganizationTemplates build() {
            List<String> missing = new ArrayList<>();
            if (roleName == null) {
                missing.add("the role name");
            }
            if (trustedPrincipalArn == null) {
                missing.add("the trusted principal");
            }
            if (!missing.isEmpty()) {
                throw new CanaryConfigurationException("organisation templates need " + String.join(" and ", missing));
            }
            return new OrganizationTemplates(this);
        }
    }
}
