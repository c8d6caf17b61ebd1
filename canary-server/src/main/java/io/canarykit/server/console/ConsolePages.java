package io.canarykit.server.console;

import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.Classification;
import io.canarykit.PlacementReceipt;
import io.canarykit.Sighting;
import io.canarykit.SightingKind;
import io.canarykit.alert.SightingClassifier;
import io.canarykit.aws.account.AccountQuota;
import io.canarykit.detect.DetectionSummary;
import io.canarykit.detect.DetectorOutcome;
import io.canarykit.inventory.AssetSource;
import io.canarykit.inventory.InventoryEntry;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.store.CanaryQuery;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** The console's pages, rendered from the store on every request. Thread-safe (no state of its own). */
final class ConsolePages {
    private static final Duration STUCK_PENDING = Duration.ofMinutes(10);
    private static final Duration RECENT_FAILURES = Duration.ofDays(7);
    private static final Duration EXPIRING = Duration.ofHours(1);
    private static final Duration DAY = Duration.ofDays(1);
    private static final int HOURS = 24;

    private final CanaryService service;
    private final Clock clock;
    private final @Nullable AssetSource inventory;
    private final @Nullable Supplier<List<AccountQuota>> quotas;
    private final @Nullable DetectorRuns runs;
    private final Duration rotateAfter;
    private final SightingClassifier classifier = SightingClassifier.create();

    ConsolePages(CanaryService service, Clock clock, @Nullable AssetSource inventory,
                 @Nullable Supplier<List<AccountQuota>> quotas, @Nullable DetectorRuns runs, Duration rotateAfter) {
        this.service = service;
        this.clock = clock;
        this.inventory = inventory;
        this.quotas = quotas;
        this.runs = runs;
        this.rotateAfter = rotateAfter;
    }

    // ------------------------------------------------------------------------------------------------ layout

    private static Html start(ConsoleSessions.@Nullable Session s, String title, String current) {
        Html h = new Html();
        h.r("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                + "<link rel=\"icon\" href=\"data:,\"><link rel=\"stylesheet\" href=\"" + WebConsole.PATH
                + "/static/console.css\"><title>").t(title).r(" \u00b7 canarykit</title></head><body><header>"
                + "<span class=\"brand\">canarykit</span>");
        if (s != null && s.loggedIn()) {
            h.r("<nav>");
            for (String[] item : new String[][]{{"fleet", "Fleet"}, {"alerts", "Alerts"}, {"health", "Health"}}) {
                h.r("<a href=\"" + WebConsole.PATH + "/" + item[0] + "\"" + (item[0].equals(current)
                        ? " class=\"current\"" : "") + ">" + item[1] + "</a>");
            }
            h.r("</nav><span class=\"who\">").t(s.caller()).r(" <form method=\"post\" action=\"" + WebConsole.PATH
                    + "/logout\"><input type=\"hidden\" name=\"csrf\" value=\"").t(s.csrf())
                    .r("\"><button type=\"submit\" id=\"logout\">Log out</button></form></span>");
        }
        h.r("</header><main><h1>").t(title).r("</h1>");
        return h;
    }

    private static String end(Html h) {
        return h.r("</main></body></html>").toString();
    }

    String message(ConsoleSessions.@Nullable Session s, String title, String text) {
        Html h = start(s, title, "");
        h.r("<div class=\"notice error\" id=\"message\">").t(text).r("</div>");
        if (s != null && s.loggedIn()) {
            h.r("<p><a href=\"" + WebConsole.PATH + "/fleet\">Back to the fleet</a></p>");
        } else {
            h.r("<p><a href=\"" + WebConsole.PATH + "/login\">Log in</a></p>");
        }
        return end(h);
    }

    String login(ConsoleSessions.Session s, @Nullable String error) {
        Html h = start(null, "Log in", "");
        if (error != null) {
            h.r("<div class=\"notice error\" id=\"message\">").t(error).r("</div>");
        }
        h.r("<section><form method=\"post\" action=\"" + WebConsole.PATH + "/login\" id=\"login\">"
                + "<p>Paste the API bearer token of an admin caller "
                + "(<code>canary.api.caller.&lt;name&gt;.admin=true</code>). It is exchanged for a session cookie and "
                + "not kept.</p><input type=\"hidden\" name=\"csrf\" value=\"").t(s.csrf()).r("\">"
                + "<p><input type=\"password\" name=\"token\" id=\"token\" autocomplete=\"off\" "
                + "aria-label=\"API bearer token\"></p><p><button type=\"submit\" id=\"login-button\">Log in</button>"
                + "</p></form></section>");
        return end(h);
    }

    // ------------------------------------------------------------------------------------------------ fleet

    String fleet(ConsoleSessions.Session s) {
        Instant now = clock.instant();
        List<CanaryRecord> live = service.listAll(CanaryQuery.live());
        Html h = start(s, "Fleet", "fleet");
        h.r("<div class=\"cards\">");
        counts(h, "By kind", "by-kind", live, r -> r.kind().configName());
        counts(h, "By account", "by-account", live, CanaryRecord::accountId);
        counts(h, "By placement", "by-placement", live, ConsolePages::placement);
        h.r("</div>");

        h.r("<section id=\"coverage\"><h2>Coverage</h2>");
        if (inventory == null) {
            h.r("<p class=\"muted\">No inventory is configured for the console, so assets without a canary cannot be "
                    + "listed.</p>");
        } else {
            coverage(h, live);
        }
        h.r("</section>");

        List<CanaryRecord> due = new ArrayList<>();
        for (CanaryRecord r : live) {
            boolean old = !r.createdAt().plus(rotateAfter).isAfter(now);
            boolean expiring = r.expiresAt() != null && !r.expiresAt().minus(EXPIRING).isAfter(now);
            if ((r.status() == CanaryStatus.ACTIVE || r.status() == CanaryStatus.TRIGGERED) && (old || expiring)) {
                due.add(r);
            }
        }
        h.r("<section id=\"due\"><h2>Due for rotation</h2>");
        if (due.isEmpty()) {
            h.r("<p class=\"muted\">None: no live canary is older than ").t(days(rotateAfter))
                    .r(" or within an hour of expiry.</p>");
        } else {
            canaryTable(h, due);
        }
        h.r("</section>");

        List<CanaryRecord> attention = new ArrayList<>();
        for (CanaryRecord r : live) {
            if ((r.status() == CanaryStatus.PENDING && !r.createdAt().plus(STUCK_PENDING).isAfter(now))
                    || AtomicIssuance.revocationRequested(r)) {
                attention.add(r);
            }
        }
        for (CanaryRecord r : service.listAll(CanaryQuery.withStatus(CanaryStatus.FAILED))) {
            Instant at = r.closedAt() != null ? r.closedAt() : r.createdAt();
            if (at.isAfter(now.minus(RECENT_FAILURES))) {
                attention.add(r);
            }
        }
        h.r("<section id=\"attention\"><h2>Needs attention</h2>");
        if (attention.isEmpty()) {
            h.r("<p class=\"muted\">Nothing: no issuance stuck in PENDING for over 10 minutes, none FAILED in the last "
                    + "7 days, no revocation left unfinished.</p>");
        } else {
            canaryTable(h, attention);
        }
        h.r("</section>");

        h.r("<section id=\"live\"><h2>Live canaries (").t(Integer.toString(live.size())).r(")</h2>");
        if (live.isEmpty()) {
            h.r("<p class=\"muted\">No live canary.</p>");
        } else {
            canaryTable(h, live);
        }
        h.r("</section>");
        return end(h);
    }

    private static void counts(Html h, String title, String id, List<CanaryRecord> live,
                               Function<CanaryRecord, String> key) {
        Map<String, Integer> n = new TreeMap<>();
        for (CanaryRecord r : live) {
            n.merge(key.apply(r), 1, Integer::sum);
        }
        h.r("<section id=\"").r(id).r("\"><h2>").t(title).r("</h2><table>");
        if (n.isEmpty()) {
            h.r("<tr><td class=\"muted\">none</td></tr>");
        }
        n.forEach((k, v) -> h.r("<tr><td>").t(k).r("</td><td class=\"num\">").t(Integer.toString(v)).r("</td></tr>"));
        h.r("</table></section>");
    }

    private void coverage(Html h, List<CanaryRecord> live) {
        AssetSource inventory = this.inventory;
        if (inventory == null) {
            return; // the page says that no inventory is configured instead
        }
        List<InventoryEntry> assets;
        try {
            assets = inventory.assets();
        } catch (RuntimeException e) {
            h.r("<div class=\"notice error\">The inventory could not be read: ").t(e.getMessage()).r("</div>");
            return;
        }
        Set<String> covered = new HashSet<>();
        for (CanaryRecord r : live) {
            covered.add(r.asset().ref());
        }
        List<Asset> missing = new ArrayList<>();
        for (InventoryEntry e : assets) {
            if (!covered.contains(e.asset().ref())) {
                missing.add(e.asset());
            }
        }
        h.t(Integer.toString(assets.size() - missing.size())).r(" of ").t(Integer.toString(assets.size()))
                .r(" inventory assets have a live canary.");
        if (!missing.isEmpty()) {
            h.r("<div class=\"scroll\"><table><tr><th>Asset without a canary</th><th>Labels</th></tr>");
            for (Asset a : missing) {
                h.r("<tr><td>").t(a.ref()).r("</td><td>");
                labels(h, a);
                h.r("</td></tr>");
            }
            h.r("</table></div>");
        }
    }

    private static void canaryTable(Html h, List<CanaryRecord> records) {
        h.r("<div class=\"scroll\"><table><tr><th>Canary</th><th>Status</th><th>Kind</th><th>Asset</th><th>Labels</th>"
                + "<th>Account</th><th>Placement</th><th>Issued</th><th>First use</th></tr>");
        for (CanaryRecord r : records) {
            h.r("<tr class=\"canary\" data-id=\"").t(r.id().value()).r("\"><td><a class=\"mono\" href=\"")
                    .r(WebConsole.PATH).r("/canaries/").t(r.id().value()).r("\">").t(r.id().value()).r("</a></td><td>");
            status(h, r.status());
            h.r("</td><td>").t(r.kind().configName()).r("</td><td>").t(r.asset().ref()).r("</td><td>");
            labels(h, r.asset());
            h.r("</td><td class=\"mono\">").t(r.accountId()).r("</td><td>").t(placement(r)).r("</td><td>")
                    .time(r.issuedAt()).r("</td><td>").time(r.triggeredAt()).r("</td></tr>");
        }
        h.r("</table></div>");
    }

    private static void status(Html h, CanaryStatus st) {
        h.r("<span class=\"badge ").r(st.name()).r("\">").r(st.name()).r("</span>");
    }

    private static void labels(Html h, Asset a) {
        boolean first = true;
        for (Map.Entry<String, String> e : new TreeMap<>(a.labels()).entrySet()) {
            h.r(first ? "" : ", ").r("<span class=\"label\">").t(e.getKey()).r("=").t(e.getValue()).r("</span>");
            first = false;
        }
    }

    private static String placement(CanaryRecord r) {
        if (r.receipt() != null) {
            return r.receipt().placement();
        }
        String p = r.attributes().get(CanaryService.ATTR_PLACEMENT);
        return p == null ? "none" : p;
    }

    private static String days(Duration d) {
        return d.toDays() >= 1 ? d.toDays() + " days" : d.toHours() + " hours";
    }

    // ------------------------------------------------------------------------------------------------ alerts

    /** One use of a canary with its classification. */
    private record Use(CanaryRecord canary, Sighting sighting, Classification classification) {
    }

    private List<Use> uses(CanaryRecord r) {
        List<Sighting> history = service.store().sightings(r.id());
        List<Sighting> subjects = new ArrayList<>();
        for (Sighting x : history) {
            if (x.kind() != SightingKind.SELF_USE) {
                subjects.add(x);
            }
        }
        subjects.sort(Comparator.comparing(Sighting::time).thenComparing(Sighting::sourceEventId));
        List<Classification> c = classifier.classifyAll(r, subjects, history);
        List<Use> out = new ArrayList<>();
        for (int i = 0; i < subjects.size(); i++) {
            out.add(new Use(r, subjects.get(i), c.get(i)));
        }
        return out;
    }

    String alerts(ConsoleSessions.Session s, @Nullable String labelFilter) {
        String key = null;
        String value = null;
        if (labelFilter != null && !labelFilter.isBlank()) {
            int eq = labelFilter.indexOf('=');
            key = (eq < 0 ? labelFilter : labelFilter.substring(0, eq)).strip();
            value = eq < 0 ? null : labelFilter.substring(eq + 1).strip();
        }
        List<Use> all = new ArrayList<>();
        for (CanaryRecord r : service.listAll(CanaryQuery.all())) {
            if (r.triggeredAt() == null) {
                continue;
            }
            if (key != null && !(value == null ? r.asset().labels().containsKey(key)
                    : value.equals(r.asset().labels().get(key)))) {
                continue;
            }
            all.addAll(uses(r));
        }
        all.sort(Comparator.comparing((Use u) -> u.sighting.time()).reversed());
        Html h = start(s, "Alerts", "alerts");
        h.r("<section><form method=\"get\" action=\"" + WebConsole.PATH + "/alerts\" id=\"filter\">"
                + "<label>Asset label <input type=\"text\" name=\"label\" id=\"label\" placeholder=\"team=platform\" "
                + "value=\"").t(labelFilter == null ? "" : labelFilter).r("\"></label> <button type=\"submit\">"
                + "Filter</button>");
        if (key != null) {
            h.r(" <a href=\"" + WebConsole.PATH + "/alerts\">Clear</a>");
        }
        h.r("</form></section><section id=\"alerts\"><h2>Uses of canaries, newest first (")
                .t(Integer.toString(all.size())).r(")</h2>");
        if (all.isEmpty()) {
            h.r("<p class=\"muted\">No canary has been used").r(key == null ? "" : " among the assets with that label")
                    .r(".</p>");
        } else {
            h.r("<div class=\"scroll\"><table><tr><th>When</th><th>Severity</th><th>Classification</th><th>Canary</th>"
                    + "<th>Asset</th><th>Call</th><th>Source IP</th><th>User agent</th></tr>");
            for (Use u : all) {
                Sighting x = u.sighting;
                h.r("<tr class=\"alert\"><td>").time(x.time()).r("</td><td><span class=\"badge ")
                        .r(u.classification.severity().name()).r("\">").r(u.classification.severity().name())
                        .r("</span></td><td title=\"").t(String.join("; ", u.classification.evidence())).r("\">")
                        .t(u.classification.kind().configName()).r("</td><td><a class=\"mono\" href=\"")
                        .r(WebConsole.PATH).r("/canaries/").t(u.canary.id().value()).r("\">")
                        .t(u.canary.id().value()).r("</a></td><td>").t(u.canary.asset().ref()).r("<br>");
                labels(h, u.canary.asset());
                h.r("</td><td>").t(call(x)).r("</td><td class=\"mono\">").t(x.sourceIp()).r("</td><td class=\"ua\">")
                        .t(x.userAgent()).r("</td></tr>");
            }
            h.r("</table></div>");
        }
        h.r("</section>");
        return end(h);
    }

    private static String call(Sighting x) {
        if (x.kind() == SightingKind.UNLOGGED_USE) {
            return "use CloudTrail did not log" + (x.service() == null ? "" : " (" + x.service() + ")");
        }
        if (x.kind() == SightingKind.EXPOSURE_NOTICE) {
            return "AWS: key exposed";
        }
        String svc = x.service() == null ? "" : x.service().replace(".amazonaws.com", "") + ":";
        return svc + (x.call() == null ? "?" : x.call()) + (x.errorCode() == null ? "" : " \u2192 " + x.errorCode());
    }

    // ------------------------------------------------------------------------------------------------ one canary

    String canary(ConsoleSessions.Session s, CanaryRecord r, @Nullable String done) {
        List<Use> uses = uses(r);
        Html h = start(s, "Canary " + r.id().value(), "");
        if ("revoked".equals(done)) {
            h.r("<div class=\"notice\" id=\"message\">Revoked: the canary is now ").r(r.status().name()).r(".</div>");
        } else if ("rotated".equals(done)) {
            h.r("<div class=\"notice\" id=\"message\">Rotated: this is the replacement, placed where the old one was."
                    + "</div>");
        }
        h.r("<section id=\"window\"><h2>Detection window</h2>");
        Svg.timeline(h, timeline(r, uses), "timeline of canary " + r.id().value());
        if (r.triggeredAt() != null) {
            Instant planted = r.receipt() != null ? r.receipt().placedAt() : r.windowStart();
            Duration window = Duration.between(planted, r.triggeredAt());
            h.r("<p>The asset was breached between ").time(planted).r(" and ").time(r.triggeredAt()).r(" (")
                    .t(window.isNegative() ? "0 s" : human(window)).r(").</p>");
        }
        h.r("</section>");

        h.r("<section id=\"facts\"><h2>Canary</h2><dl class=\"facts\">");
        fact(h, "Status");
        status(h, r.status());
        h.r("</dd>");
        fact(h, "Kind").t(r.kind().configName()).r("</dd>");
        fact(h, "Asset").t(r.asset().ref()).r("</dd>");
        fact(h, "Labels");
        labels(h, r.asset());
        h.r("</dd>");
        fact(h, "Placement").t(placement(r));
        PlacementReceipt receipt = r.receipt();
        if (receipt != null) {
            h.r(" <span class=\"mono\">").t(receipt.location()).r("</span>");
        }
        h.r("</dd>");
        fact(h, "Account").r("<span class=\"mono\">").t(r.accountId()).r("</span></dd>");
        fact(h, "Principal").r("<span class=\"mono\" id=\"principal\">").t(r.principal().arn()).r("</span></dd>");
        fact(h, "Access key id").r("<span class=\"mono\">").t(r.accessKeyId()).r("</span></dd>");
        String owner = r.attributes().get(CanaryService.ATTR_OWNER);
        if (owner != null) {
            fact(h, "Issued by").t(owner).r("</dd>");
        }
        fact(h, "Issued").time(r.issuedAt() != null ? r.issuedAt() : r.createdAt()).r("</dd>");
        if (r.expiresAt() != null) {
            fact(h, "Expires").time(r.expiresAt()).r("</dd>");
        }
        fact(h, "First use").time(r.triggeredAt()).r("</dd>");
        if (r.closedAt() != null) {
            fact(h, "Closed").time(r.closedAt()).r("</dd>");
        }
        link(h, "Replaces", r.replaces());
        link(h, "Replaced by", r.replacedBy());
        h.r("</dl>");
        actions(h, r);
        h.r("</section>");

        h.r("<section id=\"sightings\"><h2>Sightings (").t(Integer.toString(uses.size())).r(")</h2>");
        if (uses.isEmpty()) {
            h.r("<p class=\"muted\">Nobody has used this canary.</p>");
        } else {
            h.r("<div class=\"scroll\"><table><tr><th>When</th><th>Classification</th><th>Call</th><th>Region</th>"
                    + "<th>Source IP</th><th>User agent</th><th>Caller ARN</th><th>Seen by</th></tr>");
            for (Use u : uses) {
                Sighting x = u.sighting;
                h.r("<tr class=\"sighting\"><td>").time(x.time()).r("</td><td title=\"")
                        .t(String.join("; ", u.classification.evidence())).r("\"><span class=\"badge ")
                        .r(u.classification.severity().name()).r("\">").r(u.classification.severity().name())
                        .r("</span> ").t(u.classification.kind().configName()).r("</td><td>").t(call(x))
                        .r("</td><td>").t(x.region()).r("</td><td class=\"mono\">").t(x.sourceIp())
                        .r("</td><td class=\"ua\">").t(x.userAgent()).r("</td><td class=\"mono\">").t(x.principalArn())
                        .r("</td><td>").t(x.source()).r("</td></tr>");
            }
            h.r("</table></div>");
        }
        h.r("</section>");
        return end(h);
    }

    private static Html fact(Html h, String name) {
        return h.r("<dt>").t(name).r("</dt><dd>");
    }

    private static void link(Html h, String name, @Nullable CanaryId id) {
        if (id != null) {
            fact(h, name).r("<a class=\"mono\" href=\"" + WebConsole.PATH + "/canaries/").t(id.value()).r("\">")
                    .t(id.value()).r("</a></dd>");
        }
    }

    private static void actions(Html h, CanaryRecord r) {
        if (!r.status().isLive()) {
            return;
        }
        h.r("<div class=\"actions\">");
        if (!AtomicIssuance.revocationRequested(r)) {
            h.r("<a class=\"button danger\" id=\"revoke\" href=\"" + WebConsole.PATH + "/canaries/").t(r.id().value())
                    .r("/revoke\">Revoke\u2026</a>");
        }
        if (rotatable(r)) {
            h.r("<a class=\"button plain\" id=\"rotate\" href=\"" + WebConsole.PATH + "/canaries/").t(r.id().value())
                    .r("/rotate\">Rotate\u2026</a>");
        } else if (r.status() == CanaryStatus.ACTIVE || r.status() == CanaryStatus.TRIGGERED) {
            h.r("<span class=\"muted\">Its credential was returned to its caller, which planted it: only that caller can "
                    + "replace it.</span>");
        }
        h.r("</div>");
    }

    private static boolean rotatable(CanaryRecord r) {
        if (r.status() != CanaryStatus.ACTIVE && r.status() != CanaryStatus.TRIGGERED
                || AtomicIssuance.revocationRequested(r)) {
            return false;
        }
        var spec = CanaryService.placementOf(r);
        return spec != null && !spec.returnsCredential();
    }

    private static List<Svg.Event> timeline(CanaryRecord r, List<Use> uses) {
        List<Svg.Event> events = new ArrayList<>();
        events.add(new Svg.Event("issued", "issued", r.issuedAt() != null ? r.issuedAt() : r.createdAt(), false));
        if (r.receipt() != null) {
            events.add(new Svg.Event("planted", "planted: " + r.receipt().placement(), r.receipt().placedAt(), false));
        }
        boolean first = true;
        for (Use u : uses) {
            Sighting x = u.sighting;
            String label = x.kind() == SightingKind.API_CALL && x.call() != null ? x.call() : call(x);
            events.add(new Svg.Event(first ? "first-use" : "use", (first ? "first use: " : "") + label, x.time(), true));
            first = false;
        }
        String rotatedAt = r.attributes().get(CanaryService.ATTR_ROTATED_AT);
        if (r.replacedBy() != null && rotatedAt != null) {
            events.add(new Svg.Event("replaced", "replaced", Instant.parse(rotatedAt), false));
        }
        if (r.closedAt() != null) {
            String kind = switch (r.status()) {
                case REVOKED -> "revoked";
                case EXPIRED -> "expired";
                case FAILED -> "failed";
                default -> "closed";
            };
            events.add(new Svg.Event(kind, kind, r.closedAt(), false));
        }
        return events;
    }

    private static String human(Duration d) {
        long s = d.getSeconds();
        if (s < 120) {
            return s + " s";
        }
        if (s < 7200) {
            return (s / 60) + " min";
        }
        if (s < 172800) {
            return (s / 3600) + " h " + (s % 3600 / 60) + " min";
        }
        return (s / 86400) + " days";
    }

    String confirm(ConsoleSessions.Session s, CanaryRecord r, String action) {
        boolean revoke = action.equals("revoke");
        Html h = start(s, (revoke ? "Revoke" : "Rotate") + " canary " + r.id().value() + "?", "");
        h.r("<section id=\"confirm\"><p>");
        if (revoke) {
            h.r("Revoking deletes the canary's principal and key in AWS and removes its placement from ").t(r.asset().ref())
                    .r(". A revoked canary no longer raises alerts when used. This cannot be undone.");
        } else {
            h.r("Rotating issues a new canary for ").t(r.asset().ref()).r(" in the same placement; this one is marked "
                    + "ROTATED and revoked after the grace period.");
        }
        h.r("</p><p>Canary <code>").t(r.id().value()).r("</code>, principal <code>").t(r.principal().arn())
                .r("</code>, status ");
        status(h, r.status());
        h.r(".</p>");
        if (!r.status().isLive() || (!revoke && !rotatable(r))) {
            h.r("<div class=\"notice error\">This canary cannot be ").t(revoke ? "revoked" : "rotated")
                    .r(" any more.</div>");
        } else {
            h.r("<form method=\"post\" action=\"" + WebConsole.PATH + "/canaries/").t(r.id().value()).r("/")
                    .r(revoke ? "revoke" : "rotate").r("\" class=\"actions\"><input type=\"hidden\" name=\"csrf\" "
                            + "value=\"").t(s.csrf()).r("\"><button type=\"submit\" id=\"confirm-button\" class=\"")
                    .r(revoke ? "danger" : "").r("\">").r(revoke ? "Yes, revoke it" : "Yes, rotate it")
                    .r("</button><a class=\"button plain\" id=\"cancel\" href=\"" + WebConsole.PATH + "/canaries/")
                    .t(r.id().value()).r("\">Cancel</a></form>");
        }
        h.r("</section>");
        return end(h);
    }

    // ------------------------------------------------------------------------------------------------ health

    String health(ConsoleSessions.Session s) {
        Instant now = clock.instant();
        Instant from = now.minus(DAY);
        Html h = start(s, "Health", "health");

        h.r("<section id=\"detectors\"><h2>Detectors: passes of the last day</h2>");
        List<DetectionSummary> passes = runs == null ? List.of() : runs.lastDay();
        if (passes.isEmpty()) {
            h.r("<p class=\"muted\">No detection pass recorded by this process in the last day (the console shows the "
                    + "passes of the server it runs in).</p>");
        } else {
            Map<String, List<Object[]>> byDetector = new LinkedHashMap<>();
            for (DetectionSummary p : passes) {
                for (DetectorOutcome o : p.detectors()) {
                    byDetector.computeIfAbsent(o.source(), k -> new ArrayList<>()).add(new Object[]{p, o});
                }
            }
            h.r("<div class=\"scroll\"><table><tr><th>Detector</th><th>Last run</th><th>Since</th><th>Runs</th>"
                    + "<th>Failed</th><th>Last error</th></tr>");
            for (Map.Entry<String, List<Object[]>> e : byDetector.entrySet()) {
                List<Object[]> list = e.getValue();
                DetectionSummary last = (DetectionSummary) list.get(list.size() - 1)[0];
                long failed = 0;
                String lastError = null;
                Instant lastErrorAt = null;
                for (Object[] po : list) {
                    DetectorOutcome o = (DetectorOutcome) po[1];
                    if (!o.succeeded()) {
                        failed++;
                        lastError = o.failure();
                        lastErrorAt = ((DetectionSummary) po[0]).finishedAt();
                    }
                }
                h.r("<tr class=\"detector\"><td>").t(e.getKey()).r("</td><td>").time(last.finishedAt()).r("</td><td>")
                        .t(human(Duration.between(last.finishedAt(), now))).r(" ago</td><td class=\"num\">")
                        .t(Integer.toString(list.size())).r("</td><td class=\"num\">").t(Long.toString(failed))
                        .r("</td><td>");
                if (lastError != null) {
                    h.time(lastErrorAt).r(" ").t(lastError.length() > 300 ? lastError.substring(0, 300) + "\u2026"
                            : lastError);
                }
                h.r("</td></tr>");
            }
            h.r("</table></div>");
            for (Map.Entry<String, List<Object[]>> e : byDetector.entrySet()) {
                long[] seen = new long[HOURS];
                long[] lag = new long[HOURS];
                boolean[] failedHours = new boolean[HOURS];
                Instant previous = null;
                for (Object[] po : e.getValue()) {
                    Instant at = ((DetectionSummary) po[0]).finishedAt();
                    int i = hour(at, from);
                    if (i >= 0) {
                        DetectorOutcome o = (DetectorOutcome) po[1];
                        seen[i] += o.seen();
                        failedHours[i] |= !o.succeeded();
                        if (previous != null) {
                            lag[i] = Math.max(lag[i], Duration.between(previous, at).toMinutes());
                        }
                    }
                    previous = at;
                }
                h.r("<h2>").t(e.getKey()).r(": records seen per hour, failed runs in red</h2>");
                Svg.hourly(h, e.getKey() + " records seen per hour over the last day", "records seen", seen,
                        failedHours, now);
                h.r("<h2>").t(e.getKey()).r(": lag, the longest gap between two runs in each hour (minutes)</h2>");
                Svg.hourly(h, e.getKey() + " longest gap between runs per hour over the last day", "minutes", lag,
                        failedHours, now);
            }
        }
        h.r("</section>");

        h.r("<section id=\"sightings-by-detector\"><h2>Uses of canaries per detector, last day (from the store)</h2>");
        Map<String, long[]> perSource = new TreeMap<>();
        Map<String, Instant> latest = new TreeMap<>();
        for (CanaryRecord r : service.listAll(CanaryQuery.all())) {
            if (r.triggeredAt() == null || (r.closedAt() != null && r.closedAt().isBefore(from))) {
                continue;
            }
            for (Sighting x : service.store().sightings(r.id())) {
                if (x.kind() == SightingKind.SELF_USE) {
                    continue;
                }
                latest.merge(x.source(), x.time(), (a, b) -> a.isAfter(b) ? a : b);
                int i = hour(x.time(), from);
                if (i >= 0) {
                    perSource.computeIfAbsent(x.source(), k -> new long[HOURS])[i]++;
                }
            }
        }
        if (latest.isEmpty()) {
            h.r("<p class=\"muted\">No detector has stored a use of a canary.</p>");
        } else {
            h.r("<table><tr><th>Detector</th><th>Latest use it saw</th><th>Last day</th></tr>");
            for (Map.Entry<String, Instant> e : latest.entrySet()) {
                long n = 0;
                for (long v : perSource.getOrDefault(e.getKey(), new long[HOURS])) {
                    n += v;
                }
                h.r("<tr><td>").t(e.getKey()).r("</td><td>").time(e.getValue()).r("</td><td class=\"num\">")
                        .t(Long.toString(n)).r("</td></tr>");
            }
            h.r("</table>");
            for (Map.Entry<String, long[]> e : perSource.entrySet()) {
                h.r("<h2>").t(e.getKey()).r(": uses per hour</h2>");
                Svg.hourly(h, e.getKey() + " uses per hour over the last day", "uses", e.getValue(), null, now);
            }
        }
        h.r("</section>");

        h.r("<section id=\"quota\"><h2>Quota headroom per account</h2>");
        List<AccountQuota> q = null;
        if (quotas != null) {
            try {
                q = quotas.get();
            } catch (RuntimeException e) {
                h.r("<div class=\"notice error\">The quotas could not be read: ").t(e.getMessage()).r("</div>");
            }
        }
        if (q != null && !q.isEmpty()) {
            h.r("<table><tr><th>Account</th><th>IAM users</th><th>Quota</th><th>Live canaries</th><th>In flight</th>"
                    + "<th>Headroom</th></tr>");
            for (AccountQuota a : q) {
                h.r("<tr><td class=\"mono\">").t(a.accountId()).r("</td><td class=\"num\">")
                        .t(a.awsUsers() < 0 ? "?" : Long.toString(a.awsUsers())).r("</td><td class=\"num\">")
                        .t(Integer.toString(a.usersQuota())).r(a.maxCanaryUsers() >= 0 ? " (cap " + a.maxCanaryUsers()
                                + ")" : "").r("</td><td class=\"num\">").t(Long.toString(a.liveCanaries()))
                        .r("</td><td class=\"num\">").t(Integer.toString(a.inFlight())).r("</td><td class=\"num\">")
                        .t(Long.toString(a.headroom())).r(a.full() ? " <span class=\"badge HIGH\">full</span>" : "")
                        .r("</td></tr>");
            }
            h.r("</table>");
        } else {
            Map<String, Integer> live = new TreeMap<>();
            for (CanaryRecord r : service.listAll(CanaryQuery.live())) {
                live.merge(r.accountId(), 1, Integer::sum);
            }
            h.r("<p class=\"muted\">This server tracks no quota (no account pool); live canaries per account:</p>"
                    + "<table><tr><th>Account</th><th>Live canaries</th></tr>");
            live.forEach((a, n) -> h.r("<tr><td class=\"mono\">").t(a).r("</td><td class=\"num\">")
                    .t(Integer.toString(n)).r("</td></tr>"));
            h.r("</table>");
        }
        h.r("</section>");
        return end(h);
    }

    /** The hour bucket (0..23) of {@code at} in the day starting at {@code from}, or -1 outside it. */
    private static int hour(Instant at, Instant from) {
        long minutes = Duration.between(from, at).toMinutes();
        if (minutes < 0) {
            return -1;
        }
        int i = (int) (minutes / 60);
        return i < HOURS ? i : (minutes <= HOURS * 60 ? HOURS - 1 : -1);
    }
}
