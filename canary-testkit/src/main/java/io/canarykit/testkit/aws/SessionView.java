package io.canarykit.testkit.aws;

import java.time.Instant;

/**
 * A snapshot of one STS session the emulator issued (never its secret or token).
 *
 * @param accessKeyId   the {@code ASIA…} key id
 * @param accountId     the account
 * @param kind          {@code AssumedRole}, {@code FederatedUser} or {@code SessionToken}
 * @param principalArn  who the session acts as
 * @param issuedAt      when it was issued
 * @param expiration    when it expires
 *
 * @since 0.1.0
 */
public record SessionView(String accessKeyId, String accountId, String kind, String principalArn, Instant issuedAt,
                          Instant expiration) {
}
