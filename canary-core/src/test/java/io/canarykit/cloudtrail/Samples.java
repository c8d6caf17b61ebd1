package io.canarykit.cloudtrail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The sample corpus copied into the test resources, and its manifest. */
public final class Samples {
    private Samples() {
    }

    /** One row of MANIFEST.tsv. */
    record Entry(String file, int records, String format) {
    }

    public static Path dir() {
        try {
            return Path.of(Samples.class.getResource("/cloudtrail-samples/MANIFEST.tsv").toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<Entry> manifest() {
        try {
            List<String> lines = Files.readAllLines(dir().resolve("MANIFEST.tsv"), StandardCharsets.UTF_8);
            List<Entry> out = new ArrayList<>();
            for (String line : lines.subList(1, lines.size())) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split("\t");
                out.add(new Entry(f[0], Integer.parseInt(f[1]), f[2]));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path file(String relative) {
        return dir().resolve(relative);
    }
}
