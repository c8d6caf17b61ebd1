package io.canarykit.testkit.aws;

import java.util.Map;

/**
 * Every service the emulator does not model (EC2, SQS, SNS, Secrets Manager, ...): the call is authorised against the
 * caller's policies (a hardened canary gets the service's own AccessDenied) and, when allowed, answered with an empty
 * but well-formed result in the service's protocol.
 */
final class GenericApi {
    /** Result members some SDK unmarshallers or callers expect, by {@code service:Operation}. */
    private static final Map<String, String> CANNED_XML = Map.of(
            "ec2:DescribeInstances", "<reservationSet/>",
            "ec2:DescribeRegions", "<regionInfo><item><regionName>us-east-1</regionName>"
                    + "<regionEndpoint>ec2.us-east-1.amazonaws.com</regionEndpoint><optInStatus>opt-in-not-required</optInStatus></item></regionInfo>");
    private static final Map<String, String> CANNED_JSON = Map.of(
            "secretsmanager:ListSecrets", "{\"SecretList\":[]}",
            "sqs:ListQueues", "{}");

    Reply handle(Call c) {
        ServiceInfo svc = c.svc;
        String op = c.op();
        c.authorize(svc.action(op), "*");
        String qualified = svc.signingName() + ":" + op;
        return switch (c.svc.protocol()) {
            case QUERY -> {
                if ("sns:Publish".equals(qualified)) {
                    yield c.ok(new Xml().el("MessageId", c.engine.ids.uuid().toString()));
                }
                yield c.ok("");
            }
            case EC2 -> Wire.ec2(svc, op, CANNED_XML.getOrDefault(qualified, ""), c.requestId);
            case JSON -> Wire.json(c.req, CANNED_JSON.getOrDefault(qualified, "{}"), c.requestId);
            case REST_JSON, REST_XML -> Wire.json(c.req, "{}", c.requestId);
        };
    }
}
