package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.cloudtrail.CloudTrailTimes;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * The canaries file {@code canary scan} reads: one JSON object per line,
 * {@code {"canaryId":…,"accessKeyId":…,"principalArn":… or null,"issuedAt":…,"expiresAt":… or null}}; blank lines
 * are skipped. A canary id that is not a canarykit id is kept as the label it is reported under.
 */
public final class CanaryKeyFile {
    private static final JsonFactory JSON = new JsonFactory();

    /** One canary of the file: its key, and the id as the file spells it. */
    public record Entry(String label, CanaryKey key) {
        public Entry {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(key, "key");
        }
    }

    /** The canaries of a file, with a lookup from key back to label. */
    public static final class Canaries {
        private final List<Entry> entries;
        private final Map<CanaryId, String> labels;

        private Canaries(List<Entry> entries) {
            this.entries = List.copyOf(entries);
            this.labels = new HashMap<>();
            for (Entry e : entries) {
                if (!e.label().equals(e.key().canaryId().value())) {
                    labels.put(e.key().canaryId(), e.label());
                }
            }
        }

        /** Every entry, in file order. */
        public List<Entry> entries() {
            return entries;
        }

        /** The keys, in file order. */
        public List<CanaryKey> keys() {
            return entries.stream().map(Entry::key).toList();
        }

        /** The id as the file spells it. */
        public String label(CanaryKey key) {
            return labels.getOrDefault(key.canaryId(), key.canaryId().value());
        }
    }

    private CanaryKeyFile() {
    }

    /**
     * Reads the file on the calling thread.
     *
     * @throws CanaryConfigurationException naming the file and line of the first entry that is wrong, and what is
     *                                      wrong with it, or if the file cannot be read
     */
    public static Canaries read(Path file) {
        return read(file, 1);
    }

    /**
     * Reads the file, parsing it in up to {@code parallelism} pieces at once (on threads that end before this
     * returns) when it is large enough to be worth it.
     *
     * @throws CanaryConfigurationException naming the file and line of the first entry that is wrong, and what is
     *                                      wrong with it, or if the file cannot be read
     */
    public static Canaries read(Path file, int parallelism) {
        if (parallelism < 1) {
            throw new IllegalArgumentException("parallelism must be at least 1: " + parallelism);
        }
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 16) {
                throw new CanaryConfigurationException("canaries file " + file + " is too large (" + size + " bytes)");
            }
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("canaries file " + file + " does not exist");
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
        }
        int pieces = bytes.length < (1 << 20) ? 1 : parallelism;
        int[] starts = new int[pieces + 1];
        starts[pieces] = bytes.length;
        for (int i = 1; i < pieces; i++) {
            int at = Math.max(starts[i - 1], (int) ((long) bytes.length * i / pieces));
            while (at < bytes.length && bytes[at - 1] != '\n') {
                at++;
            }
            starts[i] = at;
        }
        List<Piece> parts = new ArrayList<>();
        for (int i = 0; i < pieces; i++) {
            parts.add(new Piece(file, bytes, starts[i], starts[i + 1], i));
        }
        if (pieces == 1) {
            parts.get(0).run();
        } else {
            List<Thread> threads = new ArrayList<>();
            for (Piece part : parts.subList(1, parts.size())) {
                Thread t = new Thread(part, "canary-key-file");
                t.setDaemon(true);
                t.start();
                threads.add(t);
            }
            parts.get(0).run();
            for (Thread t : threads) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while reading " + file, e);
                }
            }
        }
        List<Entry> out = new ArrayList<>();
        Map<CanaryId, Long> seen = new HashMap<>();
        for (Piece part : parts) {
            // the entries a piece read before its problem come first in the file, so they are checked first
            for (int i = 0; i < part.entries.size(); i++) {
                Entry e = part.entries.get(i);
                long line = part.lines.get(i);
                Long before = seen.putIfAbsent(e.key().canaryId(), line);
                if (before != null) {
                    throw new CanaryConfigurationException("canaries file " + file + " line " + line + ": canaryId "
                            + e.label() + " appears twice (also on line " + before + ")");
                }
                out.add(e);
            }
            if (part.failure != null) {
                throw part.failure;
            }
        }
        return new Canaries(out);
    }

    /** One piece of the file, parsed on its own. */
    private static final class Piece implements Runnable {
        private final Path file;
        private final byte[] bytes;
        private final int from;
        private final int to;
        private final int index;
        final List<Entry> entries = new ArrayList<>();
        final List<Long> lines = new ArrayList<>();
        CanaryConfigurationException failure;

        Piece(Path file, byte[] bytes, int from, int to, int index) {
            this.file = file;
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            this.index = index;
        }

        @Override
        public void run() {
            long line = 0;
            for (int i = 0; i < from; i++) {
                if (bytes[i] == '\n') {
                    line++;
                }
            }
            Random ids = new Random(index);
            String[] values = new String[5];
            try {
                int at = from;
                while (at < to) {
                    int end = at;
                    while (end < to && bytes[end] != '\n') {
                        end++;
                    }
                    line++;
                    if (!blank(bytes, at, end)) {
                        String where = "canaries file " + file + " line " + line + ": ";
                        Entry e = simple(bytes, at, end, values)
                                ? build(values[0], values[1], values[2], values[3], values[4], where, ids)
                                : general(bytes, at, end, where, ids);
                        entries.add(e);
                        lines.add(line);
                    }
                    at = end + 1;
                }
            } catch (CanaryConfigurationException e) {
                failure = e;
            }
        }

        /** One line through Jackson: anything the fast reading of {@link #simple} does not take. */
        private Entry general(byte[] b, int from, int to, String where, Random ids) {
            try (JsonParser p = JSON.createParser(b, from, to - from)) {
                JsonToken t = p.nextToken();
                Entry e = parse(p, t, where, ids);
                if (p.nextToken() != null) {
                    throw new CanaryConfigurationException(where + "more than one JSON value on the line");
                }
                return e;
            } catch (JsonProcessingException e) {
                throw new CanaryConfigurationException(where + "not JSON (" + e.getOriginalMessage() + ")");
            } catch (IOException e) {
                throw new CanaryConfigurationException(where + e.getMessage(), e);
            }
        }
    }

    private static boolean blank(byte[] b, int from, int to) {
        for (int i = from; i < to; i++) {
            byte c = b[i];
            if (c != ' ' && c != '\t' && c != '\r') {
                return false;
            }
        }
        return true;
    }

    private static final String[] FIELDS = {"canaryId", "accessKeyId", "principalArn", "issuedAt", "expiresAt"};

    /**
     * Reads a line of the plain form every tool writes (a flat object of the five fields, string or null values
     * without escapes, ASCII) into {@code values}; false for anything else, which Jackson then reads (and reports).
     */
    private static boolean simple(byte[] b, int from, int to, String[] values) {
        java.util.Arrays.fill(values, null);
        int i = ws(b, from, to);
        if (i >= to || b[i] != '{') {
            return false;
        }
        i = ws(b, i + 1, to);
        if (i < to && b[i] == '}') {
            return ws(b, i + 1, to) == to;
        }
        boolean[] seen = new boolean[FIELDS.length];
        while (true) {
            if (i >= to || b[i] != '"') {
                return false;
            }
            int ks = i + 1;
            int ke = ks;
            while (ke < to && b[ke] != '"') {
                byte c = b[ke];
                if (c == '\\' || c < 0x20) {
                    return false;
                }
                ke++;
            }
            if (ke >= to) {
                return false;
            }
            int field = -1;
            for (int f = 0; f < FIELDS.length; f++) {
                if (matches(b, ks, ke, FIELDS[f])) {
                    field = f;
                    break;
                }
            }
            if (field < 0 || seen[field]) {
                return false; // other or repeated fields: the general reader's rules apply
            }
            seen[field] = true;
            i = ws(b, ke + 1, to);
            if (i >= to || b[i] != ':') {
                return false;
            }
            i = ws(b, i + 1, to);
            if (i + 4 <= to && b[i] == 'n' && b[i + 1] == 'u' && b[i + 2] == 'l' && b[i + 3] == 'l') {
                i += 4;
            } else if (i < to && b[i] == '"') {
                int vs = i + 1;
                int ve = vs;
                while (ve < to && b[ve] != '"') {
                    byte c = b[ve];
                    if (c == '\\' || c < 0x20) {
                        return false; // escapes, control or non-ASCII bytes
                    }
                    ve++;
                }
                if (ve >= to || ve == vs) {
                    return false;
                }
                String v = new String(b, vs, ve - vs, java.nio.charset.StandardCharsets.US_ASCII);
                if (v.isBlank()) {
                    return false;
                }
                values[field] = v;
                i = ve + 1;
            } else {
                return false;
            }
            i = ws(b, i, to);
            if (i < to && b[i] == ',') {
                i = ws(b, i + 1, to);
                continue;
            }
            return i < to && b[i] == '}' && ws(b, i + 1, to) == to;
        }
    }

    private static int ws(byte[] b, int i, int to) {
        while (i < to && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r')) {
            i++;
        }
        return i;
    }

    private static boolean matches(byte[] b, int from, int to, String name) {
        if (to - from != name.length()) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (b[from + i] != name.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    private static long line(JsonProcessingException e) {
        return e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    }

    /** One object; its START_OBJECT is {@code t}, the current token. Leaves the parser on its END_OBJECT. */
    private static Entry parse(JsonParser p, JsonToken t, String where, Random ids) throws IOException {
        String label = null;
        String key = null;
        String arn = null;
        String issued = null;
        String expires = null;
        if (t != JsonToken.START_OBJECT) {
            throw new CanaryConfigurationException(where + "expected an object {\"canaryId\":…,\"accessKeyId\":…,"
                    + "\"principalArn\":…,\"issuedAt\":…,\"expiresAt\":…}");
        }
        for (JsonToken f = p.nextToken(); f == JsonToken.FIELD_NAME; f = p.nextToken()) {
            String name = p.currentName();
            JsonToken v = p.nextToken();
            int field = java.util.Arrays.asList(FIELDS).indexOf(name);
            if (field < 0) {
                p.skipChildren(); // another tool's extra field
                continue;
            }
            String text;
            if (v == JsonToken.VALUE_NULL) {
                text = null;
            } else if (v == JsonToken.VALUE_STRING) {
                text = p.getText();
                if (text.isBlank()) {
                    throw new CanaryConfigurationException(where + name + " must not be empty");
                }
            } else {
                p.skipChildren();
                throw new CanaryConfigurationException(where + name + " must be a string or null");
            }
            switch (field) {
                case 0: label = text; break;
                case 1: key = text; break;
                case 2: arn = text; break;
                case 3: issued = text; break;
                default: expires = text; break;
            }
        }
        return build(label, key, arn, issued, expires, where, ids);
    }

    /** The entry of one line's values (already read from JSON). */
    private static Entry build(String label, String key, String arn, String issued, String expires, String where,
                               Random ids) {
        if (label == null) {
            throw new CanaryConfigurationException(where + "canaryId is missing");
        }
        Instant issuedAt = time(issued, "issuedAt", where, true);
        Instant expiresAt = time(expires, "expiresAt", where, false);
        if (key == null && arn == null) {
            throw new CanaryConfigurationException(where + "give an accessKeyId or a principalArn");
        }
        if (expiresAt != null && expiresAt.isBefore(issuedAt)) {
            throw new CanaryConfigurationException(where + "expiresAt " + expiresAt + " is before issuedAt " + issuedAt);
        }
        CanaryId id;
        try {
            id = CanaryId.parse(label);
        } catch (CanaryConfigurationException notOurs) {
            id = CanaryId.generate(issuedAt, ids);
        }
        return new Entry(label, new CanaryKey(id, key, arn, issuedAt, expiresAt));
    }

    private static Instant time(String v, String field, String where, boolean required) {
        if (v == null) {
            if (required) {
                throw new CanaryConfigurationException(where + field + " is missing");
            }
            return null;
        }
        Instant t = CloudTrailTimes.parse(v);
        if (t == null) {
            throw new CanaryConfigurationException(where + field + " '" + v + "' is not a time such as 2025-03-14T09:26:53Z");
        }
        return t;
    }
}
