package io.canarykit.placement.file;

import io.canarykit.placement.Fixtures;

import java.nio.file.Path;

/** Run in a second JVM by {@link CrossProcessPlacementIT}: places profiles {@code proc-0..N-1} into the given home. */
public final class PlaceFromAnotherProcess {
    private PlaceFromAnotherProcess() {
    }

    public static void main(String[] args) {
        Path home = Path.of(args[0]);
        int n = Integer.parseInt(args[1]);
        AwsCredentialsFilePlacement p = AwsCredentialsFilePlacement.builder().environment(Fixtures.environment(home)).build();
        for (int i = 0; i < n; i++) {
            p.place(Fixtures.request(Fixtures.numbered(100 + i), "profile", "proc-" + i));
        }
    }
}
