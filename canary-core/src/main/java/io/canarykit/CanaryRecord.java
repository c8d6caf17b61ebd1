package io.canarykit;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Everything canarykit keeps about one canary: what names must not carry (the asset, the placement, its history).
 * It holds no secret. Records are immutable; change one with {@link #toBuilder()} and write it back with the store's
 * compare-and-set {@code update}, which checks {@link #version()}.
 *
 * @param id          canarykit's own id
 * @param status      where the canary is in its life
 * @param version     the store's version of this record, for compare-and-set updates (0 before it is stored)
 * @param kind        long-term IAM user key, assumed-role session or federation token
 * @param issuer      the name of the issuer provider that made it
 * @param accountId   the AWS account that holds the principal
 * @param principal   the principal the credential belongs to
 * @param accessKeyId the access key id, {@code null} while {@link CanaryStatus#PENDING}
 * @param asset       the asset it is planted in
 * @param receipt     where it was placed, {@code null} until placed
 * @param createdAt   when the intent was recorded
 * @param issuedAt    when AWS issued the credential, {@code null} while pending; the start of its validity window
 * @param expiresAt   when a short-term credential expires, {@code null} for long-term keys
 * @param closedAt    when it was revoked, expired or failed, {@code null} while live
 * @param triggeredAt the time of its first real use, {@code null} if never used
 * @param replaces    the canary this one replaced (rotation or re-issue), or {@code null}
 * @param replacedBy  the canary that replaced this one, or {@code null}
 * @param selfUses    calls the library made with it, which never alert
 * @param attributes  issuer- and user-specific facts (role ARN, namer, ...); never secrets
 *
 * @since 0.1.0
 */
public record CanaryRecord(
        CanaryId id,
        CanaryStatus status,
        long version,
        CredentialKind kind,
        String issuer,
        String accountId,
        Principal principal,
        @Nullable String accessKeyId,
        Asset asset,
        @Nullable PlacementReceipt receipt,
        Instant createdAt,
        @Nullable Instant issuedAt,
        @Nullable Instant expiresAt,
        @Nullable Instant closedAt,
        @Nullable Instant triggeredAt,
        @Nullable CanaryId replaces,
        @Nullable CanaryId replacedBy,
        List<SelfUse> selfUses,
        Map<String, String> attributes) {

    public CanaryRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(issuer, "issuer");
        Objects.requireNonNull(accountId, "accountId");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(createdAt, "createdAt");
        Principal.requireAccount(accountId);
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
        if (status != CanaryStatus.PENDING && status != CanaryStatus.FAILED && accessKeyId == null) {
            throw new CanaryConfigurationException("canary " + id + " is " + status + " but has no access key id");
        }
        selfUses = List.copyOf(selfUses == null ? List.of() : selfUses);
        attributes = Map.copyOf(new LinkedHashMap<>(attributes == null ? Map.of() : attributes));
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** A builder holding this record's values. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    /** Copy with another status. */
    public CanaryRecord withStatus(CanaryStatus newStatus) {
        return toBuilder().status(newStatus).build();
    }

    /** Copy with another version (stores use this). */
    public CanaryRecord withVersion(long newVersion) {
        return toBuilder().version(newVersion).build();
    }

    /**
     * The end of the credential's validity, or {@code null} while it has none: a long-term key is dead once revoked
     * ({@code closedAt}); a short-term session stays usable until it expires whether or not its record was closed (AWS
     * cannot delete a session), so its end is {@code expiresAt}.
     */
    public @Nullable Instant validUntil() {
        Instant until = kind.isLongTerm() ? closedAt : expiresAt;
        if (until == null && expiresAt != null) {
            until = expiresAt;
        }
        return until == null || !until.isBefore(windowStart()) ? until : windowStart();
    }

    /** True if the credential was valid at {@code instant}: issued (or intended) by then and not past {@link #validUntil()}. */
    public boolean validAt(Instant instant) {
        if (instant.isBefore(windowStart())) {
            return false;
        }
        Instant until = validUntil();
        return until == null || !instant.isAfter(until);
    }

    /** The start of the detection window: when the credential was issued (or the intent recorded). */
    public Instant windowStart() {
        return issuedAt != null ? issuedAt : createdAt;
    }

    /**
     * Builder for {@link CanaryRecord}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable CanaryId id;
        private CanaryStatus status = CanaryStatus.PENDING;
        private long version;
        private @Nullable CredentialKind kind;
        private @Nullable String issuer;
        private @Nullable String accountId;
        private @Nullable Principal principal;
        private @Nullable String accessKeyId;
        private @Nullable Asset asset;
        private @Nullable PlacementReceipt receipt;
        private @Nullable Instant createdAt;
        private @Nullable Instant issuedAt;
        private @Nullable Instant expiresAt;
        private @Nullable Instant closedAt;
        private @Nullable Instant triggeredAt;
        private @Nullable CanaryId replaces;
        private @Nullable CanaryId replacedBy;
        private final List<SelfUse> selfUses = new ArrayList<>();
        private final Map<String, String> attributes = new LinkedHashMap<>();

        Builder() {
        }

        Builder(CanaryRecord r) {
            id = r.id;
            status = r.status;
            version = r.version;
            kind = r.kind;
            issuer = r.issuer;
            accountId = r.accountId;
            principal = r.principal;
            accessKeyId = r.accessKeyId;
            asset = r.asset;
            receipt = r.receipt;
            createdAt = r.createdAt;
            issuedAt = r.issuedAt;
            expiresAt = r.expiresAt;
            closedAt = r.closedAt;
            triggeredAt = r.triggeredAt;
            replaces = r.replaces;
            replacedBy = r.replacedBy;
            selfUses.addAll(r.selfUses);
            attributes.putAll(r.attributes);
        }

        public Builder id(CanaryId v) { id = v; return this; }
        public Builder status(CanaryStatus v) { status = v; return this; }
        public Builder version(long v) { version = v; return this; }
        public Builder kind(CredentialKind v) { kind = v; return this; }
        public Builder issuer(String v) { issuer = v; return this; }
        public Builder accountId(String v) { accountId = v; return this; }
        /** Sets the principal and, when not set yet, the account id from it. */
        public Builder principal(Principal v) {
            principal = v;
            if (accountId == null && v != null) {
                accountId = v.accountId();
            }
            return this;
        }
        public Builder accessKeyId(@Nullable String v) { accessKeyId = v; return this; }
        public Builder asset(Asset v) { asset = v; return this; }
        public Builder receipt(@Nullable PlacementReceipt v) { receipt = v; return this; }
        public Builder createdAt(Instant v) { createdAt = v; return this; }
        public Builder issuedAt(@Nullable Instant v) { issuedAt = v; return this; }
        public Builder expiresAt(@Nullable Instant v) { expiresAt = v; return this; }
        public Builder closedAt(@Nullable Instant v) { closedAt = v; return this; }
        public Builder triggeredAt(@Nullable Instant v) { triggeredAt = v; return this; }
        public Builder replaces(@Nullable CanaryId v) { replaces = v; return this; }
        public Builder replacedBy(@Nullable CanaryId v) { replacedBy = v; return this; }
        public Builder selfUses(List<SelfUse> v) { selfUses.clear(); selfUses.addAll(v); return this; }
        public Builder addSelfUse(SelfUse v) { selfUses.add(v); return this; }
        public Builder attributes(Map<String, String> v) { attributes.clear(); attributes.putAll(v); return this; }
        public Builder attribute(String key, String value) { attributes.put(key, value); return this; }

        public CanaryRecord build() {
            return new CanaryRecord(Objects.requireNonNull(id, "id"), status, version, Objects.requireNonNull(kind, "kind"),
                    Objects.requireNonNull(issuer, "issuer"), Objects.requireNonNull(accountId, "accountId"),
                    Objects.requireNonNull(principal, "principal"), accessKeyId, Objects.requireNonNull(asset, "asset"),
                    receipt, Objects.requireNonNull(createdAt, "createdAt"), issuedAt, expiresAt, closedAt, triggeredAt,
                    replaces, replacedBy, selfUses, attributes);
        }
    }
}
