package io.canarykit.policy;

import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.time.DateTimeException;
import java.util.ArrayList;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/** Evaluates condition operators as IAM does. */
final class Conditions {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6_CHARS = Pattern.compile("[0-9A-Fa-f:.]+");
    private static final Pattern DIGITS = Pattern.compile("-?\\d+");

    private enum Family { STRING, STRING_IGNORE_CASE, STRING_LIKE, NUMERIC, DATE, BOOL, BINARY, IP, ARN, NULL }

    private enum Cmp { EQ, LT, LE, GT, GE }

    /** The base operators (without set qualifier or IfExists). */
    private enum Base {
        STRINGEQUALS(Family.STRING, false, Cmp.EQ),
        STRINGNOTEQUALS(Family.STRING, true, Cmp.EQ),
        STRINGEQUALSIGNORECASE(Family.STRING_IGNORE_CASE, false, Cmp.EQ),
        STRINGNOTEQUALSIGNORECASE(Family.STRING_IGNORE_CASE, true, Cmp.EQ),
        STRINGLIKE(Family.STRING_LIKE, false, Cmp.EQ),
        STRINGNOTLIKE(Family.STRING_LIKE, true, Cmp.EQ),
        NUMERICEQUALS(Family.NUMERIC, false, Cmp.EQ),
        NUMERICNOTEQUALS(Family.NUMERIC, true, Cmp.EQ),
        NUMERICLESSTHAN(Family.NUMERIC, false, Cmp.LT),
        NUMERICLESSTHANEQUALS(Family.NUMERIC, false, Cmp.LE),
        NUMERICGREATERTHAN(Family.NUMERIC, false, Cmp.GT),
        NUMERICGREATERTHANEQUALS(Family.NUMERIC, false, Cmp.GE),
        DATEEQUALS(Family.DATE, false, Cmp.EQ),
        DATENOTEQUALS(Family.DATE, true, Cmp.EQ),
        DATELESSTHAN(Family.DATE, false, Cmp.LT),
        DATELESSTHANEQUALS(Family.DATE, false, Cmp.LE),
        DATEGREATERTHAN(Family.DATE, false, Cmp.GT),
        DATEGREATERTHANEQUALS(Family.DATE, false, Cmp.GE),
        BOOL(Family.BOOL, false, Cmp.EQ),
        BINARYEQUALS(Family.BINARY, false, Cmp.EQ),
        IPADDRESS(Family.IP, false, Cmp.EQ),
        NOTIPADDRESS(Family.IP, true, Cmp.EQ),
        ARNEQUALS(Family.ARN, false, Cmp.EQ),
        ARNLIKE(Family.ARN, false, Cmp.EQ),
        ARNNOTEQUALS(Family.ARN, true, Cmp.EQ),
        ARNNOTLIKE(Family.ARN, true, Cmp.EQ),
        NULL(Family.NULL, false, Cmp.EQ);

        final Family family;
        final boolean negated;
        final Cmp cmp;

        Base(Family family, boolean negated, Cmp cmp) {
            this.family = family;
            this.negated = negated;
            this.cmp = cmp;
        }

        static @Nullable Base lookup(String name) {
            try {
                return valueOf(name.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }
    }

    private Conditions() {
    }

    /** True if the operator is one the simulator knows (with any qualifier and IfExists). */
    static boolean isKnownOperator(String operator) {
        return parse(operator) != null;
    }

    private record Op(Base base, int qualifier, boolean ifExists) {
    }

    private static final int NONE = 0;
    private static final int ANY = 1;
    private static final int ALL = 2;

    private static @Nullable Op parse(String operator) {
        String op = operator;
        int q = NONE;
        String lower = op.toLowerCase(Locale.ROOT);
        if (lower.startsWith("foranyvalue:")) {
            q = ANY;
            op = op.substring("ForAnyValue:".length());
        } else if (lower.startsWith("forallvalues:")) {
            q = ALL;
            op = op.substring("ForAllValues:".length());
        }
        boolean ifExists = false;
        if (op.toLowerCase(Locale.ROOT).endsWith("ifexists") && op.length() > "IfExists".length()) {
            ifExists = true;
            op = op.substring(0, op.length() - "IfExists".length());
        }
        Base base = Base.lookup(op);
        if (base == null || (base == Base.NULL && (ifExists || q != NONE))) {
            return null;
        }
        return new Op(base, q, ifExists);
    }

    /**
     * Whether the condition holds for the request. An unknown operator never holds (so it never lets an Allow
     * apply), and is noted.
     */
    static boolean holds(PolicyCondition c, RequestContext ctx, boolean variables, String where) {
        Op op = parse(c.operator());
        if (op == null) {
            ctx.note("unknown condition operator \"" + c.operator() + "\" in " + where
                    + ": the condition is treated as not met, so the statement does not apply");
            return false;
        }
        List<String> requestValues = ctx.values(c.key());
        if (op.base == Base.NULL) {
            boolean absent = requestValues == null;
            for (String v : c.values()) {
                if (v.equalsIgnoreCase("true") == absent) {
                    return true;
                }
            }
            return false;
        }
        if (requestValues == null) {
            if (op.ifExists || op.qualifier == ALL) {
                return true;
            }
            if (op.qualifier == ANY) {
                return false;
            }
            return op.base.negated;
        }
        boolean substitute = variables && (op.base.family == Family.STRING || op.base.family == Family.STRING_IGNORE_CASE
                || op.base.family == Family.STRING_LIKE || op.base.family == Family.ARN || op.base.family == Family.BOOL);
        ArrayList<String> policyValues = new ArrayList<>();
        for (String v : c.values()) {
            String s = substitute ? ctx.substitute(v, true, where) : v;
            if (s != null) {
                policyValues.add(s);
            }
        }
        switch (op.qualifier) {
            case ANY: {
                for (String r : requestValues) {
                    if (anyMatch(op.base, r, policyValues, ctx, where) != op.base.negated) {
                        return true;
                    }
                }
                return false;
            }
            case ALL: {
                for (String r : requestValues) {
                    if (anyMatch(op.base, r, policyValues, ctx, where) == op.base.negated) {
                        return false;
                    }
                }
                return true;
            }
            default: {
                boolean any = false;
                for (String r : requestValues) {
                    if (anyMatch(op.base, r, policyValues, ctx, where)) {
                        any = true;
                        break;
                    }
                }
                return any != op.base.negated;
            }
        }
    }

    private static boolean anyMatch(Base base, String requestValue, List<String> policyValues, RequestContext ctx,
                                    String where) {
        for (String p : policyValues) {
            if (matches(base, requestValue, p, ctx, where)) {
                return true;
            }
        }
        return false;
    }

    private static boolean matches(Base base, String r, String p, RequestContext ctx, String where) {
        switch (base.family) {
            case STRING:
                return r.equals(literal(p));
            case STRING_IGNORE_CASE:
                return r.equalsIgnoreCase(literal(p));
            case STRING_LIKE:
                return Wildcards.matchString(p, r);
            case ARN:
                return Wildcards.matchArnComponents(p, r);
            case BOOL:
                return r.equalsIgnoreCase(p);
            case BINARY:
                return binaryEquals(r, p);
            case NUMERIC: {
                BigDecimal a = number(r);
                BigDecimal b = number(p);
                if (a == null || b == null) {
                    ctx.note("a numeric condition in " + where + " compares a value that is not a number ('"
                            + (a == null ? r : p) + "'): it does not match");
                    return false;
                }
                return compare(a.compareTo(b), base.cmp);
            }
            case DATE: {
                Instant a = date(r);
                Instant b = date(p);
                if (a == null || b == null) {
                    ctx.note("a date condition in " + where + " compares a value that is not a date ('"
                            + (a == null ? r : p) + "'): it does not match");
                    return false;
                }
                return compare(a.compareTo(b), base.cmp);
            }
            case IP: {
                Boolean in = ipInRange(r, p);
                if (in == null) {
                    ctx.note("an IP address condition in " + where + " compares '" + r + "' with '" + p
                            + "', which is not an IP address or CIDR range: it does not match");
                    return false;
                }
                return in;
            }
            default:
                return false;
        }
    }

    private static String literal(String p) {
        return p.replace(Wildcards.LITERAL_STAR, '*').replace(Wildcards.LITERAL_QUESTION, '?');
    }

    private static boolean compare(int c, Cmp cmp) {
        switch (cmp) {
            case LT: return c < 0;
            case LE: return c <= 0;
            case GT: return c > 0;
            case GE: return c >= 0;
            default: return c == 0;
        }
    }

    private static boolean binaryEquals(String r, String p) {
        try {
            return Arrays.equals(Base64.getDecoder().decode(r.trim()), Base64.getDecoder().decode(p.trim()));
        } catch (IllegalArgumentException e) {
            return r.equals(p);
        }
    }

    static @Nullable BigDecimal number(String s) {
        try {
            return new BigDecimal(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static @Nullable Instant date(String s) {
        String t = s.trim();
        if (DIGITS.matcher(t).matches()) {
            try {
                return Instant.ofEpochSecond(Long.parseLong(t));
            } catch (NumberFormatException | DateTimeException e) {
                return null;
            }
        }
        try {
            return Instant.parse(t);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDateTime.parse(t).toInstant(ZoneOffset.UTC);
        } catch (DateTimeParseException e) {
            // try the next form
        }
        try {
            return LocalDate.parse(t).atStartOfDay(ZoneOffset.UTC).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    /** True/false if {@code address} is in the CIDR range {@code range}; {@code null} if either does not parse. */
    static @Nullable Boolean ipInRange(String address, String range) {
        byte[] a = ip(address.trim());
        String r = range.trim();
        int slash = r.indexOf('/');
        byte[] net = ip(slash < 0 ? r : r.substring(0, slash));
        if (a == null || net == null) {
            return null;
        }
        int bits = net.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(r.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
            if (bits < 0 || bits > net.length * 8) {
                return null;
            }
        }
        if (a.length != net.length) {
            return false;
        }
        for (int i = 0; i < bits; i++) {
            int mask = 0x80 >>> (i % 8);
            if ((a[i / 8] & mask) != (net[i / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static byte @Nullable [] ip(String s) {
        if (IPV4.matcher(s).matches()) {
            String[] parts = s.split("\\.");
            byte[] out = new byte[4];
            for (int i = 0; i < 4; i++) {
                int v = Integer.parseInt(parts[i]);
                if (v > 255) {
                    return null;
                }
                out[i] = (byte) v;
            }
            return out;
        }
        if (s.indexOf(':') >= 0 && IPV6_CHARS.matcher(s).matches()) {
            try {
                return InetAddress.getByName(s).getAddress(); // an IPv6 literal: parsed, never looked up
            } catch (UnknownHostException e) {
                return null;
            }
        }
        return null;
    }
}
