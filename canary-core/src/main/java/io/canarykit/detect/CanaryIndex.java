package io.canarykit.detect;

import io.canarykit.CanaryRecord;
import io.canarykit.cloudtrail.CloudTrailRecord;
import io.canarykit.cloudtrail.RecordFilter;
import io.canarykit.cloudtrail.SessionIssuer;
import io.canarykit.cloudtrail.UserIdentity;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Set;

import org.jspecify.annotations.Nullable;

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
 * <p>The canaries are held compactly (a few arrays, not an object graph: 100,000 take about 10 MB), so that a large
 * index leaves a small heap for scanning. Immutable and thread-safe.
 *
 * @since 0.1.0
 */
public final class CanaryIndex {
    private final KeyTable table;
    private final Duration skew;
    private final RecordFilter filter;
    private volatile @Nullable Set<String> accessKeyIds;
    private volatile @Nullable Set<String> principalArns;

    private CanaryIndex(KeyTable table, RecordFilter filter, Duration skew) {
        this.table = table;
        this.filter = filter;
        this.skew = Objects.requireNonNull(skew, "skew");
        if (skew.isNegative()) {
            throw new IllegalArgumentException("clock skew must not be negative: " + skew);
        }
    }

    private static CanaryIndex ofKeys(Collection<CanaryKey> keys, Duration skew) {
        KeyTable.Builder b = new KeyTable.Builder(keys.size());
        for (CanaryKey k : keys) {
            b.add(Objects.requireNonNull(k, "key")); // one call per key: compiled code from the start
        }
        KeyTable t = b.build();
        return new CanaryIndex(t, t.filter(), skew);
    }

    /** An index of {@code keys}, matching validity windows exactly. */
    public static CanaryIndex of(Collection<CanaryKey> keys) {
        return ofKeys(keys, Duration.ZERO);
    }

    /** An index of the rows of {@code table} (with its {@code filter}), matching validity windows exactly. */
    static CanaryIndex of(KeyTable table, RecordFilter filter) {
        return new CanaryIndex(table, Objects.requireNonNull(filter, "filter"), Duration.ZERO);
    }

    /** An index of {@code keys}, allowing {@code clockSkew} either side of each validity window. */
    public static CanaryIndex of(Collection<CanaryKey> keys, Duration clockSkew) {
        return ofKeys(keys, clockSkew);
    }

    /** An index of stored canaries (those without an access key id and principal are skipped). */
    public static CanaryIndex ofRecords(Collection<CanaryRecord> records, Duration clockSkew) {
        return ofKeys(records.stream().filter(r -> r.accessKeyId() != null || r.principal() != null)
                .map(CanaryKey::of).toList(), clockSkew);
    }

    /** How many canaries it holds. */
    public int size() {
        return table.size();
    }

    /** True if it holds no canary. */
    public boolean isEmpty() {
        return table.size() == 0;
    }

    /**
     * A filter that passes at least every record this index can match (by access key id, caller ARN or session issuer
     * ARN, ignoring time) and every record naming one of its IAM users (see {@link #exposedBy}): read with it, then
     * {@link #match} what it passes.
     */
    public RecordFilter filter() {
        return filter;
    }

    /** Every access key id in the index. */
    public Set<String> accessKeyIds() {
        Set<String> s = accessKeyIds;
        if (s == null) {
            Set<String> all = new LinkedHashSet<>();
            for (int r = 0; r < table.size(); r++) {
                String k = table.key(r).accessKeyId();
                if (k != null) {
                    all.add(k);
                }
            }
            s = Collections.unmodifiableSet(all);
            accessKeyIds = s;
        }
        return s;
    }

    /** Every principal ARN in the index. */
    public Set<String> principalArns() {
        Set<String> s = principalArns;
        if (s == null) {
            Set<String> all = new LinkedHashSet<>();
            for (int r = 0; r < table.size(); r++) {
                String a = table.key(r).principalArn();
                if (a != null) {
                    all.add(a);
                }
            }
            s = Collections.unmodifiableSet(all);
            principalArns = s;
        }
        return s;
    }

    /** The canary {@code record} is a use of, or {@code null}. Records without an event time never match. */
    public @Nullable CanaryKey match(CloudTrailRecord record) {
        UserIdentity ui = record.userIdentity();
        Instant t = record.eventTime();
        if (ui == null || t == null) {
            return null;
        }
        String arn = ui.arn();
        if (ui.accessKeyId() != null) {
            CanaryKey k = pickByKey(ui.accessKeyId(), t, arn);
            if (k != null) {
                return k;
            }
        }
        if (arn != null) {
            CanaryKey k = pickByArn(arn, t, arn);
            if (k != null) {
                return k;
            }
        }
        SessionIssuer issuer = ui.sessionIssuer();
        if (issuer != null && issuer.arn() != null && "IAMUser".equals(issuer.type())) {
            return pickByArn(issuer.arn(), t, issuer.arn());
        }
        return null;
    }

    /**
     * The canary {@code record} tells is published, or {@code null}: AWS attaching its compromised-key quarantine
     * policy to the canary's IAM user, which names the user (in {@code requestParameters.userName}) and its account,
     * never the key (the rules of {@link ExposureNotices}). Of several canaries of that user, the one valid at the
     * record's time wins, else the most recently issued. Records without an event time never match.
     */
    public @Nullable CanaryKey exposedBy(CloudTrailRecord record) {
        String user = ExposureNotices.quarantinedUser(record);
        Instant t = record.eventTime();
        if (user == null || t == null) {
            return null;
        }
        String account = record.recipientAccountId() != null ? record.recipientAccountId()
                : record.userIdentity() == null ? null : record.userIdentity().accountId();
        CanaryKey best = null;
        CanaryKey latest = null;
        for (int r : table.rowsWithArnEnding(user)) {
            CanaryKey k = table.key(r);
            if (k.accessKeyId() == null || !ExposureNotices.isUserArn(k.principalArn(), user, account)) {
                continue;
            }
            best = better(k, best, t, null);
            latest = latest == null || k.validFrom().isAfter(latest.validFrom()) ? k : latest;
        }
        return best != null ? best : latest;
    }

    /** The canary a use of {@code accessKeyId} (or, failing that, by {@code principalArn}) at {@code t} belongs to. */
    public @Nullable CanaryKey match(@Nullable String accessKeyId, @Nullable String principalArn,
                                     @Nullable Instant t) {
        if (t == null) {
            return null;
        }
        if (accessKeyId != null) {
            CanaryKey k = pickByKey(accessKeyId, t, principalArn);
            if (k != null) {
                return k;
            }
        }
        return principalArn == null ? null : pickByArn(principalArn, t, principalArn);
    }

    private @Nullable CanaryKey pickByKey(String accessKeyId, Instant t, @Nullable String arn) {
        CanaryKey best = null;
        for (int r = table.firstByKey(accessKeyId); r >= 0; r = table.nextByKey(r)) {
            best = better(table.key(r), best, t, arn);
        }
        return best;
    }

    private @Nullable CanaryKey pickByArn(String principalArn, Instant t, @Nullable String arn) {
        CanaryKey best = null;
        for (int r = table.firstByArn(principalArn); r >= 0; r = table.nextByArn(r)) {
            best = better(table.key(r), best, t, arn);
        }
        return best;
    }

    /** {@code c} if it was valid at {@code t} and beats {@code best} (or there is none yet), else {@code best}. */
    private @Nullable CanaryKey better(CanaryKey c, @Nullable CanaryKey best, Instant t, @Nullable String arn) {
        if (!c.validAt(t, skew)) {
            return best;
        }
        if (best == null) {
            return c;
        }
        boolean cArn = arn != null && arn.equals(c.principalArn());
        boolean bArn = arn != null && arn.equals(best.principalArn());
        if (cArn != bArn) {
            return cArn ? c : best;
        }
        return c.validFrom().isAfter(best.validFrom()) ? c : best;
    }

    /** The label of a key of this index: the id as its source spelt it (see {@link CanaryKeyFile}). */
    String label(CanaryKey key) {
        return table.label(key);
    }

    @Override
    public String toString() {
        return "CanaryIndex[" + table.size() + " canaries]";
    }
}
