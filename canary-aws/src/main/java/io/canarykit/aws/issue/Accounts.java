package io.canarykit.aws.issue;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/** Looks up who the issuer's own credentials are. */
final class Accounts {
    private Accounts() {
    }

    /** The caller's identity, for builders that were not told the account id or the issuer ARN. */
    static GetCallerIdentityResponse caller(@Nullable StsClient sts, String issuerName) {
        if (sts == null) {
            throw new CanaryConfigurationException("the " + issuerName + " issuer needs its account id: call"
                    + " accountId(...) or give it an STS client to look it up");
        }
        try {
            return sts.getCallerIdentity();
        } catch (SdkException e) {
            throw new CanaryException("could not look up the issuer's account with sts:GetCallerIdentity: "
                    + AwsErrors.describe(e) + "; check the issuer's credentials or set the account id", e);
        }
    }

    static String callerAccount(@Nullable StsClient sts, String issuerName) {
        return caller(sts, issuerName).account();
    }
}
