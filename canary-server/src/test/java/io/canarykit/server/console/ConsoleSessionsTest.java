package io.canarykit.server.console;

import io.canarykit.testkit.aws.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class ConsoleSessionsTest {
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-12-07T12:00:00Z"));
    private final ConsoleSessions sessions = new ConsoleSessions(clock, Duration.ofMinutes(30), Duration.ofHours(8), 3);

    @Test
    void loginReplacesTheSessionIdAndTheToken() {
        ConsoleSessions.Session anonymous = sessions.anonymous();
        ConsoleSessions.Session admin = sessions.login(anonymous.id(), "ops");
        assertThat(admin.id()).isNotEqualTo(anonymous.id()).hasSize(43);
        assertThat(admin.csrf()).isNotEqualTo(anonymous.csrf()).isNotEqualTo(admin.id());
        assertThat(sessions.find(anonymous.id())).as("no fixation: the pre-login id is dead").isEmpty();
        assertThat(sessions.find(admin.id())).get().extracting(ConsoleSessions.Session::caller).isEqualTo("ops");
    }

    @Test
    void csrfTokenMustMatchExactly() {
        ConsoleSessions.Session s = sessions.login(null, "ops");
        assertThat(s.csrfMatches(s.csrf())).isTrue();
        assertThat(s.csrfMatches(null)).isFalse();
        assertThat(s.csrfMatches("")).isFalse();
        assertThat(s.csrfMatches(s.csrf().substring(1))).isFalse();
        assertThat(s.csrfMatches(s.id())).isFalse();
    }

    @Test
    void sessionsEndWhenIdleAndAfterTheirLifetime() {
        ConsoleSessions.Session idle = sessions.login(null, "ops");
        clock.advance(Duration.ofMinutes(31));
        assertThat(sessions.find(idle.id())).isEmpty();

        ConsoleSessions.Session busy = sessions.login(null, "ops");
        for (int i = 0; i < 16; i++) {
            clock.advance(Duration.ofMinutes(29));
            assertThat(sessions.find(busy.id())).isPresent();
        }
        clock.advance(Duration.ofMinutes(29));
        assertThat(sessions.find(busy.id())).as("8 hours at most, however busy").isEmpty();
    }

    @Test
    void aFloodOfAnonymousSessionsDoesNotEvictALoggedInOne() {
        ConsoleSessions.Session admin = sessions.login(null, "ops");
        for (int i = 0; i < 100; i++) {
            sessions.anonymous();
        }
        assertThat(sessions.find(admin.id())).isPresent();
        assertThat(sessions.find("not-a-session")).isEmpty();
    }
}
