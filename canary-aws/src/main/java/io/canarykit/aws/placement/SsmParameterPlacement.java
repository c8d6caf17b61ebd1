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
import software.amazon.awssdk.services.ssm.SsmClient;
import software.amazon.awssdk.services.ssm.model.Parameter;
import software.amazon.awssdk.services.ssm.model.ParameterTier;
import software.amazon.awssdk.services.ssm.model.ParameterType;
import software.amazon.awssdk.services.ssm.model.ResourceTypeForTagging;
import software.amazon.awssdk.services.ssm.model.Tag;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Placement {@code ssm-parameter}: an SSM Parameter Store {@code SecureString} parameter holding the canary as teams
 * keep credentials there, a JSON object or dotenv lines (see {@link CredentialText}), with an ordinary name,
 * description and tags. Whoever decrypts the parameter and uses what it holds triggers the canary.
 *
 * <p>Request options (kebab-case): {@code name} (required: a fully qualified name such as
 * {@code /prod/billing/aws-credentials}), {@code format} ({@code json} default, {@code env}), {@code keys}
 * ({@code env} default, {@code pascal}, {@code camel}, {@code snake}, {@code vault}), {@code description},
 * {@code kms-key-id} (default: the account's {@code alias/aws/ssm}), {@code tier} ({@code standard} default,
 * {@code advanced}, {@code intelligent-tiering}), {@code tags} ({@code k=v,k2=v2}). AWS's name rules are checked first
 * (no {@code aws}/{@code ssm} prefix, at most 15 levels), and names or tags that give the canary away are refused.
 *
 * <p>The parameter is the canary's own: {@code place} creates it ({@code Overwrite=false}, with its tags) and refuses
 * a name that exists and holds anything else. Every write is read back (decrypted value, type, tags) before it
 * counts; if anything after the creation fails, the parameter is deleted. {@link #replace} overwrites the same
 * parameter (a new version; the history keeps the old one, as it does for every rotation); if the new version cannot
 * be confirmed, the previous value is written back. {@link #remove} deletes the parameter only while it still holds the
 * receipt's key (Parameter Store has no recovery window); a parameter already gone counts as removed.
 *
 * <p>The receipt's location is the parameter's ARN; its details are {@code canaryId}, {@code accessKeyId},
 * {@code name}, {@code arn}, {@code region}, {@code version}, {@code format}, {@code keys}. Thread-safe if the client
 * is.
 *
 * @since 0.1.0
 */
public final class SsmParameterPlacement implements Placement {
    /** The provider name. */
    public static final String NAME = "ssm-parameter";
    private static final Logger LOG = LoggerFactory.getLogger(SsmParameterPlacement.class);
    static final Set<String> OPTIONS = Set.of("name", "format", "keys", "description", "kms-key-id", "tier",
            "tags");
    private static final Pattern PARAMETER_NAME = Pattern.compile("/?[a-zA-Z0-9_.-]+(/[a-zA-Z0-9_.-]+)*");

    private final SsmClient client;
    private final boolean ownsClient;
    private final Clock clock;

    private SsmParameterPlacement(Builder b) {
        this.client = Objects.requireNonNull(b.client, "client: set the SsmClient to use");
        this.ownsClient = b.ownsClient;
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
        String name = parameterName(o);
        String value = StoredValues.render(NAME, o, c);
        String description = o.get("description");
        if (description != null) { // requirePlausible passes null, but core does not mark its parameter @Nullable
            o.requirePlausible("description", description);
        }
        Map<String, String> tags = StoredValues.tags(o);
        ParameterTier tier = tier(o);
        boolean created = false;
        long version;
        try {
            version = client.putParameter(b -> {
                b.name(name).value(value).type(ParameterType.SECURE_STRING).overwrite(false).tier(tier);
                if (!tags.isEmpty()) {
                    b.tags(tags.entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build())
                            .toList());
                }
                if (description != null) {
                    b.description(description);
                }
                if (o.get("kms-key-id") != null) {
                    b.keyId(o.get("kms-key-id"));
                }
            }).version();
            created = true;
        } catch (SdkException e) {
            if (StoredValues.isCode(e, "ParameterAlreadyExists")) {
                // ours when an earlier attempt's answer was lost (or place is repeated): the value is this canary's
                Parameter existing = read(name);
                if (existing == null || !StoredValues.sameValue(existing.value(), value)) {
                    throw new CanaryConfigurationException("placement " + NAME + ": parameter '" + name + "' already "
                            + "exists and does not hold this canary; nothing was changed. Choose another name");
                }
                version = existing.version();
                created = true;
            } else if (StoredValues.isCode(e, "ValidationException") || StoredValues.isCode(e, "AccessDeniedException")
                    || StoredValues.isCode(e, "HierarchyLevelLimitExceededException")) {
                throw new CanaryConfigurationException("placement " + NAME + ": creating parameter '" + name
                        + "' was refused: " + StoredValues.describe(e, value) + "; nothing was changed", e);
            } else {
                deleteIfHolds(name, value, e);
                throw new CanaryException("placement " + NAME + ": creating parameter '" + name + "' failed: "
                        + StoredValues.describe(e, value), e);
            }
        }
        Parameter back;
        try {
            back = confirm(name, value, tags);
        } catch (RuntimeException e) {
            if (created) {
                deleteQuietly(name, e);
            }
            throw e;
        }
        LOG.debug("placed canary {} ({}) in parameter {}", request.canaryId(), c.accessKeyId(), back.arn());
        return receipt(request, o, name, back.arn(), version);
    }

    @Override
    public PlacementReceipt replace(PlacementReceipt previous, PlacementRequest request) {
        check(previous);
        PlacementOptions o = PlacementOptions.of(NAME, request.options(), OPTIONS);
        String name = parameterName(o);
        if (!name.equals(StoredValues.detail(previous, "name"))) {
            PlacementReceipt placed = place(request);
            remove(previous);
            return placed;
        }
        CanaryCredential c = request.credential();
        String placedKeyId = StoredValues.detail(previous, "accessKeyId");
        String value = StoredValues.render(NAME, o, c);
        Parameter current = read(name);
        String holds = current == null ? null : CredentialText.accessKeyId(current.value());
        if (current != null && c.accessKeyId().equals(holds) && StoredValues.sameValue(current.value(), value)) {
            return receipt(request, o, name, current.arn(), current.version()); // already replaced
        }
        if (current == null || !placedKeyId.equals(holds)) {
            throw new CanaryConfigurationException("placement " + NAME + ": parameter " + name + (current == null
                    ? " no longer exists" : " no longer holds canary " + placedKeyId)
                    + "; nothing was changed. Place the new canary with place instead");
        }
        long version;
        try {
            version = client.putParameter(b -> b.name(name).value(value).type(ParameterType.SECURE_STRING)
                    .overwrite(true)).version();
        } catch (SdkException e) {
            restoreIfChanged(name, current, e);
            throw new CanaryException("placement " + NAME + ": writing the new value of parameter " + name + " failed: "
                    + StoredValues.describe(e, value), e);
        }
        Parameter back;
        try {
            back = confirm(name, value, Map.of());
        } catch (RuntimeException e) {
            restoreIfChanged(name, current, e);
            throw e;
        }
        LOG.debug("replaced canary {} by {} in parameter {}", placedKeyId, c.accessKeyId(), name);
        return receipt(request, o, name, back.arn(), version);
    }

    @Override
    public PlacementVerification verify(PlacementReceipt receipt) {
        check(receipt);
        String name = StoredValues.detail(receipt, "name");
        String placedKeyId = StoredValues.detail(receipt, "accessKeyId");
        Parameter p = read(name);
        if (p == null) {
            return PlacementVerification.missing("parameter " + name + " no longer exists");
        }
        String found = CredentialText.accessKeyId(p.value());
        return placedKeyId.equals(found)
                ? PlacementVerification.present("parameter " + name + " holds " + found)
                : PlacementVerification.missing("parameter " + name + (found == null ? " holds no AWS access key id"
                : " holds " + found + ", not " + placedKeyId));
    }

    @Override
    public void remove(PlacementReceipt receipt) {
        check(receipt);
        String name = StoredValues.detail(receipt, "name");
        String placedKeyId = StoredValues.detail(receipt, "accessKeyId");
        Parameter p = read(name);
        if (p == null) {
            LOG.debug("parameter {} is already gone", name);
            return;
        }
        if (!placedKeyId.equals(CredentialText.accessKeyId(p.value()))) {
            LOG.warn("parameter {} no longer holds canary {}; it was left as it is", name, placedKeyId);
            return;
        }
        try {
            client.deleteParameter(b -> b.name(name));
        } catch (SdkException e) {
            if (!StoredValues.isCode(e, "ParameterNotFound")) {
                throw new CanaryException("placement " + NAME + ": deleting parameter " + name + " failed: "
                        + StoredValues.describe(e), e);
            }
        }
        if (read(name) != null) {
            throw new CanaryException("placement " + NAME + ": parameter " + name + " still exists after DeleteParameter "
                    + "was accepted; run remove again");
        }
        LOG.debug("removed canary {} from parameter {}", placedKeyId, name);
    }

    @Override
    public void close() {
        if (ownsClient) {
            client.close();
        }
    }

    // ----------------------------------------------------------------------------------------------------------

    private static String parameterName(PlacementOptions o) {
        String name = o.require("name", "the parameter's fully qualified name, such as /prod/billing/aws-credentials");
        String bare = name.startsWith("/") ? name.substring(1) : name;
        String lower = bare.toLowerCase(Locale.ROOT);
        if (!PARAMETER_NAME.matcher(name).matches() || name.length() > 1011 || (name.contains("/") && !name.startsWith("/"))
                || lower.startsWith("aws") || lower.startsWith("ssm") || name.chars().filter(ch -> ch == '/').count() > 15) {
            throw new CanaryConfigurationException("placement " + NAME + " option name: '" + name + "' is not a valid "
                    + "parameter name (a fully qualified /path/name of letters, digits and ._- with at most 15 levels, "
                    + "not starting with aws or ssm)");
        }
        o.requirePlausible("parameter name", name);
        return name;
    }

    private static ParameterTier tier(PlacementOptions o) {
        return switch (o.oneOf("tier", "standard", "standard", "advanced", "intelligent-tiering")) {
            case "advanced" -> ParameterTier.ADVANCED;
            case "intelligent-tiering" -> ParameterTier.INTELLIGENT_TIERING;
            default -> ParameterTier.STANDARD;
        };
    }

    /** Reads back value, type and tags; throws if any is not what was written. */
    private Parameter confirm(String name, String value, Map<String, String> tags) {
        Parameter back = read(name);
        if (back == null || back.type() != ParameterType.SECURE_STRING || !StoredValues.sameValue(back.value(), value)) {
            throw new CanaryException("placement " + NAME + ": parameter " + name + " does not hold the SecureString just "
                    + "written (read back " + (back == null ? "nothing" : back.typeAsString() + " with another value")
                    + "); the write did not take effect");
        }
        if (!tags.isEmpty()) {
            Map<String, String> found = new LinkedHashMap<>();
            try {
                client.listTagsForResource(b -> b.resourceType(ResourceTypeForTagging.PARAMETER).resourceId(name))
                        .tagList().forEach(t -> found.put(t.key(), t.value()));
            } catch (SdkException e) {
                throw new CanaryException("placement " + NAME + ": reading back the tags of parameter " + name
                        + " failed: " + StoredValues.describe(e), e);
            }
            if (!found.entrySet().containsAll(tags.entrySet())) {
                throw new CanaryException("placement " + NAME + ": parameter " + name + " lacks tags " + tags.keySet()
                        + " after they were set (read back " + found.keySet() + ")");
            }
        }
        return back;
    }

    /** The parameter, decrypted, or {@code null} when it does not exist. */
    private @Nullable Parameter read(String name) {
        try {
            return client.getParameter(b -> b.name(name).withDecryption(true)).parameter();
        } catch (SdkException e) {
            if (StoredValues.isCode(e, "ParameterNotFound")) {
                return null;
            }
            throw new CanaryException("placement " + NAME + ": reading parameter " + name + " failed: "
                    + StoredValues.describe(e), e);
        }
    }

    private void deleteIfHolds(String name, String value, RuntimeException failure) {
        try {
            Parameter p = read(name);
            if (p != null && StoredValues.sameValue(p.value(), value)) {
                deleteQuietly(name, failure);
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private void deleteQuietly(String name, RuntimeException failure) {
        try {
            client.deleteParameter(b -> b.name(name));
        } catch (SdkException e) {
            if (!StoredValues.isCode(e, "ParameterNotFound")) {
                failure.addSuppressed(new CanaryException("deleting parameter " + name + " after the failure failed too ("
                        + StoredValues.describe(e) + "); delete it by hand"));
            }
        }
    }

    /** Undoes a replacement: writes the previous value back if the parameter no longer holds it. */
    private void restoreIfChanged(String name, Parameter previous, RuntimeException failure) {
        try {
            Parameter now = read(name);
            if (now == null || !StoredValues.sameValue(now.value(), previous.value())) {
                client.putParameter(b -> b.name(name).value(previous.value()).type(ParameterType.SECURE_STRING)
                        .overwrite(true));
            }
        } catch (RuntimeException e) {
            failure.addSuppressed(new CanaryException("writing the previous value of parameter " + name
                    + " back failed (" + StoredValues.describe(e, previous.value()) + ")"));
        }
    }

    private PlacementReceipt receipt(PlacementRequest request, PlacementOptions o, String name, String arn, long version) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("canaryId", request.canaryId().value());
        details.put("accessKeyId", request.credential().accessKeyId());
        details.put("name", name);
        details.put("arn", arn);
        details.put("region", arn.split(":")[3]);
        details.put("version", Long.toString(version));
        details.put("format", o.get("format", "json"));
        details.put("keys", o.get("keys", "env"));
        return new PlacementReceipt(NAME, arn, details, clock.instant());
    }

    private static void check(PlacementReceipt receipt) {
        PlacementOptions.checkReceipt(NAME, receipt, "arn", "name", "accessKeyId");
    }

    @Override
    public String toString() {
        return "SsmParameterPlacement";
    }

    /**
     * Builds {@link SsmParameterPlacement}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable SsmClient client;
        private boolean ownsClient;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The client (required): its region, endpoint and credentials decide where parameters go. Not closed by the placement. */
        public Builder client(SsmClient client) {
            this.client = Objects.requireNonNull(client, "client");
            this.ownsClient = false;
            return this;
        }

        /** A client the placement closes in {@link Placement#close()} (the provider's). */
        Builder ownedClient(SsmClient client) {
            client(client);
            this.ownsClient = true;
            return this;
        }

        /** The clock for receipts (default UTC). */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The placement. */
        public SsmParameterPlacement build() {
            return new SsmParameterPlacement(this);
        }
    }
}
