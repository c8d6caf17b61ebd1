package io.canarykit.placement.secrets;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What every REST placement of this module does against its service (a stateful WireMock fake answering as the
 * service documents): place, verify, replace in place, remove, idempotent removal, nothing left behind, someone
 * else's secret left alone; and no secret or API token in any log line, receipt or error. Shaped like the shared
 * placement contract of the test kit so that it can be swapped for it.
 */
abstract class RestPlacementContract {
    static final Random RANDOM = new Random(7);
    static final CanaryCredential FIRST = CanaryCredential.longTerm("AKIAZ7KQ3M4XBOWNT2UF",
            Secret.of("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"));
    static final CanaryCredential SECOND = new CanaryCredential("ASIAZ7KQ3M4XCHAQJ5RB",
            Secret.of("J4nR+7dXw0qLm/3yTbVe9HcKs2fZpUoAiGj6N8Ea"),
            Secret.of("IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGH=="),
            Instant.parse("2026-05-01T18:00:00Z"));

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final Logger ours = (Logger) LoggerFactory.getLogger("io.canarykit");
    private Level oursLevel;
    protected final List<Throwable> errors = new ArrayList<>();
    protected final List<PlacementReceipt> receipts = new ArrayList<>();

    static WireMockExtension wireMock(FakeApi fake) {
        return WireMockExtension.newInstance()
                .options(wireMockConfig().dynamicPort().jettyAcceptors(1).containerThreads(8).extensions(fake)).build();
    }

    static void answerWith(WireMockExtension wm, FakeApi fake) {
        wm.resetAll();
        wm.stubFor(any(anyUrl()).atPriority(10).willReturn(aResponse().withTransformers(fake.getName())));
    }

    /** The placement under test. */
    abstract Placement placement();

    /** Request options naming {@code name} in the store. */
    abstract Map<String, String> options(String name);

    /** What the store holds: one line per item, {@code name -> what identifies the canary in it}. */
    abstract List<String> stored();

    /** Writes someone's real credential under {@code name}. */
    abstract void plantForeign(String name);

    /** The API token, which must never show. */
    abstract String token();

    @BeforeEach
    void captureLogs() {
        oursLevel = ours.getLevel();
        ours.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void noSecretAnywhere() {
        root.detachAppender(logs);
        ours.setLevel(oursLevel);
        List<ILoggingEvent> events;
        synchronized (logs) {
            events = new ArrayList<>(logs.list);
        }
        String everything = events.stream().map(e -> e.getFormattedMessage() + (e.getThrowableProxy() == null ? ""
                : ThrowableProxyUtil.asString(e.getThrowableProxy()))).collect(Collectors.joining("\n"))
                + receipts + errors.stream().map(t -> t + String.valueOf(t.getCause()) + List.of(t.getSuppressed()))
                .collect(Collectors.joining());
        assertThat(events).as("positive control: the placement logged what it did").isNotEmpty();
        for (CanaryCredential c : List.of(FIRST, SECOND)) {
            assertThat(everything).doesNotContain(c.secretAccessKey().reveal());
            if (c.sessionToken() != null) {
                assertThat(everything).doesNotContain(c.sessionToken().reveal());
            }
        }
        assertThat(everything).doesNotContain(token());
    }

    PlacementRequest request(CanaryCredential c, Map<String, String> options) {
        synchronized (RANDOM) {
            return new PlacementRequest(CanaryId.generate(Instant.parse("2026-05-01T12:00:00Z"), RANDOM),
                    Asset.of("ci", "billing-service"), c, options);
        }
    }

    PlacementReceipt place(PlacementRequest r) {
        PlacementReceipt receipt = placement().place(r);
        receipts.add(receipt);
        return receipt;
    }

    @Test
    void placeVerifyReplaceRemoveAndRemoveAgain() {
        PlacementReceipt first = place(request(FIRST, options("billing")));
        assertThat(placement().verify(first).present()).isTrue();
        List<String> afterPlace = stored();
        assertThat(String.join("\n", afterPlace)).contains(FIRST.accessKeyId());

        PlacementReceipt second = placement().replace(first, request(SECOND, options("billing")));
        receipts.add(second);
        assertThat(second.location()).as("rotation keeps the same place").isEqualTo(first.location());
        assertThat(second.detail("accessKeyId")).isEqualTo(SECOND.accessKeyId());
        assertThat(placement().verify(second).present()).isTrue();
        assertThat(placement().verify(first).present()).as("the old receipt no longer matches").isFalse();
        assertThat(String.join("\n", stored())).contains(SECOND.accessKeyId()).doesNotContain(FIRST.accessKeyId());

        placement().remove(first);
        assertThat(stored()).as("removing with the old receipt leaves the new canary").isNotEmpty();
        placement().remove(second);
        assertThat(placement().verify(second).present()).isFalse();
        assertThat(stored()).as("nothing left behind").isEmpty();
        placement().remove(second);
        assertThat(stored()).isEmpty();
    }

    @Test
    void someoneElsesSecretIsNeitherTakenOverNorRemoved() {
        plantForeign("team");
        List<String> before = stored();
        Throwable e = catchThrowable(() -> place(request(FIRST, options("team"))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("nothing was changed");
        assertThat(stored()).isEqualTo(before);
        place(request(FIRST, options("elsewhere"))); // positive control
    }

    @Test
    void aReceiptOfAnotherPlacementIsRefused() {
        PlacementReceipt other = new PlacementReceipt("env", "/tmp/.env", Map.of("accessKeyId", FIRST.accessKeyId()),
                Instant.now());
        assertThatThrownBy(() -> placement().remove(other)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("not written by placement");
        place(request(FIRST, options("billing")));
    }
}
