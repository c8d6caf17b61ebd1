package io.canarykit.examples.firstuse;

import io.canarykit.Asset;
import io.canarykit.CanaryService;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.file.AwsCredentialsFilePlacement;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.util.Map;

/**
 * The README's first use, compiled (and run by a test against the AWS emulator) so that it cannot rot. The lines
 * between the {@code first-use} markers are copied into the README verbatim; a test checks they match.
 *
 * @since 0.1.0
 */
public final class FirstUse {
    private FirstUse() {
    }

    /** Issues one canary with the given clients and plants it in the shared credentials file. */
    public static IssueOutcome issueOne(IamClient iam, StsClient sts) {
        // first-use:start
        CanaryStore store = InMemoryCanaryStore.create(); // or JdbcCanaryStore / DynamoDbCanaryStore
        IamUserIssuer issuer = IamUserIssuer.builder().iam(iam).sts(sts).build(); // your account's clients
        CanaryService canaries = CanaryService.builder().store(store)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create())
                .placement(AwsCredentialsFilePlacement.create()).build();
        IssueOutcome canary = canaries.issue(Asset.of("laptop", "LT-0042").withLabel("owner", "zoe"),
                PlacementSpec.of("aws-credentials-file", Map.of("profile", "billing-admin")));
        System.out.println(canary.record().principal().arn() + " -> " + canary.fingerprint().verdict());
        // first-use:end
        return canary;
    }
}
