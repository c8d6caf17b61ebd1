package io.canarykit.testkit.aws;

import java.time.Instant;

import org.jspecify.annotations.Nullable;

/**
 * A snapshot of one long-term access key (never its secret).
 *
 * @param accessKeyId     the key id
 * @param accountId       the owning account
 * @param userName        the owning user
 * @param status          {@code Active} or {@code Inactive}
 * @param createDate      when it was created
 * @param lastUsedDate    when it was last used, or {@code null} if never
 * @param lastUsedService the service namespace of that use ({@code N/A} if never)
 * @param lastUsedRegion  the region of that use ({@code N/A} if never)
 *
 * @since 0.1.0
 */
public record AccessKeyView(String accessKeyId, String accountId, String userName, String status, Instant createDate,
                            @Nullable Instant lastUsedDate, String lastUsedService, String lastUsedRegion) {

    /** Whether the key was ever used. */
    public boolean used() {
        return lastUsedDate != null;
    }
}
