package io.canarykit.server;

import io.canarykit.store.CanaryQuery;
import io.canarykit.store.CanaryStore;
import io.canarykit.store.CanaryStoreException;
import io.canarykit.store.ForwardingCanaryStore;
import io.canarykit.store.InMemoryCanaryStore;
import io.canarykit.store.Page;
import io.canarykit.CanaryRecord;
import io.canarykit.store.jdbc.JdbcCanaryStore;
import io.canarykit.testkit.aws.MutableClock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.profiles.ProfileFile;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Readiness: ready only when the store answers and is migrated and every AWS credential is resolvable; not ready once
 * a stop has begun; answers reused for the cache time only.
 */
class ReadinessTest {
    private static final Duration CACHE = Duration.ofSeconds(5);
    private static final Supplier<AwsCredentialsProvider> RESOLVABLE =
            () -> StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAIOSFODNN7EXAMPLE", "not-a-real-secret"));

    @TempDir
    Path dir;
    private final MutableClock clock = MutableClock.at(Instant.parse("2026-01-05T10:00:00Z"));
    private Readiness readiness;

    @AfterEach
    void close() {
        if (readiness != null) {
            readiness.close();
        }
    }

    private Readiness readiness(CanaryStore store, Map<String, Supplier<AwsCredentialsProvider>> credentials) {
        readiness = new Readiness(() -> store, credentials, CACHE, clock);
        return readiness;
    }

    @Test
    void readyWhenTheStoreAnswersAndTheCredentialsResolve() {
        Readiness.Answer a = readiness(InMemoryCanaryStore.create(), Map.of("credentials:issuer/iam-user", RESOLVABLE)).check();
        assertThat(a.ready()).isTrue();
        assertThat(a.checks()).containsOnlyKeys("store", "credentials:issuer/iam-user");
    }

    @Test
    void notReadyWhenCredentialsCannotBeResolved() throws Exception {
        Path empty = Files.writeString(dir.resolve("credentials"), "[someone-else]\naws_access_key_id=AKIAIOSFODNN7EXAMPLE\n");
        Supplier<AwsCredentialsProvider> missingProfile = () -> ProfileCredentialsProvider.builder()
                .profileFile(ProfileFile.builder().content(empty).type(ProfileFile.Type.CREDENTIALS).build())
                .profileName("canary-issuer").build();
        Readiness.Answer a = readiness(InMemoryCanaryStore.create(), Map.of(
                "credentials:issuer/iam-user", RESOLVABLE, "credentials:detector/cloudtrail-lookup", missingProfile)).check();
        assertThat(a.ready()).isFalse();
        assertThat(a.checks().get("store").ok()).isTrue();
        assertThat(a.checks().get("credentials:issuer/iam-user").ok()).isTrue();
        assertThat(a.checks().get("credentials:detector/cloudtrail-lookup").ok()).isFalse();
    }

    @Test
    void notReadyWhenTheStoreFailsAndReadyAgainOnceItAnswersAfterTheCacheTime() {
        AtomicBoolean down = new AtomicBoolean(true);
        CanaryStore flaky = new ForwardingCanaryStore(InMemoryCanaryStore.create()) {
            @Override
            public Page<CanaryRecord> list(CanaryQuery query) {
                if (down.get()) {
                    throw new CanaryStoreException("connection refused", true);
                }
                return super.list(query);
            }
        };
        Readiness r = readiness(flaky, Map.of());
        assertThat(r.check().ready()).isFalse();
        assertThat(r.check().checks().get("store").ok()).isFalse();
        down.set(false);
        assertThat(r.check().ready()).as("the answer is reused within the cache time").isFalse();
        clock.advance(CACHE);
        assertThat(r.check().ready()).isTrue();
    }

    @Test
    void notReadyUntilTheJdbcSchemaIsMigrated() {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL("jdbc:h2:mem:readiness-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        try (JdbcCanaryStore store = JdbcCanaryStore.builder().dataSource(ds).build()) {
            Readiness r = readiness(store, Map.of());
            Readiness.Answer before = r.check();
            assertThat(before.ready()).isFalse();
            assertThat(before.checks().get("store").detail()).contains("schema is at version 0");
            store.migrate();
            clock.advance(CACHE);
            assertThat(r.check().ready()).isTrue();
        }
    }

    @Test
    void notReadyOnceStopping() {
        Readiness r = readiness(InMemoryCanaryStore.create(), Map.of("credentials:issuer/iam-user", RESOLVABLE));
        assertThat(r.check().ready()).isTrue();
        r.stopping();
        Readiness.Answer a = r.check();
        assertThat(a.ready()).as("at once, not after the cache time").isFalse();
        assertThat(a.checks()).containsOnlyKeys("stopping");
    }
}
