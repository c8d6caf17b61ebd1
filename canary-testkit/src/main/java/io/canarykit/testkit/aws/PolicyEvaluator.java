package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The emulator's built-in IAM policy evaluation: explicit deny beats everything; then SCPs, identity policies,
 * boundary and session policies must each allow (a same-account resource-based policy naming the principal is enough
 * on its own). Supports Action/NotAction, Resource/NotResource, Principal, wildcards, {@code ${aws:username}}-style
 * variables and the common condition operators; a statement with an operator it does not know never applies.
 */
final class PolicyEvaluator implements Authorizer {
    private final Map<String, List<Statement>> cache = new ConcurrentHashMap<>();

    @Override
    public Decision decide(Request r) {
        // 1. explicit deny anywhere
        PolicyKind denied = explicitDeny(r);
        if (denied != null) {
            return new Decision(Outcome.EXPLICIT_DENY, denied);
        }
        // 2. SCPs must allow
        if (!r.scps().isEmpty() && !anyAllows(r.scps(), r, false)) {
            return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.SCP);
        }
        // 3. a resource-based policy (a trust policy) must grant; naming the principal itself (same account) is
        //    enough on its own, naming its account delegates to the identity policies
        if (r.resourcePolicy() != null) {
            int grant = resourceGrant(r.resourcePolicy(), r);
            boolean sameAccount = r.resourceAccount() == null || r.resourceAccount().equals(r.principalAccount());
            if (grant == NO_GRANT) {
                return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.RESOURCE);
            }
            if (grant == PRINCIPAL_GRANT && sameAccount) {
                return Decision.ALLOW;
            }
        }
        // 4. identity, boundary, session must all allow
        if (!anyAllows(r.identityPolicies(), r, false)) {
            return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.IDENTITY);
        }
        if (r.boundaryPolicy() != null && !allows(r.boundaryPolicy(), r, false)) {
            return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.BOUNDARY);
        }
        if (r.sessionPolicies() != null && !anyAllows(r.sessionPolicies(), r, false)) {
            return new Decision(Outcome.IMPLICIT_DENY, PolicyKind.SESSION);
        }
        return Decision.ALLOW;
    }

    private PolicyKind explicitDeny(Request r) {
        if (anyDenies(r.identityPolicies(), r, false)) {
            return PolicyKind.IDENTITY;
        }
        if (r.boundaryPolicy() != null && denies(r.boundaryPolicy(), r, false)) {
            return PolicyKind.BOUNDARY;
        }
        if (r.sessionPolicies() != null && anyDenies(r.sessionPolicies(), r, false)) {
            return PolicyKind.SESSION;
        }
        if (anyDenies(r.scps(), r, false)) {
            return PolicyKind.SCP;
        }
        if (r.resourcePolicy() != null && denies(r.resourcePolicy(), r, true)) {
            return PolicyKind.RESOURCE;
        }
        return null;
    }

    private static final int NO_GRANT = 0;
    private static final int ACCOUNT_GRANT = 1;
    private static final int PRINCIPAL_GRANT = 2;

    private int resourceGrant(String doc, Request r) {
        int best = NO_GRANT;
        for (Statement s : statements(doc)) {
            if (s.allow && s.applies(r, true)) {
                best = Math.max(best, s.principalLevel(r));
            }
        }
        return best;
    }

    private boolean anyAllows(List<String> docs, Request r, boolean resourcePolicy) {
        for (String d : docs) {
            if (allows(d, r, resourcePolicy)) {
                return true;
            }
        }
        return false;
    }

    private boolean anyDenies(List<String> docs, Request r, boolean resourcePolicy) {
        for (String d : docs) {
            if (denies(d, r, resourcePolicy)) {
                return true;
            }
        }
        return false;
    }

    private boolean allows(String doc, Request r, boolean resourcePolicy) {
        for (Statement s : statements(doc)) {
            if (s.allow && s.applies(r, resourcePolicy)) {
                return true;
            }
        }
        return false;
    }

    private boolean denies(String doc, Request r, boolean resourcePolicy) {
        for (Statement s : statements(doc)) {
            if (!s.allow && s.applies(r, resourcePolicy)) {
                return true;
            }
        }
        return false;
    }

    private List<Statement> statements(String doc) {
        List<Statement> parsed = cache.get(doc);
        if (parsed == null) {
            if (cache.size() > 10_000) {
                cache.clear();
            }
            parsed = parse(doc);
            cache.put(doc, parsed);
        }
        return parsed;
    }

    static List<Statement> parse(String doc) {
        List<Statement> out = new ArrayList<>();
        JsonNode root;
        try {
            root = Wire.JSON.readTree(doc);
        } catch (Exception e) {
            return out; // documents are validated on the way in; an unreadable one grants nothing
        }
        JsonNode stmts = root == null ? null : root.get("Statement");
        if (stmts == null) {
            return out;
        }
        if (stmts.isObject()) {
            out.add(new Statement(stmts));
        } else {
            for (JsonNode s : stmts) {
                out.add(new Statement(s));
            }
        }
        return out;
    }

    static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isArray()) {
            for (JsonNode n : node) {
                out.add(n.asText());
            }
        } else {
            out.add(node.asText());
        }
        return out;
    }

    /** One statement, pre-parsed. */
    static final class Statement {
        final boolean allow;
        final List<String> actions;
        final List<String> notActions;
        final List<String> resources;
        final List<String> notResources;
        final List<String> principals; // null: no Principal element
        final JsonNode condition;

        Statement(JsonNode s) {
            allow = "Allow".equals(s.path("Effect").asText());
            actions = strings(s.get("Action"));
            notActions = strings(s.get("NotAction"));
            resources = strings(s.get("Resource"));
            notResources = strings(s.get("NotResource"));
            JsonNode p = s.get("Principal");
            if (p == null) {
                principals = null;
            } else if (p.isTextual()) {
                principals = List.of(p.asText());
            } else {
                List<String> all = new ArrayList<>();
                Iterator<Map.Entry<String, JsonNode>> it = p.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if ("AWS".equals(e.getKey())) {
                        all.addAll(strings(e.getValue()));
                    }
                }
                principals = all;
            }
            condition = s.get("Condition");
        }

        boolean applies(Request r, boolean resourcePolicy) {
            if (actions != null) {
                if (!anyMatch(actions, r.action(), true)) {
                    return false;
                }
            } else if (notActions != null) {
                if (anyMatch(notActions, r.action(), true)) {
                    return false;
                }
            } else {
                return false;
            }
            if (resources != null) {
                if (!anyMatchResource(resources, r)) {
                    return false;
                }
            } else if (notResources != null) {
                if (anyMatchResource(notResources, r)) {
                    return false;
                }
            } else if (!resourcePolicy) {
                return false;
            }
            if (resourcePolicy && (principals == null || !principalMatches(r))) {
                return false;
            }
            return condition == null || conditionsHold(condition, r.context());
        }

        private boolean principalMatches(Request r) {
            return principalLevel(r) > NO_GRANT;
        }

        /** How this statement's Principal names the caller: not at all, by its account, or itself. */
        int principalLevel(Request r) {
            int best = NO_GRANT;
            for (String p : principals) {
                if ("*".equals(p) || p.equals(r.principalArn())) {
                    return PRINCIPAL_GRANT;
                }
                // a role ARN in a policy matches the sessions of that role
                List<String> roleArn = r.context().get("aws:principalrolearn");
                if (roleArn != null && roleArn.contains(p)) {
                    return PRINCIPAL_GRANT;
                }
                if (p.equals(r.principalAccount()) || p.equals("arn:aws:iam::" + r.principalAccount() + ":root")) {
                    best = ACCOUNT_GRANT;
                }
            }
            return best;
        }

        private static boolean anyMatchResource(List<String> patterns, Request r) {
            for (String p : patterns) {
                if (Glob.matches(substitute(p, r.context()), r.resource(), false)) {
                    return true;
                }
            }
            return false;
        }
    }

    static boolean anyMatch(List<String> patterns, String value, boolean ignoreCase) {
        for (String p : patterns) {
            if (Glob.matches(p, value, ignoreCase)) {
                return true;
            }
        }
        return false;
    }

    static String substitute(String pattern, Map<String, List<String>> context) {
        int start = pattern.indexOf("${");
        if (start < 0) {
            return pattern;
        }
        StringBuilder sb = new StringBuilder();
        int i = 0;
        while (start >= 0) {
            int end = pattern.indexOf('}', start);
            if (end < 0) {
                break;
            }
            sb.append(pattern, i, start);
            String key = pattern.substring(start + 2, end).toLowerCase(Locale.ROOT);
            List<String> v = context.get(key);
            sb.append(switch (key) {
                case "*" -> "*";
                case "?" -> "?";
                case "$" -> "$";
                default -> v == null || v.isEmpty() ? "\u0000" : v.get(0);
            });
            i = end + 1;
            start = pattern.indexOf("${", i);
        }
        sb.append(pattern.substring(i));
        return sb.toString();
    }

    static boolean conditionsHold(JsonNode condition, Map<String, List<String>> context) {
        Iterator<Map.Entry<String, JsonNode>> ops = condition.fields();
        while (ops.hasNext()) {
            Map.Entry<String, JsonNode> op = ops.next();
            Iterator<Map.Entry<String, JsonNode>> keys = op.getValue().fields();
            while (keys.hasNext()) {
                Map.Entry<String, JsonNode> k = keys.next();
                List<String> expected = strings(k.getValue());
                List<String> actual = context.get(k.getKey().toLowerCase(Locale.ROOT));
                if (!holds(op.getKey(), expected == null ? List.of() : expected, actual)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static boolean holds(String operator, List<String> expected, List<String> actual) {
        String op = operator;
        boolean forAll = false;
        if (op.startsWith("ForAnyValue:")) {
            op = op.substring("ForAnyValue:".length());
        } else if (op.startsWith("ForAllValues:")) {
            op = op.substring("ForAllValues:".length());
            forAll = true;
        }
        boolean ifExists = op.endsWith("IfExists");
        if (ifExists) {
            op = op.substring(0, op.length() - "IfExists".length());
        }
        if ("Null".equals(op)) {
            boolean wantNull = !expected.isEmpty() && Boolean.parseBoolean(expected.get(0));
            return wantNull == (actual == null || actual.isEmpty());
        }
        boolean negated = op.contains("Not");
        if (actual == null || actual.isEmpty()) {
            return ifExists || negated || forAll;
        }
        String base = op.replace("Not", "");
        for (String a : actual) {
            boolean any = false;
            for (String e : expected) {
                Boolean m = matchOne(base, e, a);
                if (m == null) {
                    return false; // unknown operator: the statement never applies
                }
                if (m) {
                    any = true;
                    break;
                }
            }
            boolean ok = negated != any;
            if (forAll && !ok) {
                return false;
            }
            if (!forAll && ok) {
                return true;
            }
        }
        return forAll;
    }

    private static Boolean matchOne(String op, String expected, String actual) {
        try {
            return switch (op) {
                case "StringEquals", "ArnEquals" -> expected.equals(actual);
                case "StringEqualsIgnoreCase" -> expected.equalsIgnoreCase(actual);
                case "StringLike", "ArnLike" -> Glob.matches(expected, actual, false);
                case "Bool" -> Boolean.parseBoolean(expected) == Boolean.parseBoolean(actual);
                case "NumericEquals" -> new BigDecimal(actual).compareTo(new BigDecimal(expected)) == 0;
                case "NumericLessThan" -> new BigDecimal(actual).compareTo(new BigDecimal(expected)) < 0;
                case "NumericLessThanEquals" -> new BigDecimal(actual).compareTo(new BigDecimal(expected)) <= 0;
                case "NumericGreaterThan" -> new BigDecimal(actual).compareTo(new BigDecimal(expected)) > 0;
                case "NumericGreaterThanEquals" -> new BigDecimal(actual).compareTo(new BigDecimal(expected)) >= 0;
                case "DateEquals" -> instant(actual).equals(instant(expected));
                case "DateLessThan" -> instant(actual).isBefore(instant(expected));
                case "DateLessThanEquals" -> !instant(actual).isAfter(instant(expected));
                case "DateGreaterThan" -> instant(actual).isAfter(instant(expected));
                case "DateGreaterThanEquals" -> !instant(actual).isBefore(instant(expected));
                case "IpAddress" -> Cidr.contains(expected, actual);
                default -> null;
            };
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static Instant instant(String s) {
        if (s.chars().allMatch(Character::isDigit)) {
            return Instant.ofEpochSecond(Long.parseLong(s));
        }
        return Instant.parse(s);
    }

    /** IAM wildcard matching: {@code *} any run, {@code ?} one character. */
    static final class Glob {
        private Glob() {
        }

        static boolean matches(String pattern, String value, boolean ignoreCase) {
            String p = ignoreCase ? pattern.toLowerCase(Locale.ROOT) : pattern;
            String v = ignoreCase ? value.toLowerCase(Locale.ROOT) : value;
            int pi = 0;
            int vi = 0;
            int star = -1;
            int mark = 0;
            while (vi < v.length()) {
                if (pi < p.length() && (p.charAt(pi) == '?' || p.charAt(pi) == v.charAt(vi))) {
                    pi++;
                    vi++;
                } else if (pi < p.length() && p.charAt(pi) == '*') {
                    star = pi++;
                    mark = vi;
                } else if (star >= 0) {
                    pi = star + 1;
                    vi = ++mark;
                } else {
                    return false;
                }
            }
            while (pi < p.length() && p.charAt(pi) == '*') {
                pi++;
            }
            return pi == p.length();
        }
    }

    /** IPv4 CIDR containment for {@code IpAddress}. */
    static final class Cidr {
        private Cidr() {
        }

        static boolean contains(String cidr, String ip) {
            int slash = cidr.indexOf('/');
            int bits = slash < 0 ? 32 : Integer.parseInt(cidr.substring(slash + 1));
            long net = v4(slash < 0 ? cidr : cidr.substring(0, slash));
            long addr = v4(ip);
            if (net < 0 || addr < 0) {
                return cidr.equals(ip);
            }
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            return (net & mask) == (addr & mask);
        }

        private static long v4(String s) {
            String[] parts = s.split("\\.");
            if (parts.length != 4) {
                return -1;
            }
            long v = 0;
            for (String p : parts) {
                v = (v << 8) | Integer.parseInt(p);
            }
            return v;
        }
    }
}
