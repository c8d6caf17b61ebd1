package io.canarykit.store.jdbc;

import io.canarykit.CanaryId;
import io.canarykit.CanaryRecord;
import io.canarykit.Secret;
import io.canarykit.testkit.store.CanaryFixtures;

import java.util.Optional;

/**
 * The child JVM of {@link DurableIntentIT}. {@code create URL USER PASSWORD} writes a new canary record and
 * {@code update URL USER PASSWORD ID} records an intent on it, print the id, and are killed with SIGKILL by their own
 * hand the instant the store call returns (where the issuer's AWS call would come next); {@code check URL USER PASSWORD
 * ID} prints what a fresh process finds. A password of {@code -} means none.
 */
public final class DurabilityChild {
    static final String INTENT = "canarykit.revocation.requested-at";

    private DurabilityChild() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        String url = args[1];
        String user = "-".equals(args[2]) ? null : args[2];
        Secret password = "-".equals(args[3]) ? null : Secret.of(args[3]);
        JdbcCanaryStore store = JdbcCanaryStore.open(url, user, password);
        switch (mode) {
            case "create" -> {
                CanaryRecord r = new CanaryFixtures(System.nanoTime()).active();
                store.create(r);
                System.out.println(r.id().value());
                System.out.flush();
                killMyself();
            }
            case "update" -> {
                CanaryRecord r = store.find(new CanaryId(args[4])).orElseThrow();
                store.update(r.toBuilder().attribute(INTENT, "2026-12-07T10:00:00Z").build());
                System.out.println(r.id().value());
                System.out.flush();
                killMyself();
            }
            case "seed" -> {
                CanaryRecord r = new CanaryFixtures(System.nanoTime()).active();
                store.create(r);
                store.close();
                System.out.println(r.id().value());
            }
            case "check" -> {
                Optional<CanaryRecord> r = store.find(new CanaryId(args[4]));
                System.out.println(r.map(x -> "FOUND version=" + x.version() + " intent="
                        + x.attributes().containsKey(INTENT)).orElse("MISSING"));
                store.close();
            }
            default -> throw new IllegalArgumentException(mode);
        }
    }

    /** SIGKILL from the outside, at once: no shutdown hook, no close, no background writer gets another turn. */
    private static void killMyself() throws Exception {
        new ProcessBuilder("kill", "-9", Long.toString(ProcessHandle.current().pid())).inheritIO().start().waitFor();
        Thread.sleep(60_000);
        throw new IllegalStateException("still alive after kill -9");
    }
}
