package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.DetectionWindow;
import io.canarykit.PlacementReceipt;
import io.canarykit.Principal;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Alerts for sink tests. */
final class Alerts {
    static final Instant T0 = Instant.parse("2026-11-28T10:00:00Z");

    private Alerts() {
    }

    static CanaryRecord canary() {
        return CanaryRecord.builder()
                .id(CanaryId.generate(T0, new Random(3)))
                .status(CanaryStatus.TRIGGERED)
                .kind(CredentialKind.IAM_USER)
                .issuer("iam-user")
                .principal(Principal.iamUser("111122223333", "/canary/", "ci-deploy-7f3a"))
                .accessKeyId("AKIAQRSTUVWXYZ234567")
                .asset(new Asset("host", "web-1", Map.of("owner", "platform", "env", "prod")))
                .receipt(new PlacementReceipt("aws-credentials-file", "/home/dev/.aws/credentials",
                        Map.of("profile", "deploy"), T0.plusSeconds(2)))
                .createdAt(T0)
                .issuedAt(T0.plusSeconds(1))
                .triggeredAt(T0.plusSeconds(3600))
                .attribute("namer", "plausible")
                .build();
    }

    static Sighting sighting(String id, Instant t) {
        CanaryRecord c = canary();
        return Sighting.builder().source("cloudtrail-s3").sourceEventId(id).time(t).kind(SightingKind.API_CALL)
                .service("iam.amazonaws.com").call("ListUsers").region("us-east-1").sourceIp("203.0.113.9")
                .userAgent("aws-cli/2.15.30").errorCode("AccessDenied").accessKeyId(c.accessKeyId())
                .principalArn(c.principal().arn()).requestId("req-" + id).canaryId(c.id()).build();
    }

    static Alert initial(String eventId) {
        CanaryRecord c = canary();
        Sighting s = sighting(eventId, T0.plusSeconds(3600));
        return new Alert(AlertType.INITIAL, c, s, List.of(s), new DetectionWindow(c.windowStart(), s.time()), 0,
                T0.plusSeconds(3700));
    }

    static Alert followUp(String... eventIds) {
        CanaryRecord c = canary();
        List<Sighting> list = new java.util.ArrayList<>();
        for (int i = 0; i < eventIds.length; i++) {
            list.add(sighting(eventIds[i], T0.plusSeconds(4000 + i)));
        }
        return new Alert(AlertType.FOLLOW_UP, c, list.get(list.size() - 1), list,
                new DetectionWindow(c.windowStart(), T0.plusSeconds(3600)), 1, T0.plusSeconds(5000));
    }
}
