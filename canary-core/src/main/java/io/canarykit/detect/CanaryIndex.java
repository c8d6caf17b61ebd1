package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.RecordFilter;
import io.canarykit.cloudtrail.SessionIssuer;
import io.canarykit.cloudtrail.UserIdentity;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An in-memory index of canaries for matching CloudTrail records fast, without a store round trip per record: used to
 * pre-filter large inputs (S3 log files, {@code canary scan}) before correlation. A record matches a canary when
 * <ol>
 *   <li>it was signed with the canary's access key id and made while that credential was valid, or else</li>
 *   <li>its caller ARN is the canary's principal ARN, within the validity window, or else</li>
 *   <li>its session was issued by the canary's IAM user (a {@code GetSessionToken} or {@code GetFederationToken}
 *       credential derived from the canary), within the validity window.</li>
 * </ol>
 * When several canaries qualify (a reused short-term key id with overlapping windows), the one whose principal ARN
 * also matches wins, then the most recently issued.
 *
 * <p>Immutable (its lookup maps are built once, on first use) and thread-safe.
 *
 * @since 0.1.0
 */
public final class CanaryIndex {
    private static final CanaryKey[] NONE = new CanaryKey[0];

    private final List<CanaryKey> keys;
    private volatile Maps maps;
    private final Duration skew;
    private final int size;
    private final RecordFilter filter;

    /** An index of {@code keys} (a list no one changes) with the filter already built from them. */
    private CanaryIndex(List<CanaryKey> keys, RecordFilter filter) {
        this.skew = Duration.ZERO;
        this.keys = keys;
        this.size = keys.size();
        this.filter = filter;
    }

    private CanaryIndex(Collection<CanaryKey> keys, Duration skew) {
        this.skew = Objects.requireNonNull(skew, "skew");
        if (skew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative: " + skew);
        }
        this.keys = List.copyOf(keys);
        this.size = this.keys.size();
        List<String> accessKeyIds = new ArrayList<>(size);
        List<String> arns = new ArrayList<>();
        for (CanaryKey key : this.keys) {
            collect(key, accessKeyIds, arns); // one call per key: compiled code from the start
        }
        this.filter = RecordFilter.of(accessKeyIds, arns);
    }

    private static void collect(CanaryKey key, List<String> accessKeyIds, List<String> arns) {
        if (key.accessKeyId() != null) {
            accessKeyIds.add(key.accessKeyId());
        }
        if (key.principalArn() != null) {
            arns.add(key.principalArn());
        }
    }

    /**
     * The lookup maps, built on first use: a scan of many files needs only the {@link #filter()} until its first
     * wanted record, so building them is taken off the path to the first byte read.
     */
    private Maps maps() {
        Maps m = maps;
        if (m == null) {
            synchronized (this) {
                m = maps;
                if (m == null) {
                    Map<String, CanaryKey[]> k = new HashMap<>(Math.max(16, size * 4 / 3 + 1));
                    Map<String, CanaryKey[]> a = new HashMap<>(Math.max(16, size * 4 / 3 + 1));
                    for (CanaryKey key : keys) {
                        add(k, a, key); // one call per key: compiled code from the start
                    }
                    m = new Maps(k, a);
                    maps = m;
                }
            }
        }
        return m;
    }

    private record Maps(Map<String, CanaryKey[]> byKey, Map<String, CanaryKey[]> byArn) {
    }

    private static void add(Map<String, CanaryKey[]> byKey, Map<String, CanaryKey[]> byArn, CanaryKey key) {
        if (key.accessKeyId() != null) {
            add(byKey, key.accessKeyId(), key);
        }
        if (key.principalArn() != null) {
            add(byArn, key.principalArn(), key);
        }
    }

    private static void add(Map<String, CanaryKey[]> map, String name, CanaryKey key) {
        CanaryKey[] old = map.get(name);
        if (old == null) {
            map.put(name, new CanaryKey[] {key});
        } else {
            CanaryKey[] grown = Arrays.copyOf(old, old.length + 1);
            grown[old.length] = key;
            map.put(name, grown);
        }
    }

    /** An index of {@code keys}, matching validity windows exactly. */
    public static CanaryIndex of(Collection<CanaryKey> keys) {
        return new CanaryIndex(keys, Duration.ZERO);
    }

    /**
     * An index of {@code keys} (an unmodifiable list without nulls, which it keeps as it is), matching validity
     * windows exactly, whose {@code filter} is {@code RecordFilter.of} their access key ids and principal ARNs: for
     * {@link CanaryKeyFile}, which builds the filter while reading.
     */
    static CanaryIndex prefiltered(List<CanaryKey> keys, RecordFilter filter) {
        return new CanaryIndex(keys, Objects.requireNonNull(filter, "filter"));
    }

    /** An index of {@code keys}, allowing {@code clockSkew} either side of each validity window. */
    public static CanaryIndex of(Collection<CanaryKey> keys, Duration clockSkew) {
        return new CanaryIndex(keys, clockSkew);
    }

    /** An index of stored canaries (those without an access key id and principal are skipped). */
    public static CanaryIndex ofRecords(Collection<CanaryRecord> records, Duration clockSkew) {
        return new CanaryIndex(records.stream().filter(r -> r.accessKeyId() != null || r.principal() != null)
                .map(CanaryKey::of).toList(), clockSkew);
    }

    /** How many canaries it holds. */
    public int size() {
        return size;
    }

    /** True if it holds no canary. */
    public boolean isEmpty() {
        return size == 0;
    }

    /**
     * A filter that passes at least every record this index can match (by access key id, caller ARN or session issuer
     * ARN, ignoring time): read with it, then {@link #match} what it passes.
     */
    public RecordFilter filter() {
        return filter;
    }

    /** Every access key id in the index. */
    public Set<String> accessKeyIds() {
        return Collections.unmodifiableSet(maps().byKey().keySet());
    }

    /** Every principal ARN in the index. */
    public Set<String> principalArns() {
        return Collections.unmodifiableSet(maps().byArn().keySet());
    }

    /** The canary {@code record} is a use of, or {@code null}. Records without an event time never match. */
    public CanaryKey match(CloudTrailRecord record) {
        UserIdentity ui = record.userIdentity();
        Instant t = record.eventTime();
        if (ui == null || t == null) {
            return null;
        }
        Map<String, CanaryKey[]> byKey = maps().byKey();
        Map<String, CanaryKey[]> byArn = maps().byArn();
        String arn = ui.arn();
        if (ui.accessKeyId() != null) {
            CanaryKey k = pick(byKey.getOrDefault(ui.accessKeyId(), NONE), t, arn);
            if (k != null) {
                return k;
            }
        }
        if (arn != null) {
            CanaryKey k = pick(byArn.getOrDefault(arn, NONE), t, arn);
            if (k != null) {
                return k;
            }
        }
        SessionIssuer issuer = ui.sessionIssuer();
        if (issuer != null && issuer.arn() != null && "IAMUser".equals(issuer.type())) {
            return pick(byArn.getOrDefault(issuer.arn(), NONE), t, issuer.arn());
        }
        return null;
    }

    /** The canary a use of {@code accessKeyId} (or, failing that, by {@code principalArn}) at {@code t} belongs to. */
    public CanaryKey match(String accessKeyId, String principalArn, Instant t) {
        if (t == null) {
            return null;
        }
        Map<String, CanaryKey[]> byKey = maps().byKey();
        Map<String, CanaryKey[]> byArn = maps().byArn();
        if (accessKeyId != null) {
            CanaryKey k = pick(byKey.getOrDefault(accessKeyId, NONE), t, principalArn);
            if (k != null) {
                return k;
            }
        }
        return principalArn == null ? null : pick(byArn.getOrDefault(principalArn, NONE), t, principalArn);
    }

    private CanaryKey pick(CanaryKey[] candidates, Instant t, String arn) {
        CanaryKey best = null;
        for (CanaryKey c : candidates) {
            if (!c.validAt(t, skew)) {
                continue;
            }
            if (best == null || better(c, best, arn)) {
                best = c;
            }
        }
        return best;
    }

    private static boolean better(CanaryKey c, CanaryKey best, String arn) {
        boolean cArn = arn != null && arn.equals(c.principalArn());
        boolean bArn = arn != null && arn.equals(best.principalArn());
        if (cArn != bArn) {
            return cArn;
        }
        return c.validFrom().isAfter(best.validFrom());
    }

    @Override
    public String toString() {
        return "CanaryIndex[" + size + " canaries]";
    }
}
