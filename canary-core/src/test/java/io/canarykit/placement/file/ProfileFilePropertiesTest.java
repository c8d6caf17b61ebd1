package io.canarykit.placement.file;

import io.canarykit.PlacementReceipt;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generated credentials and config files: lines of every kind the SDK knows (headers valid and not, properties with
 * and without comments, comments of both kinds, blank and whitespace lines, continuations, sub-property blocks), with
 * LF, CRLF, CR or mixed breaks, with or without a byte order mark and a final break.
 */
class ProfileFilePropertiesTest {
    private static final String PROFILE = "zz-canary-probe";

    /** Our parser accepts exactly what the SDK accepts, and reads the same profiles. */
    @Property(tries = 1500)
    void parsesLikeTheSdk(@ForAll("files") byte[] file, @ForAll boolean config) {
        byte[] noBom = withoutBom(file);
        ProfileDocument.Kind kind = config ? ProfileDocument.Kind.CONFIG : ProfileDocument.Kind.CREDENTIALS;
        ProfileFile.Type type = config ? ProfileFile.Type.CONFIGURATION : ProfileFile.Type.CREDENTIALS;
        Map<String, Map<String, String>> sdk;
        try {
            sdk = sdkProfiles(noBom, type);
        } catch (RuntimeException e) {
            sdk = null;
        }
        Map<String, Map<String, String>> ours;
        try {
            ours = ProfileParsing.ourProfiles(noBom, kind);
        } catch (ProfileFileSyntaxException e) {
            ours = null;
        }
        net.jqwik.api.statistics.Statistics.label("sdk").collect(sdk == null ? "refused" : "parsed");
        assertThat(ours).isEqualTo(sdk);
    }

    /** Place, re-place (rotate), remove: the original bytes, and meanwhile the SDK reads every other profile as before. */
    @Property(tries = 600)
    void placeReplaceRemoveGivesBackTheOriginalBytes(@ForAll("files") byte[] file, @ForAll boolean config) {
        ProfileDocument.Kind kind = config ? ProfileDocument.Kind.CONFIG : ProfileDocument.Kind.CREDENTIALS;
        ProfileDocument doc;
        try {
            doc = ProfileDocument.parse(file, kind, null);
        } catch (ProfileFileSyntaxException e) {
            net.jqwik.api.statistics.Statistics.label("file").collect("refused");
            return; // refused, and placing leaves it alone (see the corpus test)
        }
        net.jqwik.api.statistics.Statistics.label("file").collect(doc.profiles().isEmpty() ? "no profiles" : "profiles");
        Map<String, String> first = Map.of("aws_access_key_id", "ASIAFIRST00000000000", "aws_secret_access_key", SECRET_1);
        Map<String, String> second = Map.of("aws_access_key_id", "ASIASECOND0000000000", "aws_secret_access_key", SECRET_2,
                "aws_session_token", TOKEN_2);
        byte[] placed = ProfileSections.put(doc, null, PROFILE, first, s -> false, false);
        assertPrefix(placed, file);
        ProfileDocument afterPlace = ProfileDocument.parse(placed, kind, null);
        assertThat(afterPlace.profiles().get(PROFILE)).isEqualTo(first);
        assertThat(others(afterPlace.profiles())).isEqualTo(others(doc.profiles()));
        if (!hasBom(file)) {
            ProfileFile.Type type = config ? ProfileFile.Type.CONFIGURATION : ProfileFile.Type.CREDENTIALS;
            Map<String, Map<String, String>> sdk = sdkProfiles(placed, type);
            assertThat(sdk.get(PROFILE)).isEqualTo(new TreeMap<>(first));
            assertThat(others(sdk)).isEqualTo(others(sdkProfiles(file, type)));
        }

        byte[] rotated = ProfileSections.put(afterPlace, null, PROFILE, second,
                ProfileSections.having("aws_access_key_id", java.util.Set.of("ASIAFIRST00000000000")), false);
        assertPrefix(rotated, file);
        ProfileDocument afterRotate = ProfileDocument.parse(rotated, kind, null);
        assertThat(afterRotate.profiles().get(PROFILE)).isEqualTo(second);

        byte[] removed = ProfileSections.remove(afterRotate, null, PROFILE,
                ProfileSections.having("aws_access_key_id", java.util.Set.of("ASIASECOND0000000000")));
        assertThat(removed).isEqualTo(file);
    }

    /** The same through the placement and the file system, two placements interleaved. */
    @Property(tries = 60)
    void twoPlacementsThroughTheFileSystem(@ForAll("files") byte[] credentials, @ForAll("files") byte[] config,
                                           @ForAll boolean removeFirstFirst) throws IOException {
        try {
            ProfileDocument.parse(credentials, ProfileDocument.Kind.CREDENTIALS, null);
            ProfileDocument.parse(config, ProfileDocument.Kind.CONFIG, null);
        } catch (ProfileFileSyntaxException e) {
            return;
        }
        Path home = Files.createTempDirectory("canary-props");
        try {
            write(home.resolve(".aws/credentials"), credentials);
            write(home.resolve(".aws/config"), config);
            AwsCredentialsFilePlacement p = AwsCredentialsFilePlacement.builder().environment(environment(home)).build();
            PlacementReceipt a = p.place(request(session1(), "profile", PROFILE + "-a"));
            PlacementReceipt b = p.place(request(longTerm1(), "profile", PROFILE + "-b"));
            PlacementReceipt a2 = p.replace(a, request(session2(), "profile", PROFILE + "-a"));
            if (removeFirstFirst) {
                p.remove(a2);
                p.remove(b);
            } else {
                p.remove(b);
                p.remove(a2);
            }
            assertThat(read(home.resolve(".aws/credentials"))).isEqualTo(credentials);
            assertThat(read(home.resolve(".aws/config"))).isEqualTo(config);
        } finally {
            try (Stream<Path> s = Files.walk(home)) {
                s.sorted(Comparator.reverseOrder()).forEach(f -> {
                    try {
                        Files.delete(f);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
            }
        }
    }

    private static Map<String, Map<String, String>> others(Map<String, Map<String, String>> profiles) {
        Map<String, Map<String, String>> m = new TreeMap<>();
        profiles.forEach((k, v) -> m.put(k, new TreeMap<>(v)));
        m.remove(PROFILE);
        return m;
    }

    // ---- generators ----

    @Provide
    Arbitrary<byte[]> files() {
        // mostly files shaped like real ones (a preamble, then sections), sometimes any sequence of lines
        Arbitrary<List<String>> shaped = Combinators.combine(
                Arbitraries.oneOf(comment(), blank()).list().ofMaxSize(3),
                Combinators.combine(header(), Arbitraries.frequencyOf(
                        net.jqwik.api.Tuple.of(8, property()), net.jqwik.api.Tuple.of(2, continuation()),
                        net.jqwik.api.Tuple.of(2, comment()), net.jqwik.api.Tuple.of(2, blank()),
                        net.jqwik.api.Tuple.of(1, odd())).list().ofMaxSize(5))
                        .as((h, body) -> {
                            List<String> l = new java.util.ArrayList<>();
                            l.add(h);
                            l.addAll(body);
                            return l;
                        }).list().ofMaxSize(5))
                .as((pre, sections) -> {
                    List<String> l = new java.util.ArrayList<>(pre);
                    sections.forEach(l::addAll);
                    return l;
                });
        Arbitrary<List<String>> lines = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(3, shaped), net.jqwik.api.Tuple.of(1, line().list().ofMaxSize(14)));
        Arbitrary<String> breaks = Arbitraries.of("\n", "\r\n", "\r", "mixed");
        return Combinators.combine(lines, breaks, Arbitraries.of(true, false), Arbitraries.integers().between(0, 9))
                .as((ls, br, finalBreak, bomDice) -> {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    if (bomDice == 0) {
                        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
                    }
                    String[] mixed = {"\n", "\r\n", "\r"};
                    for (int i = 0; i < ls.size(); i++) {
                        out.writeBytes(ls.get(i).getBytes(StandardCharsets.UTF_8));
                        if (i < ls.size() - 1 || finalBreak) {
                            String b = br.equals("mixed") ? mixed[(i * 7 + ls.get(i).length()) % 3] : br;
                            out.writeBytes(b.getBytes(StandardCharsets.US_ASCII));
                        }
                    }
                    return out.toByteArray();
                });
    }

    private Arbitrary<String> line() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, header()),
                net.jqwik.api.Tuple.of(8, property()),
                net.jqwik.api.Tuple.of(3, continuation()),
                net.jqwik.api.Tuple.of(3, comment()),
                net.jqwik.api.Tuple.of(3, blank()),
                net.jqwik.api.Tuple.of(1, odd()));
    }

    private Arbitrary<String> header() {
        Arbitrary<String> name = Arbitraries.of("default", "prod", "dev", "ci-deploy", "a/b.c", "x@y:z+1%", "",
                "bad name", "sso", "profile", "zz-canary-probe-c");
        Arbitrary<String> prefix = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("")), net.jqwik.api.Tuple.of(6, Arbitraries.just("profile ")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("profile\t", "sso-session ", "services ", " ", "profile  ")));
        Arbitrary<String> tail = Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(8, Arbitraries.just("")),
                net.jqwik.api.Tuple.of(2, Arbitraries.of(" # note", "#x", ";y", " ; z", " trailing", "]")));
        return Combinators.combine(prefix, name, Arbitraries.of("", "", "", " ", "\t"), tail)
                .as((p, n, pad, t) -> "[" + pad + p + n + pad + "]" + t);
    }

    private Arbitrary<String> property() {
        Arbitrary<String> key = Arbitraries.of("aws_access_key_id", "aws_secret_access_key", "region", "output", "s3",
                "max_attempts", "x.y", "bad key", "", "k");
        Arbitrary<String> value = Arbitraries.of("", "AKIAIOSFODNN7EXAMPLE", "wJalr/K7+MDENG=", "us-east-1", "v#notcomment",
                "v # comment", "v ;c", "v\t#tab", "a = b", "  spaced  ");
        return Combinators.combine(key, Arbitraries.of("=", " = ", "\t=\t", "= ", " ="), value).as((k, eq, v) -> k + eq + v);
    }

    private Arbitrary<String> continuation() {
        return Combinators.combine(Arbitraries.of(" ", "\t", "  "),
                Arbitraries.of("more text", "sub = 1", "sub=two", "# hashed", "=novalue", "k =")).as((i, t) -> i + t);
    }

    private Arbitrary<String> comment() {
        return Arbitraries.of("# comment", "; comment", "#", ";", "#[not a header]", "# \u00fc");
    }

    private Arbitrary<String> blank() {
        return Arbitraries.of("", " ", "\t", " \t ");
    }

    private Arbitrary<String> odd() {
        return Arbitraries.of("[", "no equals", "= orphan", "\u000b", "\f=x");
    }
}
