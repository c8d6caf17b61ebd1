package io.canarykit;

/**
 * How a sighting was seen.
 *
 * @since 0.1.0
 */
public enum SightingKind {
    /** A call recorded by CloudTrail (S3 log file, LookupEvents or EventBridge). */
    API_CALL,
    /**
     * Use shown by last-used data (GetAccessKeyLastUsed, credential report) that no CloudTrail record explains: the key
     * was used through an API that is not logged.
     */
    UNLOGGED_USE,
    /** A call the library made itself with the canary (post-issue check); stored, never alerted on. */
    SELF_USE,
    /**
     * AWS told that the key is published: it attached its compromised-key quarantine policy to the canary's user, or
     * AWS Health reported the key exposed. Not a use of the key, but a sighting of it all the same.
     */
    EXPOSURE_NOTICE
}
