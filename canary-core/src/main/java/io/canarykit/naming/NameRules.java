package io.canarykit.naming;

import io.canarykit.CanaryConfigurationException;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What AWS accepts as a principal name for one target. A name that does not fit is an error naming the rule, never
 * silently truncated.
 *
 * @param target                 what the name is for, as people say it ("IAM user name")
 * @param minLength              shortest allowed length
 * @param maxLength              longest allowed length
 * @param caseInsensitivelyUnique true when AWS treats names differing only in case as the same (IAM users)
 */
public record NameRules(String target, int minLength, int maxLength, boolean caseInsensitivelyUnique) {
    /** The characters AWS allows in IAM user, role session and federated user names: {@code [A-Za-z0-9+=,.@_-]}. */
    public static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9+=,.@_-]*");

    /** IAM user name ({@code CreateUser}): 1-64, unique case-insensitively. */
    public static final NameRules IAM_USER = new NameRules("IAM user name", 1, 64, true);
    /** STS {@code RoleSessionName}: 2-64. */
    public static final NameRules ROLE_SESSION = new NameRules("RoleSessionName", 2, 64, false);
    /** {@code GetFederationToken} {@code Name}: 2-32. */
    public static final NameRules FEDERATED_USER = new NameRules("federated user name", 2, 32, false);

    public NameRules {
        Objects.requireNonNull(target, "target");
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("invalid length bounds " + minLength + ".." + maxLength);
        }
    }

    /** The problem with {@code name}, or {@code null} if it fits. */
    public String problem(String name) {
        if (name == null) {
            return target + " is missing";
        }
        if (name.length() < minLength || name.length() > maxLength) {
            return target + " '" + name + "' has " + name.length() + " characters; AWS allows " + minLength + "-"
                    + maxLength;
        }
        if (!ALLOWED.matcher(name).matches()) {
            for (int i = 0; i < name.length(); i++) {
                if (!ALLOWED.matcher(String.valueOf(name.charAt(i))).matches()) {
                    return target + " '" + name + "' contains '" + name.charAt(i) + "' at position " + (i + 1)
                            + "; AWS allows only letters, digits and + = , . @ _ -";
                }
            }
        }
        return null;
    }

    /**
     * Returns {@code name} if it fits.
     *
     * @throws CanaryConfigurationException naming the rule otherwise
     */
    public String validate(String name) {
        String problem = problem(name);
        if (problem != null) {
            throw new CanaryConfigurationException(problem);
        }
        return name;
    }
}
