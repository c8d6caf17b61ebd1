package io.canarykit.alert;

import io.canarykit.Alert;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.SightingClass;
import io.canarykit.config.CanaryConfig;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.HashSet;

/**
 * A routing rule: alerts that match every condition given go to its sinks. Empty conditions match everything. An
 * alert goes to the sinks of every route it matches; one that matches none goes to the default sinks (all sinks
 * unless {@code canary.alert.default-sinks} says otherwise): routing chooses where an alert goes, never whether.
 *
 * <pre>{@code
 * canary.alert.route.finance-laptops.asset-kind=laptop
 * canary.alert.route.finance-laptops.label.team=finance
 * canary.alert.route.finance-laptops.sinks=pagerduty,slack
 * canary.alert.route.ci-scanners.asset-kind=ci-runner
 * canary.alert.route.ci-scanners.classification=secret-scanner-verification
 * canary.alert.route.ci-scanners.sinks=slack
 * }</pre>
 *
 * @param name            the rule's name
 * @param assetKinds      asset kinds that match (any), or empty for all
 * @param labels          asset labels that must have one of the values, by label name
 * @param canaryKinds     credential kinds that match, or empty for all
 * @param classifications alert classifications that match, or empty for all
 * @param sinks           the sink names alerts of this route go to (at least one)
 *
 * @since 0.1.0
 */
public record AlertRoute(String name, Set<String> assetKinds, Map<String, Set<String>> labels,
                         Set<CredentialKind> canaryKinds, Set<SightingClass> classifications, List<String> sinks) {
    /** Keys under {@code canary.alert.} that are not sink names. */
    public static final Set<String> RESERVED = Set.of("sinks", "route", "default-sinks", "suppress", "digest");

    public AlertRoute {
        Objects.requireNonNull(name, "name");
        assetKinds = Set.copyOf(assetKinds);
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        labels.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        labels = Map.copyOf(copy);
        canaryKinds = Set.copyOf(canaryKinds);
        classifications = Set.copyOf(classifications);
        sinks = List.copyOf(sinks);
        if (sinks.isEmpty()) {
            throw new CanaryConfigurationException("alert route '" + name + "' names no sinks: set canary.alert.route."
                    + name + ".sinks");
        }
    }

    /** True if {@code alert} meets every condition. */
    public boolean matches(Alert alert) {
        if (!assetKinds.isEmpty() && !assetKinds.contains(alert.canary().asset().kind())) {
            return false;
        }
        for (Map.Entry<String, Set<String>> e : labels.entrySet()) {
            String v = alert.canary().asset().labels().get(e.getKey());
            if (v == null || !e.getValue().contains(v)) {
                return false;
            }
        }
        if (!canaryKinds.isEmpty() && !canaryKinds.contains(alert.canary().kind())) {
            return false;
        }
        return classifications.isEmpty() || classifications.contains(alert.classification().kind());
    }

    /**
     * The routes {@code canary.alert.route.<name>.*} define ({@code asset-kind}, {@code label.<label>},
     * {@code canary-kind}, {@code classification}: comma-separated values; {@code sinks}: required).
     *
     * @throws CanaryConfigurationException for an unknown key, classification or kind, or a route without sinks
     */
    public static List<AlertRoute> fromConfig(CanaryConfig config) {
        String prefix = "canary.alert.route.";
        Set<String> names = new TreeSet<>();
        for (String key : config.keys()) {
            if (key.startsWith(prefix) && key.indexOf('.', prefix.length()) > 0) {
                names.add(key.substring(prefix.length(), key.indexOf('.', prefix.length())));
            }
        }
        List<AlertRoute> out = new ArrayList<>();
        for (String name : names) {
            String p = prefix + name + ".";
            Map<String, Set<String>> labels = new LinkedHashMap<>();
            for (String key : config.keys()) {
                if (!key.startsWith(p)) {
                    continue;
                }
                String option = key.substring(p.length());
                if (option.startsWith("label.")) {
                    labels.put(option.substring("label.".length()), Set.copyOf(config.getList(key)));
                } else if (!Set.of("asset-kind", "canary-kind", "classification", "sinks").contains(option)) {
                    throw new CanaryConfigurationException("unknown key " + key + ": a route takes asset-kind,"
                            + " label.<name>, canary-kind, classification and sinks");
                }
            }
            Set<CredentialKind> kinds = new HashSet<>();
            config.getList(p + "canary-kind").forEach(k -> kinds.add(CredentialKind.fromConfigName(k)));
            Set<SightingClass> classes = new HashSet<>();
            config.getList(p + "classification").forEach(c -> classes.add(SightingClass.fromConfigName(c)));
            out.add(new AlertRoute(name, Set.copyOf(config.getList(p + "asset-kind")), labels, kinds, classes,
                    config.getList(p + "sinks")));
        }
        return out;
    }
}
