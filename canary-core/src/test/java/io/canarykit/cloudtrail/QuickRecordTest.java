package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fast path's quick record check ({@code FastS3Scanner.quickRecord}) only ever gives up earlier than the full
 * check: on any input, scanning with it hands the sink exactly the same records (candidates with the same bytes and
 * positions, plain ones counted) and ends the same way (done, not S3, or a fallback with the same reason) as scanning
 * without it. The inputs are random records built from CloudTrail's field names and every kind of JSON value, many of
 * them then broken byte by byte.
 */
class QuickRecordTest {
    private static final RecordFilter FILTER = RecordFilter.of(Set.of("AKIAWATCHED000000001"),
            Set.of("arn:aws:iam::123456789012:user/u7"));

    private static final String[] NAMES = {
            "eventVersion", "userIdentity", "type", "principalId", "arn", "accountId", "accessKeyId", "userName",
            "sessionContext", "sessionIssuer", "attributes", "creationDate", "invokedBy", "eventTime", "eventSource",
            "eventName", "awsRegion", "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestParameters",
            "responseElements", "requestID", "eventID", "readOnly", "resources", "eventType", "recipientAccountId",
            "x", "ARN", "Arn", "accessKeyID", "a", "longer name with spaces",
    };
    /** Names that make the general reader read an object as another shape, and names with escapes. */
    private static final String[] RARE_NAMES = {
            "Records", "Events", "detail", "detail-type", "CloudTrailEvent", "EventId", "time", "region", "id",
            "source", "version", "account", "\\u0061rn", "caf\u00e9",
    };
    private static final String[] STRINGS = {
            "AKIAWATCHED000000001", "AKIAOTHER00000000003", "arn:aws:iam::123456789012:user/u7",
            "arn:aws:iam::123456789012:user/u8", "IAMUser", "AssumedRole", "2025-03-14T09:26:53Z", "", " ", "us-east-1",
            "aws-cli/2.15.30 Python/3.11", "AKIAWATCHED00000000", "AKIAWATCHED0000000011",
    };
    private static final String[] RARE_STRINGS = {
            "caf\u00e9", "esc\\\"aped", "back\\\\slash", "tab\\tx", "\\u0041KIA", "AKIAWATCHED000000001",
            "arn:aws:iam::123456789012:user/u7", "AKIA\\u0057ATCHED000000001", "slash \\/ and \\b\\f\\n\\r",
            "\\uD83D\\uDE00",
    };
    /** Strings that are not JSON. */
    private static final String[] BROKEN_STRINGS = {"bad \\q escape", "bad \\u00zz hex", "cut \\u00\"", "tab\tin"};
    private static final String[] NUMBERS = {"0", "-1", "12", "3.25", "-2.5e3", "1E+2", "0.0e-1", "123456789012"};
    private static final String[] LITERALS = {"true", "false", "null"};
    private static final String BREAKERS = "{}[]\":,\\ \n\t0-ena.";

    private static void value(StringBuilder sb, Random r, int depth, boolean spaces) {
        int k = r.nextInt(depth >= 5 ? 6 : 10);
        if (k < 3) {
            String[] from = r.nextInt(25) == 0 ? RARE_STRINGS : STRINGS;
            sb.append('"').append(from[r.nextInt(from.length)]).append('"');
        } else if (k == 3) {
            sb.append(NUMBERS[r.nextInt(NUMBERS.length)]);
        } else if (k <= 5) {
            sb.append(LITERALS[r.nextInt(LITERALS.length)]);
        } else if (k <= 7) {
            object(sb, r, depth + 1, r.nextInt(5), spaces);
        } else {
            sb.append('[');
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                sb.append(i == 0 ? "" : ",").append(spaces && r.nextInt(3) == 0 ? " " : "");
                value(sb, r, depth + 1, spaces);
            }
            sb.append(']');
        }
    }

    /** Names whose values the general reader reads (as text, a boolean, or an object). */
    private static final Set<String> READ = Set.of("eventVersion", "type", "principalId", "arn", "accountId",
            "accessKeyId", "userName", "invokedBy", "eventTime", "eventSource", "eventName", "awsRegion",
            "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID", "readOnly", "eventType",
            "recipientAccountId");

    private static void object(StringBuilder sb, Random r, int depth, int members, boolean spaces) {
        sb.append('{');
        for (int i = 0; i < members; i++) {
            sb.append(i == 0 ? "" : ",").append(spaces && r.nextInt(3) == 0 ? "\n " : "");
            String[] from = r.nextInt(40) == 0 ? RARE_NAMES : NAMES;
            String name = from[r.nextInt(from.length)];
            sb.append('"').append(name).append("\":");
            boolean odd = r.nextInt(20) == 0; // any value, whatever the name
            if (!odd && (name.equals("userIdentity") || name.equals("sessionContext") || name.equals("sessionIssuer"))) {
                object(sb, r, depth + 1, 2 + r.nextInt(6), spaces);
            } else if (!odd && READ.contains(name)) {
                if (r.nextInt(6) == 0) {
                    sb.append(LITERALS[r.nextInt(LITERALS.length)]);
                } else {
                    String[] values = r.nextInt(25) == 0 ? RARE_STRINGS : STRINGS;
                    sb.append('"').append(values[r.nextInt(values.length)]).append('"');
                }
            } else {
                value(sb, r, depth, spaces);
            }
        }
        sb.append('}');
    }

    private static String record(Random r) {
        StringBuilder sb = new StringBuilder();
        boolean spaces = r.nextInt(8) == 0;
        if (r.nextInt(30) == 0) {
            // nested deeper than the quick check follows
            int d = 55 + r.nextInt(20);
            StringBuilder closers = new StringBuilder();
            sb.append("{\"eventName\":\"Deep\",\"requestParameters\":");
            for (int i = 0; i < d; i++) {
                boolean array = r.nextBoolean();
                sb.append(array ? "[" : "{\"k\":");
                closers.append(array ? ']' : '}');
            }
            sb.append('1').append(closers.reverse()).append('}');
            return sb.toString();
        }
        object(sb, r, 1, 1 + r.nextInt(12), spaces);
        return sb.toString();
    }

    private static byte[] file(Random r, int records, double breakRate) {
        StringBuilder sb = new StringBuilder("{\"Records\":[");
        for (int i = 0; i < records; i++) {
            sb.append(i == 0 ? "" : ",");
            sb.append(record(r));
        }
        sb.append("]}");
        if (r.nextDouble() < breakRate && r.nextInt(4) == 0) {
            int at = sb.indexOf("\":\"", 12 + r.nextInt(sb.length() - 12));
            if (at > 0) {
                sb.insert(at + 3, BROKEN_STRINGS[r.nextInt(BROKEN_STRINGS.length)]);
            }
        } else if (r.nextDouble() < breakRate) {
            int edits = 1 + r.nextInt(3);
            for (int e = 0; e < edits; e++) {
                int at = 12 + r.nextInt(Math.max(1, sb.length() - 14));
                switch (r.nextInt(3)) {
                    case 0 -> sb.deleteCharAt(at);
                    case 1 -> sb.insert(at, BREAKERS.charAt(r.nextInt(BREAKERS.length())));
                    default -> sb.setCharAt(at, BREAKERS.charAt(r.nextInt(BREAKERS.length())));
                }
            }
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Everything a scan did, comparable. */
    private record Run(List<String> events, String end, long quick) {
    }

    private static Run scan(byte[] bytes, boolean quick) throws IOException {
        List<String> events = new ArrayList<>();
        FastS3Scanner.Sink sink = new FastS3Scanner.Sink() {
            @Override
            public void candidate(byte[] b, int off, int len, long offset, long line, long column) {
                events.add("candidate " + offset + " " + line + ":" + column + " "
                        + new String(b, off, len, StandardCharsets.UTF_8));
            }

            @Override
            public void plain() {
                events.add("plain");
            }
        };
        Workspace ws = Workspace.acquire();
        try {
            FastS3Scanner s = new FastS3Scanner(new ByteArrayInputStream(bytes), ws, FILTER, sink, 16 << 20, quick);
            FastS3Scanner.Outcome outcome = s.run();
            String end = outcome == FastS3Scanner.Outcome.STOPPED ? "fallback: " + s.stopReason() + " at " + s.stoppedAt()
                    : outcome + " at " + s.consumed();
            return new Run(events, end, s.quickRecords());
        } finally {
            ws.release();
        }
    }

    @Test
    void theQuickCheckChangesNothingButSpeed() throws IOException {
        Random r = new Random(20261128);
        long quickTotal = 0;
        long records = 0;
        int fellBack = 0;
        int candidates = 0;
        for (int round = 0; round < 3000; round++) {
            byte[] bytes = file(r, 1 + r.nextInt(12), round % 3 == 0 ? 0 : 0.5);
            Run with = scan(bytes, true);
            Run without = scan(bytes, false);
            assertThat(with.events()).as("round %d: %s", round, new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(without.events());
            assertThat(with.end()).as("round %d: %s", round, new String(bytes, StandardCharsets.UTF_8))
                    .isEqualTo(without.end());
            quickTotal += with.quick();
            records += with.events().size();
            candidates += (int) with.events().stream().filter(e -> e.startsWith("candidate")).count();
            if (with.end().startsWith("fallback")) {
                fellBack++;
            }
        }
        assertThat(quickTotal).as("records the quick check took").isGreaterThan(records / 5);
        assertThat(candidates).as("candidates").isGreaterThan(1000);
        assertThat(fellBack).as("broken files").isGreaterThan(500);
    }

    @Test
    void recordsAcrossTheBufferBoundaryAreTheSame() throws IOException {
        Random r = new Random(7);
        for (int round = 0; round < 6; round++) {
            byte[] bytes = file(r, 3000, round % 2 == 0 ? 0 : 1);
            assertThat(bytes.length).isGreaterThan(256 << 10);
            Run with = scan(bytes, true);
            Run without = scan(bytes, false);
            assertThat(with).usingRecursiveComparison().ignoringFields("quick").isEqualTo(without);
            if (round % 2 == 0) {
                assertThat(with.quick()).isGreaterThan(300);
            }
        }
    }

    @Test
    void craftedOdditiesAreTheSame() throws IOException {
        String good = "{\"eventID\":\"e1\",\"eventName\":\"A\",\"userIdentity\":{\"accessKeyId\":\"AKIAOTHER00000000003\"}}";
        String[] values = {
                "\"plain\"", "\"q\\\"uote\"", "\"b\\\\s\"", "\"\\/\\b\\f\\n\\r\\t\"", "\"\\u0041\\uD83D\\uDE00\"",
                "\"\\q\"", "\"\\u00zz\"", "\"\\u00\"", "\"\\u004\"", "\"\\\"", "\"raw\ttab\"", "\"caf\u00e9\"", "\"x\u0000y\"",
                "0", "-0", "01", "-", "1.", ".5", "1e", "1e+", "1E5", "1.5e-3", "-1.0", "2.", "-01", "1" + "2".repeat(1000),
                "1" + "2".repeat(998), "tru", "nul", "fals", "true", "false", "null", "truex", "nulll", "True",
                "{}", "[]", "{ }", "[ ]", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" :1}", "{\"a\": 1}", "[1 ,2]", "[[[]]]",
                "{\"a\":{\"b\":[{}]}}", "\"AKIAWATCHED000000001\"", "\"AKIA\\u0057ATCHED000000001\"",
                "\"arn:aws:iam::123456789012:user/u7\"", "[\"AKIAWATCHED000000001\"]", "{\"accessKeyId\":\"AKIAWATCHED000000001\"}",
                "{\"arn\":\"arn:aws:iam::123456789012:user/u7\"}", "[".repeat(61) + "]".repeat(61),
                "[".repeat(62) + "]".repeat(62), "[".repeat(63) + "]".repeat(63), "{\"k\":".repeat(62) + "1" + "}".repeat(62),
        };
        String[] fields = {"eventName", "x", "userIdentity", "accessKeyId", "arn", "readOnly", "requestParameters",
                "detail", "Records", "sessionContext", "type"};
        int quick = 0;
        int cases = 0;
        for (String field : fields) {
            for (String value : values) {
                for (String record : new String[] {
                        "{\"eventName\":\"X\",\"" + field + "\":" + value + "}",
                        "{\"userIdentity\":{\"type\":\"IAMUser\",\"" + field + "\":" + value + "},\"eventID\":\"e\"}",
                        "{\"userIdentity\":{\"sessionContext\":{\"sessionIssuer\":{\"" + field + "\":" + value
                                + "}}},\"eventID\":\"e\"}",
                        "{\"" + field + "\":" + value + "}",
                }) {
                    byte[] bytes = ("{\"Records\":[" + good + "," + record + "," + good + "]}").getBytes(StandardCharsets.UTF_8);
                    Run with = scan(bytes, true);
                    Run without = scan(bytes, false);
                    assertThat(with).as(record).usingRecursiveComparison().ignoringFields("quick").isEqualTo(without);
                    quick += (int) with.quick();
                    cases++;
                }
            }
        }
        assertThat(quick).as("records the quick check took").isGreaterThan(cases);
    }

    @Test
    void fieldNamesAreToldApartExactly() {
        List<String> names = FastS3Scanner.names();
        assertThat(names).hasSizeGreaterThan(30).contains("accessKeyId", "arn", "userIdentity", "recipientAccountId");
        Set<Integer> codes = new java.util.HashSet<>();
        for (String n : names) {
            int code = FastS3Scanner.classify(n);
            assertThat(code).as(n).isNotZero();
            codes.add(code);
            // the same name changed anywhere, cut, lengthened or in another case is no name
            for (int i = 0; i < n.length(); i++) {
                String changed = n.substring(0, i) + (char) (n.charAt(i) ^ 1) + n.substring(i + 1);
                if (!names.contains(changed)) {
                    assertThat(FastS3Scanner.classify(changed)).as(changed).isZero();
                }
            }
            for (String other : new String[] {n.substring(1), n.substring(0, n.length() - 1), n + "s", "x" + n,
                    n.toUpperCase(java.util.Locale.ROOT), n.toLowerCase(java.util.Locale.ROOT)}) {
                if (!names.contains(other) && !other.isEmpty()) {
                    assertThat(FastS3Scanner.classify(other)).as(other).isZero();
                }
            }
        }
        assertThat(codes).hasSizeGreaterThan(5);
        assertThat(FastS3Scanner.classify("requestParameters")).as("read for the user it names").isNotZero();
        for (String other : new String[] {"", "a", "eventVersion", "serviceEventDetails", "responseElements",
                "sharedEventID", "x".repeat(30), "recipientAccountIdentifier"}) {
            assertThat(FastS3Scanner.classify(other)).as(other).isZero();
        }
    }
}
