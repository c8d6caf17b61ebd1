package io.canarykit.naming;

import io.canarykit.CanaryConfigurationException;

/** Checks shared by the namers. */
final class Names {
    private Names() {
    }

    /** Checks fixed text that goes into every name: allowed characters, a length limit, nothing tell-tale. */
    static String checkLiteral(String what, String text, int maxLength) {
        if (text == null) {
            throw new CanaryConfigurationException(what + " is missing");
        }
        if (text.length() > maxLength) {
            throw new CanaryConfigurationException(what + " '" + text + "' is longer than " + maxLength + " characters");
        }
        if (!NameRules.ALLOWED.matcher(text).matches()) {
            throw new CanaryConfigurationException(what + " '" + text + "' has characters AWS does not allow in "
                    + "principal names; use letters, digits and + = , . @ _ -");
        }
        String tell = NameTellTales.problem(text);
        if (tell != null) {
            throw new CanaryConfigurationException(what + " '" + text + "' would give canaries away (" + tell + ")");
        }
        return text;
    }
}
