package io.canarykit.aws.org;

import io.canarykit.aws.account.SignedOrganizationsApi;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.EmulatedCredentials;
import io.canarykit.testkit.aws.S3NotificationSink;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sts.StsClient;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * An emulated organisation: the management account and five members in units, one suspended, one untagged; the
 * organisation role {@code canarykit-org} in every member, trusting the management account, with the policy that the
 * rendered StackSet gives it.
 */
public final class OrgEmulator {
    public static final String MANAGEMENT = "100000000001";
    public static final String PROD_A = "200000000002";
    public static final String PROD_B = "300000000003";
    public static final String DEV = "400000000004";
    public static final String SUSPENDED = "500000000005";
    public static final String SANDBOX = "600000000006";
    public static final List<String> MEMBERS = List.of(PROD_A, PROD_B, DEV, SUSPENDED, SANDBOX);
    public static final String ROLE = "canarykit-org";
    public static final String ORG_ID = "o-canarytest01";

    private OrgEmulator() {
    }

    public static AwsEmulator.Builder builder(Clock clock) {
        return AwsEmulator.builder().clock(clock).accounts(MANAGEMENT, PROD_A, PROD_B, DEV, SUSPENDED, SANDBOX)
                .organizationId(ORG_ID).organizationTrail(true)
                .organizationalUnit(PROD_A, "/Workloads/Prod").organizationalUnit(PROD_B, "/Workloads/Prod")
                .organizationalUnit(DEV, "/Workloads/Dev").organizationalUnit(SUSPENDED, "/Workloads/Prod")
                .organizationalUnit(SANDBOX, "/Sandbox")
                .accountTags(PROD_A, Map.of("canary", "enabled", "env", "prod"))
                .accountTags(PROD_B, Map.of("canary", "enabled", "env", "prod"))
                .accountTags(DEV, Map.of("canary", "enabled", "env", "dev"))
                .accountTags(SUSPENDED, Map.of("canary", "enabled"))
                .accountStatus(SUSPENDED, "SUSPENDED");
    }

    public static AwsEmulator start(Clock clock, S3NotificationSink sink) {
        AwsEmulator.Builder b = builder(clock);
        if (sink != null) {
            b.s3NotificationSink(sink);
        }
        return withRoles(b.start());
    }

    /** Creates the organisation role in every member account. */
    public static AwsEmulator withRoles(AwsEmulator aws) {
        for (String member : MEMBERS) {
            aws.createRole(member, ROLE, trust("arn:aws:iam::" + MANAGEMENT + ":root"),
                    Map.of("canarykit-issuer", ALLOW_ALL));
        }
        return aws;
    }

    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\","
            + "\"Resource\":\"*\"}]}";

    public static String trust(String principalArn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + principalArn + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    public static SignedOrganizationsApi organizations(AwsEmulator aws, EmulatedCredentials credentials) {
        return SignedOrganizationsApi.builder().endpoint(aws.endpoint()).credentialsProvider(credentials.provider())
                .maxAttempts(3).baseDelay(java.time.Duration.ofMillis(5)).build();
    }

    public static StsClient centralSts(AwsEmulator aws) {
        return aws.configure(StsClient.builder(), aws.adminCredentials(MANAGEMENT), Region.US_EAST_1).build();
    }
}
