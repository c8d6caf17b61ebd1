package io.canarykit.aws.account;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Which account a canary for an asset should come from, by the asset's labels: for plausibility, the account the host
 * already works in, so that the key decodes to an account an attacker sees around it. When the rule names no account,
 * or one that is not in the pool or has no room, the {@link AccountPool} falls back to headroom.
 *
 * @since 0.1.0
 */
@FunctionalInterface
public interface AccountRule {

    /**
     * The preferred account for {@code asset}, or empty for "no preference".
     *
     * @param asset the asset, or {@code null} when the caller issues without one
     */
    Optional<String> accountFor(@Nullable Asset asset);

    /** No preference: headroom decides. */
    static AccountRule none() {
        return asset -> Optional.empty();
    }

    /**
     * The account named by the asset's label {@code labelKey} (such as {@code aws-account}), when it is a 12-digit id.
     */
    static AccountRule label(String labelKey) {
        Objects.requireNonNull(labelKey, "labelKey");
        return asset -> {
            if (asset == null) {
                return Optional.empty();
            }
            String v = asset.labels().get(labelKey);
            return v != null && v.matches("\\d{12}") ? Optional.of(v) : Optional.empty();
        };
    }

    /**
     * The account mapped from the value of the asset's label {@code labelKey}: {@code workload=payments} →
     * {@code 111122223333}.
     *
     * @param mapping label value → account id
     * @throws CanaryConfigurationException if an account id is not 12 digits
     */
    static AccountRule mapped(String labelKey, Map<String, String> mapping) {
        Objects.requireNonNull(labelKey, "labelKey");
        Map<String, String> copy = new LinkedHashMap<>(mapping);
        copy.forEach((value, account) -> {
            if (account == null || !account.matches("\\d{12}")) {
                throw new CanaryConfigurationException("the account rule maps " + labelKey + "=" + value + " to '"
                        + account + "', which is not a 12-digit account id");
            }
        });
        Map<String, String> frozen = Map.copyOf(copy);
        return asset -> asset == null ? Optional.empty()
                : Optional.ofNullable(asset.labels().get(labelKey)).map(frozen::get);
    }

    /** The first rule that names an account. */
    static AccountRule firstOf(List<AccountRule> rules) {
        List<AccountRule> copy = List.copyOf(rules);
        return asset -> {
            for (AccountRule r : copy) {
                Optional<String> a = r.accountFor(asset);
                if (a.isPresent()) {
                    return a;
                }
            }
            return Optional.empty();
        };
    }
}
