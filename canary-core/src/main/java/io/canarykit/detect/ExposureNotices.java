package io.canarykit.detect;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.RequestParameters;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * Recognises AWS telling that a key is published, which is not a use of the key and so matches no canary by key or
 * caller:
 * <ul>
 *   <li>a CloudTrail record (bare, or in an EventBridge "AWS API Call via CloudTrail" event) of
 *       {@code iam:AttachUserPolicy} with {@code arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantine}, {@code V2} or
 *       {@code V3} (any partition), or {@code iam:PutUserPolicy} with a policy of one of those names or
 *       {@code AWSExposedCredentialPolicy_DO_NOT_REMOVE}, that succeeded, on the canary's IAM user (matched by user
 *       name and account);</li>
 *   <li>an AWS Health event {@code AWS_RISK_CREDENTIALS_EXPOSED} whose affected entity is the canary's access key id.</li>
 * </ul>
 * Each becomes an {@link SightingKind#EXPOSURE_NOTICE} sighting of the canary. Records about other users, other
 * policies, failed calls, or canaries not watched give nothing. Stateless and thread-safe.
 *
 * @since 0.1.0
 */
public final class ExposureNotices {
    private static final Pattern QUARANTINE_ARN =
            Pattern.compile("arn:aws[a-z-]*:iam::aws:policy/AWSCompromisedKeyQuarantine(V[0-9]+)?");
    private static final Pattern QUARANTINE_NAME =
            Pattern.compile("AWSCompromisedKeyQuarantine(V[0-9]+)?|AWSExposedCredentialPolicy_DO_NOT_REMOVE");

    private ExposureNotices() {
    }

    /**
     * The exposure notices in one event or record about the given canaries, as sightings matched to them.
     *
     * @param event   a CloudTrail record, an EventBridge event carrying one in {@code detail}, or an AWS Health event
     * @param source  the source name the sightings get
     * @param watched the canaries to match
     */
    public static List<Sighting> sightings(@Nullable JsonNode event, String source, Collection<CanaryRecord> watched) {
        List<Sighting> out = new ArrayList<>();
        if (event == null || !event.isObject()) {
            return out;
        }
        if ("aws.health".equals(event.path("source").asText())) {
            health(event, source, watched, out);
            return out;
        }
        JsonNode record = event.has("detail") && event.path("detail").isObject() ? event.path("detail") : event;
        quarantine(record, source, watched, out);
        return out;
    }

    private static void quarantine(JsonNode r, String source, Collection<CanaryRecord> watched, List<Sighting> out) {
        if (!"iam.amazonaws.com".equals(r.path("eventSource").asText()) || r.hasNonNull("errorCode")) {
            return;
        }
        String name = r.path("eventName").asText();
        JsonNode params = r.path("requestParameters");
        boolean quarantine = "AttachUserPolicy".equals(name) && QUARANTINE_ARN.matcher(params.path("policyArn").asText()).matches()
                || "PutUserPolicy".equals(name) && QUARANTINE_NAME.matcher(params.path("policyName").asText()).matches();
        if (!quarantine) {
            return;
        }
        String user = params.path("userName").asText(null);
        String account = r.path("recipientAccountId").asText(r.path("userIdentity").path("accountId").asText(null));
        Instant time = time(r.path("eventTime").asText(null));
        String eventId = r.path("eventID").asText(null);
        if (user == null || time == null || eventId == null) {
            return;
        }
        for (CanaryRecord c : watched) {
            if (c.kind() == CredentialKind.IAM_USER && user.equals(c.principal().name())
                    && (account == null || account.equals(c.accountId())) && c.accessKeyId() != null) {
                out.add(Sighting.builder().source(source).sourceEventId(eventId).time(time)
                        .kind(SightingKind.EXPOSURE_NOTICE).service("iam.amazonaws.com").call(name)
                        .region(r.path("awsRegion").asText(null)).sourceIp(r.path("sourceIPAddress").asText(null))
                        .userAgent(r.path("userAgent").asText(null)).accessKeyId(c.accessKeyId())
                        .principalArn(c.principal().arn()).requestId(r.path("requestID").asText(null))
                        .canaryId(c.id()).build());
            }
        }
    }

    private static void health(JsonNode e, String source, Collection<CanaryRecord> watched, List<Sighting> out) {
        JsonNode d = e.path("detail");
        String code = d.path("eventTypeCode").asText();
        if (!code.equals("AWS_RISK_CREDENTIALS_EXPOSED") && !code.equals("AWS_RISK_CREDENTIALS_COMPROMISED")) {
            return;
        }
        Instant time = time(e.path("time").asText(null));
        String arn = d.path("eventArn").asText(e.path("id").asText(null));
        if (time == null || arn == null) {
            return;
        }
        for (JsonNode entity : d.path("affectedEntities")) {
            String key = entity.path("entityValue").asText(null);
            for (CanaryRecord c : watched) {
                if (key != null && key.equals(c.accessKeyId()) && (!e.has("account") || e.path("account").asText().equals(c.accountId()))) {
                    out.add(Sighting.builder().source(source).sourceEventId(arn + "#" + key).time(time)
                            .kind(SightingKind.EXPOSURE_NOTICE).service("aws.health").call(code)
                            .region(e.path("region").asText(null)).accessKeyId(key).principalArn(c.principal().arn())
                            .canaryId(c.id()).build());
                }
            }
        }
    }

    private static @Nullable Instant time(@Nullable String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /**
     * The IAM user name {@code r} quarantines ({@code requestParameters.userName} of a successful
     * {@code iam:AttachUserPolicy} of a quarantine policy ARN or {@code iam:PutUserPolicy} of a quarantine policy name,
     * the same rules as {@link #sightings}), or {@code null}.
     */
    static @Nullable String quarantinedUser(CloudTrailRecord r) {
        RequestParameters p = r.requestParameters();
        if (p == null || p.userName() == null || !"iam.amazonaws.com".equals(r.eventSource()) || r.errorCode() != null) {
            return null;
        }
        String name = r.eventName();
        boolean quarantine = "AttachUserPolicy".equals(name) && p.policyArn() != null
                && QUARANTINE_ARN.matcher(p.policyArn()).matches()
                || "PutUserPolicy".equals(name) && p.policyName() != null
                && QUARANTINE_NAME.matcher(p.policyName()).matches();
        return quarantine ? p.userName() : null;
    }

    /**
     * True if {@code arn} is the ARN of IAM user {@code user} ({@code arn:PARTITION:iam::ACCOUNT:user/[PATH/]user})
     * in {@code account} (any account when {@code account} is null).
     */
    static boolean isUserArn(@Nullable String arn, String user, @Nullable String account) {
        if (arn == null || user.isEmpty() || user.indexOf('/') >= 0 || !arn.endsWith("/" + user)) { // no path in a name
            return false;
        }
        String[] parts = arn.split(":", 6);
        return parts.length == 6 && parts[0].equals("arn") && parts[2].equals("iam") && parts[5].startsWith("user/")
                && (account == null || account.equals(parts[4]));
    }

    /**
     * The {@link SightingKind#EXPOSURE_NOTICE} sighting of {@code canary} that record {@code r} (one
     * {@link CanaryIndex#exposedBy} matched to it) is, from detector {@code source}, correlated to the canary.
     */
    static Sighting sighting(CloudTrailRecord r, CanaryKey canary, String source) {
        Instant time = Objects.requireNonNull(r.eventTime(),
                "an exposure notice matched by CanaryIndex.exposedBy has an event time (records without one never match)");
        return Sighting.builder().source(source).sourceEventId(r.sightingId()).time(time)
                .kind(SightingKind.EXPOSURE_NOTICE).service("iam.amazonaws.com").call(r.eventName())
                .region(r.awsRegion()).sourceIp(r.sourceIpAddress()).userAgent(r.userAgent())
                .accessKeyId(canary.accessKeyId()).principalArn(canary.principalArn()).requestId(r.requestId())
                .canaryId(canary.canaryId()).build();
    }

    /** True when the JSON text may hold a notice, so that other input skips the parse. */
    static boolean mayHold(String json) {
        return json.contains("aws.health") || json.contains("UserPolicy");
    }

}
