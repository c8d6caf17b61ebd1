package io.canarykit.store;

import io.canarykit.CanaryStatus;
import io.canarykit.CredentialKind;

import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A listing of canaries: optional filters by status, account and kind, a page size, and the cursor from the previous
 * page. Results come in canary-id order (creation order).
 *
 * @param statuses  statuses to include; empty means every status
 * @param accountId only this account, or {@code null}
 * @param kind      only this kind, or {@code null}
 * @param limit     the page size, 1-1000
 * @param cursor    {@link Page#nextCursor()} of the previous page, or {@code null} for the first
 *
 * @since 0.1.0
 */
public record CanaryQuery(Set<CanaryStatus> statuses, @Nullable String accountId, @Nullable CredentialKind kind, int limit,
                          @Nullable String cursor) {
    /** The default page size. */
    public static final int DEFAULT_LIMIT = 100;

    public CanaryQuery {
        statuses = statuses == null || statuses.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(statuses));
        if (limit < 1 || limit > 1000) {
            throw new IllegalArgumentException("page size must be 1-1000, was " + limit);
        }
    }

    /** Every canary, first page. */
    public static CanaryQuery all() {
        return new CanaryQuery(Set.of(), null, null, DEFAULT_LIMIT, null);
    }

    /** Canaries in any of these statuses. */
    public static CanaryQuery withStatus(CanaryStatus first, CanaryStatus... more) {
        return all().statuses(EnumSet.of(first, more));
    }

    /** Live canaries (see {@link CanaryStatus#isLive()}). */
    public static CanaryQuery live() {
        EnumSet<CanaryStatus> live = EnumSet.noneOf(CanaryStatus.class);
        for (CanaryStatus s : CanaryStatus.values()) {
            if (s.isLive()) {
                live.add(s);
            }
        }
        return all().statuses(live);
    }

    public CanaryQuery statuses(Set<CanaryStatus> v) {
        return new CanaryQuery(v, accountId, kind, limit, cursor);
    }

    /** This query for account {@code v} only ({@code null}: every account). */
    public CanaryQuery account(@Nullable String v) {
        return new CanaryQuery(statuses, v, kind, limit, cursor);
    }

    /** This query for kind {@code v} only ({@code null}: every kind). */
    public CanaryQuery kind(@Nullable CredentialKind v) {
        return new CanaryQuery(statuses, accountId, v, limit, cursor);
    }

    public CanaryQuery limit(int v) {
        return new CanaryQuery(statuses, accountId, kind, v, cursor);
    }

    /** This query from the cursor {@code v} on ({@link Page#nextCursor()}; {@code null}: the first page). */
    public CanaryQuery after(@Nullable String v) {
        return new CanaryQuery(statuses, accountId, kind, limit, v);
    }

    /** True if {@code status}, {@code account} and {@code kind} pass the filters. */
    public boolean matches(CanaryStatus status, @Nullable String account, @Nullable CredentialKind credentialKind) {
        return (statuses.isEmpty() || statuses.contains(status))
                && (accountId == null || Objects.equals(accountId, account))
                && (kind == null || kind == credentialKind);
    }
}
