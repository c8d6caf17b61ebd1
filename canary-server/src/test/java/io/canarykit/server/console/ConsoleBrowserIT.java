package io.canarykit.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Asset;
import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.CanaryService;
import io.canarykit.CanaryStatus;
import io.canarykit.LifecycleReport;
import io.canarykit.ResponsePolicy;
import io.canarykit.Secret;
import io.canarykit.aws.detect.CloudTrailLookupDetector;
import io.canarykit.aws.issue.IamUserIssuer;
import io.canarykit.detect.DetectionEngine;
import io.canarykit.inventory.InventoryEntry;
import io.canarykit.issue.AtomicIssuance;
import io.canarykit.naming.PlausibleNamer;
import io.canarykit.placement.file.EnvFilePlacement;
import io.canarykit.policy.DenyAllPolicyHardener;
import io.canarykit.server.AuditEvent;
import io.canarykit.server.CallerPermissions;
import io.canarykit.server.CanaryHttpServer;
import io.canarykit.server.IssuanceApi;
import io.canarykit.server.PlacementProfile;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudtrail.CloudTrailClient;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.sts.StsClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The console in headless Chromium (Debian's, via Selenium), against a server running the demo's scenario: two canaries
 * issued through the API and planted in env files, an "attacker" reads one file and uses the canary with the real AWS
 * SDK (with a user agent carrying a script), CloudTrail LookupEvents detection stores the sightings. One browser
 * session for the whole class; the tests run in order (log in, look, try an attack, revoke, rotate, log out).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserIT {
    private static final String ADMIN_TOKEN = "ops-admin-token-0123456789abcdef";
    private static final String CI_TOKEN = "ci-plain-token-0123456789abcdef0";
    private static final String SCRIPT_UA = "aws-cli/2.15 <script>document.title='pwned'</script><img src=x>";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Path work;
    private MutableClock clock;
    private AwsEmulator aws;
    private CanaryService service;
    private IssuanceApi api;
    private CanaryHttpServer server;
    private ChromeDriver browser;
    private String base;
    private CanaryId triggered;
    private CanaryId untouched;
    private CanaryId failed;
    private String stolenSecret;
    private final ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> logs =
            new ch.qos.logback.core.read.ListAppender<>();
    private final List<AuditEvent> audit = new CopyOnWriteArrayList<>();
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    void scenario() throws Exception {
        long t0 = System.nanoTime();
        logs.start();
        rootLogger().addAppender(logs);
        work = Files.createDirectories(Path.of("target", "console-it").toAbsolutePath());
        Path envs = Files.createDirectories(work.resolve("envs"));
        try (var old = Files.list(envs)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        clock = MutableClock.at(Instant.now().minus(Duration.ofHours(3)));
        aws = AwsEmulator.builder().clock(clock).start();
        InMemoryCanaryStore store = InMemoryCanaryStore.create();
        IamUserIssuer issuer = IamUserIssuer.builder().iam(aws.iam()).sts(aws.sts()).accountId(aws.accountId())
                .clock(clock).build();
        DetectionEngine detection = DetectionEngine.builder().store(store).clock(clock)
                .detector(CloudTrailLookupDetector.builder()
                        .client(region -> aws.client(CloudTrailClient.builder(), aws.adminCredentials(), Region.of(region)))
                        .regions(List.of("us-east-1")).build())
                .alertSinks(List.of(alert -> { }))
                .build();
        service = CanaryService.builder().store(store)
                .issuance(AtomicIssuance.builder().store(store).issuers(issuer).clock(clock).build())
                .namer(PlausibleNamer.create()).hardener(DenyAllPolicyHardener.create())
                .placement(EnvFilePlacement.builder().clock(clock).build())
                .detection(detection).responsePolicy(ResponsePolicy.ALERT) // the responder decides, from the console
                .clock(clock).build();
        api = IssuanceApi.builder().service(service).clock(clock).mounted()
                .bearerToken("ops", Secret.of(ADMIN_TOKEN)).bearerToken("ci", Secret.of(CI_TOKEN))
                .profile(PlacementProfile.of("env-file", "env", Map.of("path", envs + "/${asset.id}.env"), List.of(envs)))
                .permissions("ops", CallerPermissions.defaults().withProfiles(List.of("return", "env-file")).withAdmin(true))
                .permissions("ci", CallerPermissions.defaults().withProfiles(List.of("return", "env-file")))
                .build();
        DetectorRuns runs = DetectorRuns.create(clock);
        WebConsole console = WebConsole.builder().service(service).api(api).clock(clock).detectorRuns(runs)
                .auditLog(audit::add).rotateAfter(Duration.ofHours(2))
                .inventory(() -> List.of(InventoryEntry.of(Asset.of("laptop", "LT-0042")),
                        InventoryEntry.of(Asset.of("ci-build", "payments-deploy")),
                        InventoryEntry.of(Asset.of("laptop", "LT-0099"))))
                .build();
        server = CanaryHttpServer.builder().route("/v1/", api.handler()).route(WebConsole.PATH, console.handler())
                .build().start();
        base = server.uri().toString();

        // 1. API issuance: two canaries planted in env files by the server
        triggered = CanaryId.parse(issue("{\"asset\":{\"kind\":\"laptop\",\"id\":\"LT-0042\",\"labels\":{\"owner\":"
                + "\"zoe@example.com\",\"team\":\"finance\"}},\"profile\":\"env-file\"}").get("canaryId").asText());
        untouched = CanaryId.parse(issue("{\"asset\":{\"kind\":\"ci-build\",\"id\":\"payments-deploy\",\"labels\":"
                + "{\"team\":\"platform\"}},\"profile\":\"env-file\"}").get("canaryId").asText());

        System.err.printf("[console IT] issued in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // 2. two hours later an attacker reads the laptop's env file and uses the key with the SDK
        clock.advance(Duration.ofHours(2));
        Map<String, String> env = new HashMap<>();
        for (String line : Files.readAllLines(envs.resolve("LT-0042.env"))) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                env.put(line.substring(0, eq).replace("export ", "").strip(),
                        line.substring(eq + 1).strip().replaceAll("^[\"']|[\"']$", ""));
            }
        }
        stolenSecret = env.get("AWS_SECRET_ACCESS_KEY");
        var stolen = StaticCredentialsProvider.create(AwsBasicCredentials.create(env.get("AWS_ACCESS_KEY_ID"),
                env.get("AWS_SECRET_ACCESS_KEY")));
        try (StsClient sts = StsClient.builder().region(Region.US_EAST_1).endpointOverride(aws.endpoint())
                .credentialsProvider(stolen).httpClientBuilder(UrlConnectionHttpClient.builder())
                .overrideConfiguration(o -> o.putHeader("User-Agent", SCRIPT_UA)).build();
             IamClient iam = IamClient.builder().region(Region.AWS_GLOBAL).endpointOverride(aws.endpoint())
                     .credentialsProvider(stolen).httpClientBuilder(UrlConnectionHttpClient.builder())
                     .overrideConfiguration(o -> o.putHeader("User-Agent", SCRIPT_UA)).build()) {
            sts.getCallerIdentity();
            clock.advance(Duration.ofSeconds(40));
            try {
                iam.listUsers();
            } catch (SdkException denied) {
                // the canary may do nothing: AccessDenied is what the attacker gets
            }
        }
        // positive control: the emulator's CloudTrail really carries the script in the user agent
        assertThat(aws.trailRecordsForKey(env.get("AWS_ACCESS_KEY_ID")).toString()).contains("<script>");

        System.err.printf("[console IT] attacked at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // 3. detection 25 minutes later
        clock.advance(Duration.ofMinutes(25));
        aws.deliverNow();
        LifecycleReport.Detect pass = service.detect();
        runs.record(pass.detection());
        assertThat(pass.detection().triggered()).containsExactly(triggered);

        System.err.printf("[console IT] detected at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        // an issuance that failed an hour ago, for the fleet's "needs attention"
        failed = CanaryId.generate(clock);
        store.create(io.canarykit.CanaryRecord.builder().id(failed).status(CanaryStatus.FAILED)
                .kind(io.canarykit.CredentialKind.IAM_USER).issuer("iam-user")
                .principal(io.canarykit.Principal.iamUser(aws.accountId(), "/", "billing-sync-x1"))
                .asset(Asset.of("laptop", "LT-0099")).createdAt(clock.instant().minus(Duration.ofHours(1)))
                .closedAt(clock.instant().minus(Duration.ofMinutes(59))).build());
        browser = TestChromium.start(work);
        System.err.printf("[console IT] browser up at %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    void stop() {
        rootLogger().detachAppender(logs);
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
        if (service != null) {
            service.close();
        }
        if (aws != null) {
            aws.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ tests

    @Test
    @Order(1)
    void onlyAnAdminCallerLogsInAndGetsAStrictHttpOnlyCookie() throws Exception {
        browser.get(base + "/console/fleet");
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        noConsoleErrors("login");
        TestChromium.screenshot(browser, "login");

        login(CI_TOKEN);
        assertThat(browser.findElement(By.id("message")).getText()).contains("ci is not an admin");
        login("wrong-token-wrong-token-wrong-token");
        assertThat(browser.findElement(By.id("message")).getText()).contains("not accepted");
        assertThat(browser.findElements(By.id("logout"))).isEmpty();
        // the two refusals are answered 403 and 401, which the browser reports; nothing else may be there
        assertThat(browser.manage().logs().get(LogType.BROWSER).getAll()).extracting(LogEntry::getMessage)
                .hasSize(2).allSatisfy(m -> assertThat(m).contains("/console/login").containsPattern("40[13]"));

        login(ADMIN_TOKEN);
        assertThat(browser.getCurrentUrl()).endsWith("/console/fleet");
        assertThat(browser.findElement(By.cssSelector("header .who")).getText()).contains("ops");
        Cookie cookie = browser.manage().getCookieNamed(WebConsole.COOKIE);
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
        assertThat(cookie.isSecure()).as("plain HTTP: Secure only behind TLS").isFalse();
        assertThat(audit).extracting(AuditEvent::action, AuditEvent::caller, AuditEvent::result)
                .contains(org.assertj.core.groups.Tuple.tuple("console-login", "ci", "refused"),
                        org.assertj.core.groups.Tuple.tuple("console-login", "ops", "ok"));
    }

    @Test
    @Order(2)
    void everyPageLoadsWithoutConsoleErrors() throws Exception {
        for (String page : List.of("fleet", "alerts", "health", "canaries/" + triggered.value(),
                "canaries/" + untouched.value(), "canaries/" + triggered.value() + "/revoke",
                "alerts?label=team%3Dfinance")) {
            browser.get(base + "/console/" + page);
            assertThat(browser.getTitle()).endsWith("canarykit").doesNotContain("pwned");
            assertThat(browser.findElement(By.tagName("h1")).getText()).isNotBlank();
            assertThat(browser.getPageSource()).as("no secret on a page").doesNotContain(stolenSecret)
                    .doesNotContain(ADMIN_TOKEN);
            noConsoleErrors(page);
        }
        browser.get(base + "/console/fleet");
        assertThat(browser.findElement(By.id("by-kind")).getText()).contains("iam-user").contains("2");
        assertThat(browser.findElement(By.id("coverage")).getText()).contains("2 of 3").contains("laptop/LT-0099");
        assertThat(browser.findElements(By.cssSelector("#live tr.canary"))).hasSize(2);
        assertThat(browser.findElements(By.cssSelector("#due tr.canary"))).as("issued 2 h 25 min ago, due after 2 h")
                .extracting(e -> e.getAttribute("data-id")).containsExactlyInAnyOrder(triggered.value(), untouched.value());
        assertThat(browser.findElements(By.cssSelector("#attention tr.canary")))
                .extracting(e -> e.getAttribute("data-id")).containsExactly(failed.value());
        fullPageScreenshot("fleet");
        browser.get(base + "/console/alerts");
        assertThat(browser.findElements(By.cssSelector("tr.alert"))).hasSize(2);
        fullPageScreenshot("alerts");
        browser.get(base + "/console/alerts?label=team%3Dplatform");
        assertThat(browser.findElements(By.cssSelector("tr.alert"))).isEmpty();
        browser.get(base + "/console/health");
        assertThat(browser.findElement(By.id("detectors")).getText()).contains("cloudtrail");
        assertThat(browser.findElements(By.cssSelector("#detectors svg.chart"))).isNotEmpty();
        assertThat(browser.findElement(By.id("quota")).getText()).contains(aws.accountId());
        fullPageScreenshot("health");
    }

    @Test
    @Order(3)
    void triggeredCanaryTimelineShowsTheEventsInOrder() throws Exception {
        browser.get(base + "/console/canaries/" + triggered.value());
        List<WebElement> events = browser.findElements(By.cssSelector("svg.timeline g.event"));
        assertThat(events).extracting(e -> e.getAttribute("data-event"))
                .containsExactly("issued", "planted", "first-use", "use");
        List<Instant> times = new ArrayList<>();
        for (WebElement e : events) {
            times.add(Instant.parse(e.getAttribute("data-time")));
        }
        assertThat(times).isSorted();
        CanaryRecord r = service.find(triggered).orElseThrow();
        assertThat(times.get(0)).isEqualTo(r.issuedAt());
        assertThat(times.get(2)).isEqualTo(r.triggeredAt());
        assertThat(Duration.between(times.get(0), times.get(2))).isBetween(Duration.ofHours(2), Duration.ofHours(3));
        assertThat(browser.findElements(By.cssSelector("tr.sighting"))).extracting(WebElement::getText)
                .satisfiesExactly(first -> assertThat(first).contains("GetCallerIdentity"),
                        second -> assertThat(second).contains("ListUsers").contains("AccessDenied"));
        assertThat(browser.findElement(By.id("principal")).getText()).isEqualTo(r.principal().arn());
        noConsoleErrors("canary");
    }

    @Test
    @Order(4)
    void aUserAgentCarryingAScriptIsShownAsText() {
        for (String page : List.of("canaries/" + triggered.value(), "alerts")) {
            browser.get(base + "/console/" + page);
            List<WebElement> agents = browser.findElements(By.cssSelector("td.ua"));
            assertThat(agents).isNotEmpty().allSatisfy(td -> assertThat(td.getText()).isEqualTo(SCRIPT_UA));
            assertThat(browser.findElements(By.tagName("script"))).isEmpty();
            assertThat(browser.findElements(By.cssSelector("td.ua img"))).isEmpty();
            assertThat(browser.getTitle()).doesNotContain("pwned");
            assertThat(browser.getPageSource()).contains("&lt;script&gt;document.title=");
            noConsoleErrors(page);
        }
    }

    @Test
    @Order(5)
    void aStateChangeWithoutTheCsrfTokenIsRefused() throws Exception {
        String session = browser.manage().getCookieNamed(WebConsole.COOKIE).getValue();
        browser.get(base + "/console/canaries/" + untouched.value() + "/revoke");
        String csrf = browser.findElement(By.name("csrf")).getAttribute("value");
        String revoke = "/console/canaries/" + untouched.value() + "/revoke";

        HttpResponse<String> none = post(revoke, session, "", Map.of());
        HttpResponse<String> wrong = post(revoke, session, "csrf=" + "A".repeat(43), Map.of());
        HttpResponse<String> crossSite = post(revoke, session, "csrf=" + csrf, Map.of("Sec-Fetch-Site", "cross-site"));
        HttpResponse<String> noSession = post(revoke, null, "csrf=" + csrf, Map.of());
        HttpResponse<String> logout = post("/console/logout", session, "", Map.of());
        assertThat(List.of(none, wrong, crossSite, noSession, logout)).allSatisfy(res -> {
            assertThat(res.statusCode()).isEqualTo(403);
            assertThat(res.body()).contains("Refused");
        });
        assertThat(none.body()).contains("carries no CSRF token");
        assertThat(wrong.body()).contains("CSRF token is wrong");
        assertThat(service.find(untouched).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
        assertThat(audit).noneMatch(e -> e.action().equals("console-revoke"));

        // the headers every page carries
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/console/fleet"))
                .header("Cookie", WebConsole.COOKIE + "=" + session).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Security-Policy")).contains(WebConsole.CSP);
        assertThat(WebConsole.CSP).doesNotContain("unsafe-inline").doesNotContain("script-src");
        assertThat(page.headers().firstValue("X-Frame-Options")).contains("DENY");
        assertThat(page.headers().firstValue("Cache-Control")).contains("no-store");
        // the login form carries a token too: a login POST without it is refused
        HttpResponse<String> forcedLogin = post("/console/login", session, "token=" + ADMIN_TOKEN, Map.of());
        assertThat(forcedLogin.statusCode()).isEqualTo(403);
    }

    @Test
    @Order(6)
    void revokeFromThePageAsksForConfirmationAndRevokes() throws Exception {
        browser.get(base + "/console/canaries/" + triggered.value());
        clickAndWait(By.id("revoke"));
        assertThat(browser.getCurrentUrl()).endsWith("/canaries/" + triggered.value() + "/revoke");
        assertThat(browser.findElement(By.id("confirm")).getText()).contains("cannot be undone");
        noConsoleErrors("confirm");
        TestChromium.screenshot(browser, "revoke-confirmation");
        assertThat(service.find(triggered).orElseThrow().status()).as("asking is not doing")
                .isEqualTo(CanaryStatus.TRIGGERED);
        String key = service.find(triggered).orElseThrow().accessKeyId();
        assertThat(aws.accessKey(key)).isPresent();

        clickAndWait(By.id("confirm-button"));
        assertThat(browser.getCurrentUrl()).endsWith("/canaries/" + triggered.value() + "?done=revoked");
        assertThat(browser.findElement(By.id("message")).getText()).contains("REVOKED");
        assertThat(service.find(triggered).orElseThrow().status()).isEqualTo(CanaryStatus.REVOKED);
        assertThat(aws.accessKey(key)).as("the key is gone from AWS").isEmpty();
        assertThat(browser.findElements(By.cssSelector("svg.timeline g.event")))
                .extracting(e -> e.getAttribute("data-event"))
                .containsExactly("issued", "planted", "first-use", "use", "revoked");
        assertThat(browser.findElements(By.id("revoke"))).isEmpty();
        assertThat(audit).anyMatch(e -> e.action().equals("console-revoke") && e.caller().equals("ops")
                && triggered.value().equals(e.canaryId()));
        noConsoleErrors("revoked");
        fullPageScreenshot("canary");
    }

    @Test
    @Order(7)
    void rotateFromThePageAsksForConfirmationAndReplacesInPlace() throws Exception {
        browser.get(base + "/console/canaries/" + untouched.value());
        clickAndWait(By.id("rotate"));
        assertThat(browser.findElement(By.id("confirm")).getText()).contains("same placement");
        assertThat(service.find(untouched).orElseThrow().status()).isEqualTo(CanaryStatus.ACTIVE);
        clickAndWait(By.id("confirm-button"));
        assertThat(browser.getCurrentUrl()).contains("?done=rotated");
        CanaryRecord old = service.find(untouched).orElseThrow();
        assertThat(old.status()).isEqualTo(CanaryStatus.ROTATED);
        CanaryRecord successor = service.find(old.replacedBy()).orElseThrow();
        assertThat(browser.getCurrentUrl()).contains("/canaries/" + successor.id().value());
        assertThat(successor.asset().ref()).isEqualTo("ci-build/payments-deploy");
        assertThat(successor.receipt().location()).isEqualTo(old.receipt().location());
        assertThat(Files.readString(Path.of(successor.receipt().location()))).contains(successor.accessKeyId())
                .doesNotContain(old.accessKeyId());
        browser.get(base + "/console/canaries/" + untouched.value());
        assertThat(browser.findElements(By.cssSelector("svg.timeline g.event")))
                .extracting(e -> e.getAttribute("data-event")).containsExactly("issued", "planted", "replaced");
        assertThat(browser.findElement(By.id("facts")).getText()).contains(successor.id().value());
        noConsoleErrors("rotated");
    }

    @Test
    @Order(8)
    void logoutEndsTheSession() {
        browser.get(base + "/console/fleet");
        String session = browser.manage().getCookieNamed(WebConsole.COOKIE).getValue();
        clickAndWait(By.id("logout"));
        assertThat(browser.getCurrentUrl()).endsWith("/console/login");
        browser.manage().addCookie(new Cookie(WebConsole.COOKIE, session, "/console"));
        browser.get(base + "/console/fleet");
        assertThat(browser.getCurrentUrl()).as("the old session id is dead").endsWith("/console/login");
        noConsoleErrors("logout");
    }

    @Test
    @Order(9)
    void guessingTokensAtTheLoginLocksTheAddressOutAsTheApiDoes() throws Exception {
        HttpResponse<String> unknown = http.send(HttpRequest.newBuilder(URI.create(base + "/console/canaries/"
                + "0".repeat(26) + "%3Cscript%3E")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(303); // not logged in: to the login page, nothing echoed
        assertThat(unknown.headers().firstValue("Location")).contains("/console/login");

        int refused = 0;
        for (int i = 0; i < 25; i++) {
            refused += loginOverHttp("guess-" + i + "-0123456789abcdef").statusCode() == 401 ? 1 : 0;
        }
        assertThat(refused).isEqualTo(25);
        HttpResponse<String> right = loginOverHttp(ADMIN_TOKEN);
        assertThat(right.statusCode()).as("the address is over its allowance: even the right token is refused")
                .isEqualTo(401);
        assertThat(right.headers().allValues("Set-Cookie")).isEmpty();
        assertThat(right.body()).doesNotContain(ADMIN_TOKEN);
    }

    @Test
    @Order(10)
    void behindATlsProxyTheCookieIsSecure() throws Exception {
        WebConsole behindProxy = WebConsole.builder().service(service).api(api).secureCookie(true).build();
        try (CanaryHttpServer other = CanaryHttpServer.builder().route(WebConsole.PATH, behindProxy.handler()).build()
                .start()) {
            HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(other.uri() + "/console/login"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(form.headers().firstValue("Set-Cookie").orElseThrow()).contains("; Secure")
                    .contains("HttpOnly").contains("SameSite=Strict");
        }
    }

    @Test
    @Order(11)
    void noTokenSessionIdOrSecretReachesALogLineOrTheAuditLog() {
        String text;
        synchronized (logs) {
            text = logs.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()
                    + (e.getThrowableProxy() == null ? "" : " " + e.getThrowableProxy().getMessage()))
                    .reduce("", (a, b) -> a + b + "\n");
        }
        // positive controls: the refused logins and the console's changes were logged
        assertThat(text).contains("authentication failed from 127.0.0.1").contains("console: ops revoked canary");
        assertThat(text).doesNotContain(ADMIN_TOKEN).doesNotContain(CI_TOKEN).doesNotContain("guess-3-0123456789abcdef")
                .doesNotContain(stolenSecret);
        assertThat(audit.toString()).doesNotContain(ADMIN_TOKEN).doesNotContain(CI_TOKEN).doesNotContain(stolenSecret);
        assertThat(audit).isNotEmpty();
    }

    private static ch.qos.logback.classic.Logger rootLogger() {
        return (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    }

    /** A login the way a browser does it: the form (cookie and CSRF token), then the POST. */
    private HttpResponse<String> loginOverHttp(String token) throws Exception {
        HttpResponse<String> form = http.send(HttpRequest.newBuilder(URI.create(base + "/console/login")).build(),
                HttpResponse.BodyHandlers.ofString());
        String cookie = form.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).contains("HttpOnly").contains("SameSite=Strict").contains("Path=/console")
                .doesNotContain("Secure");
        String session = cookie.substring(cookie.indexOf('=') + 1, cookie.indexOf(';'));
        java.util.regex.Matcher csrf = java.util.regex.Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"")
                .matcher(form.body());
        assertThat(csrf.find()).isTrue();
        return post("/console/login", session, "csrf=" + csrf.group(1) + "&token=" + token, Map.of());
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private JsonNode issue(String body) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(URI.create(base + "/v1/canaries"))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(201);
        return JSON.readTree(res.body());
    }

    private void login(String token) {
        browser.get(base + "/console/login");
        browser.findElement(By.id("token")).sendKeys(token);
        clickAndWait(By.id("login-button"));
    }

    private HttpResponse<String> post(String path, String session, String form, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (session != null) {
            b.header("Cookie", WebConsole.COOKIE + "=" + session);
        }
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /**
     * Clicks and waits until the next page has replaced this one (the old document's element goes stale): a click
     * that submits a form does not always wait for the navigation, and this machine may be slow.
     */
    private void clickAndWait(By target) {
        WebElement page = browser.findElement(By.tagName("html"));
        browser.findElement(target).click();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                page.isEnabled();
            } catch (org.openqa.selenium.StaleElementReferenceException gone) {
                browser.findElement(By.tagName("h1")); // waits for the new document to load
                return;
            }
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("clicking " + target + " did not lead to another page within 30 s");
    }

    /** Fails on any error in the browser's console since the last call (a CSP violation, a failed load, ...). */
    private void noConsoleErrors(String page) {
        List<LogEntry> errors = new ArrayList<>();
        for (LogEntry e : browser.manage().logs().get(LogType.BROWSER)) {
            if (e.getLevel().intValue() >= Level.WARNING.intValue()) {
                errors.add(e);
            }
        }
        assertThat(errors).as("browser console on " + page).isEmpty();
    }

    /** The whole page, beyond the window (Chromium's DevTools screenshot), under {@code target/console-screenshots}. */
    private void fullPageScreenshot(String name) throws Exception {
        Map<String, Object> metrics = browser.executeCdpCommand("Page.getLayoutMetrics", Map.of());
        @SuppressWarnings("unchecked")
        Map<String, Object> size = (Map<String, Object>) metrics.get("cssContentSize");
        double width = ((Number) size.get("width")).doubleValue();
        double height = Math.min(4000, ((Number) size.get("height")).doubleValue());
        Map<String, Object> shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("format", "png",
                "captureBeyondViewport", true,
                "clip", Map.of("x", 0, "y", 0, "width", width, "height", height, "scale", 1)));
        Files.write(TestChromium.screenshots().resolve(name + ".png"),
                java.util.Base64.getDecoder().decode((String) shot.get("data")));
    }
}
