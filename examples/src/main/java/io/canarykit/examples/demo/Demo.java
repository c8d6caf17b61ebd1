package io.canarykit.examples.demo;

import io.canarykit.Alert;
import io.canarykit.Asset;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.IssueOutcome;
import io.canarykit.LifecycleReport;
import io.canarykit.PlacementSpec;
import io.canarykit.alert.AlertSink;
import io.canarykit.aws.issue.AssumeRoleIssuer;
import io.canarykit.aws.issue.CanaryRoleSetup;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.detect.Detector;
import io.canarykit.fingerprint.Finding;
import io.canarykit.fingerprint.FingerprintReport;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementFiles;
import io.canarykit.placement.endpoint.ImdsPlacement;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.placement.file.EnvFilePlacement;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.policy.HardeningRequest;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The end-to-end demo: the whole lifecycle on the embedded default (the AWS emulator in process, an H2 file store,
 * real files), or against a real AWS account with {@code --aws}.
 *
 * <ol>
 *   <li>issue canaries for a laptop ({@code ~/.aws/credentials} in a temporary home), a CI job (a GitHub Actions
 *       environment file) and a container host (an IMDS endpoint), and show their fingerprint reports;</li>
 *   <li>an "attacker" reads the laptop's credentials file with the real AWS SDK and uses the canary:
 *       {@code GetCallerIdentity}, a denied S3 call, an SQS call CloudTrail never logs;</li>
 *   <li>detection reads LookupEvents, the S3 trail logs and the credential report, and prints the alert with the asset,
 *       placement and detection window;</li>
 *   <li>the triggered canary is revoked and replaced in the same profile;</li>
 *   <li>a reconcile reports a clean state.</li>
 * </ol>
 *
 * @since 0.1.0
 */
public final class Demo {
    private final PrintWriter out;
    private final Path dir;
    private final DemoEnvironment env;
    private final List<Alert> alerts = new ArrayList<>();

    private Demo(PrintWriter out, Path dir, DemoEnvironment env) {
        this.out = out;
        this.dir = dir;
        this.env = env;
    }

    /**
     * Runs the demo in the emulator.
     *
     * @param dir where the demo keeps its store, the laptop's home and the CI files (created if missing)
     * @return 0 when every step did what it should
     */
    public static int runEmulated(Path dir, PrintWriter out) {
        return emulated(dir, out).ok() ? 0 : 1;
    }

    /** Runs the demo in the emulator and returns what happened (the integration test checks it). */
    public static DemoResult emulated(Path dir, PrintWriter out) {
        try (DemoEnvironment env = DemoEnvironment.emulated()) {
            return new Demo(out, dir, env).run();
        }
    }

    /**
     * Runs the demo against the AWS account of the default credential chain (see the README for the permissions).
     * Everything it creates is revoked at the end.
     */
    public static int runAws(Path dir, PrintWriter out, Duration detectionWait) {
        try (DemoEnvironment env = DemoEnvironment.aws(detectionWait)) {
            return new Demo(out, dir, env).run().ok() ? 0 : 1;
        }
    }

    DemoResult run() {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the demo directory " + dir, e);
        }
        Path laptopHome = dir.resolve("laptop-home");
        Path ciEnv = dir.resolve("ci/github_env");
        title("canarykit demo — " + env.description());
        say("working directory: " + dir);

        CanaryStore store = JdbcCanaryStore.open("jdbc:h2:file:" + dir.resolve("store/canarykit").toAbsolutePath(), "sa", null);
        Clock clock = env.clock();
        PlacementEnvironment placementEnv = PlacementEnvironment.of(Map.of("HOME", laptopHome.toString()), Map.of());
        IamClient iam = env.iam();
        StsClient sts = env.sts();
        String account = env.accountId();

        IamUserIssuer userIssuer = IamUserIssuer.builder().iam(iam).sts(sts).accountId(account)
                .waitForKey(env.keyWait()).waitInterval(Duration.ofMillis(200)).clock(clock).build();
        DenyAllPolicyHardener hardener = DenyAllPolicyHardener.create();
        String roleName = "build-cache-reader";
        String roleArn = "arn:aws:iam::" + account + ":role/" + roleName;
        CanaryRoleSetup.Result role = CanaryRoleSetup.builder().iam(iam).accountId(account).roleName(roleName)
                .policies(hardener.harden(HardeningRequest.assumedRole(account, "setup", roleArn, env.issuerArn())))
                .maxSessionDuration(Duration.ofHours(1)).fix(true).build().ensure();
        if (!role.ok()) {
            throw new io.canarykit.CanaryException("the canary role is not as it should be: " + role.problems());
        }
        AssumeRoleIssuer roleIssuer = AssumeRoleIssuer.builder().iam(iam).sts(sts)
                .roleArn(role.roleArn()).issuerArn(env.issuerArn()).clock(clock).build();

        List<Detector> detectors = env.detectors(store);
        AlertSink console = alert -> {
            alerts.add(alert);
            printAlert(alert);
        };
        try (ImdsPlacement imds = ImdsPlacement.builder().clock(clock).build();
             CanaryService service = CanaryService.builder()
                     .store(store)
                     .issuance(AtomicIssuance.builder().store(store).issuers(userIssuer, roleIssuer).clock(clock).build())
                     .namer(PlausibleNamer.create())
                     .hardener(hardener)
                     .placement(AwsCredentialsFilePlacement.builder().environment(placementEnv).clock(clock).build())
                     .placement(EnvFilePlacement.builder().environment(placementEnv).clock(clock).build())
                     .placement(imds)
                     .detection(DetectionEngine.builder().store(store).detectors(detectors)
                             .alertSinks(List.of(console)).followUpWindow(Duration.ofMinutes(15)).clock(clock).build())
                     .clock(clock)
                     .sessionDuration(Duration.ofHours(1))
                     .closeWithService(store)
                     .build()) {

            // ---------------------------------------------------------------- 1. issue and plant
            step(1, "Issue and plant three canaries");
            IssueOutcome laptop = service.issue(
                    Asset.of("laptop", "LT-0042").withLabel("owner", "zoe@example.com").withLabel("hostname", "mbp-zoe"),
                    PlacementSpec.of("aws-credentials-file", Map.of("profile", "billing-admin", "region", "eu-west-1")));
            describe("laptop LT-0042", laptop, "profile [billing-admin] in " + laptopHome.resolve(".aws/credentials"));
            say("  beside it in ~/.aws: " + listing(laptopHome.resolve(".aws")) + " (no lock file, marker or backup: the "
                    + "lock is in " + PlacementFiles.builder().environment(placementEnv).build().lockDirectory() + ")");
            IssueOutcome ci = service.issue(
                    Asset.of("ci-build", "payments-deploy").withLabel("repo", "acme/payments").withLabel("team", "platform"),
                    PlacementSpec.of("env", Map.of("path", ciEnv.toString(), "format", "github-env", "prefix", "LEGACY_")));
            describe("CI job payments-deploy", ci, "LEGACY_AWS_* variables in " + ciEnv);
            IssueOutcome host = service.issue(Asset.of("container-host", "docker-host-7").withLabel("cluster", "edge"),
                    PlacementSpec.of("imds", Map.of("role", "edge-node")), CredentialKind.ASSUMED_ROLE);
            describe("container host docker-host-7", host, "instance role edge-node at " + imds.endpoint());

            // ---------------------------------------------------------------- 2. the attacker
            env.elapse(Duration.ofHours(3));
            step(2, "Three hours later an attacker finds the laptop's ~/.aws/credentials and tries the billing-admin profile");
            AwsCredentialsProvider stolen = ProfileCredentialsProvider.builder()
                    .profileFile(ProfileFile.builder().content(laptopHome.resolve(".aws/credentials"))
                            .type(ProfileFile.Type.CREDENTIALS).build())
                    .profileName("billing-admin").build();
            say("the SDK resolved access key " + stolen.resolveCredentials().accessKeyId() + " from the file");
            attack(stolen);

            // ---------------------------------------------------------------- 3. detection
            step(3, "Detection: LookupEvents, the S3 trail logs and the credential report (the safety net)");
            env.elapse(Duration.ofMinutes(25));
            env.beforeDetection(out);
            LifecycleReport.Detect first = service.detect();
            summarize(first);
            CanaryRecord old = store.find(laptop.record().id()).orElseThrow();
            say("sightings of the laptop canary, as stored:");
            for (io.canarykit.Sighting s : store.sightings(old.id())) {
                say("  " + s.time() + "  " + s.kind() + "  " + (s.call() == null ? "(a call CloudTrail never logged)"
                        : s.service() + " " + s.call()) + (s.errorCode() == null ? "" : " -> " + s.errorCode())
                        + "  [" + s.source() + "]");
            }

            // ---------------------------------------------------------------- 4. response
            step(4, "Response: the triggered canary was revoked and replaced in the same profile");
            CanaryRecord successor = old.replacedBy() == null ? null : store.find(old.replacedBy()).orElse(null);
            say("canary " + old.id() + " is now " + old.status() + (successor == null ? ""
                    : "; its successor " + successor.id() + " (key " + successor.accessKeyId() + ") sits in [billing-admin]"));
            if (successor != null) {
                String inFile = ProfileCredentialsProvider.builder().profileFile(ProfileFile.builder()
                                .content(laptopHome.resolve(".aws/credentials")).type(ProfileFile.Type.CREDENTIALS).build())
                        .profileName("billing-admin").build().resolveCredentials().accessKeyId();
                say("the SDK now reads key " + inFile + " from the laptop's profile");
            }

            // ---------------------------------------------------------------- 5. follow-up
            step(5, "Fifteen minutes later: later sightings arrive as one follow-up alert (never dropped, never muted)");
            env.elapse(Duration.ofMinutes(15));
            LifecycleReport.Detect second = service.detect();
            summarize(second);

            // ---------------------------------------------------------------- 6. reconcile
            step(6, "Reconcile AWS, the placements and the store");
            LifecycleReport.Reconcile reconcile = service.reconcile(false);
            reconcile.orphans().forEach(p -> say("orphan: " + p.principal().arn()));
            reconcile.missingPrincipals().forEach(r -> say("principal gone: " + r.id()));
            reconcile.missingPlacements().forEach(r -> say("placement lost: " + r.id()));
            reconcile.failures().forEach(f -> say("problem: " + f));
            say(reconcile.clean() ? "clean: AWS, the placements and the store agree" : "NOT clean");

            env.afterDemo(service, out);

            boolean ok = alerts.size() >= 2 && alerts.get(0).type() == io.canarykit.AlertType.INITIAL
                    && alerts.get(alerts.size() - 1).type() == io.canarykit.AlertType.FOLLOW_UP
                    && old.status() == CanaryStatus.REVOKED && successor != null
                    && successor.status() == CanaryStatus.ACTIVE && reconcile.clean();
            title(ok ? "demo finished: one canary tripped, alerted, revoked and replaced; state clean"
                    : "demo finished with unexpected results (see above)");
            out.flush();
            return new DemoResult(ok, List.copyOf(alerts), old, successor, store.sightings(old.id()), reconcile,
                    List.of(laptop.record(), ci.record(), host.record()),
                    List.of(laptop.fingerprint(), ci.fingerprint(), host.fingerprint()));
        }
    }

    private static List<String> listing(Path directory) {
        try (Stream<Path> s = Files.list(directory)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void summarize(LifecycleReport.Detect d) {
        say("read " + d.detection().seen() + " sighting(s) from " + d.detection().detectors().size() + " detector(s): "
                + d.detection().stored() + " new, " + d.detection().duplicates() + " seen before (the same event through "
                + "another channel), " + d.detection().selfUses() + " the library's own post-issue check (never alerted)");
        d.detection().failures().forEach(f -> say("detector problem: " + f));
        d.failures().forEach(f -> say("response problem: " + f));
    }

    private void attack(AwsCredentialsProvider stolen) {
        try (StsClient sts = env.attackerClient(StsClient.builder(), stolen)) {
            GetCallerIdentityResponse who = sts.getCallerIdentity();
            say("sts GetCallerIdentity -> " + who.arn() + " (always allowed; logged by CloudTrail)");
        }
        env.elapse(Duration.ofSeconds(20));
        try (S3Client s3 = env.attackerClient(S3Client.builder().forcePathStyle(true), stolen)) {
            s3.listBuckets();
            say("s3 ListBuckets -> allowed?! (this must not happen)");
        } catch (SdkException e) {
            say("s3 ListBuckets -> " + firstLine(e.getMessage()));
        }
        env.elapse(Duration.ofMinutes(20));
        say("20 minutes later the attacker comes back with a call that leaves no CloudTrail record:");
        try (SqsClient sqs = env.attackerClient(SqsClient.builder(), stolen)) {
            sqs.listQueues();
            say("sqs ListQueues -> allowed?! (this must not happen)");
        } catch (SdkException e) {
            say("sqs ListQueues -> " + firstLine(e.getMessage()) + " (CloudTrail does not log this call)");
        }
    }

    private void describe(String what, IssueOutcome o, String where) {
        CanaryRecord r = o.record();
        say(what + ": canary " + r.id() + ", " + r.kind().configName() + " key " + r.accessKeyId()
                + ", principal " + r.principal().arn());
        say("  planted: " + where);
        FingerprintReport f = o.fingerprint();
        if (f != null) {
            say("  fingerprint: " + f.verdict().name().toLowerCase(Locale.ROOT) + " (account "
                    + (f.keyId().accountId() == null ? "undecodable" : f.keyId().accountId()) + " decoded from the key id)");
            for (Finding finding : f.findings()) {
                say("    - " + finding.severity().name().toLowerCase(Locale.ROOT) + ": " + finding.message());
            }
        }
    }

    private void printAlert(Alert a) {
        CanaryRecord c = a.canary();
        out.println();
        out.println("  ALERT (" + a.type() + ") canary " + c.id());
        out.println("    what:      " + a.classification().kind().configName() + ", severity "
                + a.severity().configName());
        for (String why : a.classification().evidence()) {
            out.println("               because " + why);
        }
        out.println("    asset:     " + c.asset().ref() + " " + c.asset().labels());
        out.println("    placed:    " + (c.receipt() == null ? "-" : c.receipt().placement() + " at " + c.receipt().location()));
        out.println("    principal: " + c.principal().arn() + " (account " + c.accountId() + ")");
        for (int i = 0; i < a.sightings().size(); i++) {
            io.canarykit.Sighting s = a.sightings().get(i);
            String cls = a.sightings().size() > 1 ? " {" + a.classifications().get(i).kind().configName() + "}" : "";
            if (s.kind() == io.canarykit.SightingKind.UNLOGGED_USE) {
                out.println("    use:       key last used at " + s.time() + (s.service() == null ? "" : " with " + s.service())
                        + (s.region() == null ? "" : " in " + s.region()) + ", a call CloudTrail never logged ["
                        + s.source() + ", " + s.kind() + "]" + cls);
                continue;
            }
            out.println("    call:      " + s.service() + " " + s.call() + " in " + s.region() + " at " + s.time()
                    + " from " + s.sourceIp() + (s.errorCode() == null ? "" : " -> " + s.errorCode())
                    + " [" + s.source() + ", " + s.kind() + "]" + cls);
            out.println("               user agent: " + s.userAgent());
        }
        Duration w = a.window().duration();
        out.println("    window:    breached between " + a.window().issuedAt() + " and " + a.window().firstUse()
                + " (" + w.toHours() + " h " + w.toMinutesPart() + " min)");
        out.println("    before:    " + a.priorSightings() + " earlier sighting(s)");
        out.flush();
    }

    private void title(String text) {
        out.println();
        out.println("=== " + text);
        out.flush();
    }

    private void step(int n, String text) {
        out.println();
        out.println("--- " + n + ". " + text);
        out.flush();
    }

    private void say(String text) {
        out.println("  " + text);
        out.flush();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "(no message)";
        }
        int nl = s.indexOf('\n');
        String line = nl < 0 ? s : s.substring(0, nl);
        return line.length() > 200 ? line.substring(0, 200) + "…" : line;
    }

    static URI uri(String s) {
        return URI.create(s);
    }

    static Region region() {
        return Region.US_EAST_1;
    }

    static UrlConnectionHttpClient.Builder http() {
        return UrlConnectionHttpClient.builder();
    }
}
