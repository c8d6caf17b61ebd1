package io.canarykit.testkit.aws;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.jspecify.annotations.Nullable;

/** The emulator's configuration, fixed at start. */
record Settings(List<String> accountIds, String organizationId, String adminUserName, String trailName,
                String trailBucket, boolean organizationTrail, Duration trailDeliveryDelay, Duration lookupEventsDelay,
                boolean lookupEventsRateLimit, @Nullable CloudTrailEventSink sink, boolean sinkAllManagementEvents,
                IamQuotas quotas, @Nullable String sourceIpAddress, int callLogLimit, int maxTrailRecords,
                Map<String, List<String>> serviceControlPolicies, Duration credentialReportGenerationTime,
                Duration keyPropagationDelay, Duration rolePropagationDelay, PartialAws partialAws,
                Organization.Spec organizationSpec, @Nullable S3NotificationSink s3NotificationSink) {

    String managementAccount() {
        return accountIds.get(0);
    }
}
