package io.canarykit.aws.detect;

import io.canarykit.cloudtrail.CloudTrailTimes;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * An IAM credential report (CSV, one row per user) as far as the safety net needs it: each user's access keys, whether
 * they are active and when, with which service and in which region they were last used. Values {@code N/A},
 * {@code no_information} and {@code not_supported} read as absent; booleans case-insensitively.
 */
final class CredentialReport {
    /** One access key column group of a row. */
    record KeyUse(int slot, boolean active, @Nullable Instant lastUsed, @Nullable String service,
                  @Nullable String region) {
    }

    /** One user row. */
    record Row(String user, String arn, List<KeyUse> keys) {
        /** The most recent use of any of the user's keys. */
        Optional<KeyUse> lastUse() {
            KeyUse best = null;
            for (KeyUse k : keys) {
                if (k.lastUsed() != null && (best == null || k.lastUsed().isAfter(best.lastUsed()))) {
                    best = k;
                }
            }
            return Optional.ofNullable(best);
        }
    }

    private final Instant generatedAt;
    private final Map<String, Row> byArn = new HashMap<>();
    private final Map<String, Row> byUser = new HashMap<>();

    private CredentialReport(Instant generatedAt, List<Row> rows) {
        this.generatedAt = generatedAt;
        for (Row r : rows) {
            byArn.put(r.arn(), r);
            byUser.put(r.user(), r);
        }
    }

    Instant generatedAt() {
        return generatedAt;
    }

    Optional<Row> row(String arn, String userName) {
        Row r = byArn.get(arn);
        return Optional.ofNullable(r != null ? r : byUser.get(userName));
    }

    int size() {
        return byArn.size();
    }

    /**
     * Parses the CSV.
     *
     * @throws IllegalArgumentException if it has no header with the columns the report always has
     */
    static CredentialReport parse(String csv, Instant generatedAt) {
        Objects.requireNonNull(csv, "csv");
        List<String> lines = new ArrayList<>();
        for (String l : csv.split("\r?\n")) {
            if (!l.isBlank()) {
                lines.add(l);
            }
        }
        if (lines.isEmpty()) {
            throw new IllegalArgumentException("an empty credential report");
        }
        List<String> header = fields(lines.get(0));
        Map<String, Integer> col = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            col.put(header.get(i).trim().toLowerCase(Locale.ROOT), i);
        }
        for (String required : List.of("user", "arn", "access_key_1_active", "access_key_1_last_used_date")) {
            if (!col.containsKey(required)) {
                throw new IllegalArgumentException("the credential report has no column " + required + ": " + header);
            }
        }
        List<Row> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> f = fields(line);
            if (f.size() > header.size()) {
                f = rejoin(f, header.size());
            }
            if (f.size() < header.size()) {
                continue;
            }
            List<KeyUse> keys = new ArrayList<>();
            for (int slot = 1; slot <= 2; slot++) {
                String p = "access_key_" + slot + "_";
                if (!col.containsKey(p + "active")) {
                    continue;
                }
                keys.add(new KeyUse(slot,
                        "true".equalsIgnoreCase(f.get(column(col, p + "active")).trim()),
                        time(value(f, col, p + "last_used_date")),
                        value(f, col, p + "last_used_service"),
                        value(f, col, p + "last_used_region")));
            }
            rows.add(new Row(f.get(column(col, "user")), f.get(column(col, "arn")), keys));
        }
        return new CredentialReport(generatedAt, rows);
    }

    private static int column(Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        if (i == null) {
            throw new IllegalStateException("the credential report has no column " + name);
        }
        return i;
    }

    private static @Nullable String value(List<String> f, Map<String, Integer> col, String name) {
        Integer i = col.get(name);
        if (i == null) {
            return null;
        }
        String v = f.get(i).trim();
        return v.isEmpty() || v.equalsIgnoreCase("N/A") || v.equalsIgnoreCase("no_information")
                || v.equalsIgnoreCase("not_supported") ? null : v;
    }

    private static @Nullable Instant time(@Nullable String v) {
        return v == null ? null : CloudTrailTimes.parse(v);
    }

    /** RFC 4180 fields (quoted fields may hold commas and doubled quotes). */
    static List<String> fields(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder sb = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    sb.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    sb.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(sb.toString());
                sb.setLength(0);
            } else {
                sb.append(c);
            }
        }
        out.add(sb.toString());
        return out;
    }

    /**
     * A row with unquoted commas in the user name (IAM allows them): the last {@code width - 2} fields are fixed, the
     * ARN is where the head starts with {@code arn:}, the user name before it.
     */
    private static List<String> rejoin(List<String> f, int width) {
        int tail = width - 2;
        List<String> head = f.subList(0, f.size() - tail);
        int arnAt = -1;
        for (int i = 1; i < head.size(); i++) {
            if (head.get(i).startsWith("arn:")) {
                arnAt = i;
                break;
            }
        }
        if (arnAt < 0) {
            return f.subList(0, width);
        }
        List<String> out = new ArrayList<>();
        out.add(String.join(",", head.subList(0, arnAt)));
        out.add(String.join(",", head.subList(arnAt, head.size())));
        out.addAll(f.subList(f.size() - tail, f.size()));
        return out;
    }
}
