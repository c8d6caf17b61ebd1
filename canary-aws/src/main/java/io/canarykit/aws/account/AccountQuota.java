package io.canarykit.aws.account;

/**
 * One account's room for long-term canaries, as the pool last saw it.
 *
 * @param accountId              the account
 * @param usersQuota             IAM users allowed in the account ({@code UsersQuota}, 5,000)
 * @param awsUsers               IAM users in the account (canaries and others): {@code GetAccountSummary}'s count plus
 *                               the canaries recorded since it was read; -1 if AWS's count is unknown
 * @param liveCanaries           live canaries in the store for this account
 * @param inFlight               reservations held by issuances running in this process
 * @param accessKeysPerUserQuota access keys allowed per user (2); each canary user holds one
 * @param maxCanaryUsers         the organisation's own cap, or -1 for none
 * @param full                   true while AWS's last answer was "quota exceeded"
 * @param headroom               how many more long-term canaries the account can take now
 *
 * @since 0.1.0
 */
public record AccountQuota(String accountId, int usersQuota, long awsUsers, long liveCanaries, int inFlight,
                           int accessKeysPerUserQuota, int maxCanaryUsers, boolean full, long headroom) {

    /** One line for messages: {@code 111122223333: 4990 of 5000 users (4990 live canaries), 2 in flight}. */
    public String describe() {
        return accountId + ": " + (awsUsers < 0 ? "?" : Long.toString(awsUsers)) + " of " + usersQuota + " IAM users ("
                + liveCanaries + " live canaries" + (maxCanaryUsers >= 0 ? ", cap " + maxCanaryUsers : "") + "), "
                + inFlight + " in flight" + (full ? ", AWS reported the quota exceeded" : "") + ", headroom " + headroom;
    }
}
