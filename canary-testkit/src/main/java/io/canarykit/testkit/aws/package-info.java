/**
 * A stateful AWS emulator for tests and demos: IAM, STS, CloudTrail and S3 over HTTP, where the real AWS SDK v2
 * clients talk to it through {@code endpointOverride} and every use of an emulated credential leaves the traces AWS
 * leaves (a CloudTrail record, last-used data, a credential-report row).
 *
 * <h2>Start it</h2>
 * <pre>{@code
 * // JUnit 5: a free port, one emulator per test class (or per test for an instance field)
 * @RegisterExtension
 * static AwsEmulatorExtension aws = AwsEmulatorExtension.create(b -> b.accounts("111122223333", "444455556666"));
 *
 * // plain Java (the demo)
 * try (AwsEmulator aws = AwsEmulator.builder().account("111122223333").trailDeliveryDelay(Duration.ZERO).start()) { ... }
 * }</pre>
 *
 * <h2>Get clients and credentials</h2>
 * {@link io.canarykit.testkit.aws.AwsEmulator#iam()}, {@code sts()}, {@code cloudTrail()}, {@code s3()} are signed
 * with the management account's administrator (an IAM user, {@code issuer} by default, with an {@code Allow *}
 * policy); {@link io.canarykit.testkit.aws.AwsEmulator#adminCredentials(String)} gives any account's.
 * {@code aws.client(Ec2Client.builder(), credentials)} builds any other SDK client (us-east-1, URL-connection HTTP client,
 * no retries unless {@link io.canarykit.testkit.aws.AwsEmulator.Builder#clientMaxAttempts(int)}, path-style S3);
 * {@link io.canarykit.testkit.aws.AwsEmulator#configure} only configures a builder you then own.
 *
 * <h2>Inject faults</h2>
 * <pre>{@code
 * aws.faults().failNthCall("iam:CreateAccessKey", 3, FaultAction.connectionReset());
 * aws.faults().add(FaultRule.on("iam:CreateUser").onCall(1).afterApplying().then(FaultAction.serverError()));
 * aws.faults().throttle("sts:AssumeRole", 5);              // per second, per account and region
 * aws.faults().latency("iam:*", Duration.ofMillis(200));
 * aws.faults().keyPropagationDelay(Duration.ofSeconds(8));  // new keys refused with InvalidClientTokenId meanwhile
 * }</pre>
 *
 * <h2>Inspect state</h2>
 * {@code users(account)}, {@code usersExceptAdmin(account)}, {@code accessKeys()}, {@code accessKey(id)} (with
 * last-used data), {@code roles(account)}, {@code policies(account)}, {@code sessions()}, {@code trailRecords()},
 * {@code logFiles()}, {@code calls()} (each call's request id, error code and CloudTrail event id), and
 * {@code reset()} between runs.
 *
 * <p>Nullness: {@code @NullMarked}: no parameter, return value or field is null unless marked {@code @Nullable}, and
 * NullAway checks it at build time.
 */
@NullMarked
package io.canarykit.testkit.aws;

import org.jspecify.annotations.NullMarked;
