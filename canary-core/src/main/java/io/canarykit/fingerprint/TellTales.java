package io.canarykit.fingerprint;

import io.canarykit.Principal;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds what gives a canary away in its principal: canary words, {@code @@}, UUIDs, known canary tools' paths and
 * prefixes, and random-looking names. Usable on its own, e.g. to prove that generated names are plausible: for a
 * plausible name and path {@link #principalFindings(String, String)} returns an empty list.
 *
 * <h2>Canary words and word boundaries</h2>
 * <ul>
 *   <li><b>Strong words</b> {@code canary}/{@code canaries}, {@code honey}, {@code decoy}, {@code tripwire} (high) are
 *   found anywhere, case-insensitively, even inside other words ({@code honeypot}, {@code canarytokens},
 *   {@code honeycomb-exporter}): they are rare inside innocent words, and an attacker who greps for them flags the
 *   name all the same.</li>
 *   <li><b>Weak words</b> {@code trap}, {@code bait}, {@code fake} (medium) and {@code test} (low) occur inside many
 *   innocent words ({@code contest}, {@code attestation}, {@code latest}, {@code bootstrap}, {@code testament}), so
 *   they count only as a word of their own. The name is split into words at every character that is not a letter
 *   (digits and {@code - _ . @ + = ,}) and at camel-case humps ({@code testUser} → test, user; {@code APITest} →
 *   api, test). A word counts when it is the weak word or an inflection of it ({@code tests}, {@code testing},
 *   {@code trapped}, {@code faked}, …), or the word glued to a common name part ({@code testuser}, {@code fakekey},
 *   {@code unittest}, {@code boobytrap}; see {@link #TAILS} and {@link #HEADS}).</li>
 * </ul>
 *
 * <h2>Random-looking names</h2>
 * A name is random-looking when one of its segments (a run of letters and digits) has at least 12 characters and
 * either switches between letters and digits at least 3 times ({@code mirux23ppyky6hx3l6vclmhnj},
 * {@code 0abc123def456789}), or is 16 or more hex digits, or is all letters with fewer than one vowel in five. Tokens
 * shorter than 12 characters never count, so an opaque suffix such as {@code ci-deploy-7f3a9c} stays plausible. On its
 * own this is only {@link Severity#INFO}; {@link FingerprintCheck} raises it where the neighbours' names are not random.
 *
 * @since 0.1.0
 */
public final class TellTales {
    /** Name parts a weak word may be glued to on its right ({@code testuser}, {@code fakekey}). */
    static final Set<String> TAILS = Set.of("user", "users", "usr", "key", "keys", "cred", "creds", "credential",
            "credentials", "account", "accounts", "acct", "role", "roles", "token", "tokens", "bot", "svc", "service",
            "admin", "id", "ids", "env", "data", "app", "api", "login", "secret", "secrets", "access", "session",
            "identity", "principal", "iam", "aws");
    /** Name parts a weak word may be glued to on its left ({@code unittest}, {@code boobytrap}). */
    static final Set<String> HEADS = Set.of("unit", "smoke", "load", "perf", "integ", "my", "booby", "mouse",
            "honey", "click", "aws", "iam", "user", "key", "pen");

    private static final List<Word> STRONG = List.of(
            new Word("canary", List.of("canary", "canaries"), Severity.HIGH),
            new Word("honey", List.of("honey"), Severity.HIGH),
            new Word("decoy", List.of("decoy"), Severity.HIGH),
            new Word("tripwire", List.of("tripwire", "trip-wire", "trip_wire", "trip.wire"), Severity.HIGH));
    private static final List<WeakWord> WEAK = List.of(
            new WeakWord("trap", List.of("trap", "traps", "trapped", "trapping", "trapper"), Severity.MEDIUM),
            new WeakWord("bait", List.of("bait", "baits", "baited", "baiting"), Severity.MEDIUM),
            new WeakWord("fake", List.of("fake", "fakes", "faked", "faker", "fakery"), Severity.MEDIUM),
            new WeakWord("test", List.of("test", "tests", "tested", "testing", "tester", "testers"), Severity.LOW));

    private static final Pattern UUID = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** canarytokens.org user names: {@code <domain>@@<25 characters of 0-9a-z>}. */
    private static final Pattern THINKST_NAME = Pattern.compile("[A-Za-z0-9+=,._-]+@@[0-9a-z]{25}");
    private static final List<Tool> TOOL_PATHS = List.of(
            new Tool("spacecrab", "SpaceCrab (Atlassian's honey-token tool), which pacu's iam__detect_honeytokens checks for"),
            new Tool("ggcanary", "GitGuardian ggcanary"));
    private static final List<Tool> TOOL_NAME_MARKERS = List.of(
            new Tool("canarytokens.com", "canarytokens.org (Thinkst), which names its users canarytokens.com@@<token>"),
            new Tool("canarytokens.org", "canarytokens.org (Thinkst), which names its users canarytokens.com@@<token>"),
            new Tool("canarytokens", "canarytokens.org (Thinkst)"),
            new Tool("honeypdfs.net", "a Thinkst canary domain"),
            new Tool("o3n.io", "a Thinkst canary domain"),
            new Tool("cnr.io", "a Thinkst canary domain"),
            new Tool("ssl-secure-srv.com", "a Thinkst canary domain"),
            new Tool("ssl-srv72.com", "a Thinkst canary domain"),
            new Tool("spacesiren", "SpaceSiren"),
            new Tool("spacecrab", "SpaceCrab"),
            new Tool("ggcanary", "GitGuardian ggcanary"));

    private record Word(String word, List<String> spellings, Severity severity) {
        boolean in(String lower) {
            for (String sp : spellings) {
                if (lower.contains(sp)) {
                    return true;
                }
            }
            return false;
        }
    }

    private record WeakWord(String word, List<String> forms, Severity severity) {
    }

    private record Tool(String marker, String what) {
    }

    private TellTales() {
    }

    /**
     * The tell-tale signs in a principal name and IAM path. Never throws; {@code null} or empty inputs are skipped.
     *
     * @param principalName the IAM user name, RoleSessionName or federated user name, may be {@code null}
     * @param path          the IAM path ({@code /} or {@code /a/b/}), may be {@code null}
     * @return the findings, empty when the name and path give nothing away
     */
    public static List<Finding> principalFindings(@Nullable String principalName, @Nullable String path) {
        List<Finding> out = new ArrayList<>();
        scanName(principalName, "principal name", out);
        scanPath(path, out);
        return List.copyOf(out);
    }

    /**
     * The tell-tale signs in a principal: its name, its IAM path and, for an assumed-role session, its role name (all
     * visible in the ARN an attacker fetches).
     *
     * @param principal the principal, not {@code null}
     */
    public static List<Finding> principalFindings(Principal principal) {
        Arn arn = Arn.parse(principal.arn());
        List<Finding> out = new ArrayList<>();
        scanName(principal.name(), "principal name", out);
        String path = principal.path() != null ? principal.path() : arn == null ? null : arn.path();
        scanPath(path, out);
        if (arn != null && arn.roleName() != null && !arn.roleName().equals(principal.name())) {
            scanName(arn.roleName(), "role name", out);
        }
        return List.copyOf(out);
    }

    /**
     * The tell-tale signs in a principal ARN ({@code arn:aws:iam::…:user/<path><name>},
     * {@code …:assumed-role/<role>/<session>}, {@code …:federated-user/<name>}, {@code …:role/<path><name>}). Never
     * throws; a string that is not an ARN yields no findings.
     *
     * @param arn the ARN, may be {@code null}
     */
    public static List<Finding> arnFindings(@Nullable String arn) {
        Arn a = Arn.parse(arn);
        if (a == null) {
            return List.of();
        }
        List<Finding> out = new ArrayList<>();
        scanName(a.name(), "principal name", out);
        scanPath(a.path(), out);
        if (a.roleName() != null) {
            scanName(a.roleName(), "role name", out);
        }
        return List.copyOf(out);
    }

    /** Name, path and role name together; any may be {@code null}. */
    static List<Finding> scan(@Nullable String name, @Nullable String path, @Nullable String roleName) {
        List<Finding> out = new ArrayList<>();
        scanName(name, "principal name", out);
        scanPath(path, out);
        if (roleName != null && !roleName.equals(name)) {
            scanName(roleName, "role name", out);
        }
        return out;
    }

    /**
     * True when the name looks machine-random (see the class documentation). Never throws; {@code null} is not random.
     *
     * @param name the name, may be {@code null}
     */
    public static boolean isRandomLooking(@Nullable String name) {
        return randomSegment(name) != null;
    }

    // ---------------------------------------------------------------------------------------------------------------

    private static void scanName(@Nullable String name, String what, List<Finding> out) {
        if (name == null || name.isEmpty()) {
            return;
        }
        String lower = name.toLowerCase(Locale.ROOT);
        for (Tool t : TOOL_NAME_MARKERS) {
            if (lower.contains(t.marker())) {
                out.add(new Finding(FindingCode.CANARY_TOOL_PREFIX, Severity.HIGH, "The " + what + " '" + name
                        + "' contains '" + t.marker() + "', the mark of " + t.what()
                        + ": attacker tools such as pacu recognise it at once."));
                break;
            }
        }
        boolean doubleAt = name.contains("@@");
        if (doubleAt && THINKST_NAME.matcher(name).matches() && !lower.contains("canarytokens")) {
            out.add(new Finding(FindingCode.CANARY_TOOL_PREFIX, Severity.HIGH, "The " + what + " '" + name
                    + "' has the layout of a canarytokens.org user (<domain>@@ and a 25-character token)."));
        }
        if (doubleAt) {
            out.add(new Finding(FindingCode.DOUBLE_AT, Severity.HIGH, "The " + what + " '" + name
                    + "' contains '@@', which is how canarytokens.org names its users (<domain>@@<token>); real"
                    + " IAM names almost never have it."));
        }
        Matcher uuid = name.indexOf('-') >= 0 ? UUID.matcher(name) : null;
        boolean hasUuid = uuid != null && uuid.find();
        if (hasUuid) {
            // hasUuid is only true when uuid was created
            Matcher found = Objects.requireNonNull(uuid, "uuid");
            out.add(new Finding(FindingCode.UUID_NAME, Severity.HIGH, "The " + what + " '" + name
                    + "' contains the UUID " + found.group() + "; SpaceSiren names its honey users with UUIDs and"
                    + " pacu's honeytoken check flags UUID user names."));
        }
        for (Finding f : words(name, what, FindingCode.CANARY_WORD_IN_NAME)) {
            out.add(f);
        }
        String random = randomSegment(name);
        if (random != null && !hasUuid) {
            out.add(new Finding(FindingCode.RANDOM_LOOKING_NAME, Severity.INFO, "The " + what + " '" + name
                    + "' contains the random-looking part '" + random + "'; that stands out where other"
                    + " principals have ordinary names."));
        }
    }

    private static void scanPath(@Nullable String path, List<Finding> out) {
        if (path == null || path.isEmpty() || path.equals("/")) {
            return;
        }
        String lower = path.toLowerCase(Locale.ROOT);
        for (Tool t : TOOL_PATHS) {
            if (lower.contains("/" + t.marker() + "/")) {
                out.add(new Finding(FindingCode.CANARY_TOOL_PATH, Severity.HIGH, "The IAM path '" + path
                        + "' is the one " + t.what() + " gives its users; the path shows in every ARN."));
            }
        }
        out.addAll(words(path, "IAM path", FindingCode.CANARY_WORD_IN_PATH));
    }

    private static List<Finding> words(String text, String what, FindingCode code) {
        List<Finding> out = new ArrayList<>();
        String lower = text.toLowerCase(Locale.ROOT);
        for (Word w : STRONG) {
            if (w.in(lower)) {
                out.add(new Finding(code, w.severity(), "The " + what + " '" + text + "' contains the word '"
                        + w.word() + "', which tells anyone who sees the ARN that this is a canary."));
            }
        }
        List<String> tokens = tokens(text);
        for (WeakWord w : WEAK) {
            for (String t : tokens) {
                if (matchesWeak(t, w)) {
                    out.add(new Finding(code, w.severity(), "The " + what + " '" + text + "' contains the word '"
                            + w.word() + "' ('" + t + "'), which makes an attacker suspect a "
                            + (w.word().equals("test") ? "test or throw-away credential not worth using." : "trap.")));
                    break;
                }
            }
        }
        return out;
    }

    private static boolean matchesWeak(String token, WeakWord w) {
        for (String form : w.forms()) {
            if (token.equals(form)) {
                return true;
            }
            if (token.startsWith(form) && TAILS.contains(token.substring(form.length()))) {
                return true;
            }
            if (token.endsWith(form) && HEADS.contains(token.substring(0, token.length() - form.length()))) {
                return true;
            }
        }
        return false;
    }

    /** Splits into lower-case words at non-letters and camel-case humps. Package-private for tests. */
    static List<String> tokens(String text) {
        List<String> out = new ArrayList<>();
        int n = text.length();
        int start = -1;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? text.charAt(i) : ' ';
            boolean letter = Character.isLetter(c);
            if (start >= 0) {
                boolean split = !letter;
                if (letter && i > start) {
                    char p = text.charAt(i - 1);
                    // testUser: lower -> Upper
                    if (Character.isLowerCase(p) && Character.isUpperCase(c)) {
                        split = true;
                    }
                    // APITest: the last capital of a run starts the next word when a lower-case letter follows
                    if (Character.isUpperCase(p) && Character.isUpperCase(c) && i + 1 < n
                            && Character.isLowerCase(text.charAt(i + 1))) {
                        split = true;
                    }
                }
                if (split) {
                    out.add(text.substring(start, i).toLowerCase(Locale.ROOT));
                    start = letter ? i : -1;
                }
            } else if (letter) {
                start = i;
            }
        }
        return out;
    }

    /** The first random-looking segment of the name, or {@code null}. */
    static @Nullable String randomSegment(@Nullable String name) {
        if (name == null) {
            return null;
        }
        int n = name.length();
        int start = -1;
        for (int i = 0; i <= n; i++) {
            char c = i < n ? name.charAt(i) : '-';
            boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
            if (alnum && start < 0) {
                start = i;
            } else if (!alnum && start >= 0) {
                if (i - start >= 12 && randomLooking(name, start, i)) {
                    return name.substring(start, i);
                }
                start = -1;
            }
        }
        return null;
    }

    private static boolean randomLooking(String s, int from, int to) {
        int letters = 0;
        int digits = 0;
        int vowels = 0;
        int switches = 0;
        boolean hex = true;
        int last = 0; // 1 letter, 2 digit
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            int kind = Character.isDigit(c) ? 2 : 1;
            if (kind == 2) {
                digits++;
            } else {
                letters++;
                if ("aeiouyAEIOUY".indexOf(c) >= 0) {
                    vowels++;
                }
            }
            if (Character.digit(c, 16) < 0) {
                hex = false;
            }
            if (last != 0 && kind != last) {
                switches++;
            }
            last = kind;
        }
        int length = to - from;
        if (switches >= 3) {
            return true;
        }
        if (hex && length >= 16) {
            return true;
        }
        return digits == 0 && vowels * 5 < letters;
    }
}
