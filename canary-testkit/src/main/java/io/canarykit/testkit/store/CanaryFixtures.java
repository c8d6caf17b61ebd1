package io.canarykit.testkit.store;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.SelfUse;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds realistic canary records and sightings for store tests. Deterministic for a given seed.
 *
 * @since 0.1.0
 */
public final class CanaryFixtures {
    /** A fixed base time (2026-11-28T10:00:00Z) so tests are reproducible. */
    public static final Instant BASE = Instant.parse("2026-11-28T10:00:00Z");
    /** The default account. */
    public static final String ACCOUNT = "111122223333";

    private final Random random;
    private final AtomicLong tick = new AtomicLong();

    public CanaryFixtures(long seed) {
        this.random = new Random(seed);
    }

    /** A fresh, ACTIVE long-term canary in {@link #ACCOUNT} for asset {@code host/<n>}. */
    public synchronized CanaryRecord active() {
        return active(ACCOUNT, Asset.of("host", "host-" + tick.get()));
    }

    /** A fresh ACTIVE long-term canary. */
    public synchronized CanaryRecord active(String account, Asset asset) {
        long n = tick.incrementAndGet();
        Instant created = BASE.plusSeconds(n);
        CanaryId id = CanaryId.generate(created, random);
        String name = "svc-deploy-" + Long.toString(n, 36) + "-" + Integer.toString(random.nextInt(1 << 20), 36);
        return CanaryRecord.builder()
                .id(id)
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.IAM_USER)
                .issuer("iam-user")
                .accountId(account)
                .principal(Principal.iamUser(account, "/", name))
                .accessKeyId(accessKeyId("AKIA"))
                .asset(asset)
                .receipt(new PlacementReceipt("aws-credentials-file", "/home/dev/.aws/credentials",
                        Map.of("profile", "deploy-" + n), created.plusSeconds(2)))
                .createdAt(created)
                .issuedAt(created.plusSeconds(1))
                .addSelfUse(new SelfUse("GetCallerIdentity", created.plusSeconds(1), "req-" + n, "canarykit/0.1"))
                .attribute("namer", "plausible")
                .build();
    }

    /** A fresh ACTIVE short-term (assumed-role) canary sharing {@code accessKeyId}, valid from {@code from} for an hour. */
    public synchronized CanaryRecord session(String accessKeyId, Instant from) {
        long n = tick.incrementAndGet();
        CanaryId id = CanaryId.generate(from, random);
        return CanaryRecord.builder()
                .id(id)
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.ASSUMED_ROLE)
                .issuer("assume-role")
                .accountId(ACCOUNT)
                .principal(Principal.assumedRole(ACCOUNT, "build-agent", "ci-job-" + n))
                .accessKeyId(accessKeyId)
                .asset(Asset.of("ci-build", "build-" + n))
                .createdAt(from)
                .issuedAt(from)
                .expiresAt(from.plus(Duration.ofHours(1)))
                .build();
    }

    /** A sighting of {@code canary} with the given source event id. */
    public Sighting sighting(CanaryRecord canary, String eventId, Instant time) {
        return Sighting.builder()
                .source("cloudtrail-s3")
                .sourceEventId(eventId)
                .time(time)
                .kind(SightingKind.API_CALL)
                .service("iam.amazonaws.com")
                .call("ListUsers")
                .region("us-east-1")
                .sourceIp("198.51.100.23")
                .userAgent("aws-cli/2.15.30")
                .errorCode("AccessDenied")
                .accessKeyId(canary.accessKeyId())
                .principalArn(canary.principal().arn())
                .requestId("req-" + eventId)
                .canaryId(canary.id())
                .build();
    }

    /** A random access key id with the given prefix, in the new format (account 111122223333 is not encoded). */
    public synchronized String accessKeyId(String prefix) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder sb = new StringBuilder(prefix);
        sb.append("QRSTUVWXYZ234567".charAt(random.nextInt(16)));
        while (sb.length() < 20) {
            sb.append(alphabet.charAt(random.nextInt(32)));
        }
        return sb.toString();
    }
}
