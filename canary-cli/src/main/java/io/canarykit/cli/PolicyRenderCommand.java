package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.policy.OrganizationTemplates;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code canary policy render}: the organisation's infrastructure as code, from the same renderer as
 * {@code canary policy show}.
 *
 * <pre>
 * canary policy render --format stackset|management|terraform|terraform-management --role-name NAME
 *                      --trusted-principal ARN [--kind iam-user,assume-role] [--path /svc/] [--external-id ID]
 *                      [--organization-id o-… --central-account ID] [--out DIR]
 * </pre>
 * CloudFormation formats print one JSON template; Terraform formats print each file after a {@code # file: NAME}
 * line, or write the files into {@code --out}. Exit 0; 2 for usage errors.
 */
@Command(name = "render", mixinStandardHelpOptions = true,
        description = {"Render the organisation's infrastructure as code: the issuer role and canary boundary for every"
                + " member account (CloudFormation StackSet or Terraform module), and the SCP, central event bus and"
                + " detector queues for the management account."},
        footer = {"", "Examples:",
                "  canary policy render --format stackset --role-name canarykit-org"
                        + " --trusted-principal arn:aws:iam::111122223333:role/canarykit-central",
                "  canary policy render --format terraform --role-name canarykit-org"
                        + " --trusted-principal arn:aws:iam::111122223333:role/canarykit-central --out ./canarykit-member"})
final class PolicyRenderCommand implements Callable<Integer> {
    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "stackset, management, terraform or terraform-management.")
    String format;

    @Option(names = "--role-name", required = true, paramLabel = "NAME",
            description = "The issuer role in every member account (canary.pool.organization.role-name).")
    String roleName;

    @Option(names = "--trusted-principal", required = true, paramLabel = "ARN",
            description = "The central principal that assumes the role.")
    String trustedPrincipal;

    @Option(names = "--kind", split = ",", paramLabel = "KIND", defaultValue = "iam-user",
            description = "Kinds issued in member accounts: iam-user, assume-role (default: ${DEFAULT-VALUE}).")
    List<String> kinds;

    @Option(names = "--path", paramLabel = "PATH", defaultValue = "/",
            description = "The IAM path of canary users (default: ${DEFAULT-VALUE}).")
    String path;

    @Option(names = "--canary-role", paramLabel = "NAME", defaultValue = "ci-deploy",
            description = "The canary role of assume-role canaries (default: ${DEFAULT-VALUE}).")
    String canaryRole;

    @Option(names = "--external-id", paramLabel = "ID", description = "An external id the role's trust requires.")
    @Nullable String externalId;

    @Option(names = "--organization-id", paramLabel = "o-...",
            description = "Adds the central event bus (open to this organisation) and the member rules forwarding to it.")
    @Nullable String organizationId;

    @Option(names = "--central-account", paramLabel = "ACCOUNT_ID",
            description = "The account of the central event bus (with --organization-id).")
    @Nullable String centralAccount;

    @Option(names = "--out", paramLabel = "DIR", description = "Write Terraform files into this directory.")
    @Nullable Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        OrganizationTemplates t;
        try {
            Set<CredentialKind> k = EnumSet.noneOf(CredentialKind.class);
            for (String name : kinds) {
                k.add(CredentialKind.fromConfigName(name.trim()));
            }
            OrganizationTemplates.Builder b = OrganizationTemplates.builder().roleName(roleName)
                    .trustedPrincipalArn(trustedPrincipal).kinds(k).userPath(path).canaryRoleName(canaryRole);
            if (externalId != null) {
                b.externalId(externalId);
            }
            if (organizationId != null || centralAccount != null) {
                if (centralAccount == null) {
                    throw new CliErrors.UsageException("--organization-id needs --central-account ACCOUNT_ID: the"
                            + " account of the central event bus the member rules forward to");
                }
                if (organizationId == null) {
                    throw new CliErrors.UsageException("--central-account needs --organization-id o-...: the"
                            + " organisation whose accounts may put events on the central bus");
                }
                b.eventBridge(organizationId, centralAccount);
            }
            t = b.build();
        } catch (CanaryConfigurationException e) {
            throw new CliErrors.UsageException(CliErrors.message(e));
        }
        PrintWriter w = spec.commandLine().getOut();
        switch (format) {
            case "stackset" -> w.println(t.stackSetTemplate());
            case "management" -> w.println(t.managementTemplate());
            case "terraform" -> files(w, t.terraformMemberModule());
            case "terraform-management" -> files(w, t.terraformManagementModule());
            default -> throw new CliErrors.UsageException("--format must be stackset, management, terraform or"
                    + " terraform-management, not '" + format + "'");
        }
        w.flush();
        return 0;
    }

    private void files(PrintWriter w, Map<String, String> files) {
        Path out = this.out;
        if (out == null) {
            files.forEach((name, content) -> {
                w.println("# file: " + name);
                w.print(content);
                w.println();
            });
            return;
        }
        try {
            Files.createDirectories(out);
            for (Map.Entry<String, String> f : files.entrySet()) {
                Files.writeString(out.resolve(f.getKey()), f.getValue());
                w.println("wrote " + out.resolve(f.getKey()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write into " + out + ": " + e.getMessage(), e);
        }
    }
}
