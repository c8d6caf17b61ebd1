package io.canarykit.placement.file;

import io.canarykit.PlacementReceipt;
import io.canarykit.placement.PlacementFiles;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a file placement created (a file, and the topmost directory made on the way to it), recorded in its receipt so
 * that removal takes it out again once the canary was the last thing in it: a file the placement created must not
 * stay behind empty, nor a directory it made.
 */
final class Created {
    private Created() {
    }

    /**
     * Records under {@code created<Name>File} and {@code created<Name>Directory} what this write created, plus what the
     * previous placement at the same place created (rotation keeps it).
     *
     * @param name      {@code ""}, {@code "Credentials"}, {@code "Config"}, ...
     * @param file      whether this write created the file
     * @param directory the topmost directory this write created, or {@code null}
     * @param previous  the receipt being replaced at the same place, or {@code null}
     */
    static void record(Map<String, String> details, String name, boolean file, @Nullable Path directory,
                       @Nullable PlacementReceipt previous) {
        details.put("created" + name + "File", String.valueOf(file || (previous != null && file(previous, name))));
        Path dir = directory != null ? directory : previous == null ? null : directory(previous, name);
        if (dir != null) {
            details.put("created" + name + "Directory", dir.toString());
        }
    }

    /** True if the receipt says the placement created the file. */
    static boolean file(PlacementReceipt receipt, String name) {
        return "true".equals(receipt.detail("created" + name + "File"));
    }

    /** A receipt detail that the placement's receipt check has made sure is there. */
    static String checked(PlacementReceipt receipt, String name) {
        return Objects.requireNonNull(receipt.detail(name), name);
    }

    /** The topmost directory the placement created for the file, or {@code null}. */
    static @Nullable Path directory(PlacementReceipt receipt, String name) {
        String d = receipt.detail("created" + name + "Directory");
        return d == null ? null : Path.of(d);
    }

    /**
     * The change that leaves {@code remaining}: the file (and the directories the placement made for it) deleted when
     * the placement created it and nothing but blank lines is left, else the remaining bytes written.
     */
    static PlacementFiles.FileChange leaving(byte[] remaining, PlacementReceipt receipt, String name) {
        return file(receipt, name) && blank(remaining) ? PlacementFiles.FileChange.delete(directory(receipt, name))
                : PlacementFiles.FileChange.write(remaining);
    }

    /** True for no bytes, or only spaces, tabs and line breaks. */
    static boolean blank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return false;
            }
        }
        return true;
    }
}
