/**
 * Alert sinks on AWS services: {@code sns} (Publish to a topic) and {@code eventbridge} (PutEvents on a bus), both on
 * core's shared {@link io.canarykit.alert.Delivery} (retries, backoff, spool).
 */
package io.canarykit.aws.alert;
