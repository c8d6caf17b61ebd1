package io.canarykit.aws.placement;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
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

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * What every secret-store placement of this module does, against a real store: place, verify, replace in place,
 * remove, idempotent removal, nothing left behind, someone else's secret left alone, no secret in any log line,
 * receipt or error. Shaped like the shared placement contract of the test kit so that it can be swapped for it.
 */
abstract class StoredSecretsContract {
    static final Random RANDOM = new Random(42);
    static final CanaryCredential FIRST = credential("AKIAZ7KQ3M4XBOWNT2UF", "Vq8x/2sLk9Pz+0bN3mFh7TgYw1eRcUaDoIjHn5Ks");
    static final CanaryCredential SECOND = new CanaryCredential("ASIAZ7KQ3M4XCHAQJ5RB",
            Secret.of("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"),
            Secret.of("IQoJb3JpZ2luX2VjEXAMPLEsessionTOKENabcdefghijklmnopqrstuvwxyz0123456789+/ABCDEFGH=="),
            Instant.parse("2026-05-01T18:00:00Z"));

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    /** Ours and the SDK's (which logs requests at DEBUG): where a secret would leak. */
    private final List<Logger> watched = List.of((Logger) LoggerFactory.getLogger("io.canarykit"),
            (Logger) LoggerFactory.getLogger("software.amazon.awssdk"));
    private final List<Level> levels = new ArrayList<>();
    protected final List<Throwable> errors = new ArrayList<>();
    protected final List<PlacementReceipt> receipts = new ArrayList<>();

    static CanaryCredential credential(String id, String secret) {
        return CanaryCredential.longTerm(id, Secret.of(secret));
    }

    /** The placement under test. */
    abstract Placement placement();

    /** Request options naming {@code name} in the store. */
    abstract Map<String, String> options(String name);

    /** A name the store accepts. */
    abstract String name(String base);

    /** What the store holds: one line per item, {@code name -> access key id found in its value (or "-")}. */
    abstract List<String> stored();

    /** Writes an item that is not a canary's (someone's real credential) under {@code name}. */
    abstract void plantForeign(String name, String value);

    @BeforeEach
    void captureLogs() {
        watched.forEach(l -> {
            levels.add(l.getLevel());
            l.setLevel(Level.DEBUG);
        });
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void noSecretAnywhere() {
        root.detachAppender(logs);
        for (int i = 0; i < watched.size(); i++) {
            watched.get(i).setLevel(levels.get(i));
        }
        List<ILoggingEvent> events;
        synchronized (logs) { // AppenderBase appends under this lock, from the emulator's threads too
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
    }

    PlacementRequest request(CanaryCredential c, Map<String, String> options) {
        synchronized (RANDOM) {
            return new PlacementRequest(CanaryId.generate(Instant.parse("2026-05-01T12:00:00Z"), RANDOM),
                    Asset.of("service", "billing-exporter"), c, options);
        }
    }

    PlacementReceipt place(PlacementRequest r) {
        PlacementReceipt receipt = placement().place(r);
        receipts.add(receipt);
        return receipt;
    }

    @Test
    void placeVerifyReplaceRemoveAndRemoveAgain() {
        String name = name("billing/exporter");
        PlacementReceipt first = place(request(FIRST, options(name)));
        assertThat(placement().verify(first).present()).isTrue();
        assertThat(stored()).containsExactly(name + " -> " + FIRST.accessKeyId());

        PlacementReceipt second = placement().replace(first, request(SECOND, options(name)));
        receipts.add(second);
        assertThat(second.location()).as("rotation keeps the same secret").isEqualTo(first.location());
        assertThat(second.detail("accessKeyId")).isEqualTo(SECOND.accessKeyId());
        assertThat(placement().verify(second).present()).isTrue();
        assertThat(placement().verify(first).present()).as("the old receipt no longer matches").isFalse();
        assertThat(stored()).containsExactly(name + " -> " + SECOND.accessKeyId());

        placement().remove(first);
        assertThat(stored()).as("removing with the old receipt leaves the new canary").hasSize(1);
        placement().remove(second);
        assertThat(placement().verify(second).present()).isFalse();
        assertThat(stored()).as("nothing left behind").isEmpty();
        placement().remove(second);
        assertThat(stored()).isEmpty();
    }

    @Test
    void placingTheSameCanaryTwiceIsOnePlacement() {
        String name = name("ops/deploy");
        PlacementRequest r = request(FIRST, options(name));
        PlacementReceipt a = place(r);
        PlacementReceipt b = place(r);
        assertThat(b.location()).isEqualTo(a.location());
        assertThat(stored()).containsExactly(name + " -> " + FIRST.accessKeyId());
        placement().remove(b);
        assertThat(stored()).isEmpty();
    }

    @Test
    void someoneElsesSecretIsNeitherTakenOverNorRemoved() {
        String name = name("team/ci-deploy");
        plantForeign(name, "{\"AWS_ACCESS_KEY_ID\":\"AKIAREALKEYOFTHETEAM1\",\"AWS_SECRET_ACCESS_KEY\":\"x\"}");
        Throwable e = catchThrowable(() -> place(request(FIRST, options(name))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists")
                .hasMessageContaining("nothing was changed");
        assertThat(stored()).containsExactly(name + " -> AKIAREALKEYOFTHETEAM1");
    }

    @Test
    void aNameThatGivesTheCanaryAwayIsRefusedBeforeAnyCall() {
        Throwable e = catchThrowable(() -> place(request(FIRST, options(name("honeytoken/aws")))));
        errors.add(e);
        assertThat(e).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("give the canary away");
        Map<String, String> tagged = new java.util.LinkedHashMap<>(options(name("billing/x")));
        tagged.put("tags", "purpose=canary");
        errors.add(catchThrowable(() -> place(request(FIRST, tagged))));
        assertThat(errors.get(1)).isInstanceOf(CanaryConfigurationException.class);
        Map<String, String> typo = new java.util.LinkedHashMap<>(options(name("billing/x")));
        typo.put("fromat", "env");
        errors.add(catchThrowable(() -> place(request(FIRST, typo))));
        assertThat(errors.get(2)).hasMessageContaining("fromat");
        assertThat(stored()).isEmpty();
        placement().verify(place(request(FIRST, options(name("billing/x"))))); // positive control (and a log line)
    }

    @Test
    void aReceiptOfAnotherPlacementIsRefused() {
        PlacementReceipt other = new PlacementReceipt("env", "/tmp/.env", Map.of("accessKeyId", FIRST.accessKeyId()),
                Instant.now());
        assertThatThrownBy(() -> placement().remove(other)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("not written by placement");
        place(request(FIRST, options(name("billing/y"))));
    }
}
