/**
 * canarykit on AWS: the issuers ({@code iam-user}, {@code assume-role}, {@code federation-token}), the placements into
 * Secrets Manager and SSM Parameter Store, the detectors (CloudTrail LookupEvents, S3 logs, SQS, EventBridge, access-key
 * last used, the credential report), the {@code sns} and {@code eventbridge} alert sinks and the AWS Organizations
 * account pool, over the AWS SDK for Java v2.
 *
 * <p>Every package is API. The builders take the caller's SDK clients and credentials providers, so the SDK modules
 * those signatures name are read transitively. The providers are declared here for the module path and in
 * {@code META-INF/services} for the class path.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.canarykit.aws {
    requires transitive io.canarykit.core;
    // the SDK (automatic modules named by their Automatic-Module-Name): types in public signatures
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.core;
    requires transitive software.amazon.awssdk.http;
    requires transitive software.amazon.awssdk.regions;
    requires transitive software.amazon.awssdk.retries.api;
    requires transitive software.amazon.awssdk.services.cloudtrail;
    requires transitive software.amazon.awssdk.services.eventbridge;
    requires transitive software.amazon.awssdk.services.iam;
    requires transitive software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.services.secretsmanager;
    requires transitive software.amazon.awssdk.services.sns;
    requires transitive software.amazon.awssdk.services.sqs;
    requires transitive software.amazon.awssdk.services.ssm;
    requires transitive software.amazon.awssdk.services.sts;
    // the SDK used inside only
    requires software.amazon.awssdk.awscore;
    requires software.amazon.awssdk.http.auth.aws;
    requires software.amazon.awssdk.http.auth.spi;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.identity.spi;
    requires software.amazon.awssdk.retries;
    requires static org.jspecify;

    exports io.canarykit.aws.account;
    exports io.canarykit.aws.alert;
    exports io.canarykit.aws.detect;
    exports io.canarykit.aws.issue;
    exports io.canarykit.aws.placement;

    provides io.canarykit.alert.AlertSinkProvider with
            io.canarykit.aws.alert.SnsAlertSink.Provider,
            io.canarykit.aws.alert.EventBridgeAlertSink.Provider;
    provides io.canarykit.detect.DetectorProvider with
            io.canarykit.aws.detect.CloudTrailS3DetectorProvider,
            io.canarykit.aws.detect.CloudTrailLookupDetectorProvider,
            io.canarykit.aws.detect.EventBridgeDetectorProvider,
            io.canarykit.aws.detect.AccessKeyLastUsedDetectorProvider,
            io.canarykit.aws.detect.CredentialReportDetectorProvider,
            io.canarykit.aws.detect.CloudTrailSqsDetectorProvider,
            io.canarykit.aws.detect.EventBridgeSqsDetectorProvider;
    provides io.canarykit.issue.CanaryIssuerProvider with
            io.canarykit.aws.issue.IamUserIssuerProvider,
            io.canarykit.aws.issue.AssumeRoleIssuerProvider,
            io.canarykit.aws.issue.FederationTokenIssuerProvider;
    provides io.canarykit.issue.IssuerPoolProvider with
            io.canarykit.aws.account.OrganizationPoolProvider;
    provides io.canarykit.placement.PlacementProvider with
            io.canarykit.aws.placement.SecretsManagerPlacementProvider,
            io.canarykit.aws.placement.SsmParameterPlacementProvider;
}
