package io.canarykit.detect;

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

/** Canary records and sightings for detection tests. */
final class Canaries {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");
    static final String ACCOUNT = "111122223333";
    private static final Random RANDOM = new Random(7);

    private Canaries() {
    }

    static CanaryRecord iamUser(String name, String key, Instant issued) {
        return CanaryRecord.builder()
                .id(CanaryId.generate(issued, RANDOM))
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.IAM_USER)
                .issuer("iam-user")
                .principal(Principal.iamUser(ACCOUNT, "/canary/", name))
                .accessKeyId(key)
                .asset(Asset.of("host", "web-" + name).withLabel("owner", "platform"))
                .receipt(new PlacementReceipt("aws-credentials-file", "/home/dev/.aws/credentials",
                        Map.of("profile", "deploy"), issued.plusSeconds(2)))
                .createdAt(issued.minusSeconds(1))
                .issuedAt(issued)
                .addSelfUse(new SelfUse("GetCallerIdentity", issued.plusSeconds(1), "self-req-" + name, "canarykit/0.1"))
                .build();
    }

    static CanaryRecord session(String sessionName, String key, Instant issued, Duration life) {
        return CanaryRecord.builder()
                .id(CanaryId.generate(issued, RANDOM))
                .status(CanaryStatus.ACTIVE)
                .kind(CredentialKind.ASSUMED_ROLE)
                .issuer("assume-role")
                .principal(Principal.assumedRole(ACCOUNT, "build-agent", sessionName))
                .accessKeyId(key)
                .asset(Asset.of("ci-build", "build-" + sessionName))
                .createdAt(issued)
                .issuedAt(issued)
                .expiresAt(issued.plus(life))
                .build();
    }

    static Sighting.Builder call(String source, String eventId, Instant time, CanaryRecord c) {
        return Sighting.builder()
                .source(source)
                .sourceEventId(eventId)
                .time(time)
                .kind(SightingKind.API_CALL)
                .service("iam.amazonaws.com")
                .call("ListUsers")
                .region("us-east-1")
                .sourceIp("203.0.113.9")
                .userAgent("aws-cli/2.15.30")
                .errorCode("AccessDenied")
                .accessKeyId(c.accessKeyId())
                .principalArn(c.principal().arn())
                .requestId("req-" + eventId);
    }
}
