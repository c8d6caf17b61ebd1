package io.canarykit.naming;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The {@code template} namer: the user's own pattern with placeholders, validated when configured.
 *
 * <table>
 *   <caption>Placeholders</caption>
 *   <tr><td>{@code {hmac:N}}</td><td>N characters (1-51) of a keyed HMAC of the asset and attempt (needs a key)</td></tr>
 *   <tr><td>{@code {random:N}}</td><td>N random characters (1-32)</td></tr>
 *   <tr><td>{@code {team}}, {@code {tool}}, {@code {role}}</td><td>a word of the {@code plausible} namer's default
 *       lists, keyed like {@code {hmac}} when a key is set</td></tr>
 *   <tr><td>{@code {kind}}</td><td>the asset kind, such as {@code host}</td></tr>
 *   <tr><td>{@code {id}}</td><td>the raw asset id: only when you want it in the name</td></tr>
 *   <tr><td>{@code {label:KEY}}</td><td>the asset's label {@code KEY}</td></tr>
 *   <tr><td>{@code {attempt}}</td><td>the attempt number (0, 1, ...)</td></tr>
 * </table>
 *
 * <p>Example: {@code ci-{label:team}-{hmac:8}}. Literal text must use only characters AWS allows and must not give the
 * canary away. A rendered name that does not fit the target's rules is an error naming the rule, never truncated. A
 * template without {@code {hmac}}, {@code {random}} or {@code {attempt}} gives the same name on every attempt, so a
 * collision (attempt above 0) is an error.
 *
 * <p>Instances are thread-safe.
 *
 * @since 0.1.0
 */
public final class TemplateNamer implements IdentityNamer {
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-z]+)(?::([^{}]*))?}");
    private static final int MAX_RETRIES = 64;

    private record Part(String type, String arg) {
    }

    private final String template;
    private final List<Part> parts;
    private final Keyed.@Nullable Hasher hasher;
    private final Random random;
    private final boolean varies;
    private final boolean retryable;

    private TemplateNamer(String template, List<Part> parts, @Nullable Secret key, Random random) {
        this.template = template;
        this.parts = List.copyOf(parts);
        this.hasher = key == null ? null : new Keyed.Hasher(key);
        this.random = random;
        boolean v = false;
        boolean r = false;
        for (Part p : parts) {
            if (p.type.equals("hmac") || p.type.equals("random") || p.type.equals("attempt")) {
                v = true;
            }
            if (p.type.equals("hmac") || p.type.equals("random")) {
                r = true;
            }
        }
        this.varies = v;
        this.retryable = r;
    }

    /** A namer for {@code template}, validated now. */
    public static TemplateNamer of(String template) {
        return builder().template(template).build();
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The template as configured. */
    public String template() {
        return template;
    }

    @Override
    public String name(Asset asset, NameRules rules, int attempt) {
        Objects.requireNonNull(asset, "asset");
        Objects.requireNonNull(rules, "rules");
        if (attempt < 0) {
            throw new IllegalArgumentException("attempt must not be negative");
        }
        if (attempt > 0 && !varies) {
            throw new CanaryConfigurationException("the naming template '" + template + "' gives the same name on every "
                    + "attempt, and that name is taken: add {hmac:N}, {random:N} or {attempt}");
        }
        String lastProblem = null;
        for (int retry = 0; retry < (retryable ? MAX_RETRIES : 1); retry++) {
            String name = render(asset, rules, attempt, retry);
            rules.validate(name);
            String tell = NameTellTales.problem(name);
            if (tell == null) {
                return name;
            }
            lastProblem = tell;
        }
        throw new CanaryConfigurationException("the naming template '" + template + "' makes a name that would give the "
                + "canary away for " + asset.kind() + " assets (" + lastProblem + "): change the template or the "
                + "asset's labels");
    }

    private String render(Asset asset, NameRules rules, int attempt, int retry) {
        byte[] h = hasher == null ? null : hasher.hmac("template|" + Keyed.canonical(asset) + "|" + attempt
                + (retry == 0 ? "" : "|" + retry));
        StringBuilder sb = new StringBuilder();
        for (Part p : parts) {
            switch (p.type) {
                case "text" -> sb.append(p.arg);
                case "hmac" -> sb.append(Keyed.encode(Objects.requireNonNull(h, "an {hmac:N} part without a key (build() refuses it)"),
                        Integer.parseInt(p.arg)));
                case "random" -> {
                    int n = Integer.parseInt(p.arg);
                    synchronized (random) {
                        for (int i = 0; i < n; i++) {
                            sb.append(Keyed.ALPHABET.charAt(random.nextInt(Keyed.ALPHABET.length())));
                        }
                    }
                }
                case "team", "tool", "role" -> {
                    List<String> words = p.type.equals("team") ? PlausibleNamer.DEFAULT_TEAMS
                            : p.type.equals("tool") ? PlausibleNamer.DEFAULT_TOOLS : PlausibleNamer.DEFAULT_ROLES;
                    int offset = p.type.equals("team") ? 0 : p.type.equals("tool") ? 4 : 8;
                    int index;
                    if (h != null) {
                        index = Keyed.pick(h, 20 + offset, words.size());
                    } else {
                        synchronized (random) {
                            index = random.nextInt(words.size());
                        }
                    }
                    sb.append(words.get(index));
                }
                case "kind" -> sb.append(value(asset.kind(), "{kind}", rules));
                case "id" -> sb.append(value(asset.id(), "{id}", rules));
                case "label" -> {
                    String v = asset.labels().get(p.arg);
                    if (v == null) {
                        throw new CanaryConfigurationException("the naming template '" + template + "' uses {label:"
                                + p.arg + "} but asset " + asset.kind() + " has no label " + p.arg + "; add it");
                    }
                    sb.append(value(v, "{label:" + p.arg + "}", rules));
                }
                case "attempt" -> sb.append(attempt);
                default -> throw new IllegalStateException(p.type);
            }
        }
        return sb.toString();
    }

    private String value(String v, String placeholder, NameRules rules) {
        if (!NameRules.ALLOWED.matcher(v).matches()) {
            for (int i = 0; i < v.length(); i++) {
                char c = v.charAt(i);
                if (!NameRules.ALLOWED.matcher(String.valueOf(c)).matches()) {
                    throw new CanaryConfigurationException("the naming template '" + template + "' inserts " + placeholder
                            + ", whose value contains '" + c + "', which AWS does not allow in a " + rules.target()
                            + " (only letters, digits and + = , . @ _ -)");
                }
            }
        }
        return v;
    }

    /**
     * Builds a {@link TemplateNamer}; the template is validated by {@link #build()}. Not thread-safe.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private @Nullable String template;
        private @Nullable Secret key;
        private Random random = new SecureRandom();

        private Builder() {
        }

        /** The template (required). */
        public Builder template(String template) {
            this.template = template;
            return this;
        }

        /** The key for {@code {hmac:N}} and keyed word choice (at least 16 characters). */
        public Builder key(Secret key) {
            this.key = Keyed.requireKey(key, "the template namer");
            return this;
        }

        /** The source of randomness for {@code {random:N}}. */
        public Builder random(Random random) {
            this.random = Objects.requireNonNull(random, "random");
            return this;
        }

        /**
         * The namer.
         *
         * @throws CanaryConfigurationException saying what is wrong with the template
         */
        public TemplateNamer build() {
            if (template == null || template.isEmpty()) {
                throw new CanaryConfigurationException("the naming template is empty: write one such as "
                        + "ci-{label:team}-{hmac:8}");
            }
            List<Part> parts = new ArrayList<>();
            StringBuilder literal = new StringBuilder();
            int minLength = 0;
            Matcher m = PLACEHOLDER.matcher(template);
            int last = 0;
            while (m.find()) {
                String text = template.substring(last, m.start());
                addText(parts, literal, text, last);
                last = m.end();
                String type = m.group(1);
                String arg = m.group(2);
                switch (type) {
                    case "hmac", "random" -> {
                        int max = type.equals("hmac") ? 51 : 32;
                        int n;
                        try {
                            n = Integer.parseInt(arg == null ? "" : arg);
                        } catch (NumberFormatException e) {
                            throw bad("{" + type + "} needs a length, such as {" + type + ":8}");
                        }
                        if (n < 1 || n > max) {
                            throw bad("{" + type + ":" + n + "}: the length must be 1-" + max);
                        }
                        if (type.equals("hmac") && key == null) {
                            throw bad("{hmac:" + n + "} needs a key: set canary.namer.template.key or call key(...)");
                        }
                        minLength += n;
                    }
                    case "label" -> {
                        if (arg == null || arg.isEmpty()) {
                            throw bad("{label} needs a label name, such as {label:team}");
                        }
                    }
                    case "kind", "id", "attempt", "team", "tool", "role" -> {
                        if (arg != null) {
                            throw bad("{" + type + "} takes no argument");
                        }
                        minLength += 1;
                    }
                    default -> throw bad("unknown placeholder {" + type + (arg == null ? "" : ":" + arg)
                            + "}; use {hmac:N}, {random:N}, {team}, {tool}, {role}, {kind}, {id}, {label:KEY} or "
                            + "{attempt}");
                }
                parts.add(new Part(type, arg));
            }
            addText(parts, literal, template.substring(last), last);
            minLength += literal.length();
            String tell = NameTellTales.problem(literal.toString());
            if (tell != null) {
                throw bad("its fixed text would give canaries away (" + tell + ")");
            }
            if (minLength > NameRules.IAM_USER.maxLength()) {
                throw bad("its names have at least " + minLength + " characters; no AWS principal name allows more than "
                        + NameRules.IAM_USER.maxLength());
            }
            return new TemplateNamer(template, parts, key, random);
        }

        private void addText(List<Part> parts, StringBuilder literal, String text, int offset) {
            if (text.isEmpty()) {
                return;
            }
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (c == '{' || c == '}') {
                    throw bad("unbalanced '" + c + "' at position " + (offset + i + 1) + "; placeholders look like "
                            + "{hmac:8}");
                }
                if (!NameRules.ALLOWED.matcher(String.valueOf(c)).matches()) {
                    throw bad("'" + c + "' at position " + (offset + i + 1) + " is not allowed in principal names; use "
                            + "letters, digits and + = , . @ _ -");
                }
            }
            literal.append(text);
            parts.add(new Part("text", text));
        }

        private CanaryConfigurationException bad(String problem) {
            return new CanaryConfigurationException("invalid naming template '" + template + "': " + problem);
        }
    }
}
