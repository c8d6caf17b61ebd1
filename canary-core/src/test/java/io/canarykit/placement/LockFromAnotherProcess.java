package io.canarykit.placement;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Run in a second JVM by {@link PlacementFilesTest}: edits a file with the given lock directory and lock timeout; exits 0
 * when it got the lock, 3 when the lock timed out.
 */
public final class LockFromAnotherProcess {
    private LockFromAnotherProcess() {
    }

    public static void main(String[] args) {
        PlacementFiles files = PlacementFiles.builder()
                .environment(PlacementEnvironment.of(Map.of("HOME", args[0]), Map.of()))
                .lockTimeout(Duration.ofMillis(Long.parseLong(args[2]))).build();
        try {
            files.update(Path.of(args[1]), current -> PlacementFiles.Outcome.of(null,
                    PlacementFiles.FileChange.write("from the other process\n".getBytes())));
        } catch (RuntimeException e) {
            System.exit(e.getMessage() != null && e.getMessage().contains("did not release it in time") ? 3 : 1);
        }
        System.exit(0);
    }
}
