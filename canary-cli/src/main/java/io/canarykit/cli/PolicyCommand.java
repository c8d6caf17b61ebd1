package io.canarykit.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.policy.AccessRequest;
import io.canarykit.policy.CanaryPolicySet;
import io.canarykit.policy.Decision;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.DenyAllReport;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.policy.IssuerPolicies;
import io.canarykit.policy.NamedPolicy;
import io.canarykit.policy.Policies;
import io.canarykit.policy.PolicySimulator;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import io.canarykit.naming.IamPath;
import java.nio.charset.CharacterCodingException;

/**
 * {@code canary policy}: show hardened policy sets and simulate IAM policy evaluation.
 *
 * <pre>
 * canary policy show --kind iam-user|assume-role|federation-token [--json]
 * canary policy render --format stackset|management|terraform|terraform-management --role-name NAME
 *                      --trusted-principal ARN [...]         (see PolicyRenderCommand)
 * canary policy simulate --policy FILE [--boundary FILE] [--session FILE] [--scp FILE]... [--resource-policy FILE]...
 *                        --action ACTION --resource ARN [--principal-arn ARN] [--context KEY=VALUE]... [--json]
 * </pre>
 * {@code simulate --json} prints exactly
 * {@code {"decision":"ALLOW"|"DENY","implicit":true|false,"reason":"…","decidingPolicy":…,"decidingStatement":…}}.
 * Exit code 0 whatever the decision; 1 when a file cannot be read or is not a valid policy; 2 for usage errors.
 */
@Command(name = "policy", mixinStandardHelpOptions = true,
        description = "Show hardened policy sets, render them for an organisation and simulate IAM policy evaluation.",
        subcommands = {PolicyCommand.Show.class, PolicyCommand.Simulate.class, PolicyRenderCommand.class})
final class PolicyCommand implements Runnable {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String EXAMPLE_ACCOUNT = "111122223333";

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code canary policy show}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = {"Print the hardened policy set of a credential kind, and the least-privilege policy the"
                    + " issuer itself needs.",
                    "Every document is real IAM JSON; the set is checked by the offline simulator to deny every action"
                            + " but sts:GetCallerIdentity."},
            footer = {"", "Examples:", "  canary policy show --kind iam-user",
                    "  canary policy show --kind assume-role --account 123456789012 --json"})
    static final class Show implements Callable<Integer> {
        @Option(names = "--kind", required = true, paramLabel = "KIND",
                description = "iam-user, assume-role or federation-token.")
        String kind;

        @Option(names = "--json", description = "Print one JSON object.")
        boolean json;

        @Option(names = "--account", paramLabel = "ACCOUNT_ID", defaultValue = EXAMPLE_ACCOUNT,
                description = "The issuing account (default: ${DEFAULT-VALUE}).")
        String account;

        @Option(names = "--principal-name", paramLabel = "NAME", defaultValue = "ci-deploy-7f3k",
                description = "The canary principal's name, for the SCP statement (default: ${DEFAULT-VALUE}).")
        String principalName;

        @Option(names = "--path", paramLabel = "PATH", defaultValue = "/",
                description = "The IAM path of canary users (default: ${DEFAULT-VALUE}).")
        String path;

        @Option(names = "--role-arn", paramLabel = "ARN",
                description = "The canary role (assume-role; default: arn:aws:iam::ACCOUNT:role/ci-deploy).")
        @Nullable String roleArn;

        @Option(names = "--issuer-arn", paramLabel = "ARN",
                description = "The issuer trusted by the canary role (default: "
                        + "arn:aws:iam::ACCOUNT:role/platform-iam-automation).")
        @Nullable String issuerArn;

        @Option(names = "--boundary-arn", paramLabel = "ARN",
                description = "An existing deny-all boundary to attach instead of creating one.")
        @Nullable String boundaryArn;

        @Option(names = "--scp", paramLabel = "MODE", defaultValue = "arn",
                description = "How the SCP statement picks canaries: arn, tag or none (default: ${DEFAULT-VALUE}).")
        String scp;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            CredentialKind k;
            try {
                k = CredentialKind.fromConfigName(kind);
            } catch (CanaryConfigurationException e) {
                throw new CliErrors.UsageException("--kind: " + e.getMessage());
            }
            String role = roleArn != null ? roleArn : "arn:aws:iam::" + account + ":role/ci-deploy";
            String issuer = issuerArn != null ? issuerArn : "arn:aws:iam::" + account + ":role/platform-iam-automation";
            HardeningRequest request = switch (k) {
                case IAM_USER -> HardeningRequest.iamUser(account, principalName, IamPath.validate(path));
                case ASSUMED_ROLE -> HardeningRequest.assumedRole(account, principalName, role, issuer);
                case FEDERATION_TOKEN -> HardeningRequest.federationToken(account, principalName, issuer);
            };
            DenyAllPolicyHardener.Builder hb = DenyAllPolicyHardener.builder();
            if (boundaryArn != null) {
                hb.boundaryArn(boundaryArn);
            }
            switch (scp.toLowerCase(Locale.ROOT)) {
                case "arn" -> hb.scpMode(DenyAllPolicyHardener.ScpMode.ARN);
                case "tag" -> hb.scpMode(DenyAllPolicyHardener.ScpMode.TAG);
                case "none" -> hb.scpMode(DenyAllPolicyHardener.ScpMode.NONE);
                default -> throw new CliErrors.UsageException("--scp must be arn, tag or none, not '" + scp + "'");
            }
            CanaryPolicySet set = hb.build().harden(request);
            IssuerPolicies.Builder ib = IssuerPolicies.builder().accountId(account).userPath(path).matching(set);
            if (k == CredentialKind.ASSUMED_ROLE) {
                ib.roleArn(role);
            }
            String issuerPolicy = ib.build().forKind(k).toJson();
            List<NamedPolicy> issuerIdentity = k == CredentialKind.FEDERATION_TOKEN
                    ? List.of(NamedPolicy.parse("issuer", issuerPolicy)) : List.of();
            String principal = request.principalArn();
            DenyAllReport report = PolicySimulator.create().checkDeniesEverything(
                    set.toPolicies(issuerIdentity).withResourcePolicies(List.of(NamedPolicy.parse("star-grant",
                            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\","
                                    + "\"Action\":\"*\",\"Resource\":\"*\"}]}"))), principal);
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                out.println(json(set, issuerPolicy, principal, report));
            } else {
                text(out, set, issuerPolicy, principal, report);
            }
            out.flush();
            return 0;
        }

        private static String json(CanaryPolicySet set, String issuerPolicy, String principal, DenyAllReport report) {
            ObjectNode n = JSON.createObjectNode();
            n.put("kind", set.kind().configName());
            n.put("principalArn", principal);
            n.put("inlinePolicyName", set.inlinePolicyName());
            n.set("inlinePolicy", tree(set.inlinePolicy()));
            n.put("boundaryArn", set.boundaryArn());
            n.set("boundaryPolicy", tree(set.boundaryPolicy()));
            n.set("sessionPolicy", tree(set.sessionPolicy()));
            n.set("trustPolicy", tree(set.trustPolicy()));
            n.set("scpStatement", tree(set.scpStatement()));
            n.set("principalTags", JSON.valueToTree(set.principalTags()));
            n.set("issuerPolicy", tree(issuerPolicy));
            n.put("deniesEverything", report.deniesEverything());
            n.put("requestsChecked", report.requestsChecked());
            return n.toString();
        }

        private static void text(PrintWriter out, CanaryPolicySet set, String issuerPolicy, String principal,
                                 DenyAllReport report) {
            out.println("Hardened policy set for " + set.kind().configName() + " canaries (principal " + principal + ")");
            section(out, "Inline policy \"" + set.inlinePolicyName() + "\"", set.inlinePolicy());
            if (set.boundaryArn() != null) {
                section(out, "Permissions boundary " + set.boundaryArn() + (set.boundaryPolicy() == null
                        ? " (existing)" : " (to create)"), set.boundaryPolicy());
            }
            section(out, "Session policy (passed on every " + (set.kind() == CredentialKind.ASSUMED_ROLE
                    ? "AssumeRole" : "GetFederationToken") + ")", set.sessionPolicy());
            section(out, "Trust policy of the canary role (only the issuer may assume it)", set.trustPolicy());
            section(out, "SCP statement (for organisations that use SCPs)", set.scpStatement());
            if (!set.principalTags().isEmpty()) {
                out.println();
                out.println("Principal tags: " + set.principalTags());
            }
            section(out, "Least-privilege policy for the issuer itself", issuerPolicy);
            out.println();
            out.println(report.deniesEverything()
                    ? "Simulated: every action but sts:GetCallerIdentity is denied (" + report.requestsChecked()
                    + " requests, next to a resource policy granting * to everyone)"
                    : "WARNING: " + report.describe());
        }

        private static void section(PrintWriter out, String title, @Nullable String json) {
            if (json == null) {
                return;
            }
            out.println();
            out.println(title + ":");
            out.println(pretty(json));
        }
    }

    /** {@code canary policy simulate}. */
    @Command(name = "simulate", mixinStandardHelpOptions = true,
            description = {"Evaluate one request against IAM policies offline, with AWS's evaluation logic, and say which"
                    + " statement of which policy decided.",
                    "SCPs given with --scp are alternatives at one level of the organisation: include FullAWSAccess, as"
                            + " AWS attaches it by default, or a deny-list SCP allows nothing.",
                    "Exit code 0 whatever the decision."},
            footer = {"", "Examples:",
                    "  canary policy simulate --policy user.json --resource-policy bucket.json \\",
                    "      --action s3:GetObject --resource arn:aws:s3:::reports/q1.csv --json",
                    "  canary policy simulate --policy role.json --session session.json --action iam:CreateUser \\",
                    "      --resource '*' --principal-arn arn:aws:sts::111122223333:assumed-role/app/s1 \\",
                    "      --context aws:SourceIp=203.0.113.7"})
    static final class Simulate implements Callable<Integer> {
        @Option(names = "--policy", paramLabel = "FILE", required = true,
                description = "An identity-based policy of the principal (repeatable). For a federated user: the policy"
                        + " of the IAM user that called GetFederationToken.")
        List<Path> policies = new ArrayList<>();

        @Option(names = "--boundary", paramLabel = "FILE", description = "The permissions boundary.")
        @Nullable Path boundary;

        @Option(names = "--session", paramLabel = "FILE", description = "A session policy (repeatable).")
        List<Path> sessions = new ArrayList<>();

        @Option(names = "--scp", paramLabel = "FILE", description = "A service control policy (repeatable).")
        List<Path> scps = new ArrayList<>();

        @Option(names = "--resource-policy", paramLabel = "FILE",
                description = "A resource-based policy of the target resource (repeatable).")
        List<Path> resourcePolicies = new ArrayList<>();

        @Option(names = "--action", paramLabel = "ACTION", required = true, description = "Such as s3:GetObject.")
        String action;

        @Option(names = "--resource", paramLabel = "ARN", required = true,
                description = "The resource ARN, or * for actions without resource-level permissions.")
        String resource;

        @Option(names = "--principal-arn", paramLabel = "ARN", defaultValue = "arn:aws:iam::" + EXAMPLE_ACCOUNT
                + ":user/ci-deploy", description = "The caller as GetCallerIdentity shows it (default: ${DEFAULT-VALUE}).")
        String principalArn;

        @Option(names = "--resource-account", paramLabel = "ACCOUNT_ID",
                description = "The account owning the resource, when its ARN has none and it is not the caller's.")
        @Nullable String resourceAccount;

        @Option(names = "--context", paramLabel = "KEY=VALUE",
                description = "A request context key (repeatable; repeat a key for a multi-valued key), such as"
                        + " aws:SourceIp=203.0.113.7.")
        List<String> context = new ArrayList<>();

        @Option(names = "--json", description = "Print the decision as one JSON object.")
        boolean json;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Map<String, List<String>> ctx = new LinkedHashMap<>();
            for (String kv : context) {
                int eq = kv.indexOf('=');
                if (eq <= 0) {
                    throw new CliErrors.UsageException("--context '" + kv + "' is not KEY=VALUE, such as "
                            + "aws:SourceIp=203.0.113.7");
                }
                ctx.computeIfAbsent(kv.substring(0, eq).trim(), k -> new ArrayList<>()).add(kv.substring(eq + 1));
            }
            if (!action.equals("*") && action.indexOf(':') <= 0) {
                throw new CliErrors.UsageException("--action '" + action + "' is not service:Action, such as "
                        + "s3:GetObject");
            }
            Policies.Builder b = Policies.builder();
            policies.forEach(p -> b.identityPolicy(read(p)));
            if (boundary != null) {
                b.boundary(read(boundary));
            }
            sessions.forEach(p -> b.sessionPolicy(read(p)));
            scps.forEach(p -> b.serviceControlPolicy(read(p)));
            resourcePolicies.forEach(p -> b.resourcePolicy(read(p)));
            AccessRequest.Builder r = AccessRequest.builder().principalArn(principalArn).action(action).resource(resource)
                    .resourceAccount(resourceAccount);
            ctx.forEach(r::context);
            Decision d = PolicySimulator.create().evaluate(b.build(), r.build());
            PrintWriter out = spec.commandLine().getOut();
            out.println(json ? d.toJson() : d.explain());
            out.flush();
            return 0;
        }

        private static NamedPolicy read(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CanaryConfigurationException("policy file " + file + " does not exist");
            } catch (CharacterCodingException e) {
                throw new CanaryConfigurationException("policy file " + file + " is not UTF-8 text (it looks binary):"
                        + " an IAM policy is a JSON document such as {\"Version\":\"2012-10-17\",\"Statement\":[...]}",
                        e);
            } catch (IOException e) {
                throw new CanaryConfigurationException("cannot read policy file " + file + ": " + e.getMessage(), e);
            }
            return NamedPolicy.parse(file.toString(), text);
        }
    }

    static JsonNode tree(@Nullable String json) {
        if (json == null) {
            return com.fasterxml.jackson.databind.node.NullNode.getInstance();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }

    static String pretty(String json) {
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(JSON.readTree(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("not JSON: " + json, e);
        }
    }
}
