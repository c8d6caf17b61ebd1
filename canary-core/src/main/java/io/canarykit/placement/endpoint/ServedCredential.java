package io.canarykit.placement.endpoint;

import io.canarykit.CanaryCredential;
import io.canarykit.CanaryId;
import io.canarykit.placement.CredentialRefresher;
import io.canarykit.placement.PlacementOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/** A canary an endpoint serves, refreshed shortly before it expires. */
final class ServedCredential {
    private static final Logger LOG = LoggerFactory.getLogger(ServedCredential.class);

    final CanaryId canaryId;
    final String location;
    private final String placement;
    private CanaryCredential credential;
    private Instant lastUpdated;

    ServedCredential(CanaryId canaryId, String placement, String location, CanaryCredential credential, Instant now) {
        this.canaryId = canaryId;
        this.placement = placement;
        this.location = location;
        this.credential = credential;
        this.lastUpdated = now;
    }

    synchronized CanaryCredential credential() {
        return credential;
    }

    synchronized Instant lastUpdated() {
        return lastUpdated;
    }

    synchronized void replace(CanaryCredential next, Instant now) {
        this.credential = next;
        this.lastUpdated = now;
    }

    /**
     * The credential to serve now: the current one, or a fresh one from {@code refresher} once the current one is
     * within {@code before} of its expiration.
     */
    synchronized CanaryCredential current(Clock clock, @Nullable CredentialRefresher refresher, Duration before) {
        if (refresher == null || credential.expiration() == null) {
            return credential;
        }
        Instant now = clock.instant();
        if (now.isBefore(credential.expiration().minus(before))) {
            return credential;
        }
        try {
            CanaryCredential next = refresher.refresh(new CredentialRefresher.Request(canaryId, placement, location,
                    credential.accessKeyId(), credential.expiration()));
            if (next != null) {
                PlacementOptions.checkWritable(placement, next);
                LOG.debug("refreshed canary {} at {}: {} -> {}", canaryId, location, credential.accessKeyId(),
                        next.accessKeyId());
                credential = next;
                lastUpdated = now;
            }
        } catch (RuntimeException e) {
            LOG.warn("refreshing canary {} at {} failed; still serving {} until it expires at {}: {}", canaryId, location,
                    credential.accessKeyId(), credential.expiration(), e.getClass().getSimpleName());
        }
        return credential;
    }
}
