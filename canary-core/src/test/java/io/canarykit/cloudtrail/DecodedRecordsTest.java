package io.canarykit.cloudtrail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Records that match are decoded straight from the fast path's bytes ({@link RecordDecoder}): every field of every
 * record handed over is exactly what the general reader (Jackson) makes of it, on the whole sample corpus with every
 * key and ARN watched, and on records with every oddity the decoder must either read exactly or leave to Jackson.
 */
class DecodedRecordsTest {
    private final CloudTrailReader reader = CloudTrailReader.create();

    private List<CloudTrailRecord> fast(Path file, RecordFilter filter) {
        List<CloudTrailRecord> got = new ArrayList<>();
        reader.read(file, filter, got::add);
        return got;
    }

    private List<CloudTrailRecord> general(Path file, RecordFilter filter) throws IOException {
        List<CloudTrailRecord> got = new ArrayList<>();
        try (var in = Files.newInputStream(file)) {
            reader.read(in, file.toString(), rec -> {
                if (filter.test(rec)) {
                    got.add(rec);
                }
            });
        }
        return got;
    }

    @Test
    void everyRecordOfTheCorpusDecodesAsTheGeneralReaderReadsIt() throws IOException {
        Set<String> keys = new HashSet<>();
        Set<String> arns = new HashSet<>();
        for (Samples.Entry e : Samples.manifest()) {
            reader.read(Samples.file(e.file()), r -> {
                if (r.accessKeyId() != null) {
                    keys.add(r.accessKeyId());
                }
                if (r.principalArn() != null) {
                    arns.add(r.principalArn());
                }
                if (r.userIdentity() != null && r.userIdentity().sessionIssuer() != null
                        && r.userIdentity().sessionIssuer().arn() != null) {
                    arns.add(r.userIdentity().sessionIssuer().arn());
                }
            });
        }
        RecordFilter filter = RecordFilter.of(keys, arns);
        long compared = 0;
        for (Samples.Entry e : Samples.manifest()) {
            Path f = Samples.file(e.file());
            List<CloudTrailRecord> fast = fast(f, filter);
            assertThat(fast).as(e.file()).isEqualTo(general(f, filter));
            compared += fast.size();
        }
        assertThat(compared).isGreaterThan(3500);
    }

    /** Oddities in the fields the decoder reads: each read exactly, or left to Jackson, never read differently. */
    private static final String[] ODDITIES = {
            "\"userAgent\":\"aws-cli/2.15.30 \\\"quoted\\\" \\\\ path\"=>\"userAgent\":\"a\\u0041\\/b\\n\\t\\r\\b\\f\\uD83D\\uDE00\"",
            "\"eventName\":\"ListUsers\"=>\"eventName\":null",
            "\"eventName\":\"ListUsers\"=>\"eventName\":7",
            "\"eventName\":\"ListUsers\"=>\"eventName\":true",
            "\"eventName\":\"ListUsers\"=>\"eventName\":\"ListUsers\",\"eventName\":\"Again\"",
            "\"readOnly\":true=>\"readOnly\":false",
            "\"readOnly\":true=>\"readOnly\":null",
            "\"readOnly\":true=>\"readOnly\":\"TRUE\"",
            "\"readOnly\":true=>\"readOnly\":1",
            "\"eventTime\":\"2025-03-14T09:26:53Z\"=>\"eventTime\":\"2025-03-14 09:26:53+01:00\"",
            "\"eventTime\":\"2025-03-14T09:26:53Z\"=>\"eventTime\":null",
            "\"eventTime\":\"2025-03-14T09:26:53Z\"=>\"eventTime\":1741944413",
            "\"type\":\"IAMUser\",\"principalId\"=>\"type\":null,\"principalId\"",
            "\"accountId\":\"123456789012\",=>",
            "\"accountId\":\"123456789012\",=>\"accountId\":\"123456789012\",\"accountId\":\"1\",",
            "\"accessKeyId\":\"=>\"accessKeyId\":\"\",\"k\":\"",
            "\"sessionContext\":{\"sessionIssuer\":{=>\"sessionContext\":{\"sessionIssuer\":{},\"x\":{",
            "\"sessionContext\":{\"sessionIssuer\":{=>\"sessionContext\":{\"sessionIssuer\":null,\"x\":{",
            "\"sessionContext\":{\"sessionIssuer\":{=>\"sessionContext\":{\"sessionIssuer\":7,\"x\":{",
            "\"sessionContext\":{=>\"sessionContext\":null,\"sc\":{",
            "\"sessionContext\":{=>\"sessionContext\":{},\"sc\":{",
            "\"attributes\":{\"creationDate\":\"2025-03-14T09:00:00Z\"=>\"attributes\":{\"creationDate\":null",
            "\"attributes\":{\"creationDate\":\"2025-03-14T09:00:00Z\"=>\"attributes\":{\"creationDate\":5",
            "\"attributes\":{=>\"attributes\":null,\"at\":{",
            "\"userIdentity\":{=>\"userIdentity\":{},\"ui\":{",
            "\"userIdentity\":{=>\"userIdentity\":null,\"ui\":{",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"userIdentity\":{\"accessKeyId\":\"AKIAOTHER00000000003\"},",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"Events\":null,",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"arn\":\"arn:aws:iam::123456789012:user/u7\",",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"deep\":[[[{\"accessKeyId\":\"AKIAWATCHED000000001\"}]]],",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"x\":{\"arn\":{\"a\":1}},",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"n\":[1,-2.5e3,0.25,true,false,null,{}],",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"u\":\"caf\u00e9\",",
            "\"eventVersion\":\"1.08\",=>\"eventVersion\":\"1.08\",\"e\\u0073c\":1,",
            "\"eventType\"=>\"errorCode\":\"AccessDenied\",\"errorMessage\":\"denied \\\"here\\\"\",\"eventType\"",
            "\"recipientAccountId\":\"123456789012\"=>\"recipientAccountId\":\"\"",
            // the request's user and policy names (a watched user's name makes a record wanted)
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":\"u7\",\"policyArn\":\"arn:aws:iam::aws:policy/AWSCompromisedKeyQuarantineV3\",\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":\"u\\u0037\",\"policyName\":\"p\\\"q\",\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":\"u7\",\"userName\":\"u8\",\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":\"u8\",\"userName\":\"u7\",\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":7,\"policyArn\":null,\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"userName\":{\"u\":\"u7\"},\"policyName\":[\"u7\"],\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"x\":{\"userName\":\"u7\"},\"n\"",
            "\"requestParameters\":{\"n\"=>\"requestParameters\":{\"policyArn\":\"arn:aws:iam::aws:policy/X\",\"n\"",
            "\"requestParameters\":{=>\"requestParameters\":null,\"rp\":{",
            "\"requestParameters\":{=>\"requestParameters\":\"u7\",\"rp\":{",
            "\"requestParameters\":{=>\"requestParameters\":{},\"rp\":{",
            "\"requestParameters\":{=>\"requestParameters\":{\"userName\":\"u7\"},\"requestParameters\":{",
    };

    @Test
    void oddRecordsDecodeAsTheGeneralReaderReadsThem(@TempDir Path dir) throws IOException {
        RecordFilter filter = RecordFilter.of(Set.of("AKIAWATCHED000000001", "AKIAWATCHED000000002"),
                Set.of("arn:aws:iam::123456789012:user/u7", "arn:aws:iam::123456789012:user/issuer3"));
        Random random = new Random(11);
        List<String> keys = List.of("AKIAWATCHED000000001", "AKIAWATCHED000000002", "AKIAOTHER00000000003");
        StringBuilder all = new StringBuilder("{\"Records\":[");
        int n = 0;
        for (String oddity : ODDITIES) {
            for (String key : keys) {
                String[] m = oddity.split("=>", 2);
                String rec = FilteredReadTest.record(n, random, key);
                String changed = rec.replaceFirst(java.util.regex.Pattern.quote(m[0]),
                        java.util.regex.Matcher.quoteReplacement(m[1]));
                assertThat(changed).as(oddity).isNotEqualTo(rec);
                all.append(n == 0 ? "" : ",").append(changed);
                n++;
                Path one = dir.resolve("one.json");
                Files.writeString(one, "{\"Records\":[" + changed + "]}", StandardCharsets.UTF_8);
                assertThat(fast(one, filter)).as(changed).isEqualTo(general(one, filter));
            }
        }
        Path f = dir.resolve("all.json");
        Files.writeString(f, all.append("]}").toString(), StandardCharsets.UTF_8);
        List<CloudTrailRecord> fast = fast(f, filter);
        assertThat(fast).isEqualTo(general(f, filter));
        assertThat(fast).hasSizeGreaterThan(ODDITIES.length);
        assertThat(decodedIn(Files.readAllBytes(f), filter)).as("records decoded without Jackson")
                .isGreaterThan(ODDITIES.length / 2);
    }

    /** How many records of an S3 log file the fast path decodes itself. */
    static int decodedIn(byte[] file, RecordFilter filter) {
        int[] decoded = {0};
        FastS3Scanner.Sink sink = new FastS3Scanner.Sink() {
            @Override
            public void candidate(byte[] b, int off, int len, long offset, long line, long column) {
            }

            @Override
            public void decoded(CloudTrailRecord wanted, byte[] b, int off, int len, long offset, long line,
                                long column) {
                decoded[0]++;
            }

            @Override
            public void plain() {
            }
        };
        Workspace ws = Workspace.acquire();
        try {
            new FastS3Scanner(new java.io.ByteArrayInputStream(file), ws, filter, sink, 1 << 20).run();
        } finally {
            ws.release();
        }
        return decoded[0];
    }
}
