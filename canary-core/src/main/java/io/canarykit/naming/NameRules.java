package io.canarykit.naming;

import io.canarykit.CanaryConfigurationException;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * What AWS accepts as a principal name for one target. A name that does not fit is an error naming the rule, never
 * silently truncated. IAM paths have their own rules: {@link IamPath}.
 *
 * @param target                 what the name is for, as people say it ("IAM user name")
 * @param minLength              shortest allowed length
 * @param maxLength              longest allowed length
 * @param caseInsensitivelyUnique true when AWS treats names differing only in case as the same (IAM users)
 *
 * @since 0.1.0
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
    /** IAM role name ({@code CreateRole}): 1-64, unique case-insensitively. */
    public static final NameRules ROLE = new NameRules("IAM role name", 1, 64, true);

    public NameRules {
        Objects.requireNonNull(target, "target");
        if (minLength < 1 || maxLength < minLength) {
            throw new IllegalArgumentException("invalid length bounds " + minLength + ".." + maxLength);
        }
    }

    /** The rules for a credential kind's principal name. */
    public static NameRules forKind(io.canarykit.CredentialKind kind) {
        return switch (kind) {
            case IAM_USER -> IAM_USER;
            case ASSUMED_ROLE -> ROLE_SESSION;
            case FEDERATION_TOKEN -> FEDERATED_USER;
        };
    }

    /** The problem with {@code name}, or {@code null} if it fits. */
    public @Nullable String problem(@Nullable String name) {
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

    /** The form two names must differ in to be distinct: lower case when AWS compares case-insensitively. */
    public String uniquenessKey(String name) {
        return caseInsensitivelyUnique ? name.toLowerCase(Locale.ROOT) : name;
    }

    /** True if AWS would treat the two names as the same principal. */
    public boolean sameName(String a, String b) {
        return uniquenessKey(a).equals(uniquenessKey(b));
    }
}
