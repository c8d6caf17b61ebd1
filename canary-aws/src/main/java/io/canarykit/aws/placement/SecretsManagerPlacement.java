package io.canarykit.aws.placement;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryException;
import io.canarykit.PlacementReceipt;
import io.canarykit.placement.PlacementOptions;
import io.canarykit.internal.CredentialText;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.CreateSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.PutSecretValueResponse;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Placement {@code aws-secrets-manager}: an AWS Secrets Manager secret holding the canary the way teams keep
 * credentials there, a JSON object ({@code {"AWS_ACCESS_KEY_ID":…,"AWS_SECRET_ACCESS_KEY":…}}) or dotenv lines,
 * with an ordinary name, description and tags. Anyone (or anything) that reads the secret and uses what it finds
 * triggers the canary.
 *
 * <p>Request options (kebab-case): {@code name} (required: the secret's name, such as
 * {@code prod/billing/aws-credentials}), {@code format} ({@code json} default, {@code env}), {@code keys} (field
 * names: {@code env} default, {@code pascal}, {@code camel}, {@code snake}, {@code vault}; see
 * {@link CredentialText.KeyNames}), {@code description}, {@code kms-key-id}, {@code tags} ({@code k=v,k2=v2}). Names,
 * descriptions and tags that would give the canary away ({@code canary}, {@code honey}, ...) are refused.
 *
 * <p>The secret is the canary's own: {@code place} creates it and refuses a name that exists and holds anything else
 * (nothing is changed). Every write is read back (value and tags) before it counts; if anything after the creation
 * fails, the secret is deleted at once without a recovery window (it never held anything but this canary), so a
 * failure leaves no secret behind. {@link #replace} writes the new credential as a new version of the same secret
 * ({@code PutSecretValue}: same ARN, the old value becomes {@code AWSPREVIOUS}); if that cannot be confirmed, the
 * {@code AWSCURRENT} label is moved back. {@link #remove} deletes the secret only while it still holds the receipt's
 * key, with the configured recovery window ({@link Builder#recoveryWindowDays}: AWS's default of 30 days unless set;
 * {@code 0} deletes at once, {@code ForceDeleteWithoutRecovery}); a secret already gone or scheduled for deletion
 * counts as removed.
 *
 * <p>The receipt's location is the secret's ARN; its details are {@code canaryId}, {@code accessKeyId}, {@code name},
 * {@code arn}, {@code region}, {@code versionId}, {@code format}, {@code keys}. Thread-safe if the client is.
 *
 * @since 0.1.0
 */
public final class SecretsManagerPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "aws-secrets-manager";
    private static final Logger LOG = LoggerFactory.getLogger(SecretsManagerPlacement.class);
    static final Set<String> OPTIONS = Set.of("name", "format", "keys", "description", "kms-key-id", "tags");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");

    private final SecretsManagerClient client;
    private final boolean ownsClient;
    private final @Nullable Integer recoveryWindowDays;
    private final Clock clock;

    private SecretsManagerPlacement(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client: set the SecretsManagerClient to use");
        this.ownsClient = b.ownsClient;
        this.recoveryWindowDays = b.recoveryWindowDays;
        this.clock = b.clock;
    }

    /** A builder; {@link Builder#client} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public PlacementReceipt place(PlacementRequest request) {
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        CanaryCredential c = request.credential();
        String name = secretName(o);
        String value = StoredValues.render(NAME, o, c);
        String description = o.get("description");
        if (description != null) { // requirePlausible passes null, but core does not mark its parameter @Nullable
            o.requirePlausible("description", description);
        }
        Map<String, String> tags = StoredValues.tags(o);
        String token = StoredValues.token(request.canaryId(), c.accessKeyId());

        String arn;
        String versionId;
        boolean created = false;
        try {
            CreateSecretResponse r = client.createSecret(b -> {
                b.name(name).secretString(value).clientRequestToken(token)
                        .tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                                .toList());
                if (description != null) {
                    b.description(description);
                }
                if (o.get("kms-key-id") != null) {
                    b.kmsKeyId(o.get("kms-key-id"));
                }
            });
            arn = r.arn();
            versionId = r.versionId();
            created = true;
        } catch (SdkException e) {
            if (StoredValues.isCode(e, "ResourceExistsException")) {
                // ours when an earlier attempt's answer was lost (or place is repeated): the value is this canary's
                GetSecretValueResponse existing = read(name, value);
                if (existing == null || !StoredValues.sameValue(existing.secretString(), value)) {
                    throw new CanaryConfigurationException("placement " + NAME + ": secret '" + name + "' already exists"
                            + " and does not hold this canary; nothing was changed. Choose another name");
                }
                arn = existing.arn();
                versionId = existing.versionId();
                created = true; // it holds only this canary: undo may delete it
            } else if (StoredValues.isCode(e, "InvalidRequestException")) {
                throw new CanaryConfigurationException("placement " + NAME + ": secret '" + name + "' cannot be created ("
                        + StoredValues.describe(e, value) + "); a secret of that name is probably scheduled for "
                        + "deletion: restore it, wait, or choose another name. Nothing was changed", e);
            } else {
                // the create may have been applied although its answer was lost: delete what holds this value
                deleteIfHolds(name, value, e);
                throw new CanaryException("placement " + NAME + ": creating secret '" + name + "' failed: "
                        + StoredValues.describe(e, value), e);
            }
        }
        try {
            confirm(arn, value, tags);
        } catch (RuntimeException e) {
            if (created) {
                deleteNow(arn, e);
            }
            throw e;
        }
        LOG.debug("placed canary {} ({}) in secret {}", request.canaryId(), c.accessKeyId(), arn);
        return receipt(request, o, name, arn, versionId);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        String name = secretName(o);
        if (!name.equals(StoredValues.detail(previous, "name"))) {
            PlacementReceipt placed = place(request);
            remove(previous);
            return placed;
        }
        CanaryCredential c = request.credential();
        String value = StoredValues.render(NAME, o, c);
        String arn = StoredValues.detail(previous, "arn");
        String placedKeyId = StoredValues.detail(previous, "accessKeyId");
        GetSecretValueResponse current = read(arn, value);
        String holds = current == null ? null : CredentialText.accessKeyId(current.secretString());
        if (current != null && c.accessKeyId().equals(holds)
                && StoredValues.sameValue(current.secretString(), value)) {
            return receipt(request, o, name, arn, current.versionId()); // already replaced (a repeated call)
        }
        if (current == null || !placedKeyId.equals(holds)) {
            throw new CanaryConfigurationException("placement " + NAME + ": secret " + arn + (current == null
                    ? " no longer exists or is scheduled for deletion" : " no longer holds canary "
                    + placedKeyId) + "; nothing was changed. Place the new canary with place instead");
        }
        String token = StoredValues.token(request.canaryId(), c.accessKeyId());
        PutSecretValueResponse put;
        try {
            put = client.putSecretValue(b -> b.secretId(arn).secretString(value).clientRequestToken(token));
        } catch (SdkException e) {
            restoreIfMoved(arn, current.versionId(), token, e);
            throw new CanaryException("placement " + NAME + ": writing the new value of secret " + arn + " failed: "
                    + StoredValues.describe(e, value), e);
        }
        try {
            confirm(arn, value, Map.of());
        } catch (RuntimeException e) {
            restoreIfMoved(arn, current.versionId(), put.versionId(), e);
            throw e;
        }
        LOG.debug("replaced canary {} by {} in secret {}", placedKeyId, c.accessKeyId(), arn);
        return receipt(request, o, name, arn, put.versionId());
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        String arn = StoredValues.detail(receipt, "arn");
        String placedKeyId = StoredValues.detail(receipt, "accessKeyId");
        GetSecretValueResponse current = read(arn);
        if (current == null) {
            return PlacementVerification.missing("secret " + arn + " no longer exists or is scheduled for deletion");
        }
        String found = CredentialText.accessKeyId(current.secretString());
        return placedKeyId.equals(found)
                ? PlacementVerification.present("secret " + arn + " holds " + found)
                : PlacementVerification.missing("secret " + arn + (found == null ? " holds no AWS access key id"
                : " holds " + found + ", not " + placedKeyId));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        String arn = StoredValues.detail(receipt, "arn");
        String placedKeyId = StoredValues.detail(receipt, "accessKeyId");
        GetSecretValueResponse current = read(arn);
        if (current == null) {
            LOG.debug("secret {} is already gone", arn);
            return;
        }
        String found = CredentialText.accessKeyId(current.secretString());
        if (!placedKeyId.equals(found)) {
            LOG.warn("secret {} no longer holds canary {}; it was left as it is", arn, placedKeyId);
            return;
        }
        try {
            client.deleteSecret(b -> {
                b.secretId(arn);
                if (recoveryWindowDays != null && recoveryWindowDays == 0) {
                    b.forceDeleteWithoutRecovery(true);
                } else if (recoveryWindowDays != null) {
                    b.recoveryWindowInDays(recoveryWindowDays.longValue());
                }
            });
        } catch (SdkException e) {
            if (!StoredValues.isCode(e, "ResourceNotFoundException") && !StoredValues.isCode(e, "InvalidRequestException")) {
                throw new CanaryException("placement " + NAME + ": deleting secret " + arn + " failed: "
                        + StoredValues.describe(e), e);
            }
        }
        if (read(arn) != null) {
            throw new CanaryException("placement " + NAME + ": secret " + arn + " still holds canary "
                    + placedKeyId + " after DeleteSecret was accepted; run remove again");
        }
        LOG.debug("removed canary {} from secret {}", placedKeyId, arn);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    private static String secretName(PlacementOptions o) {
        String name = o.require("name", "the secret's name, such as prod/billing/aws-credentials");
        if (!SECRET_NAME.matcher(name).matches()) {
            throw new CanaryConfigurationException("placement " + NAME + " option name: '" + name + "' is not a valid "
                    + "secret name (1-512 letters, digits and /_+=.@-)");
        }
        o.requirePlausible("secret name", name);
        return name;
    }

    /** Reads the value back and the tags asked for; throws if either is not what was written. */
    private void confirm(String arn, String value, Map<String, String> tags) {
        GetSecretValueResponse back = read(arn, value);
        if (back == null || !StoredValues.sameValue(back.secretString(), value)) {
            throw new CanaryException("placement " + NAME + ": secret " + arn + " does not hold the value just written "
                    + "(read back " + (back == null ? "nothing" : "another value") + "); the write did not take effect");
        }
        if (!tags.isEmpty()) {
            DescribeSecretResponse d;
            try {
                d = client.describeSecret(b -> b.secretId(arn));
            } catch (SdkException e) {
                throw new CanaryException("placement " + NAME + ": reading back the tags of secret " + arn + " failed: "
                        + StoredValues.describe(e), e);
            }
            Map<String, String> found = new LinkedHashMap<>();
            d.tags().forEach(t -> found.put(t.key(), t.value()));
            if (!found.entrySet().containsAll(tags.entrySet())) {
                throw new CanaryException("placement " + NAME + ": secret " + arn + " lacks tags " + tags.keySet()
                        + " after they were set (read back " + found.keySet() + ")");
            }
        }
    }

    /** The current value, or {@code null} when the secret does not exist or is scheduled for deletion. */
    private @Nullable GetSecretValueResponse read(String secretId, String... secrets) {
        try {
            return client.getSecretValue(b -> b.secretId(secretId));
        } catch (SdkException e) {
            if (StoredValues.isCode(e, "ResourceNotFoundException") || StoredValues.isCode(e, "InvalidRequestException")) {
                return null;
            }
            throw new CanaryException("placement " + NAME + ": reading secret " + secretId + " failed: "
                    + StoredValues.describe(e, secrets), e);
        }
    }

    /** After a create whose answer was lost: if the secret exists holding this value, it is ours; delete it. */
    private void deleteIfHolds(String name, String value, RuntimeException failure) {
        try {
            GetSecretValueResponse r = client.getSecretValue(b -> b.secretId(name));
            if (StoredValues.sameValue(r.secretString(), value)) {
                deleteNow(r.arn(), failure);
            }
        } catch (SdkException e) {
            if (!StoredValues.isCode(e, "ResourceNotFoundException")) {
                failure.addSuppressed(new CanaryException("could not check whether secret '" + name + "' was created: "
                        + StoredValues.describe(e, value)));
            }
        }
    }

    /** Undoes a creation: the secret held nothing but this canary, so it goes at once, without a recovery window. */
    private void deleteNow(String arn, RuntimeException failure) {
        try {
            client.deleteSecret(b -> b.secretId(arn).forceDeleteWithoutRecovery(true));
        } catch (SdkException e) {
            if (!StoredValues.isCode(e, "ResourceNotFoundException")) {
                failure.addSuppressed(new CanaryException("deleting secret " + arn + " after the failure failed too ("
                        + StoredValues.describe(e) + "); delete it by hand"));
            }
        }
    }

    /** Undoes a replacement: moves AWSCURRENT back to the previous version if the new one got it. */
    private void restoreIfMoved(String arn, String previousVersion, String newVersion, RuntimeException failure) {
        try {
            GetSecretValueResponse now = client.getSecretValue(b -> b.secretId(arn));
            if (newVersion.equals(now.versionId())) {
                client.updateSecretVersionStage(b -> b.secretId(arn).versionStage("AWSCURRENT")
                        .moveToVersionId(previousVersion).removeFromVersionId(newVersion));
            }
        } catch (SdkException e) {
            failure.addSuppressed(new CanaryException("moving AWSCURRENT of secret " + arn + " back to version "
                    + previousVersion + " failed (" + StoredValues.describe(e) + ")"));
        }
    }

    private PlacementReceipt receipt(PlacementRequest request, PlacementOptions o, String name, String arn,
                                     String versionId) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", request.credential().accessKeyId());
        details.put("name", name);
        details.put("arn", arn);
        details.put("region", arn.split(":")[3]);
        if (versionId != null) {
            details.put("versionId", versionId);
        }
        details.put("format", o.get("format", "json"));
        details.put("keys", o.get("keys", "env"));
        return new PlacementReceipt(NAME, arn, details, clock.instant());
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "arn", "name", "accessKeyId");
    }

    @Override
    public String toString() {
        return "SecretsManagerPlacement[recoveryWindowDays=" + recoveryWindowDays + "]";
    }

    /**
     * Builds {@link SecretsManagerPlacement}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable SecretsManagerClient client;
        private boolean ownsClient;
        private @Nullable Integer recoveryWindowDays;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The client (required): its region, endpoint and credentials decide where secrets go. Not closed by the placement. */
        public Builder client(SecretsManagerClient client) {
            this.client = Objects.requireNonNull(client, "client");
            this.ownsClient = false;
            return this;
        }

        /** A client the placement closes in {@link Placement#close()} (the provider's). */
        Builder ownedClient(SecretsManagerClient client) {
            client(client);
            this.ownsClient = true;
            return this;
        }

        /**
         * The recovery window of {@link #remove}: 7 to 30 days, or {@code 0} to delete at once without recovery
         * ({@code ForceDeleteWithoutRecovery}); {@code null} (the default) leaves AWS's default of 30 days.
         *
         * @throws CanaryConfigurationException for another value
         */
        public Builder recoveryWindowDays(@Nullable Integer days) {
            if (days != null && days != 0 && (days < 7 || days > 30)) {
                throw new CanaryConfigurationException("recovery-window-days must be 0 (delete at once) or 7-30, was "
                        + days);
            }
            this.recoveryWindowDays = days;
            return this;
        }

        /** The clock for receipts (default UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The placement. */
        public SecretsManagerPlacement build() {
            return new SecretsManagerPlacement(this);
        }
    }
}
