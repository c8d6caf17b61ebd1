package io.canarykit.store.dynamodb;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Base64;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListCursorTest {

    @Test
    void roundTripsAndIsOpaque() {
        CanaryId id = CanaryId.generate(Instant.parse("2026-11-28T10:00:00Z"), new Random(3));
        String cursor = ListCursor.encode(id);
        assertThat(cursor).doesNotContain(id.value()).matches("[A-Za-z0-9_-]+");
        assertThat(ListCursor.decode(cursor)).isEqualTo(id);
    }

    @Test
    void foreignCursorsFailClearly() {
        String notOurs = Base64.getUrlEncoder().encodeToString("C#01JDQ3Z8ZK4M6X9V2B7N5C1A0E".getBytes());
        for (String bad : new String[] {"not base64!", notOurs, "", "01JDQ3Z8ZK4M6X9V2B7N5C1A0E",
                Base64.getUrlEncoder().encodeToString("dc1:C#nope".getBytes())}) {
            assertThatThrownBy(() -> ListCursor.decode(bad)).as(bad).isInstanceOf(CanaryConfigurationException.class)
                    .hasMessageContaining("invalid listing cursor").hasMessageContaining("nextCursor()");
        }
    }
}
