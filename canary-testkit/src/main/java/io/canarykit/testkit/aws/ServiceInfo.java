package io.canarykit.testkit.aws;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

/**
 * What the emulator knows about a service, keyed by its SigV4 signing name: the IAM action prefix, the CloudTrail
 * event source, the protocol, and which calls AWS does not write to CloudTrail.
 *
 * <p>Calls that update last-used data but leave no CloudTrail record (documented in
 * {@link AwsEmulator}): SQS {@code ListQueues} and the message data plane, SNS {@code Publish}/{@code PublishBatch},
 * every S3 object-level call and {@code ListObjects}/{@code ListObjectsV2} (data events), DynamoDB item calls,
 * Lambda {@code Invoke}, Pinpoint SMS-Voice {@code SendVoiceMessage} and Timestream {@code DescribeEndpoints}.
 */
record ServiceInfo(String signingName, String iamPrefix, String eventSource, Protocol protocol,
                   @Nullable String xmlNamespace, Set<String> unlogged) {

    private static final Map<String, ServiceInfo> KNOWN = Map.ofEntries(
            q("iam", "iam", "https://iam.amazonaws.com/doc/2010-05-08/", Set.of()),
            q("sts", "sts", "https://sts.amazonaws.com/doc/2011-06-15/", Set.of()),
            q("sns", "sns", "http://sns.amazonaws.com/doc/2010-03-31/", Set.of("Publish", "PublishBatch")),
            q("sqs", "sqs", "http://queue.amazonaws.com/doc/2012-11-05/", Set.of("ListQueues", "SendMessage",
                    "SendMessageBatch", "ReceiveMessage", "DeleteMessage", "DeleteMessageBatch",
                    "ChangeMessageVisibility", "ChangeMessageVisibilityBatch")),
            q("elasticloadbalancing", "elasticloadbalancing", "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/", Set.of()),
            q("rds", "rds", "http://rds.amazonaws.com/doc/2014-10-31/", Set.of()),
            q("cloudformation", "cloudformation", "http://cloudformation.amazonaws.com/doc/2010-05-15/", Set.of()),
            q("ses", "ses", "http://ses.amazonaws.com/doc/2010-12-01/", Set.of()),
            Map.entry("ec2", new ServiceInfo("ec2", "ec2", "ec2.amazonaws.com", Protocol.EC2,
                    "http://ec2.amazonaws.com/doc/2016-11-15/", Set.of())),
            Map.entry("s3", new ServiceInfo("s3", "s3", "s3.amazonaws.com", Protocol.REST_XML,
                    "http://s3.amazonaws.com/doc/2006-03-01/", Set.of())),
            Map.entry("monitoring", new ServiceInfo("monitoring", "cloudwatch", "monitoring.amazonaws.com",
                    Protocol.JSON, null, Set.of())),
            Map.entry("dynamodb", new ServiceInfo("dynamodb", "dynamodb", "dynamodb.amazonaws.com", Protocol.JSON,
                    null, Set.of("GetItem", "PutItem", "UpdateItem", "DeleteItem", "Query", "Scan", "BatchGetItem",
                    "BatchWriteItem", "TransactGetItems", "TransactWriteItems", "ExecuteStatement",
                    "BatchExecuteStatement", "ExecuteTransaction"))),
            Map.entry("lambda", new ServiceInfo("lambda", "lambda", "lambda.amazonaws.com", Protocol.REST_JSON, null,
                    Set.of("Invoke", "InvokeWithResponseStream"))),
            Map.entry("sms-voice", new ServiceInfo("sms-voice", "sms-voice", "sms-voice.amazonaws.com", Protocol.REST_JSON,
                    null, Set.of("SendVoiceMessage"))),
            Map.entry("timestream", new ServiceInfo("timestream", "timestream", "timestream.amazonaws.com", Protocol.JSON,
                    null, Set.of("DescribeEndpoints"))));

    private static Map.Entry<String, ServiceInfo> q(String name, String prefix, String ns, Set<String> unlogged) {
        return Map.entry(name, new ServiceInfo(name, prefix, name + ".amazonaws.com", Protocol.QUERY, ns, unlogged));
    }

    /** The known service for this signing name, or one derived from the request's shape. */
    static ServiceInfo of(String signingName, AwsRequest request) {
        ServiceInfo known = KNOWN.get(signingName);
        if (known != null) {
            if (known.protocol == Protocol.JSON && request.header("x-amz-target") == null
                    && isForm(request)) {
                return new ServiceInfo(known.signingName, known.iamPrefix, known.eventSource, Protocol.QUERY,
                        "https://" + signingName + ".amazonaws.com/doc/", known.unlogged);
            }
            if (known.protocol == Protocol.QUERY && request.header("x-amz-target") != null) {
                return new ServiceInfo(known.signingName, known.iamPrefix, known.eventSource, Protocol.JSON, null,
                        known.unlogged);
            }
            return known;
        }
        Protocol protocol;
        if (request.header("x-amz-target") != null) {
            protocol = Protocol.JSON;
        } else if (isForm(request)) {
            protocol = Protocol.QUERY;
        } else {
            protocol = Protocol.REST_JSON;
        }
        return new ServiceInfo(signingName, signingName, signingName + ".amazonaws.com", protocol,
                "https://" + signingName + ".amazonaws.com/doc/", Set.of());
    }

    private static boolean isForm(AwsRequest request) {
        String ct = request.header("content-type");
        return (ct != null && ct.toLowerCase(Locale.ROOT).startsWith("application/x-www-form-urlencoded"))
                || request.query("Action") != null;
    }

    /** Whether AWS writes this call to CloudTrail (management events only; data events are off). */
    boolean logged(String operation) {
        if (unlogged.contains(operation)) {
            return false;
        }
        if ("s3".equals(signingName)) {
            return !operation.contains("Object") && !"HeadBucket".equals(operation);
        }
        return true;
    }

    /** The IAM action for an operation, as policies name it. */
    String action(String operation) {
        return iamPrefix + ":" + operation;
    }

    /** The host a client would have called, for {@code tlsDetails.clientProvidedHostHeader}. */
    String host(String region) {
        return switch (signingName) {
            case "iam", "s3" -> signingName + ".amazonaws.com";
            default -> signingName + "." + region + ".amazonaws.com";
        };
    }

    /** Whether CloudTrail marks the call read-only. */
    static boolean readOnly(String operation) {
        return operation.startsWith("Get") || operation.startsWith("List") || operation.startsWith("Describe")
                || operation.startsWith("Lookup") || operation.startsWith("Head") || operation.startsWith("Assume")
                || operation.startsWith("Decode") || operation.startsWith("Search")
                || operation.equals("Query") || operation.equals("Scan");
    }
}
