package io.canarykit.cloudtrail;

/**
 * The shapes of CloudTrail data the reader recognises; a file may hold several (JSON Lines of mixed objects).
 *
 * @since 0.1.0
 */
public enum RecordShape {
    /** An S3 log file body {@code {"Records":[…]}} (gzipped or not). */
    S3_LOG_FILE,
    /** A JSON array of records (or of envelopes or LookupEvents items). */
    JSON_ARRAY,
    /** A single bare record object. */
    SINGLE_RECORD,
    /** A LookupEvents {@code Events[]} item (or a whole response) whose {@code CloudTrailEvent} is a JSON string. */
    LOOKUP_EVENTS,
    /** An EventBridge "AWS API Call via CloudTrail" envelope whose {@code detail} is the record. */
    EVENTBRIDGE,
    /** More than one JSON value at the top level (JSON Lines). */
    JSON_LINES
}
