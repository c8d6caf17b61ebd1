package io.canarykit.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/** Warnings about configuration keys (deprecated, unknown), each logged once per JVM. Never logs a value. */
final class ConfigWarnings {
    private static final Logger LOG = LoggerFactory.getLogger(CanaryConfig.class);
    private static final Set<String> WARNED = ConcurrentHashMap.newKeySet();

    private ConfigWarnings() {
    }

    /** Warns that {@code oldKey} is deprecated and was read as {@code newKey}. */
    static void deprecated(String oldKey, String newKey) {
        if (WARNED.add("deprecated\u0000" + oldKey + "\u0000" + newKey)) {
            LOG.warn("configuration key {} is deprecated and will be removed; use {}", oldKey, newKey);
        }
    }

    /** Warns about {@code key}: {@code message} says what is wrong with it (and holds no value). */
    static void finding(String key, String message) {
        if (WARNED.add("unknown\u0000" + key)) {
            LOG.warn("configuration key {}: {}", key, message);
        }
    }

    /** Warns that {@code key} is not known to {@code owner} and is ignored. */
    static void unknown(String key, String owner, @Nullable String suggestion) {
        if (WARNED.add("unknown\u0000" + key)) {
            LOG.warn("configuration key {} is not known to {} and is ignored{}", key, owner,
                    suggestion == null ? "" : " (did you mean " + suggestion + "?)");
        }
    }
}
