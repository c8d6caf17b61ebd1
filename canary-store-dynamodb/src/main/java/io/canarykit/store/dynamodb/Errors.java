package io.canarykit.store.dynamodb;

import io.canarykit.store.CanaryStoreException;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionSizeLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.LimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.RequestLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

import java.util.Set;

/**
 * Maps AWS SDK failures to {@link CanaryStoreException}: throttling, 5xx and lost connections are retryable; a
 * missing table, a validation error or a refused request are not. (Conditional-check failures are handled where
 * they happen: they mean "duplicate" or "stale", not "failed".)
 */
final class Errors {
    private static final Set<String> THROTTLING = Set.of("ThrottlingException", "Throttling",
            "ProvisionedThroughputExceededException", "RequestLimitExceeded", "TransactionInProgressException",
            "TooManyRequestsException", "SlowDown");

    private Errors() {
    }

    static CanaryStoreException translate(String operation, String table, SdkException e) {
        if (e instanceof ResourceNotFoundException) {
            return new CanaryStoreException("DynamoDB " + operation + ": table " + table + " does not exist (or is not"
                    + " visible to these credentials in this region); create it with"
                    + " DynamoDbCanaryTable.createTableIfMissing, canary.store.dynamodb.create-table=true, or the"
                    + " CloudFormation/Terraform definition in canary-store-dynamodb/TABLE.md", false, e);
        }
        if (e instanceof AwsServiceException service) {
            AwsErrorDetails details = service.awsErrorDetails();
            String code = details == null ? null : details.errorCode();
            int status = service.statusCode();
            boolean retryable = service.isThrottlingException()
                    || (code != null && THROTTLING.contains(code))
                    || e instanceof ProvisionedThroughputExceededException
                    || e instanceof RequestLimitExceededException
                    || e instanceof InternalServerErrorException
                    || e instanceof LimitExceededException
                    || status >= 500
                    || service.retryable();
            String hint = "";
            if (e instanceof ItemCollectionSizeLimitExceededException) {
                hint = "; the table has a local secondary index and one canary's items exceed 10 GB";
            } else if (retryable) {
                hint = "; DynamoDB is throttling or failing, try again with backoff";
            } else if (status == 400 && "ValidationException".equals(code)) {
                hint = "; the request was refused as invalid: check that table " + table + " has the canarykit layout";
            } else if (status == 400 && code != null && (code.contains("Signature") || code.contains("Token")
                    || code.contains("AccessDenied") || code.contains("UnrecognizedClient"))) {
                hint = "; check the credentials and permissions of the DynamoDbClient";
            }
            return new CanaryStoreException("DynamoDB " + operation + " on table " + table + " failed: "
                    + (details == null || details.errorMessage() == null ? service.getMessage() : details.errorMessage())
                    + " (" + (code == null ? "no error code" : code) + ", HTTP " + status
                    + (service.requestId() == null ? "" : ", request id " + service.requestId()) + ")" + hint,
                    retryable, e);
        }
        if (e instanceof AbortedException) {
            return new CanaryStoreException("DynamoDB " + operation + " on table " + table + " was interrupted", true, e);
        }
        if (e instanceof SdkClientException) {
            return new CanaryStoreException("DynamoDB " + operation + " on table " + table
                    + " could not reach DynamoDB or read its answer: " + e.getMessage() + "; try again", true, e);
        }
        return new CanaryStoreException("DynamoDB " + operation + " on table " + table + " failed: " + e.getMessage(),
                e.retryable(), e);
    }
}
