/**
 * canarykit core: the domain values, the SPIs and their registry, naming, policy hardening and simulation, the
 * placements that need no AWS, CloudTrail reading and correlation, alerts, fingerprinting, the in-memory store and
 * {@code CanaryService}.
 *
 * <p>Every package is API except {@code io.canarykit.internal}, which only other canarykit modules read. The providers
 * are declared here for the module path and in {@code META-INF/services} for the class path.
 *
 * @since 0.1.0
 */
module io.canarykit.core {
    requires transitive com.fasterxml.jackson.databind;
    requires transitive org.slf4j;
    requires java.net.http;
    requires jdk.httpserver;
    requires static org.jspecify;

    exports io.canarykit;
    exports io.canarykit.alert;
    exports io.canarykit.cloudtrail;
    exports io.canarykit.config;
    exports io.canarykit.detect;
    exports io.canarykit.fingerprint;
    exports io.canarykit.internal to io.canarykit.aws, io.canarykit.alert.email, io.canarykit.testkit,
            io.canarykit.placement.secrets, io.canarykit.store.jdbc, io.canarykit.store.dynamodb, io.canarykit.server,
            io.canarykit.cli;
    exports io.canarykit.inventory;
    exports io.canarykit.issue;
    exports io.canarykit.metrics;
    exports io.canarykit.naming;
    exports io.canarykit.placement;
    exports io.canarykit.placement.endpoint;
    exports io.canarykit.placement.file;
    exports io.canarykit.policy;
    exports io.canarykit.store;

    uses io.canarykit.alert.AlertSinkProvider;
    uses io.canarykit.config.ConfigSection;
    uses io.canarykit.detect.DetectorProvider;
    uses io.canarykit.inventory.AssetSourceProvider;
    uses io.canarykit.issue.CanaryIssuerProvider;
    uses io.canarykit.issue.IssuerPoolProvider;
    uses io.canarykit.naming.IdentityNamerProvider;
    uses io.canarykit.placement.PlacementProvider;
    uses io.canarykit.policy.PolicyHardenerProvider;
    uses io.canarykit.store.CanaryStoreProvider;

    provides io.canarykit.alert.AlertSinkProvider with
            io.canarykit.alert.LoggingAlertSinkProvider,
            io.canarykit.alert.WebhookAlertSinkProvider,
            io.canarykit.alert.JsonlFileAlertSinkProvider,
            io.canarykit.alert.SlackAlertSink.Provider,
            io.canarykit.alert.TeamsAlertSink.Provider,
            io.canarykit.alert.DiscordAlertSink.Provider,
            io.canarykit.alert.GoogleChatAlertSink.Provider,
            io.canarykit.alert.PagerDutyAlertSink.Provider,
            io.canarykit.alert.OpsgenieAlertSink.Provider,
            io.canarykit.alert.SplunkHecAlertSink.Provider;
    provides io.canarykit.config.ConfigSection with
            io.canarykit.CanaryServiceConfig;
    provides io.canarykit.inventory.AssetSourceProvider with
            io.canarykit.inventory.CsvAssetSourceProvider;
    provides io.canarykit.naming.IdentityNamerProvider with
            io.canarykit.naming.PlausibleNamerProvider,
            io.canarykit.naming.OpaqueNamerProvider,
            io.canarykit.naming.HmacNamerProvider,
            io.canarykit.naming.TemplateNamerProvider;
    provides io.canarykit.placement.PlacementProvider with
            io.canarykit.placement.file.AwsCredentialsFilePlacementProvider,
            io.canarykit.placement.file.CredentialProcessPlacementProvider,
            io.canarykit.placement.endpoint.ImdsPlacementProvider,
            io.canarykit.placement.endpoint.ContainerCredentialsPlacementProvider,
            io.canarykit.placement.file.EnvFilePlacementProvider,
            io.canarykit.placement.file.KubernetesSecretPlacementProvider;
    provides io.canarykit.policy.PolicyHardenerProvider with
            io.canarykit.policy.DenyAllPolicyHardenerProvider;
    provides io.canarykit.store.CanaryStoreProvider with
            io.canarykit.store.InMemoryCanaryStoreProvider;
}
