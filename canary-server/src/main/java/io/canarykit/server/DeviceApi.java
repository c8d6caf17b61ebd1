package io.canarykit.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.canarykit.Asset;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;
import io.canarykit.IssueOutcome;
import io.canarykit.PlacementSpec;
import io.canarykit.store.CanaryQuery;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The endpoints of devices (the endpoint script, {@code integrations/endpoint/canary-refresh.sh}), mounted by
 * {@link IssuanceApi} under {@value #PATH} and authenticated like every API call (device certificate, device
 * credential, enrollment token). Devices ask; the server decides the asset (kind from {@link DeviceSettings}, id = the
 * authenticated device id), the kind of canary, its lifetime and the AWS profile name it is planted under.
 *
 * <ul>
 *   <li>{@code POST /v1/devices/enroll} (enrollment token): a new device credential, answered once:
 *       {@code device=<id>} and {@code device-credential=<id>:<secret>}.</li>
 *   <li>{@code POST /v1/devices/canary} with {@code {"held":"<canary id>","present":"yes|no","labels":{…}}}: the
 *       device's canary. {@code action=keep} when the canary the device holds is live, still planted and not due;
 *       otherwise {@code action=plant} with a new canary ({@code canary-id}, {@code profile}, {@code access-key-id},
 *       {@code secret-access-key}, {@code session-token}, {@code expiration}), after which the device's other canaries
 *       are revoked: a device has at most one live canary. The device asset is created on first contact; every
 *       contact is recorded ({@link #checkStale()}).</li>
 *   <li>{@code POST /v1/devices/retire}: revokes the device's canaries and forgets its credential (uninstall).</li>
 *   <li>{@code GET /v1/devices/stale} (admin callers): devices not seen for {@link DeviceSettings#staleAfter()}.</li>
 * </ul>
 *
 * <p>Answers are {@code text/plain} lines {@code key=value}, which a POSIX shell reads without a JSON parser; errors
 * are the API's usual JSON {@code {"error":"…"}}. Thread-safe.
 *
 * @since 0.1.0
 */
public final class DeviceApi {
    /** The path prefix of the device endpoints. */
    public static final String PATH = "/v1/devices/";
    /** Enrollment. */
    public static final String ENROLL = PATH + "enroll";
    /** The device's canary. */
    public static final String CANARY = PATH + "canary";
    /** Uninstall. */
    public static final String RETIRE = PATH + "retire";
    /** Stale devices (admins). */
    public static final String STALE = PATH + "stale";
    /** Identity claim: the authenticated device id. */
    public static final String CLAIM_DEVICE = "device";
    /** Record attribute: the device id a canary was issued to. */
    public static final String ATTR_DEVICE = "canarykit.device";

    private static final Logger LOG = LoggerFactory.getLogger(DeviceApi.class);
    private static final CallerPermissions NOTHING = new CallerPermissions(Set.of(), Set.of(), Set.of(), false);
    private static final Set<String> FIELDS = Set.of("held", "present", "labels");
    private static final Pattern LABEL_KEY = Pattern.compile("[a-z][a-z0-9-]{0,31}");
    private static final Pattern CANARY_ID = Pattern.compile("[0-9A-Za-z]{26}");
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CanaryService service;
    private final DeviceSettings settings;
    private final CredentialKind kind;
    private final Clock clock;
    private final DeviceRegistry registry;
    private final StrictJson json;

    DeviceApi(CanaryService service, DeviceSettings settings, CredentialKind defaultKind, Clock clock, int maxBody) {
        this.service = Objects.requireNonNull(service, "service");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.kind = settings.kind() != null ? settings.kind() : defaultKind;
        this.clock = clock;
        this.registry = new DeviceRegistry(service.store(), clock);
        this.json = new StrictJson(maxBody);
    }

    /** The identity of device {@code device} proved by {@code scheme}: it may use the device endpoints only. */
    static CallerIdentity identity(String device, String scheme) {
        return new CallerIdentity("device:" + device, scheme, Map.of(CLAIM_DEVICE, device), NOTHING);
    }

    /** The settings in force. */
    public DeviceSettings settings() {
        return settings;
    }

    /**
     * What one device request got: a {@code text/plain} answer, or an error for the API's JSON error.
     *
     * @param status   HTTP status
     * @param text     the answer's {@code key=value} lines when successful, else {@code null}
     * @param error    the error message when not
     * @param action   the audit log's action
     * @param canaryId the canary concerned, for the audit log, or {@code null}
     * @param asset    the asset, for the audit log, or {@code null}
     */
    record Reply(int status, @Nullable String text, @Nullable String error, String action, @Nullable String canaryId,
                 @Nullable String asset) {
        static Reply error(int status, @Nullable String message, String action, @Nullable String asset) {
            return new Reply(status, null, message, action, null, asset);
        }
    }

    /** Serves one authenticated request under {@value #PATH}. Never throws for bad input. */
    Reply handle(Caller caller, String method, String path, String query, byte[] body) {
        String device = caller.identity().claims().get(CLAIM_DEVICE);
        boolean enrollment = DeviceTokenAuthenticator.ENROLL_SCHEME.equals(caller.identity().scheme());
        if (path.equals(STALE)) {
            if (!method.equals("GET")) {
                return Reply.error(405, "use GET on " + STALE, "device-stale", null);
            }
            if (!caller.permissions().admin()) {
                return Reply.error(403, "only admin callers may list stale devices", "device-stale", null);
            }
            return new Reply(200, stale(checkStale()), null, "device-stale", null, null);
        }
        String action = path.equals(ENROLL) ? "device-enroll" : path.equals(CANARY) ? "device-canary"
                : path.equals(RETIRE) ? "device-retire" : null;
        if (action == null) {
            return Reply.error(404, "no such resource: " + Excerpt.of(path) + " (devices use " + ENROLL + ", " + CANARY
                    + " and " + RETIRE + ")", "device", null);
        }
        String asset = device == null ? null : settings.assetKind() + "/" + device;
        if (!method.equals("POST") || query != null) {
            return Reply.error(405, "use POST, without a query, on " + path, action, asset);
        }
        if (device == null) {
            return Reply.error(403, "only devices (a device certificate or credential) may use " + path, action, null);
        }
        if (enrollment != path.equals(ENROLL)) {
            return Reply.error(403, enrollment ? "an enrollment token is good for " + ENROLL + " only"
                    : "enrol with an enrollment token (Authorization: CANARY-ENROLL <token>)", action, asset);
        }
        try {
            switch (action) {
                case "device-enroll": return enroll(device, asset);
                case "device-retire": return retire(caller, device, asset);
                default: return canary(caller, device, asset, body);
            }
        } catch (StrictJson.BadJson e) {
            return Reply.error(400, e.getMessage(), action, asset);
        } catch (RuntimeException e) {
            LOG.warn("device {} request {} failed", device, action, e);
            return Reply.error(502, "the server could not complete the request; try again later", action, asset);
        }
    }

    private Reply enroll(String device, @Nullable String asset) {
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String s = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        registry.setCredential(device, Hashes.sha256(s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
        registry.seen(device);
        LOG.info("device {} enrolled", device);
        return new Reply(200, "device=" + device + "\ndevice-credential=" + device + ":" + s + "\n", null,
                "device-enroll", null, asset);
    }

    private Reply retire(Caller caller, String device, @Nullable String asset) {
        int revoked = 0;
        for (CanaryRecord r : live(caller, device)) {
            revoke(r, "device retired");
            revoked++;
        }
        registry.retire(device);
        LOG.info("device {} retired; {} canaries revoked", device, revoked);
        return new Reply(200, "retired=" + revoked + "\n", null, "device-retire", null, asset);
    }

    private Reply canary(Caller caller, String device, @Nullable String asset, byte[] body) {
        JsonNode req = json.object(body);
        for (Iterator<String> it = req.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                return Reply.error(400, "unknown field '" + Excerpt.of(f) + "'; expected held, present, labels",
                        "device-canary", asset);
            }
        }
        String held = req.path("held").asText("");
        boolean present = "yes".equals(req.path("present").asText(""));
        Map<String, String> labels = new TreeMap<>();
        JsonNode l = req.get("labels");
        if (l != null && l.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = l.fields(); it.hasNext() && labels.size() < 16; ) {
                Map.Entry<String, JsonNode> e = it.next();
                String v = e.getValue().asText("").replaceAll("\\p{Cntrl}", "");
                if (LABEL_KEY.matcher(e.getKey()).matches() && !v.isEmpty()) {
                    labels.put(e.getKey(), v.length() > 200 ? v.substring(0, 200) : v);
                }
            }
        }
        boolean first = registry.seen(device);
        if (first) {
            LOG.info("device {} seen for the first time", device);
        }
        List<CanaryRecord> live = live(caller, device);
        CanaryRecord keep = null;
        if (present && CANARY_ID.matcher(held).matches()) {
            for (CanaryRecord r : live) {
                if (r.id().value().equals(held) && !due(r)) {
                    keep = r;
                }
            }
        }
        if (keep != null) {
            for (CanaryRecord r : live) {
                if (!r.id().equals(keep.id())) {
                    revoke(r, "superseded on the device");
                }
            }
            return new Reply(200, "action=keep\ncanary-id=" + keep.id() + "\nprofile=" + settings.awsProfile()
                    + "\naccess-key-id=" + keep.accessKeyId() + "\n", null, "device-canary", keep.id().value(), asset);
        }
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put(CanaryService.ATTR_OWNER, caller.name());
        attributes.put(IssuanceApi.ATTR_PROFILE, PlacementProfile.RETURN);
        attributes.put(ATTR_DEVICE, device);
        IssueOutcome outcome = service.issue(new Asset(settings.assetKind(), device, labels),
                PlacementSpec.returnToCaller(), kind, attributes);
        for (CanaryRecord r : live) {
            revoke(r, "replaced on the device by " + outcome.record().id());
        }
        // issued with PlacementSpec.returnToCaller(), so the outcome carries the credential
        CanaryCredential c = Objects.requireNonNull(outcome.credential(), "credential");
        StringBuilder out = new StringBuilder("action=plant\ncanary-id=").append(outcome.record().id())
                .append("\nprofile=").append(settings.awsProfile())
                .append("\naccess-key-id=").append(c.accessKeyId())
                .append("\nsecret-access-key=").append(c.secretAccessKey().reveal()).append('\n');
        if (c.sessionToken() != null) {
            out.append("session-token=").append(c.sessionToken().reveal()).append('\n');
        }
        if (c.expiration() != null) {
            out.append("expiration=").append(c.expiration()).append('\n');
        }
        LOG.debug("device {} got canary {} ({} revoked)", device, outcome.record().id(), live.size());
        return new Reply(200, out.toString(), null, "device-canary", outcome.record().id().value(), asset);
    }

    /** Whether a canary should be replaced now: a short-term one about to expire, a long-term one past its age. */
    private boolean due(CanaryRecord r) {
        Instant now = clock.instant();
        if (r.expiresAt() != null) {
            return !now.isBefore(r.expiresAt().minus(settings.refreshBefore()));
        }
        Instant issued = r.issuedAt() != null ? r.issuedAt() : r.createdAt();
        return issued == null || !now.isBefore(issued.plus(settings.maxAge()));
    }

    private List<CanaryRecord> live(Caller caller, String device) {
        List<CanaryRecord> out = new ArrayList<>();
        for (CanaryRecord r : service.findByAsset(settings.assetKind(), device)) {
            if (r.status().isLive() && r.status() != CanaryStatus.ROTATED
                    && caller.name().equals(r.attributes().get(CanaryService.ATTR_OWNER))) {
                out.add(r);
            }
        }
        return out;
    }

    private void revoke(CanaryRecord r, String why) {
        try {
            service.revoke(r.id());
            LOG.debug("revoked canary {} of {}: {}", r.id(), r.asset().ref(), why);
        } catch (RuntimeException e) {
            LOG.warn("could not revoke canary {} of {} ({}); reconcile finishes it: {}", r.id(), r.asset().ref(), why,
                    e.toString());
        }
    }

    /**
     * A device that has not been in contact for {@link DeviceSettings#staleAfter()}.
     *
     * @param device   the device id
     * @param lastSeen its last contact, or {@code null} if none was recorded (then its newest canary's issue time
     *                 counts)
     * @param canaries its live canaries
     * @param revoked  whether they were revoked now ({@link DeviceSettings#revokeStale()})
     *
     * @since 0.1.0
     */
    public record StaleDevice(String device, @Nullable Instant lastSeen, List<CanaryId> canaries, boolean revoked) {
        public StaleDevice {
            Objects.requireNonNull(device, "device");
            canaries = List.copyOf(canaries);
        }
    }

    /**
     * Finds devices with live canaries that have not been in contact for {@link DeviceSettings#staleAfter()}, logs
     * each at WARN and, when {@link DeviceSettings#revokeStale()}, revokes their canaries. Run it periodically (once a
     * day is plenty); several server copies may run it at once.
     *
     * @return the stale devices, by device id
     */
    public List<StaleDevice> checkStale() {
        Instant now = clock.instant();
        Map<String, List<CanaryRecord>> byDevice = new TreeMap<>();
        for (CanaryRecord r : service.listAll(CanaryQuery.live())) {
            String device = r.attributes().get(ATTR_DEVICE);
            if (device != null && r.asset().kind().equals(settings.assetKind()) && r.status() != CanaryStatus.ROTATED) {
                byDevice.computeIfAbsent(device, d -> new ArrayList<>()).add(r);
            }
        }
        List<StaleDevice> out = new ArrayList<>();
        byDevice.forEach((device, records) -> {
            Instant seen = registry.lastSeen(device).orElse(null);
            Instant reference = seen;
            if (reference == null) {
                for (CanaryRecord r : records) {
                    Instant t = r.issuedAt() != null ? r.issuedAt() : r.createdAt();
                    if (t != null && (reference == null || t.isAfter(reference))) {
                        reference = t;
                    }
                }
            }
            if (reference != null && !now.isBefore(reference.plus(settings.staleAfter()))) {
                List<CanaryId> ids = records.stream().map(CanaryRecord::id).toList();
                LOG.warn("device {} not seen since {} (canary.api.devices.stale-after={}); its canaries {} {}", device,
                        reference, settings.staleAfter(), ids, settings.revokeStale() ? "are revoked"
                                : "stay live (canary.api.devices.revoke-stale=true revokes them)");
                if (settings.revokeStale()) {
                    records.forEach(r -> revoke(r, "device stale"));
                }
                out.add(new StaleDevice(device, seen, ids, settings.revokeStale()));
            }
        });
        return out;
    }

    /**
     * Runs {@link #checkStale()} every {@link DeviceSettings#staleCheckInterval()} on a daemon thread of its own,
     * the first time one interval from now (what {@code canary serve} does). A failed check is logged and the next
     * one runs as planned.
     *
     * @return what stops the checks
     */
    public StaleChecks scheduleStaleChecks() {
        java.util.concurrent.ScheduledExecutorService executor = java.util.concurrent.Executors
                .newSingleThreadScheduledExecutor(r -> {
                    Thread t = new Thread(r, "canary-stale-devices");
                    t.setDaemon(true);
                    return t;
                });
        long every = Math.max(1, settings.staleCheckInterval().toMillis());
        executor.scheduleWithFixedDelay(() -> {
            try {
                List<StaleDevice> stale = checkStale();
                LOG.info("stale-device check: {} device(s) not seen for {}", stale.size(), settings.staleAfter());
            } catch (RuntimeException e) {
                LOG.warn("the stale-device check failed; the next runs in {}: {}", settings.staleCheckInterval(),
                        e.toString());
            }
        }, every, every, java.util.concurrent.TimeUnit.MILLISECONDS);
        return executor::shutdownNow;
    }

    /**
     * Stops scheduled stale-device checks ({@link #scheduleStaleChecks()}); idempotent.
     *
     * @since 0.1.0
     */
    @FunctionalInterface
    public interface StaleChecks extends AutoCloseable {
        /** Stops the checks; one running now is interrupted. */
        @Override
        void close();
    }

    private static String stale(List<StaleDevice> devices) {
        StringBuilder b = new StringBuilder("stale=").append(devices.size()).append('\n');
        for (StaleDevice d : devices) {
            b.append("device=").append(d.device()).append(" last-seen=").append(d.lastSeen() == null ? "never"
                    : d.lastSeen()).append(" canaries=").append(String.join(",", d.canaries().stream()
                    .map(CanaryId::value).toList())).append(" revoked=").append(d.revoked()).append('\n');
        }
        return b.toString();
    }
}
