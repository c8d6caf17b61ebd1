/**
 * canarykit's test kit: the AWS emulator (IAM, STS, CloudTrail, S3, Organizations, Secrets Manager, SSM and any signed
 * call, over HTTP for the real SDK clients) and its JUnit extension, {@code EmbeddedSqs}, the {@code CanaryStore} and
 * placement contract suites, AssertJ assertions for canary policies and a throwaway PostgreSQL for integration tests.
 *
 * <p>Every package is API except {@code io.canarykit.testkit.internal} (not exported). JUnit, AssertJ and the SDK
 * clients the emulator hands out appear in its signatures, so they are read transitively. The contract suites'
 * package-private test methods and {@code @TempDir} fields are opened to JUnit, which invokes and fills them by
 * reflection.
 *
 * <p>Two dependencies cannot be modules next to the others and stay on the class path: WireMock's standalone jar (the
 * emulator's HTTP server; {@code FaultAction.connection(Fault)} names its {@code Fault}) bundles
 * {@code org.jspecify.annotations}, which JUnit's {@code org.jspecify} module exports too, and a module may not read one
 * package from two modules; ElasticMQ's Scala jars ({@code EmbeddedSqs}, an optional dependency a test adds with
 * {@code software.amazon.awssdk:sqs}) have no valid module name. This module is compiled to read the class path
 * ({@code --add-reads io.canarykit.testkit=ALL-UNNAMED}) and adds that read edge at run time before it touches either
 * ({@link java.lang.Module#addReads}), so on the module path it works with both on the class path, and on the class
 * path as before.
 *
 * @since 0.1.0
 */
@SuppressWarnings({"requires-automatic", "requires-transitive-automatic"})
module io.canarykit.testkit {
    requires transitive io.canarykit.core;
    requires transitive java.sql;
    requires transitive org.assertj.core;
    requires transitive org.junit.jupiter.api;
    requires transitive software.amazon.awssdk.auth;
    requires transitive software.amazon.awssdk.awscore;
    requires transitive software.amazon.awssdk.core;
    requires transitive software.amazon.awssdk.regions;
    requires transitive software.amazon.awssdk.retries.api;
    requires transitive software.amazon.awssdk.services.cloudtrail;
    requires transitive software.amazon.awssdk.services.iam;
    requires transitive software.amazon.awssdk.services.s3;
    requires transitive software.amazon.awssdk.services.sts;
    requires software.amazon.awssdk.http;
    requires software.amazon.awssdk.http.urlconnection;
    requires software.amazon.awssdk.utils;
    requires jdk.httpserver;
    // EmbeddedSqs only (optional dependencies; ElasticMQ itself is read from the class path, see above)
    requires static transitive software.amazon.awssdk.services.sqs;
    requires static org.jspecify;

    exports io.canarykit.testkit.assertions;
    exports io.canarykit.testkit.aws;
    exports io.canarykit.testkit.placement;
    exports io.canarykit.testkit.postgres;
    exports io.canarykit.testkit.sqs;
    exports io.canarykit.testkit.store;

    opens io.canarykit.testkit.placement to org.junit.platform.commons;
    opens io.canarykit.testkit.store to org.junit.platform.commons;
}
