package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.fingerprint.Finding;
import io.canarykit.fingerprint.FingerprintCheck;
import io.canarykit.fingerprint.FingerprintContext;
import io.canarykit.internal.FingerprintJson;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.fingerprint.FingerprintTarget;
import io.canarykit.fingerprint.KeyId;
import io.canarykit.fingerprint.KnownCanaryAccounts;
import org.jspecify.annotations.Nullable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;

/**
 * {@code canary fingerprint}: decode key ids and find what gives a canary away.
 *
 * <pre>
 * canary fingerprint [--json] [--org-accounts FILE] KEY_ID...
 * canary fingerprint [--json] [--org-accounts FILE] --credentials-file PATH
 * </pre>
 * With {@code --json}, one JSON object per key per line (see {@link FingerprintJson}); profiles of a credentials file
 * add a {@code profile} field. Exit code 0 even when findings exist; 2 for usage errors only.
 */
@Command(name = "fingerprint", mixinStandardHelpOptions = true,
        description = {"Decode key ids and find what gives a canary away.",
                "Reports the account each key encodes (strictly, and as lenient attacker tools decode it), whether it"
                        + " is a published canary-vendor account, and every tell-tale sign, with a verdict:"
                        + " clean, suspicious or fingerprinted. Exit code 0 even when findings exist."},
        footer = {"", "Examples:",
                "  canary fingerprint AKIASP2TPHJSQH3FJRUX",
                "  canary fingerprint --json --org-accounts accounts.txt ASIAY34FZKBOKMUTVV7A",
                "  canary fingerprint --credentials-file ~/.aws/credentials"})
final class FingerprintCommand implements Callable<Integer> {

    @Parameters(paramLabel = "KEY_ID", arity = "0..*",
            description = "Access key ids (AKIA…, ASIA…) or unique ids (AIDA…, AROA…) to check.")
    List<String> keyIds = new ArrayList<>();

    @Option(names = "--json", description = "Print one JSON object per key per line.")
    boolean json;

    @Option(names = "--org-accounts", paramLabel = "FILE",
            description = "File of the organisation's own 12-digit account ids, one per line (# comments);"
                    + " keys from other accounts are reported.")
    @Nullable Path orgAccounts;

    @Option(names = "--credentials-file", paramLabel = "PATH",
            description = "Check every profile of an AWS shared credentials file; the profiles are each other's"
                    + " neighbours. Secrets are never printed.")
    @Nullable Path credentialsFile;

    @Option(names = "--known-accounts", paramLabel = "FILE",
            description = "Extra known canary accounts (one per line, optionally followed by a label), added to the"
                    + " bundled published lists. Repeatable.")
    List<Path> knownAccounts = new ArrayList<>();

    @Option(names = "--neighbour", paramLabel = "KEY_ID_OR_ARN",
            description = "A key id or principal ARN found near the keys being checked. Repeatable.")
    List<String> neighbours = new ArrayList<>();

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        Path org = orgAccounts;
        Path credentials = credentialsFile;
        if (keyIds.isEmpty() && credentials == null) {
            throw new CliErrors.UsageException("give one or more key ids, or --credentials-file PATH"
                    + " (try 'canary fingerprint --help')");
        }
        FingerprintCheck check = FingerprintCheck.builder().knownAccounts(knownAccounts()).build();
        Set<String> organisation = org == null ? Set.of() : readOrgAccounts(org);
        List<FingerprintCredentialsFile.Profile> profiles = credentials == null ? List.of()
                : FingerprintCredentialsFile.read(expand(credentials));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        for (String keyId : keyIds) {
            FingerprintContext ctx = context(organisation, List.of());
            print(out, null, check.check(FingerprintTarget.ofKeyId(keyId.strip()), ctx));
        }
        for (FingerprintCredentialsFile.Profile p : profiles) {
            String keyId = p.accessKeyId();
            if (keyId == null) {
                err.println("canary fingerprint: profile '" + p.name() + "' has no aws_access_key_id; skipped");
                continue;
            }
            List<String> others = new ArrayList<>();
            for (FingerprintCredentialsFile.Profile q : profiles) {
                String other = q.accessKeyId();
                if (q != p && other != null) {
                    others.add(other);
                }
            }
            FingerprintTarget target = FingerprintTarget.ofKeyId(keyId).withShortTerm(p.hasSessionToken());
            print(out, p.name(), check.check(target, context(organisation, others)));
        }
        out.flush();
        err.flush();
        return 0;
    }

    private FingerprintContext context(Set<String> org, List<String> neighbourKeys) {
        FingerprintContext.Builder b = FingerprintContext.builder().organisationAccounts(org)
                .neighbourKeyIds(neighbourKeys);
        for (String n : neighbours) {
            if (n.startsWith("arn:")) {
                b.neighbourArn(n);
            } else {
                b.neighbourKeyId(n.strip());
            }
        }
        return b.build();
    }

    private KnownCanaryAccounts knownAccounts() {
        KnownCanaryAccounts.Builder b = KnownCanaryAccounts.builder().addBundled();
        for (Path f : knownAccounts) {
            try {
                b.addFile(expand(f));
            } catch (CanaryConfigurationException e) {
                throw new CliErrors.UsageException("--known-accounts: " + e.getMessage());
            }
        }
        return b.build();
    }

    private static Set<String> readOrgAccounts(Path file) {
        try {
            return FingerprintContext.readAccounts(expand(file));
        } catch (CanaryConfigurationException e) {
            throw new CliErrors.UsageException("--org-accounts: " + e.getMessage());
        }
    }

    private void print(PrintWriter out, @Nullable String profile, FingerprintReport report) {
        if (json) {
            var node = FingerprintJson.toNode(report);
            if (profile != null) {
                node.put("profile", profile);
            }
            out.println(FingerprintJson.write(node));
            return;
        }
        KeyId k = report.keyId();
        StringBuilder head = new StringBuilder();
        if (profile != null) {
            head.append('[').append(profile).append("] ");
        }
        head.append(k.display()).append("  ").append(k.type().jsonName()).append("  ").append(k.format().jsonName())
                .append("  account ").append(k.accountId() == null ? "unknown" : k.accountId());
        if (k.lenientAccountId() != null && !k.lenientAccountId().equals(k.accountId())) {
            head.append(" (attacker tools decode ").append(k.lenientAccountId()).append(')');
        }
        head.append("  ").append(report.verdict().jsonName().toUpperCase(Locale.ROOT));
        out.println(head);
        for (Finding f : report.findings()) {
            out.println(String.format(Locale.ROOT, "  %-6s %-32s %s", f.severity().jsonName(), f.code().code(),
                    f.message()));
        }
    }

    private static Path expand(Path p) {
        String s = p.toString();
        if (s.equals("~") || s.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + s.substring(1));
        }
        return p;
    }
}
