package io.canarykit.naming;

import io.canarykit.CanaryConfigurationException;

import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * IAM path rules: {@code /} or {@code /…/}, 1-512 printable ASCII characters without spaces
 * ({@code (\u002F)|(\u002F[\u0021-\u007E]+\u002F)}). A path shows in every ARN of the principal, so a path that gives a
 * canary away ({@code /canary/}, {@code /SpaceCrab/}) is refused too.
 *
 * @since 0.1.0
 */
public final class IamPath {
    /** The root path, which is what most real principals have. */
    public static final String ROOT = "/";
    /** The longest path IAM accepts. */
    public static final int MAX_LENGTH = 512;
    private static final Pattern PATH = Pattern.compile("/|/[\\u0021-\\u007E]+/");

    private IamPath() {
    }

    /** The problem with {@code path}, or {@code null} if IAM accepts it and it tells nothing. */
    public static @Nullable String problem(@Nullable String path) {
        if (path == null || path.isEmpty()) {
            return "IAM path is missing; use / (the default)";
        }
        if (path.length() > MAX_LENGTH) {
            return "IAM path has " + path.length() + " characters; AWS allows 1-" + MAX_LENGTH;
        }
        if (!PATH.matcher(path).matches()) {
            return "IAM path '" + path + "' is not / or /…/ of printable ASCII without spaces; write / or /team/app/";
        }
        String tell = NameTellTales.pathProblem(path);
        if (tell != null) {
            return "IAM path '" + path + "' would give the canary away (" + tell + "); use / or a path real "
                    + "principals use";
        }
        return null;
    }

    /**
     * Returns {@code path} if IAM accepts it and it tells nothing.
     *
     * @throws CanaryConfigurationException naming the rule otherwise
     */
    public static String validate(String path) {
        String p = problem(path);
        if (p != null) {
            throw new CanaryConfigurationException(p);
        }
        return path;
    }
}
