package io.canarykit.fingerprint;

import io.canarykit.CanaryCredential;
import io.canarykit.CredentialKind;
import io.canarykit.Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Finds everything that gives a canary credential away to an attacker who found it, and returns a
 * {@link FingerprintReport} with findings and a verdict. Offline, immutable and thread-safe; build one and reuse it.
 *
 * <p>What it checks:
 * <ul>
 *   <li>the key id itself: invalid, old-format or unknown-prefix ids, and ids whose account cannot be decoded (reported
 *   as such, never as clean); what lenient attacker tools decode instead;</li>
 *   <li>the account: on a published list of canary-token accounts ({@link KnownCanaryAccounts}); not one of the
 *   organisation's; different from the accounts of the credentials and ARNs found near it; different from the
 *   principal ARN's account;</li>
 *   <li>the principal: canary words, {@code @@}, UUIDs, known canary tools' paths and prefixes, and random-looking
 *   names where the neighbours' names are not ({@link TellTales});</li>
 *   <li>the term: a long-term key among short-term neighbours and the reverse, a kind that does not fit the prefix, a
 *   short-term credential that has already expired.</li>
 * </ul>
 *
 * <pre>{@code
 * FingerprintReport r = FingerprintCheck.create().check(credential, principal, CredentialKind.IAM_USER,
 *         FingerprintContext.builder().organisationAccount("609629065308").build());
 * if (r.verdict() != Verdict.CLEAN) { ... }
 * }</pre>
 *
 * @since 0.1.0
 */
public final class FingerprintCheck {
    private static final Logger LOG = LoggerFactory.getLogger(FingerprintCheck.class);
    private static final Comparator<Finding> MOST_SEVERE_FIRST =
            Comparator.comparing(Finding::severity, Comparator.reverseOrder());

    private final KnownCanaryAccounts knownAccounts;
    private final Clock clock;
    /** The last context's neighbourhood: contexts are immutable, so one reused across checks is decoded once. */
    private volatile @Nullable Cached cached;

    /** What the neighbours tell: their accounts, whether they are short-term (null: unknown or mixed), their names. */
    private record Neighbourhood(Set<String> accounts, @Nullable Boolean shortTerm, List<String> names,
                                 boolean namesPlain) {
    }

    private record Cached(FingerprintContext context, Neighbourhood neighbourhood) {
    }

    private FingerprintCheck(Builder b) {
        // build() sets the bundled lists when none were given
        this.knownAccounts = Objects.requireNonNull(b.knownAccounts, "knownAccounts");
        this.clock = b.clock;
    }

    /** A check against the bundled published lists, reading time from the system UTC clock. */
    public static FingerprintCheck create() {
        return builder().build();
    }

    /** A builder: bundled lists and the system UTC clock unless set. */
    public static Builder builder() {
        return new Builder();
    }

    /** The known canary accounts this check uses. */
    public KnownCanaryAccounts knownAccounts() {
        return knownAccounts;
    }

    /** Checks a key id on its own, as an attacker who found only the key would. Never throws. */
    public FingerprintReport check(@Nullable String keyId) {
        return check(FingerprintTarget.ofKeyId(keyId), FingerprintContext.none());
    }

    /**
     * Checks a canary credential before it is planted.
     *
     * @param credential the credential, not {@code null} (only its key id, session-token presence and expiry are read)
     * @param principal  its principal, may be {@code null}
     * @param kind       its kind, may be {@code null}
     * @param context    what surrounds it, may be {@code null} for none
     */
    public FingerprintReport check(CanaryCredential credential, @Nullable Principal principal,
                                   @Nullable CredentialKind kind, @Nullable FingerprintContext context) {
        Objects.requireNonNull(credential, "credential");
        return check(FingerprintTarget.of(credential, principal, kind), context);
    }

    /**
     * Checks a credential in its context. Never throws for any key id or principal values.
     *
     * @param target  the credential, not {@code null}
     * @param context what surrounds it, may be {@code null} for none
     * @return the report, never {@code null}
     */
    public FingerprintReport check(FingerprintTarget target, @Nullable FingerprintContext context) {
        Objects.requireNonNull(target, "target");
        FingerprintContext ctx = context == null ? FingerprintContext.none() : context;
        KeyId k = KeyIds.parse(target.keyId());
        String shown = k.display();
        List<Finding> out = new ArrayList<>();

        Neighbourhood hood = neighbourhood(ctx);
        keyIdFindings(k, shown, out);
        accountFindings(k, shown, target, ctx, hood, out);
        termFindings(k, shown, target, hood, out);
        principalFindings(target, hood, out);

        out.sort(MOST_SEVERE_FIRST);
        FingerprintReport report = FingerprintReport.of(k, out);
        if (LOG.isDebugEnabled()) {
            LOG.debug("fingerprint check of {}: {} with {} findings", shown, report.verdict().jsonName(), out.size());
        }
        return report;
    }

    private static void keyIdFindings(KeyId k, String shown, List<Finding> out) {
        if (k.format() == KeyIdFormat.INVALID) {
            out.add(new Finding(FindingCode.INVALID_KEY_ID, Severity.MEDIUM, shown + " is not a well-formed AWS key id ("
                    + k.reason() + "); an attacker who checks the format will not trust it."));
        } else if (k.format() == KeyIdFormat.OLD) {
            out.add(new Finding(FindingCode.OLD_FORMAT_KEY, Severity.LOW, shown + " is an old-format key id (character 5"
                    + " is I or J, issued before about 2019): it encodes no account anyone has decoded, and among"
                    + " new-format keys it stands out as old."));
        }
        if (k.type() == KeyType.UNKNOWN && k.format() != KeyIdFormat.INVALID) {
            out.add(new Finding(FindingCode.UNKNOWN_PREFIX, Severity.LOW, shown + " has the prefix '" + k.prefix()
                    + "', which AWS does not document; real access keys start with AKIA (long-term) or ASIA"
                    + " (short-term)."));
        } else if (k.type() != KeyType.UNKNOWN && !k.type().isAccessKey()) {
            out.add(new Finding(FindingCode.NOT_AN_ACCESS_KEY, Severity.INFO, shown + " is the unique id of "
                    + article(k.type().description()) + " (" + k.prefix() + "), not an access key: it names a principal"
                    + " but cannot sign requests, and it encodes the same account as that principal's keys."));
        }
        if (!k.decodes()) {
            String because = switch (k.format()) {
                case INVALID -> "it is not a well-formed key id";
                case OLD -> "it is an old-format id";
                case NEW -> k.reason();
            };
            out.add(new Finding(FindingCode.ACCOUNT_UNDECODABLE, Severity.LOW, "The account of " + shown
                    + " cannot be decoded (" + because + "), so it was not checked against known canary accounts"
                    + " or the organisation's accounts: it is not known to be clean."));
        }
    }

    private void accountFindings(KeyId k, String shown, FingerprintTarget target, FingerprintContext ctx,
                                 Neighbourhood hood, List<Finding> out) {
        String strict = k.accountId();
        String lenient = k.lenientAccountId();
        var known = knownAccounts.lookup(strict);
        if (known.isPresent()) {
            KnownCanaryAccount a = known.get();
            out.add(new Finding(FindingCode.KNOWN_CANARY_ACCOUNT, Severity.HIGH, shown + " belongs to account "
                    + strict + ", which is on a published list of canary-token accounts (" + a.label() + "; "
                    + a.sources() + "): tools such as trufflehog decode the account offline and skip the key"
                    + " without ever using it."));
        } else if (lenient != null && !lenient.equals(strict) && knownAccounts.contains(lenient)) {
            KnownCanaryAccount a = knownAccounts.lookup(lenient).orElseThrow();
            out.add(new Finding(FindingCode.KNOWN_CANARY_ACCOUNT, Severity.HIGH, "Attacker tools that decode"
                    + " leniently read account " + lenient + " from " + shown + ", which is on a published list of"
                    + " canary-token accounts (" + a.label() + "; " + a.sources() + "), so they skip the key."));
        }
        if (lenient != null && !lenient.equals(strict)) {
            out.add(new Finding(FindingCode.LENIENT_DECODE, Severity.INFO, "Strict decoding finds "
                    + (strict == null ? "no account" : "account " + strict) + " in " + shown
                    + ", but attacker tools such as trufflehog (which reject only I/J in character 5) decode "
                    + lenient + "."));
        }
        if (strict == null) {
            return;
        }
        if (!ctx.organisationAccounts().isEmpty() && !ctx.organisationAccounts().contains(strict)) {
            out.add(new Finding(FindingCode.ACCOUNT_NOT_IN_ORGANISATION, Severity.MEDIUM, shown + " belongs to account "
                    + strict + ", which is not one of the organisation's " + ctx.organisationAccounts().size()
                    + " account(s): an attacker who knows or sees the organisation's accounts can tell it apart."));
        }
        Arn arn = Arn.parse(target.principalArn());
        if (arn != null && arn.accountId() != null && !arn.accountId().equals(strict)) {
            out.add(new Finding(FindingCode.PRINCIPAL_ACCOUNT_MISMATCH, Severity.MEDIUM, shown + " encodes account "
                    + strict + " but its principal ARN names account " + arn.accountId()
                    + "; AWS never issues such a pair, so the credential is inconsistent."));
        }
        Set<String> neighbours = hood.accounts();
        if (!neighbours.isEmpty() && !neighbours.contains(strict)) {
            out.add(new Finding(FindingCode.ACCOUNT_DIFFERS_FROM_NEIGHBOURS, Severity.MEDIUM, shown
                    + " belongs to account " + strict + ", but the credentials and ARNs found near it belong to "
                    + String.join(", ", neighbours) + ": an attacker who decodes them all sees it stands apart."));
        }
    }

    private void termFindings(KeyId k, String shown, FingerprintTarget target, Neighbourhood hood,
                              List<Finding> out) {
        CredentialKind kind = target.kind();
        if (kind != null && k.type().isAccessKey()) {
            boolean prefixShort = k.type() == KeyType.TEMPORARY_ACCESS_KEY;
            if (prefixShort == kind.isLongTerm()) {
                out.add(new Finding(FindingCode.KIND_MISMATCH, Severity.MEDIUM, shown + " has the prefix " + k.prefix()
                        + " of " + (prefixShort ? "a short-term" : "a long-term") + " key, but the credential is an "
                        + kind.configName() + " credential, which AWS issues " + (kind.isLongTerm() ? "AKIA" : "ASIA")
                        + " keys for."));
            }
        }
        Boolean shortTerm = target.shortTerm();
        if (shortTerm == null) {
            shortTerm = k.type() == KeyType.TEMPORARY_ACCESS_KEY ? Boolean.TRUE
                    : k.type() == KeyType.ACCESS_KEY ? Boolean.FALSE : null;
        }
        Boolean neighboursShort = hood.shortTerm();
        if (shortTerm != null && neighboursShort != null && !shortTerm.equals(neighboursShort)) {
            if (shortTerm) {
                out.add(new Finding(FindingCode.SHORT_TERM_AMONG_LONG_TERM, Severity.MEDIUM, shown + " is a short-term"
                        + " credential among long-term ones: where everything else is a long-lived access key, a"
                        + " session credential stands out."));
            } else {
                out.add(new Finding(FindingCode.LONG_TERM_AMONG_SHORT_TERM, Severity.MEDIUM, shown + " is a long-term"
                        + " access key among short-term credentials: where everything else is a session credential, a"
                        + " long-lived key stands out."));
            }
        }
        if (target.expiration() != null && !target.expiration().isAfter(clock.instant())) {
            out.add(new Finding(FindingCode.EXPIRED, Severity.LOW, shown + " expired at " + target.expiration()
                    + ": an attacker who tries it gets an expired-token error, so it no longer detects anything;"
                    + " replace it."));
        }
    }

    private static void principalFindings(FingerprintTarget target, Neighbourhood hood, List<Finding> out) {
        Arn arn = Arn.parse(target.principalArn());
        String name = target.principalName() != null ? target.principalName() : arn == null ? null : arn.name();
        String path = target.principalPath() != null ? target.principalPath() : arn == null ? null : arn.path();
        String role = arn == null ? null : arn.roleName();
        List<Finding> found = TellTales.scan(name, path, role);
        List<String> neighbourNames = hood.names();
        boolean neighboursPlain = hood.namesPlain();
        for (Finding f : found) {
            if (f.code() == FindingCode.RANDOM_LOOKING_NAME && neighboursPlain) {
                out.add(new Finding(FindingCode.RANDOM_LOOKING_NAME, Severity.MEDIUM, f.message().replace(
                        "; that stands out where other principals have ordinary names.",
                        ", while the " + neighbourNames.size() + " principal(s) near it have ordinary names such as '"
                                + neighbourNames.get(0) + "': it stands out.")));
            } else {
                out.add(f);
            }
        }
    }

    private Neighbourhood neighbourhood(FingerprintContext ctx) {
        Cached c = cached;
        if (c != null && c.context() == ctx) {
            return c.neighbourhood();
        }
        Set<String> accounts = new LinkedHashSet<>();
        boolean anyShort = false;
        boolean anyLong = false;
        for (String id : ctx.neighbourKeyIds()) {
            KeyId k = KeyIds.parse(id);
            if (k.accountId() != null) {
                accounts.add(k.accountId());
            }
            anyShort |= k.type() == KeyType.TEMPORARY_ACCESS_KEY;
            anyLong |= k.type() == KeyType.ACCESS_KEY;
        }
        List<String> names = new ArrayList<>();
        for (String arn : ctx.neighbourArns()) {
            Arn a = Arn.parse(arn);
            if (a != null && a.accountId() != null) {
                accounts.add(a.accountId());
            }
            if (a != null && a.name() != null) {
                names.add(a.name());
            }
        }
        Boolean shortTerm = ctx.neighboursShortTerm() != null ? ctx.neighboursShortTerm()
                : anyShort == anyLong ? null : anyShort;
        boolean plain = !names.isEmpty() && names.stream().noneMatch(TellTales::isRandomLooking);
        Neighbourhood n = new Neighbourhood(Collections.unmodifiableSet(accounts), shortTerm, List.copyOf(names), plain);
        cached = new Cached(ctx, n);
        return n;
    }

    private static String article(String noun) {
        return ("aeiouAEIOU".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    /**
     * Builds a {@link FingerprintCheck}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable KnownCanaryAccounts knownAccounts;
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /** The known canary accounts to check against; the bundled lists when not set. */
        public Builder knownAccounts(KnownCanaryAccounts knownAccounts) {
            this.knownAccounts = Objects.requireNonNull(knownAccounts, "knownAccounts");
            return this;
        }

        /** The clock the expiry check reads; the system UTC clock when not set. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** The check. */
        public FingerprintCheck build() {
            if (knownAccounts == null) {
                knownAccounts = KnownCanaryAccounts.bundled();
            }
            return new FingerprintCheck(this);
        }
    }
}
