package io.canarykit.aws.detect;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class LookupRateLimiterTest {
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Long> waits = new ArrayList<>();
    private final LookupRateLimiter limiter = new LookupRateLimiter(2, now::get, n -> {
        waits.add(n);
        now.addAndGet(n);
    });

    @Test
    void spacesCallsOfOneKeyHalfASecondApart() {
        for (int i = 0; i < 5; i++) {
            limiter.acquire("111122223333/us-east-1");
        }
        assertThat(waits).containsExactly(500_000_000L, 500_000_000L, 500_000_000L, 500_000_000L);
        assertThat(limiter.interval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void keysAreIndependentAndIdleTimeIsNotBanked() {
        limiter.acquire("a/us-east-1");
        limiter.acquire("a/eu-west-1");
        limiter.acquire("b/us-east-1");
        assertThat(waits).isEmpty();
        now.addAndGet(10_000_000_000L); // ten idle seconds
        limiter.acquire("a/us-east-1");
        limiter.acquire("a/us-east-1");
        assertThat(waits).containsExactly(500_000_000L);
    }

    @Test
    void theSharedLimiterStaysUnderTwoPerSecond() {
        assertThat(LookupRateLimiter.shared().interval()).isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(LookupRateLimiter.key("111122223333", "eu-west-1")).isEqualTo("111122223333/eu-west-1");
    }
}
