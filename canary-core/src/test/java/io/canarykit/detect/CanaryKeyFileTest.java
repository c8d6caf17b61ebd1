package io.canarykit.detect;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CanaryKeyFileTest {
    private static String line(String id, String key, String arn, String issued, String expires) {
        return "{\"canaryId\":\"" + id + "\",\"accessKeyId\":" + (key == null ? "null" : "\"" + key + "\"")
                + ",\"principalArn\":" + (arn == null ? "null" : "\"" + arn + "\"") + ",\"issuedAt\":\"" + issued
                + "\",\"expiresAt\":" + (expires == null ? "null" : "\"" + expires + "\"") + "}";
    }

    private static List<String> many(int n) {
        Random r = new Random(1);
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            lines.add(line(CanaryId.generate(Instant.parse("2025-01-01T00:00:00Z").plusSeconds(i), r).value(),
                    "AKIA" + String.format("%016d", i), i % 2 == 0 ? "arn:aws:iam::111122223333:user/u" + i : null,
                    "2025-01-01T00:00:00Z", null));
        }
        return lines;
    }

    @Test
    void readsEveryEntryInOrderWhateverTheParallelism(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("canaries.jsonl");
        List<String> lines = many(20_000);
        lines.add(3, "");
        Files.write(f, lines);

        CanaryKeyFile.Canaries one = CanaryKeyFile.read(f);
        CanaryKeyFile.Canaries four = CanaryKeyFile.read(f, 4);

        assertThat(Files.size(f)).isGreaterThan(1 << 20);
        assertThat(one.entries()).hasSize(20_000);
        assertThat(four.entries()).isEqualTo(one.entries());
        assertThat(four.keys().get(19_999).accessKeyId()).isEqualTo("AKIA0000000000019999");
    }

    /** A file whose last line has no newline (as an editor or printf leaves it) is read whole, small or large. */
    @Test
    void aLastLineWithoutANewlineIsRead(@TempDir Path dir) throws IOException {
        Path small = dir.resolve("small.jsonl");
        List<String> two = many(2);
        Files.writeString(small, two.get(0) + "\n" + two.get(1));
        assertThat(CanaryKeyFile.read(small).keys()).extracting(CanaryKey::accessKeyId)
                .containsExactly("AKIA0000000000000000", "AKIA0000000000000001");

        Path large = dir.resolve("large.jsonl");
        List<String> lines = many(20_000);
        Files.writeString(large, String.join("\n", lines)); // over 1 MB: read in pieces and blocks
        for (int parallelism : new int[] {1, 3}) {
            CanaryKeyFile.Canaries c = CanaryKeyFile.read(large, parallelism);
            assertThat(c.keys()).hasSize(20_000);
            assertThat(c.keys().get(19_999).accessKeyId()).isEqualTo("AKIA0000000000019999");
        }
        // a last line that is not of the plain form (read by Jackson), without its newline, and blank lines before it
        Files.writeString(small, two.get(0) + "\n\n  \n{ \"accessKeyId\" : \"AKIA0000000000000009\", \"canaryId\":\"x\","
                + "\"issuedAt\":\"2025-01-01T00:00:00Z\"}");
        assertThat(CanaryKeyFile.read(small).keys()).extracting(CanaryKey::accessKeyId)
                .containsExactly("AKIA0000000000000000", "AKIA0000000000000009");
    }

    @Test
    void reportsTheLineOfTheFirstProblemFromAnyPiece(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("canaries.jsonl");
        List<String> lines = many(20_000);
        lines.set(15_000, "{\"canaryId\":\"x\",\"accessKeyId\":\"AKIA1\",\"issuedAt\":\"soon\"}");
        lines.set(17_000, "not json");
        Files.write(f, lines);

        assertThatThrownBy(() -> CanaryKeyFile.read(f, 3)).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("line 15001").hasMessageContaining("issuedAt 'soon'");
        lines.set(15_000, lines.get(2));
        Files.write(f, lines);
        assertThatThrownBy(() -> CanaryKeyFile.read(f, 3)).hasMessageContaining("line 15001")
                .hasMessageContaining("appears twice (also on line 3)");
    }

    @Test
    void keepsLabelsThatAreNoCanaryIds(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.jsonl");
        Files.write(f, List.of(line("my-canary", "AKIA1", null, "2025-01-01T00:00:00Z", "2025-01-02T00:00:00Z"),
                line("01JN4XMN00Q1N19Y8PN2WEBC8P", null, "arn:aws:iam::111122223333:user/u", "2025-01-01T00:00:00Z", null)));

        CanaryKeyFile.Canaries c = CanaryKeyFile.read(f);

        assertThat(c.label(c.keys().get(0))).isEqualTo("my-canary");
        assertThat(c.label(c.keys().get(1))).isEqualTo("01JN4XMN00Q1N19Y8PN2WEBC8P");
        assertThat(c.keys().get(0).validUntil()).isEqualTo(Instant.parse("2025-01-02T00:00:00Z"));
        assertThatThrownBy(() -> CanaryKeyFile.read(dir.resolve("none"))).hasMessageContaining("does not exist");
        // lines off the plain form (escapes, non-ASCII, extra fields, odd spacing) go through the general JSON reader
        Files.write(f, List.of(
                " { \"canaryId\" : \"caf\\u00e9\" , \"accessKeyId\":\"AKIA2\", \"team\":{\"a\":1},"
                        + " \"issuedAt\":\"2025-01-01T00:00:00Z\"}",
                "{\"canaryId\":\"na\u00efve\",\"accessKeyId\":\"AKIA3\",\"issuedAt\":\"2025-01-01T00:00:00Z\",\"expiresAt\":null}"),
                java.nio.charset.StandardCharsets.UTF_8);
        CanaryKeyFile.Canaries odd = CanaryKeyFile.read(f);
        assertThat(odd.entries()).extracting(CanaryKeyFile.Entry::label).containsExactly("caf\u00e9", "na\u00efve");
        assertThat(odd.keys()).extracting(CanaryKey::accessKeyId).containsExactly("AKIA2", "AKIA3");
        Files.write(f, List.of("{\"canaryId\":\"a\",\"accessKeyId\":\"AKIA1\",\"issuedAt\":\"2025-01-01T00:00:00Z\"} {\"canaryId\":\"b\"}"));
        assertThatThrownBy(() -> CanaryKeyFile.read(f)).hasMessageContaining("more than one JSON value");
    }

    @Test
    void readsIdsInAnyCaseTimesInAnyOrderAndRejectsBlankValues(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("c.jsonl");
        Files.write(f, List.of(
                line("01jn4xmn00q1n19y8pn2webc8p", "AKIA1", null, "2025-01-01T00:00:00Z", "2025-01-03T00:00:00Z"),
                line("01JN4XMN00Q1N19Y8PN2WEBC8Q", "AKIA2", null, "2025-01-02T00:00:00Z", "2025-01-03T00:00:00Z"),
                line("01JN4XMN00Q1N19Y8PN2WEBC8R", "AKIA3", null, "2025-01-01T00:00:00Z", null),
                line("01JN4XMN00Q1N19Y8PN2WEBC8S", "AKIA4", null, "2025-01-01T00:00:00+01:00", "2025-01-03T00:00:00Z")));

        CanaryKeyFile.Canaries c = CanaryKeyFile.read(f);

        assertThat(c.keys()).extracting(k -> k.canaryId().value()).containsExactly("01JN4XMN00Q1N19Y8PN2WEBC8P",
                "01JN4XMN00Q1N19Y8PN2WEBC8Q", "01JN4XMN00Q1N19Y8PN2WEBC8R", "01JN4XMN00Q1N19Y8PN2WEBC8S");
        assertThat(c.label(c.keys().get(0))).isEqualTo("01jn4xmn00q1n19y8pn2webc8p");
        assertThat(c.keys()).extracting(CanaryKey::validFrom).containsExactly(Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2025-01-02T00:00:00Z"), Instant.parse("2025-01-01T00:00:00Z"),
                Instant.parse("2024-12-31T23:00:00Z"));
        assertThat(c.keys()).extracting(CanaryKey::validUntil).containsExactly(Instant.parse("2025-01-03T00:00:00Z"),
                Instant.parse("2025-01-03T00:00:00Z"), null, Instant.parse("2025-01-03T00:00:00Z"));

        Files.write(f, List.of(line("01jn4xmn00q1n19y8pn2webc8p", "AKIA1", null, "2025-01-01T00:00:00Z", null),
                line("01JN4XMN00Q1N19Y8PN2WEBC8P", "AKIA2", null, "2025-01-01T00:00:00Z", null)));
        assertThatThrownBy(() -> CanaryKeyFile.read(f)).hasMessageContaining("line 2")
                .hasMessageContaining("appears twice (also on line 1)");
        Files.write(f, List.of(line("a", "AKIA1", null, "2025-01-01T00:00:00Z", null),
                line("b", "   ", null, "2025-01-01T00:00:00Z", null)));
        assertThatThrownBy(() -> CanaryKeyFile.read(f)).hasMessageContaining("line 2")
                .hasMessageContaining("accessKeyId must not be empty");
        Files.write(f, List.of(line("a", "AKIA1", null, "2025-01-01T00:00:00Z", null),
                line("b", "AKIA2", null, "2025-01-01T00:00:00Z", "2024-01-01T00:00:00Z")));
        assertThatThrownBy(() -> CanaryKeyFile.read(f)).hasMessageContaining("line 2")
                .hasMessageContaining("expiresAt 2024-01-01T00:00:00Z is before issuedAt 2025-01-01T00:00:00Z");
    }

    @Test
    void theIndexOfALargeFileIsTheIndexOfItsKeys(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("canaries.jsonl");
        Files.write(f, many(20_000));

        for (int parallelism : new int[] {1, 3}) {
            CanaryKeyFile.Canaries c = CanaryKeyFile.read(f, parallelism);
            CanaryIndex fromFile = c.index();
            CanaryIndex plain = CanaryIndex.of(c.keys());

            assertThat(fromFile.size()).isEqualTo(20_000);
            assertThat(fromFile.accessKeyIds()).isEqualTo(plain.accessKeyIds());
            assertThat(fromFile.principalArns()).isEqualTo(plain.principalArns()).hasSize(10_000);
            Instant t = Instant.parse("2025-06-01T00:00:00Z");
            for (int i = 0; i < 20_000; i += 7) {
                CanaryKey k = c.keys().get(i);
                io.canarykit.cloudtrail.CloudTrailRecord byKey = record(k.accessKeyId(), null, t);
                io.canarykit.cloudtrail.CloudTrailRecord byArn = record("AKIANOCANARY00000000", k.principalArn(), t);
                assertThat(fromFile.filter().test(byKey)).isTrue();
                assertThat(fromFile.match(byKey)).isEqualTo(plain.match(byKey)).isEqualTo(k);
                assertThat(fromFile.filter().test(byArn)).isEqualTo(k.principalArn() != null);
                assertThat(fromFile.match(byArn)).isEqualTo(plain.match(byArn));
            }
            io.canarykit.cloudtrail.CloudTrailRecord other = record("AKIANOCANARY00000000", "arn:aws:iam::111122223333:user/x", t);
            assertThat(fromFile.filter().test(other)).isFalse();
            assertThat(fromFile.match(other)).isNull();
        }
    }

    private static io.canarykit.cloudtrail.CloudTrailRecord record(String key, String arn, Instant t) {
        return new io.canarykit.cloudtrail.CloudTrailRecord("e", t, "iam.amazonaws.com", "ListUsers", "us-east-1", null,
                null, null, null, null, null, null, null,
                new io.canarykit.cloudtrail.UserIdentity("IAMUser", null, arn, null, key, null, null, null, null));
    }
}
