package io.canarykit.examples.demo;

import io.canarykit.Alert;
import io.canarykit.CanaryRecord;
import io.canarykit.LifecycleReport;
import io.canarykit.Sighting;
import io.canarykit.fingerprint.FingerprintReport;

import java.util.List;

/**
 * What one demo run did.
 *
 * @param ok           true when every step did what it should
 * @param alerts       every alert raised, in order
 * @param tripped      the laptop canary the attacker used, as stored at the end
 * @param successor    the canary that replaced it, or {@code null}
 * @param sightings    the tripped canary's stored sightings
 * @param reconcile    the final reconcile report
 * @param issued       the three canaries issued first (laptop, CI job, container host)
 * @param fingerprints their fingerprint reports
 *
 * @since 0.1.0
 */
public record DemoResult(boolean ok, List<Alert> alerts, CanaryRecord tripped, CanaryRecord successor,
                         List<Sighting> sightings, LifecycleReport.Reconcile reconcile, List<CanaryRecord> issued,
                         List<FingerprintReport> fingerprints) {
}
