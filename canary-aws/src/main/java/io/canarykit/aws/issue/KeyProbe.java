package io.canarykit.aws.issue;

import io.canarykit.CanaryCredential;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.issue.CanaryIssuerException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ApiName;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityRequest;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

import java.time.Clock;
import java.time.Duration;

/**
 * Waits until a new credential authenticates, by calling {@code sts:GetCallerIdentity} with it (new IAM keys take a
 * few seconds to become valid everywhere). That call is the library's own use of the canary: it is returned as a
 * {@link SelfUse} (request id, time, user agent) to be stored with the canary so detection never alerts on it. The
 * call also proves the key belongs to the expected principal.
 */
final class KeyProbe {
    private static final Logger LOG = LoggerFactory.getLogger(KeyProbe.class);
    /** The user-agent marker the probe adds ({@code canarykit-selfcheck/<version>}). */
    static final String USER_AGENT_NAME = "canarykit-selfcheck";
    static final String VERSION = version();
    /** What the probe's user agent contains; detection matches on it together with the request id. */
    static final String USER_AGENT = USER_AGENT_NAME + "/" + VERSION;

    private final StsClient sts;
    private final Duration timeout;
    private final Duration interval;
    private final Clock clock;

    KeyProbe(StsClient sts, Duration timeout, Duration interval, Clock clock) {
        this.sts = sts;
        this.timeout = timeout;
        this.interval = interval;
        this.clock = clock;
    }

    /**
     * Calls GetCallerIdentity with {@code credential} until it works or the timeout passes.
     *
     * @throws CanaryIssuerException {@code KEY_NOT_ACTIVE} on timeout, {@code CHECK_FAILED} if the key authenticates
     *                               as another principal, or the AWS failure
     */
    SelfUse await(CanaryCredential credential, Principal expected) {
        AwsCredentials creds = credential.sessionToken() == null
                ? AwsBasicCredentials.create(credential.accessKeyId(), credential.secretAccessKey().reveal())
                : AwsSessionCredentials.create(credential.accessKeyId(), credential.secretAccessKey().reveal(),
                credential.sessionToken().reveal());
        GetCallerIdentityRequest request = GetCallerIdentityRequest.builder()
                .overrideConfiguration(o -> o.credentialsProvider(StaticCredentialsProvider.create(creds))
                        .addApiName(ApiName.builder().name(USER_AGENT_NAME).version(VERSION).build()))
                .build();
        long deadline = System.nanoTime() + timeout.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                GetCallerIdentityResponse r = sts.getCallerIdentity(request);
                if (!expected.arn().equals(r.arn()) || !expected.accountId().equals(r.account())) {
                    throw new CanaryIssuerException("the new key " + credential.accessKeyId() + " authenticates as "
                            + r.arn() + " in " + r.account() + ", not as " + expected.arn()
                            + ": check the issuer's clients", CanaryIssuerException.Reason.CHECK_FAILED,
                            CanaryIssuerException.Residue.UNKNOWN, null, null);
                }
                LOG.debug("key {} authenticates after {} attempt(s)", credential.accessKeyId(), attempts);
                return new SelfUse("GetCallerIdentity", clock.instant(), r.responseMetadata().requestId(), USER_AGENT);
            } catch (SdkException e) {
                boolean notYet = AwsErrors.is(e, "InvalidClientTokenId") || AwsErrors.isThrottling(e);
                if (!notYet) {
                    throw AwsErrors.issueFailure("GetCallerIdentity with the new key", e, false,
                            CanaryIssuerException.Residue.UNKNOWN);
                }
                if (System.nanoTime() + interval.toNanos() > deadline) {
                    throw new CanaryIssuerException("the new key " + credential.accessKeyId()
                            + " did not authenticate within " + timeout + " (" + attempts + " attempts, last: "
                            + AwsErrors.describe(e) + "); raise the wait", CanaryIssuerException.Reason.KEY_NOT_ACTIVE,
                            CanaryIssuerException.Residue.UNKNOWN, AwsErrors.code(e), e);
                }
                sleep(interval);
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CanaryIssuerException("interrupted while waiting for a new key to authenticate",
                    CanaryIssuerException.Reason.UNAVAILABLE, CanaryIssuerException.Residue.UNKNOWN, null, e);
        }
    }

    private static String version() {
        String v = KeyProbe.class.getPackage() == null ? null : KeyProbe.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
