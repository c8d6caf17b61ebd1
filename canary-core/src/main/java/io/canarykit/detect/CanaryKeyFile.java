package io.canarykit.detect;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import io.canarykit.cloudtrail.CloudTrailTimes;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
            this.labels = new HashMap<>(entries.size() * 4 / 3 + 1);
            for (Entry e : entries) {
                labels.put(e.key().canaryId(), e.label());
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
     * Reads the file.
     *
     * @throws CanaryConfigurationException naming the file and line of the first entry that is wrong, and what is
     *                                      wrong with it, or if the file cannot be read
     */
    public static Canaries read(Path file) {
        List<Entry> out = new ArrayList<>();
        Map<CanaryId, Integer> seen = new HashMap<>();
        Random ids = new Random(0);
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String line;
            int n = 0;
            while ((line = in.readLine()) != null) {
                n++;
                if (line.isBlank()) {
                    continue;
                }
                String where = "canaries file " + file + " line " + n + ": ";
                Entry e = parse(line, where, ids);
                Integer before = seen.putIfAbsent(e.key().canaryId(), n);
                if (before != null) {
                    throw new CanaryConfigurationException(where + "canaryId " + e.label() + " appears twice (also on line "
                            + before + ")");
                }
                out.add(e);
            }
        } catch (NoSuchFileException e) {
            throw new CanaryConfigurationException("canaries file " + file + " does not exist");
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read canaries file " + file + ": " + e.getMessage(), e);
        }
        return new Canaries(out);
    }

    private static Entry parse(String line, String where, Random ids) {
        String label = null;
        String key = null;
        String arn = null;
        String issued = null;
        String expires = null;
        try (JsonParser p = JSON.createParser(line)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new CanaryConfigurationException(where + "expected an object {\"canaryId\":…,\"accessKeyId\":…,"
                        + "\"principalArn\":…,\"issuedAt\":…,\"expiresAt\":…}");
            }
            for (JsonToken t = p.nextToken(); t == JsonToken.FIELD_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken v = p.nextToken();
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
                switch (name) {
                    case "canaryId": label = text; break;
                    case "accessKeyId": key = text; break;
                    case "principalArn": arn = text; break;
                    case "issuedAt": issued = text; break;
                    case "expiresAt": expires = text; break;
                    default: break;
                }
            }
            if (p.nextToken() != null) {
                throw new CanaryConfigurationException(where + "more than one JSON value on the line");
            }
        } catch (JsonProcessingException e) {
            throw new CanaryConfigurationException(where + "not JSON (" + e.getOriginalMessage() + ")");
        } catch (IOException e) {
            throw new CanaryConfigurationException(where + e.getMessage(), e);
        }
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
