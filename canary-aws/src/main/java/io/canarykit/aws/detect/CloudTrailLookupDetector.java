package io.canarykit.aws.detect;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CredentialKind;
import io.canarykit.Sighting;
import io.canarykit.cloudtrail.CloudTrailReader;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.detect.CanaryIndex;
import io.canarykit.detect.CloudTrailSightings;
import io.canarykit.detect.Detector;
import io.canarykit.detect.DetectorContext;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.cloudtrail.model.Event;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttribute;
import software.amazon.awssdk.services.cloudtrail.model.LookupAttributeKey;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsRequest;
import software.amazon.awssdk.services.cloudtrail.model.LookupEventsResponse;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Detector {@code cloudtrail-lookup}: asks CloudTrail's event history ({@code LookupEvents}) about each watched
 * canary, by its access key id and, for IAM-user canaries, by its user name (which also finds calls made with session
 * credentials derived from the key), in every configured region: us-east-1 always (IAM and global STS events land
 * there), plus the regions an attacker might use.
 *
 * <ul>
 *   <li>Management events of the last 90 days only, one region per call; results are paged with {@code NextToken}.</li>
 *   <li>At most 2 requests per second per account and region across the process ({@link LookupRateLimiter#shared()}),
 *       as AWS allows.</li>
 *   <li>Checkpoint per account and region: the time up to which every canary known then was covered, and the newest
 *       such canary (canary ids sort by creation). The next pass asks again from that time minus
 *       {@link Builder#overlap} (event history lags behind the calls); canaries created since are asked about from
 *       their issue time. The store absorbs what is read twice; nothing is missed across a restart, since the
 *       checkpoint moves only after a whole pass over the account and region.</li>
 * </ul>
 *
 * <p>Thread-safe for one poll at a time (the engine serialises them).
 *
 * @since 0.1.0
 */
public final class CloudTrailLookupDetector implements Detector {
    private static final Logger LOG = LoggerFactory.getLogger(CloudTrailLookupDetector.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The regions enabled by default in every account (opt-in regions must be added explicitly). */
    public static final List<String> DEFAULT_REGIONS = List.of("us-east-1", "us-east-2", "us-west-1", "us-west-2",
            "ca-central-1", "eu-central-1", "eu-west-1", "eu-west-2", "eu-west-3", "eu-north-1", "ap-south-1",
            "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2", "sa-east-1");
    private static final Duration HISTORY = Duration.ofDays(90);

    private final String source;
    private final BiFunction<String, String, CloudTrailClient> clients;
    private final List<String> regions;
    private final Set<String> accounts;
    private final Duration overlap;
    private final Duration clockSkew;
    private final boolean byUserName;
    private final LookupRateLimiter limiter;
    private final CloudTrailReader reader = CloudTrailReader.create();

    private CloudTrailLookupDetector(Builder b) {
        this.source = b.source;
        this.clients = Objects.requireNonNull(b.clients, "clients"); // build() checked it
        LinkedHashSet<String> r = new LinkedHashSet<>();
        r.add("us-east-1");
        r.addAll(b.regions);
        this.regions = List.copyOf(r);
        this.accounts = Set.copyOf(b.accounts);
        this.overlap = b.overlap;
        this.clockSkew = b.clockSkew;
        this.byUserName = b.byUserName;
        this.limiter = b.limiter;
    }

    /** A builder; {@link Builder#clients} (or {@link Builder#client}) is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String source() {
        return source;
    }

    /** The regions asked, us-east-1 first. */
    public List<String> regions() {
        return regions;
    }

    /** Each account and region ({@code 111122223333/eu-west-1}) is a partition: processes may share the work. */
    @Override
    public boolean partitioned() {
        return true;
    }

    @Override
    public void poll(DetectorContext context, Consumer<Sighting> sink) {
        Map<String, List<CanaryRecord>> byAccount = new TreeMap<>();
        for (CanaryRecord r : context.watchedCanaries()) {
            if (accounts.isEmpty() || accounts.contains(r.accountId())) {
                byAccount.computeIfAbsent(r.accountId(), k -> new ArrayList<>()).add(r);
            }
        }
        CanaryIndex index = CanaryIndex.ofRecords(context.watchedCanaries(), clockSkew);
        for (Map.Entry<String, List<CanaryRecord>> e : byAccount.entrySet()) {
            List<CanaryRecord> canaries = e.getValue();
            canaries.sort(Comparator.comparing(CanaryRecord::id));
            for (String region : regions) {
                if (context.claimPartition(e.getKey() + "/" + region)) {
                    pollRegion(context, sink, index, e.getKey(), region, canaries);
                }
            }
        }
    }

    private void pollRegion(DetectorContext context, Consumer<Sighting> sink, CanaryIndex index, String account,
                            String region, List<CanaryRecord> canaries) {
        CloudTrailClient client = clients.apply(account, region);
        if (client == null) {
            LOG.debug("{}: no client for account {} in {}; skipped", source, account, region);
            return;
        }
        String cpKey = account + "/" + region;
        Optional<Checkpoint> cp = context.checkpoint(cpKey).map(Checkpoint::decode);
        Instant now = context.clock().instant();
        Instant oldest = now.minus(HISTORY);
        CanaryId newest = null;
        int asked = 0;
        for (CanaryRecord c : canaries) {
            Instant start = cp.isPresent() && c.id().compareTo(cp.get().newest()) <= 0
                    ? cp.get().coveredUntil().minus(overlap) : c.windowStart().minus(clockSkew);
            if (start.isBefore(c.windowStart().minus(clockSkew))) {
                start = c.windowStart().minus(clockSkew);
            }
            if (start.isBefore(oldest)) {
                start = oldest;
            }
            Instant end = now;
            Instant closed = c.validUntil();
            if (closed != null && closed.plus(clockSkew).isBefore(end)) {
                end = closed.plus(clockSkew);
            }
            if (start.isBefore(end)) {
                asked++;
                String keyId = c.accessKeyId();
                if (keyId != null) { // null while pending: no key yet, nothing to look up by key id
                    lookup(client, account, region, LookupAttributeKey.ACCESS_KEY_ID, keyId, start, end, index, sink);
                }
                if (byUserName && c.kind() == CredentialKind.IAM_USER) {
                    lookup(client, account, region, LookupAttributeKey.USERNAME, c.principal().name(), start, end,
                            index, sink);
                }
            }
            newest = c.id();
        }
        if (newest != null) {
            context.saveCheckpoint(cpKey, new Checkpoint(now, newest).encode());
            context.readUpTo(now); // every canary of this account and region was looked up to now
        }
        LOG.debug("{}: asked about {} canaries in {} {}", source, asked, account, region);
    }

    private void lookup(CloudTrailClient client, String account, String region, LookupAttributeKey key, String value,
                        Instant start, Instant end, CanaryIndex index, Consumer<Sighting> sink) {
        LookupEventsRequest.Builder req = LookupEventsRequest.builder()
                .lookupAttributes(LookupAttribute.builder().attributeKey(key).attributeValue(value).build())
                .startTime(start).endTime(end).maxResults(50);
        String token = null;
        do {
            if (token != null) {
                req.nextToken(token);
            }
            limiter.acquire(LookupRateLimiter.key(account, region));
            LookupEventsResponse page = client.lookupEvents(req.build());
            for (Event e : page.events()) {
                for (CloudTrailRecord r : records(e)) {
                    CloudTrailSightings.matchOrExposure(r, source, index).ifPresent(sink);
                }
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
    }

    /** The record of one event history item (its {@code CloudTrailEvent} string, with the item's fields as fallback). */
    private List<CloudTrailRecord> records(Event e) {
        ObjectNode item = JSON.createObjectNode();
        item.put("EventId", e.eventId());
        item.put("EventName", e.eventName());
        item.put("EventSource", e.eventSource());
        if (e.eventTime() != null) {
            item.put("EventTime", e.eventTime().toString());
        }
        item.put("AccessKeyId", e.accessKeyId());
        item.put("Username", e.username());
        if (e.cloudTrailEvent() == null) {
            return List.of();
        }
        item.put("CloudTrailEvent", e.cloudTrailEvent());
        List<CloudTrailRecord> out = new ArrayList<>(1);
        var result = reader.read(item.toString(), "LookupEvents " + e.eventId(), out::add);
        if (result.malformed() > 0) {
            LOG.warn("{}: event {} could not be read: {}", source, e.eventId(), result.problems());
        }
        return out;
    }

    /** Covered up to {@code coveredUntil} for every canary up to {@code newest}. */
    record Checkpoint(Instant coveredUntil, CanaryId newest) {
        String encode() {
            return coveredUntil + "|" + newest.value();
        }

        static Checkpoint decode(String text) {
            int bar = text.indexOf('|');
            return new Checkpoint(Instant.parse(text.substring(0, bar)), CanaryId.parse(text.substring(bar + 1)));
        }
    }

    @Override
    public String toString() {
        return "CloudTrailLookupDetector[" + regions + "]";
    }

    /**
     * Builder for {@link CloudTrailLookupDetector}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private String source = "cloudtrail-lookup";
        private @Nullable BiFunction<String, String, CloudTrailClient> clients;
        private final List<String> regions = new ArrayList<>(DEFAULT_REGIONS);
        private final List<String> accounts = new ArrayList<>();
        private Duration overlap = Duration.ofMinutes(30);
        private Duration clockSkew = Duration.ofMinutes(1);
        private boolean byUserName = true;
        private LookupRateLimiter limiter = LookupRateLimiter.shared();

        private Builder() {
        }

        /**
         * The CloudTrail client for an account and a region (required): {@code (accountId, region) -> client}, or
         * {@code null} when the account is not reachable. The caller owns and closes the clients.
         */
        public Builder clients(BiFunction<String, String, CloudTrailClient> v) {
            clients = Objects.requireNonNull(v, "clients");
            return this;
        }

        /** One client per region for the accounts of {@link #accounts} (or every account its credentials reach). */
        public Builder client(java.util.function.Function<String, CloudTrailClient> perRegion) {
            Objects.requireNonNull(perRegion, "perRegion");
            clients = (account, region) -> perRegion.apply(region);
            return this;
        }

        /** Regions to ask besides us-east-1 (default {@link #DEFAULT_REGIONS}). */
        public Builder regions(Collection<String> v) {
            regions.clear();
            regions.addAll(v);
            return this;
        }

        /** Only canaries of these accounts (default: every watched canary). */
        public Builder accounts(Collection<String> v) {
            accounts.clear();
            accounts.addAll(v);
            return this;
        }

        /** How far back each pass asks again, for events that reach the history late (default 30 minutes). */
        public Builder overlap(Duration v) {
            Objects.requireNonNull(v, "overlap");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("cloudtrail-lookup overlap must not be negative: " + v);
            }
            overlap = v;
            return this;
        }

        /** How far event times may fall outside a credential's validity window (default 1 minute). */
        public Builder clockSkew(Duration v) {
            Objects.requireNonNull(v, "clockSkew");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("cloudtrail-lookup clockSkew must not be negative: " + v);
            }
            clockSkew = v;
            return this;
        }

        /** Also ask by user name for IAM-user canaries (default true; doubles the requests). */
        public Builder byUserName(boolean v) {
            byUserName = v;
            return this;
        }

        /** The rate limiter (default the process-wide {@link LookupRateLimiter#shared()}). */
        public Builder rateLimiter(LookupRateLimiter v) {
            limiter = Objects.requireNonNull(v, "rateLimiter");
            return this;
        }

        /** The source name recorded in sightings (default {@code cloudtrail-lookup}). */
        public Builder source(String v) {
            source = Objects.requireNonNull(v, "source");
            return this;
        }

        /**
         * Builds the detector.
         *
         * @throws CanaryConfigurationException if no client function was given
         */
        public CloudTrailLookupDetector build() {
            if (clients == null) {
                throw new CanaryConfigurationException("the cloudtrail-lookup detector needs CloudTrail clients");
            }
            return new CloudTrailLookupDetector(this);
        }
    }
}
