package io.canarykit.detect;

import io.canarykit.AlertType;
import io.canarykit.store.CanaryStoreException;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What an alert claim's payload holds, as the ledger writes and reads it back. */
class AlertLedgerContentTest {
    private static final Instant T = Instant.parse("2025-03-14T09:26:53Z");

    @Test
    void contentReadsBackAsWritten() {
        AlertLedger.Content c = new AlertLedger.Content(AlertType.FOLLOW_UP, T, 3, List.of("k1", "k2"), null);
        assertThat(AlertLedger.Content.decode(c.encode())).isEqualTo(c);
        AlertLedger.Content extra = new AlertLedger.Content(AlertType.INITIAL, T, 0, List.of("k"), "{\"each\":[]}");
        assertThat(AlertLedger.Content.decode(extra.encode())).isEqualTo(extra);
    }

    @Test
    void aClaimWithoutPayloadIsAStoreErrorSayingSo() {
        // a claim's payload is @Nullable in the store API: one written by another program may have none
        assertThatThrownBy(() -> AlertLedger.Content.decode(null)).isInstanceOf(CanaryStoreException.class)
                .hasMessageStartingWith("an alert claim holds no content (no payload)")
                .satisfies(e -> assertThat(((CanaryStoreException) e).retryable()).isFalse());
    }

    @Test
    void unreadableContentIsAStoreError() {
        assertThatThrownBy(() -> AlertLedger.Content.decode("{\"type\":\"NOPE\"}"))
                .isInstanceOf(CanaryStoreException.class)
                .hasMessageStartingWith("an alert claim holds content canarykit cannot read");
    }
}
