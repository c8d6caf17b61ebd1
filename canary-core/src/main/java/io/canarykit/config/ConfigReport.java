package io.canarykit.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What {@link ConfigCheck} found in a configuration, and the configuration as it will be read.
 *
 * @param findings  what is wrong or worth knowing, errors first, then by key
 * @param effective every key set, under its current name (an old spelling appears under the new one), with the value
 *                  shown only when the key is known and not secret (else {@value io.canarykit.Secret#MASK})
 * @param defaults  the default values that apply: keys of the service and of the selected providers that are not set
 *
 * @since 0.1.0
 */
public record ConfigReport(List<Finding> findings, Map<String, String> effective, Map<String, String> defaults) {

    /** Copies the collections. */
    public ConfigReport {
        findings = List.copyOf(findings);
        effective = Collections.unmodifiableMap(new LinkedHashMap<>(effective));
        defaults = Collections.unmodifiableMap(new LinkedHashMap<>(defaults));
    }

    /** True if no finding is an {@link Severity#ERROR}. */
    public boolean valid() {
        return findings.stream().noneMatch(f -> f.severity() == Severity.ERROR);
    }

    /** The findings of one severity. */
    public List<Finding> findings(Severity severity) {
        return findings.stream().filter(f -> f.severity() == severity).toList();
    }

    /**
     * How much a finding matters.
     *
     * @since 0.1.0
     */
    public enum Severity {
        /** The configuration is wrong: an unknown key, a bad value, a missing required key, an unknown provider. */
        ERROR,
        /** It works, but should change: a deprecated spelling, a setting for a provider that is not selected. */
        WARNING,
        /** Worth knowing: keys of a provider that declares none (not checked), keys outside {@code canary.}. */
        NOTE
    }

    /**
     * What a finding is about.
     *
     * @since 0.1.0
     */
    public enum Kind {
        /** A key under {@code canary.} that nothing declares (an error). */
        UNKNOWN_KEY,
        /** A key under a provider that is not on the class path, or a selector naming one (an error). */
        UNKNOWN_PROVIDER,
        /** A value that is not what its key takes (an error). */
        INVALID_VALUE,
        /** A required key that is not set (an error). */
        MISSING_KEY,
        /** An old spelling, read as the new key (a warning). */
        DEPRECATED_KEY,
        /** A key of a provider its selector does not select (a warning). */
        NOT_SELECTED,
        /** A key of a component that declares no keys, so not checked (a note). */
        UNCHECKED_KEY,
        /** A key outside {@code canary.} (a note). */
        NOT_CANARYKIT,
        /** A provider or section that could not be loaded. */
        NOT_LOADED
    }

    /**
     * One finding. Its message never holds a value, unless the key is known and not secret.
     *
     * @param severity   how much it matters
     * @param kind       what it is about
     * @param key        the key it is about
     * @param message    what is wrong and how to fix it
     * @param suggestion the key (or provider name) probably meant, or {@code null}
     *
     * @since 0.1.0
     */
    public record Finding(Severity severity, Kind kind, String key, String message, @Nullable String suggestion) {
        /** Checks the components. */
        public Finding {
            Objects.requireNonNull(severity, "severity");
            Objects.requireNonNull(kind, "kind");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(message, "message");
        }

        @Override
        public String toString() {
            return severity.name().toLowerCase(Locale.ROOT) + ": " + key + ": " + message;
        }
    }
}
