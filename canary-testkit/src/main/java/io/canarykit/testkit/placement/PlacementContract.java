package io.canarykit.testkit.placement;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.placement.PlacementRequest;
import io.canarykit.placement.PlacementVerification;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The behaviour every {@link Placement} must have, as JUnit 5 tests: place, verify, replace in place (rotation),
 * remove, idempotent removal, nothing left behind, refused requests changing nothing, and no secret in receipts,
 * {@code toString}s, verifications or exception messages. A placement's test extends this class:
 *
 * <pre>{@code
 * class MyPlacementContractTest extends PlacementContract {
 *     @Override protected Placement newPlacement(PlacementEnvironment environment) {
 *         return MyPlacement.builder().environment(environment).build();   // or your provider's create(...)
 *     }
 *     @Override protected Map<String, String> options(Path directory) {
 *         return Map.of("path", directory.resolve("app.env").toString());
 *     }
 *     @Override protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
 *         return parse(receipt.location());   // what is there now, read without the placement; null when nothing is
 *     }
 * }
 * }</pre>
 *
 * <h2>What to supply</h2>
 * <ul>
 *   <li>{@link #newPlacement}: a new placement for each test (it is closed after the test). Build file placements with
 *       the given environment: its {@code HOME} and {@code XDG_CACHE_HOME} point into the test's directory, so the
 *       lock directory is there too ({@link #cache}), outside the target directory.</li>
 *   <li>{@link #options}: request options that plant the canary in {@code directory} (which may not exist yet).
 *       Placements without files (endpoints, secret stores) ignore it.</li>
 *   <li>{@link #readBack}: the credential found where the receipt points, read the way an attacker's tool or the AWS
 *       SDK would (parse the file, call the endpoint, read the secret store), independently of the placement; or
 *       {@code null} when the canary is not there. This is what proves a test can fail: every check compares it
 *       with the credential placed.</li>
 * </ul>
 * And optionally: {@link #prepareExistingContent} (content already in the target directory that must survive byte for
 * byte: another profile, other variables), {@link #refusedOptions} (requests the placement must refuse, such as a
 * profile that belongs to someone else), {@link #externalState} (for placements whose target is not a file: a listing
 * of what the endpoint or store holds, compared before and after), and {@link #credential} (long-term keys instead of
 * the default short-term ones).
 *
 * <h2>What it checks</h2>
 * A placement must refuse options it does not know ({@link io.canarykit.placement.PlacementOptions} does that), must
 * refuse a receipt another placement wrote, must leave nothing an attacker could key on in or beside the target
 * directory (no lock, temporary, backup or {@code canary}-named file while placed; after removal the directory tree is
 * byte-identical to before, so files and directories the placement created are gone), and a refused request must
 * leave the directory tree (outside {@link #cache}) and {@link #externalState} unchanged.
 *
 * <p>Each test gets fresh directories under {@link #root} and a fresh placement; tests take well under a second for a
 * file placement.
 *
 * @since 0.1.0
 */
public abstract class PlacementContract {
    /** The secret access keys and session tokens the contract plants; none may appear in a receipt or message. */
    private static final String[] SECRETS = {
        "cOnTrAcTsEcReT1/K7MDENG/bPxRfiCYzEXAMPLE1", "cOnTrAcTsEcReT2/K7MDENG/bPxRfiCYzEXAMPLE2",
        "IQoJb3JpZ2luX2VjCONTRACTTOKEN1AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWs+1=",
        "IQoJb3JpZ2luX2VjCONTRACTTOKEN2AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWs+2="};
    private static final List<String> LITTER = List.of(".lock", ".tmp", ".bak", ".orig", ".swp", "~", "canary");

    /** The test's own directory (fresh for each test). */
    @TempDir
    protected Path root;
    /** The home directory the {@link #environment} names: {@code root/home}. */
    protected Path home;
    /** The cache directory the environment names ({@code XDG_CACHE_HOME}): where lock directories go. */
    protected Path cache;
    /** The target directory the tests place into by default: {@code root/targets}, empty. */
    protected Path targets;
    /** {@code HOME}, {@code XDG_CACHE_HOME} and nothing else from the process. */
    protected PlacementEnvironment environment;
    /** The placement under test. */
    protected Placement placement;

    /** A new placement, built with {@code environment} where it reads one. */
    protected abstract Placement newPlacement(PlacementEnvironment environment);

    /** Request options that plant the canary in {@code directory} (which may not exist yet). */
    protected abstract Map<String, String> options(Path directory);

    /**
     * The credential at the target the receipt names, read without {@code placement} (as an attacker's tool or the
     * AWS SDK would read it), or {@code null} when no credential is there. The expiration may be {@code null}.
     */
    protected abstract CanaryCredential readBack(Placement placement, PlacementReceipt receipt);

    /** Writes what the target directory already holds before the canary is placed (default: nothing). */
    protected void prepareExistingContent(Path directory) {
    }

    /**
     * Options of requests the placement must refuse, beyond an unknown option (which every placement must refuse). It
     * may write files into {@code directory} first, such as a profile that belongs to someone else.
     */
    protected List<Map<String, String>> refusedOptions(Path directory) {
        return List.of();
    }

    /**
     * What the target holds outside the file system, for placements whose target is not a file (default: nothing). It
     * must be equal before and after a refused request, and before placing and after removal.
     */
    protected String externalState() {
        return "";
    }

    /** The {@code n}-th credential planted (n = 1, 2): short-term by default. */
    protected CanaryCredential credential(int n) {
        return new CanaryCredential(String.format("ASIAY34FZKBOCONTRCT%d", n), Secret.of(SECRETS[n - 1]),
                Secret.of(SECRETS[n + 1]), Instant.parse("2030-01-01T12:00:00Z").plusSeconds(3600L * n));
    }

    @BeforeEach
    void openPlacement() throws IOException {
        home = Files.createDirectories(root.resolve("home"));
        cache = Files.createDirectories(root.resolve("cache"));
        targets = Files.createDirectories(root.resolve("targets"));
        environment = PlacementEnvironment.of(Map.of("HOME", home.toString(), "XDG_CACHE_HOME", cache.toString()), Map.of());
        placement = newPlacement(environment);
    }

    @AfterEach
    void closePlacement() {
        if (placement != null) {
            placement.close();
        }
    }

    /** A request for the {@code n}-th canary with {@code options}. */
    protected PlacementRequest request(int n, Map<String, String> options) {
        return new PlacementRequest(CanaryId.generate(Instant.parse("2026-12-01T10:00:00Z"), new Random(n)),
                Asset.of("host", "contract-" + n), credential(n), options);
    }

    // ---------------------------------------------------------------- place, verify, replace, remove

    @Test
    void placeLeavesTheCredentialWhereTheReceiptSaysAndVerifyFindsIt() {
        PlacementReceipt r = placement.place(request(1, options(targets)));
        assertThat(r.placement()).isEqualTo(placement.name());
        assertSame(readBack(placement, r), credential(1));
        PlacementVerification v = placement.verify(r);
        assertThat(v.present()).as(v.detail()).isTrue();
    }

    @Test
    void replaceRotatesInPlace() {
        PlacementReceipt first = placement.place(request(1, options(targets)));
        PlacementReceipt second = placement.replace(first, request(2, options(targets)));
        assertThat(second.location()).as("rotation keeps the canary's place").isEqualTo(first.location());
        assertSame(readBack(placement, second), credential(2));
        assertThat(placement.verify(second).present()).as(placement.verify(second).detail()).isTrue();
        assertThat(placement.verify(first).present()).as("the replaced canary is no longer in place").isFalse();
    }

    @Test
    void removeTakesTheCredentialOut() {
        PlacementReceipt r = placement.place(request(1, options(targets)));
        placement.remove(r);
        assertThat(readBack(placement, r)).as("what is left where the receipt points").isNull();
        assertThat(placement.verify(r).present()).isFalse();
    }

    @Test
    void removalIsIdempotentAndAStaleReceiptRemovesNothing() {
        PlacementReceipt first = placement.place(request(1, options(targets)));
        PlacementReceipt second = placement.replace(first, request(2, options(targets)));
        placement.remove(first);
        assertSame(readBack(placement, second), credential(2));
        assertThat(placement.verify(second).present()).isTrue();
        placement.remove(second);
        placement.remove(second);
        placement.remove(first);
        assertThat(readBack(placement, second)).isNull();
    }

    // ---------------------------------------------------------------- nothing left behind

    @Test
    void nothingIsLeftBehindInAnEmptyDirectory() {
        Map<String, String> before = tree();
        String external = externalState();
        PlacementReceipt r = placement.place(request(1, options(targets)));
        assertNoLitter(targets);
        placement.remove(r);
        assertThat(tree()).as("the directory tree after removal (files the placement created must be gone)")
                .isEqualTo(before);
        assertThat(externalState()).isEqualTo(external);
    }

    @Test
    void nothingIsLeftBehindInADirectoryThePlacementHadToCreate() {
        Map<String, String> before = tree();
        PlacementReceipt r = placement.place(request(1, options(targets.resolve("made/on-the-way"))));
        assertNoLitter(targets);
        PlacementReceipt r2 = placement.replace(r, request(2, options(targets.resolve("made/on-the-way"))));
        placement.remove(r2);
        assertThat(tree()).as("the directories the placement made must be gone too").isEqualTo(before);
    }

    @Test
    void existingContentSurvivesPlaceReplaceAndRemoveByteForByte() {
        prepareExistingContent(targets);
        Map<String, String> before = tree();
        String external = externalState();
        PlacementReceipt r = placement.place(request(1, options(targets)));
        assertNoLitter(targets);
        PlacementReceipt r2 = placement.replace(r, request(2, options(targets)));
        assertSame(readBack(placement, r2), credential(2));
        placement.remove(r2);
        assertThat(tree()).isEqualTo(before);
        assertThat(externalState()).isEqualTo(external);
    }

    // ---------------------------------------------------------------- refusals

    @Test
    void refusedRequestsChangeNothing() {
        List<Map<String, String>> refused = new ArrayList<>();
        Map<String, String> unknown = new LinkedHashMap<>(options(targets.resolve("new/deeper")));
        unknown.put("no-such-option", "x");
        refused.add(unknown);
        refused.addAll(refusedOptions(targets));
        for (Map<String, String> options : refused) {
            Map<String, String> before = tree();
            String external = externalState();
            Throwable t = catchThrowable(() -> placement.place(request(1, options)));
            assertThat(t).as("placing with %s must be refused", options.keySet())
                    .isInstanceOf(CanaryConfigurationException.class);
            assertNoSecret(String.valueOf(t.getMessage()), "the refusal's message");
            assertThat(tree()).as("a refused request creates and changes nothing (%s)", t.getMessage()).isEqualTo(before);
            assertThat(externalState()).isEqualTo(external);
        }
    }

    @Test
    void aReceiptOfAnotherPlacementIsRefusedAndRemovesNothing() {
        PlacementReceipt r = placement.place(request(1, options(targets)));
        PlacementReceipt forged = new PlacementReceipt("some-other-placement", r.location(), r.details(), r.placedAt());
        assertThatThrownBy(() -> placement.verify(forged)).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> placement.remove(forged)).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> placement.replace(forged, request(2, options(targets))))
                .isInstanceOf(CanaryConfigurationException.class);
        assertSame(readBack(placement, r), credential(1));
    }

    // ---------------------------------------------------------------- secrets

    @Test
    void theSecretIsNeverInAReceiptAToStringAVerificationOrAnError() {
        PlacementReceipt r = placement.place(request(1, options(targets)));
        // the positive control: the secrets really are at the target, so the searches below can find them
        CanaryCredential there = readBack(placement, r);
        assertThat(there).isNotNull();
        assertThat(there.secretAccessKey().reveal()).isEqualTo(SECRETS[0]);
        PlacementReceipt r2 = placement.replace(r, request(2, options(targets)));
        List<String> texts = new ArrayList<>(List.of(r.toString(), r2.toString(), String.valueOf(r.details()),
                r2.location(), placement.toString(), placement.verify(r).toString(), placement.verify(r2).toString()));
        Map<String, String> unknown = new LinkedHashMap<>(options(targets));
        unknown.put("no-such-option", "x");
        for (Throwable t : List.of(catchThrowable(() -> placement.place(request(1, unknown))),
                catchThrowable(() -> placement.remove(new PlacementReceipt("other", r2.location(), r2.details(),
                        r2.placedAt()))))) {
            for (Throwable x = t; x != null; x = x.getCause()) {
                texts.add(x.toString());
            }
        }
        for (String text : texts) {
            assertNoSecret(text, "a receipt, toString, verification or error");
        }
        placement.remove(r2);
    }

    // ---------------------------------------------------------------- helpers

    /** The key id, secret and token of {@code found} are those of {@code expected}. */
    protected static void assertSame(CanaryCredential found, CanaryCredential expected) {
        assertThat(found).as("the credential found at the target").isNotNull();
        assertThat(found.accessKeyId()).isEqualTo(expected.accessKeyId());
        assertThat(found.secretAccessKey().reveal().equals(expected.secretAccessKey().reveal()))
                .as("the secret access key at the target is the one placed").isTrue();
        assertThat(found.sessionToken() == null ? null : found.sessionToken().reveal())
                .as("the session token at the target").isEqualTo(expected.sessionToken() == null ? null
                        : expected.sessionToken().reveal());
    }

    private static void assertNoSecret(String text, String what) {
        for (String s : SECRETS) {
            assertThat(text.contains(s)).as("%s holds a secret", what).isFalse();
        }
    }

    /** No lock, temporary, backup or canary-named file anywhere under {@code dir}. */
    private static void assertNoLitter(Path dir) {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.toList()) {
                String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                assertThat(LITTER.stream().noneMatch(l -> l.startsWith(".") || l.equals("~") ? name.endsWith(l)
                        : name.contains(l))).as("%s is litter an attacker could key on", p).isTrue();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every file and directory under {@link #root} except the cache (where the lock directory lives): relative path to
     * type and a digest of the content. File modes are not compared: a placement may make a file that held a canary
     * private ({@code 0600}) and leave it so.
     */
    protected Map<String, String> tree() {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(p -> !p.startsWith(cache)).toList()) {
                out.put(root.relativize(p).toString(), Files.isDirectory(p) ? "dir" : Files.isRegularFile(p) ? "file "
                        + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(p)))
                        : "other");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }
}
