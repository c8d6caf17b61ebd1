package io.canarykit.policy;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** The request context during one evaluation: the request's keys plus the derived ones, and the notes. */
final class RequestContext {
    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([^}]*)}");

    final AccessRequest request;
    final PrincipalInfo principal;
    private final Map<String, List<String>> keys;
    final List<String> notes = new ArrayList<>();

    RequestContext(AccessRequest request, PrincipalInfo principal, Map<String, List<String>> derived) {
        this.request = request;
        this.principal = principal;
        Map<String, List<String>> k = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        k.putAll(derived);
        k.putAll(request.context());
        this.keys = Collections.unmodifiableMap(k);
    }

    /** The values of a key, or {@code null} if absent. */
    @Nullable List<String> values(String key) {
        List<String> v = keys.get(key);
        return v == null || v.isEmpty() ? null : v;
    }

    void note(String note) {
        if (!notes.contains(note)) {
            notes.add(note);
        }
    }

    /**
     * Substitutes policy variables ({@code ${aws:username}}, {@code ${key, 'default'}}, {@code ${*}}, {@code ${?}},
     * {@code ${$}}) in {@code text}; returns {@code null} if a variable has no single value and no default.
     */
    @Nullable String substitute(String text, boolean enabled, String where) {
        if (!enabled || text.indexOf("${") < 0) {
            return text;
        }
        Matcher m = VARIABLE.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (m.find()) {
            out.append(text, last, m.start());
            String inner = m.group(1).trim();
            String replacement;
            switch (inner) {
                case "*": replacement = String.valueOf(Wildcards.LITERAL_STAR); break;
                case "?": replacement = String.valueOf(Wildcards.LITERAL_QUESTION); break;
                case "$": replacement = "$"; break;
                default:
                    String key = inner;
                    String fallback = null;
                    int comma = inner.indexOf(',');
                    if (comma > 0) {
                        key = inner.substring(0, comma).trim();
                        String d = inner.substring(comma + 1).trim();
                        if (d.length() >= 2 && d.startsWith("'") && d.endsWith("'")) {
                            fallback = d.substring(1, d.length() - 1);
                        }
                    }
                    List<String> v = values(key);
                    if (v != null && v.size() == 1) {
                        replacement = v.get(0);
                    } else if (fallback != null) {
                        replacement = fallback;
                    } else {
                        note("policy variable ${" + key + "} in " + where + " has no single value in the request "
                                + "context, so that value matches nothing");
                        return null;
                    }
            }
            out.append(replacement);
            last = m.end();
        }
        out.append(text.substring(last));
        return out.toString();
    }
}
