package io.canarykit.cli;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import org.jspecify.annotations.Nullable;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves {@code ${env:NAME}} references in configuration values from the environment, so that a properties file
 * mounted into a container can take secrets and per-deployment values from environment variables:
 * {@code canary.api.tokens.ci=${env:CANARY_API_TOKEN_CI}}.
 *
 * <p>A reference may be the whole value or part of it. A variable that is not set is an error naming the property and
 * the variable; a variable set to the empty string leaves the property unset (an empty value counts as absent). Values
 * taken from the environment are not resolved again, and no value appears in an error message.
 */
final class EnvironmentReferences {
    private static final String OPEN = "${env:";
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{env:([^}]*)(})?");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private EnvironmentReferences() {
    }

    /**
     * {@code config} with every reference replaced by its variable's value.
     *
     * @param environment the variables (usually {@code System::getenv}); returns {@code null} for an unset one
     * @throws CanaryConfigurationException listing every reference that cannot be resolved
     */
    static CanaryConfig resolve(CanaryConfig config, Function<String, @Nullable String> environment) {
        Map<String, String> resolved = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String key : config.keys()) {
            String value = config.requireString(key); // a key of config.keys() has a value
            if (!value.contains(OPEN)) {
                continue;
            }
            Matcher m = REFERENCE.matcher(value);
            StringBuilder out = new StringBuilder();
            while (m.find()) {
                String name = m.group(1);
                if (m.group(2) == null) {
                    problems.add(key + ": a " + OPEN + " reference has no closing '}'");
                } else if (!NAME.matcher(name).matches()) {
                    problems.add(key + ": a " + OPEN + "...} reference must name an environment variable"
                            + " (letters, digits and _, not starting with a digit)");
                } else {
                    String variable = environment.apply(name);
                    if (variable == null) {
                        problems.add(key + " refers to environment variable " + name + ", which is not set; set it"
                                + " (docker run -e " + name + "=..., a Kubernetes env entry) or remove the reference");
                    } else {
                        m.appendReplacement(out, Matcher.quoteReplacement(variable));
                    }
                }
            }
            m.appendTail(out);
            resolved.put(key, out.toString());
        }
        if (!problems.isEmpty()) {
            throw new CanaryConfigurationException(String.join("; ", problems));
        }
        return config.with(resolved);
    }
}
