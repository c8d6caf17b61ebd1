package io.canarykit.config;

/** A test-only plugin point. */
public interface Widget {
    String label();
}
