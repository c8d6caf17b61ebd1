/**
 * canarykit's long-running service: the issuance HTTP API (Jetty), the device and CI-run callers, the web console,
 * metrics for Prometheus (Micrometer) and the scheduled detection, alerting, rotation and reconcile loops.
 *
 * <p>An application, run from the {@code canary} command (on the class path, from {@code canary.jar} or the image);
 * this descriptor has the module graph checked at compile time. Its contract is the HTTP API and the configuration,
 * not its Java types, with one exception: {@code io.canarykit.server} is exported for its plug-in point,
 * {@code CallerAuthenticatorProvider} (further caller identities, found by {@link java.util.ServiceLoader}), and
 * for {@code canary serve}, which builds a {@code CanaryServer}; the package's other public types are not API.
 * {@code io.canarykit.server.console} is not exported. Nothing is opened: Jetty, Micrometer and Nimbus JOSE+JWT use
 * no reflection on these classes, and the console's stylesheet is read by its own class.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.canarykit.server {
    requires transitive io.canarykit.core;
    requires transitive micrometer.core;
    requires transitive micrometer.registry.prometheus;
    requires transitive org.eclipse.jetty.server;
    requires io.canarykit.aws;
    requires io.canarykit.store.jdbc;
    requires com.nimbusds.jose.jwt;
    requires java.naming;
    requires transitive java.net.http;
    requires software.amazon.awssdk.auth;
    requires static org.jspecify;

    exports io.canarykit.server;

    uses io.canarykit.server.CallerAuthenticatorProvider;

    provides io.canarykit.config.ConfigSection with
            io.canarykit.server.ApiConfigSection,
            io.canarykit.server.ServerConfigSection;
    provides io.canarykit.server.CallerAuthenticatorProvider with
            io.canarykit.server.DeviceCertificateAuthenticatorProvider,
            io.canarykit.server.DeviceTokenAuthenticatorProvider,
            io.canarykit.server.GitHubActionsAuthenticatorProvider,
            io.canarykit.server.GitLabCiAuthenticatorProvider;
}
