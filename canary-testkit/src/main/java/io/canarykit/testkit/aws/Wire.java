package io.canarykit.testkit.aws;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

import org.jspecify.annotations.Nullable;

/** Success and error bodies in each service protocol, shaped the way the SDK's unmarshallers read them. */
final class Wire {
    static final ObjectMapper JSON = new ObjectMapper();

    private Wire() {
    }

    /** A Query-protocol success: {@code <XResult>} first, then {@code ResponseMetadata}. */
    static Reply query(ServiceInfo svc, String op, @Nullable String resultXml, String requestId) {
        StringBuilder sb = new StringBuilder(256 + (resultXml == null ? 0 : resultXml.length()));
        sb.append('<').append(op).append("Response xmlns=\"").append(svc.xmlNamespace()).append("\">");
        if (resultXml != null) {
            sb.append('<').append(op).append("Result>").append(resultXml).append("</").append(op).append("Result>");
        }
        sb.append("<ResponseMetadata><RequestId>").append(requestId).append("</RequestId></ResponseMetadata>");
        sb.append("</").append(op).append("Response>");
        return new Reply().body(sb.toString()).header("Content-Type", "text/xml").header("x-amzn-RequestId", requestId);
    }

    /** An EC2 success: members directly under {@code <XResponse>}, with {@code requestId}. */
    static Reply ec2(ServiceInfo svc, String op, @Nullable String innerXml, String requestId) {
        String body = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<" + op + "Response xmlns=\"" + svc.xmlNamespace()
                + "\"><requestId>" + requestId + "</requestId>" + (innerXml == null ? "" : innerXml)
                + "</" + op + "Response>";
        return new Reply().body(body).header("Content-Type", "text/xml;charset=UTF-8");
    }

    /** A JSON-protocol success. */
    static Reply json(AwsRequest r, String json, String requestId) {
        String ct = r.header("content-type");
        return new Reply().body(json)
                .header("Content-Type", ct != null && ct.startsWith("application/x-amz-json") ? ct : "application/json")
                .header("x-amzn-RequestId", requestId);
    }

    /** The error in the service's protocol. */
    static Reply error(ServiceInfo svc, Protocol protocol, ApiError e, String requestId) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        Reply reply = switch (protocol) {
            case QUERY -> new Reply().body("<ErrorResponse xmlns=\"" + svc.xmlNamespace() + "\"><Error><Type>"
                            + (e.serverFault() ? "Receiver" : "Sender") + "</Type><Code>" + Xml.escape(e.code)
                            + "</Code><Message>" + Xml.escape(message) + "</Message></Error><RequestId>" + requestId
                            + "</RequestId></ErrorResponse>")
                    .header("Content-Type", "text/xml").header("x-amzn-RequestId", requestId);
            case EC2 -> new Reply().body("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>"
                            + Xml.escape(e.code) + "</Code><Message>" + Xml.escape(message)
                            + "</Message></Error></Errors><RequestID>" + requestId + "</RequestID></Response>")
                    .header("Content-Type", "text/xml;charset=UTF-8");
            case REST_XML -> new Reply().body("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>"
                            + Xml.escape(e.code) + "</Code><Message>" + Xml.escape(message) + "</Message><RequestId>"
                            + requestId + "</RequestId><HostId>" + hostId(requestId) + "</HostId></Error>")
                    .header("Content-Type", "application/xml").header("x-amz-request-id", requestId)
                    .header("x-amz-id-2", hostId(requestId));
            case JSON, REST_JSON -> {
                ObjectNode node = JSON.createObjectNode();
                node.put("__type", jsonType(svc, e.code));
                node.put(protocol == Protocol.JSON && !"sqs".equals(svc.signingName()) ? "Message" : "message", message);
                Reply r = new Reply().body(node.toString())
                        .header("Content-Type", protocol == Protocol.JSON ? "application/x-amz-json-1.1" : "application/json")
                        .header("x-amzn-RequestId", requestId);
                if (protocol == Protocol.REST_JSON) {
                    r.header("x-amzn-ErrorType", e.code);
                }
                if ("sqs".equals(svc.signingName())) {
                    r.header("x-amzn-query-error", e.code + ";" + (e.serverFault() ? "Receiver" : "Sender"));
                }
                yield r;
            }
        };
        reply.status = e.status;
        reply.errorCode = e.trailCode;
        reply.errorMessage = message;
        return reply;
    }

    private static String jsonType(ServiceInfo svc, String code) {
        if ("sqs".equals(svc.signingName()) && "AccessDenied".equals(code)) {
            return "com.amazon.coral.service#AccessDeniedException";
        }
        return code;
    }

    private static String hostId(String requestId) {
        return Base64.getEncoder().encodeToString(requestId.getBytes(StandardCharsets.UTF_8));
    }

    /** A throttling error as this service answers it. */
    static ApiError throttling(ServiceInfo svc, Protocol protocol) {
        return switch (protocol) {
            case QUERY -> "sns".equals(svc.signingName())
                    ? new ApiError("Throttled", 400, "Rate exceeded")
                    : new ApiError("Throttling", 400, "Rate exceeded");
            case EC2 -> new ApiError("RequestLimitExceeded", 503, "Request limit exceeded.");
            case REST_XML -> new ApiError("SlowDown", 503, "Please reduce your request rate.");
            case JSON, REST_JSON -> "sqs".equals(svc.signingName())
                    ? new ApiError("RequestThrottled", 400, "Rate exceeded")
                    : new ApiError("ThrottlingException", 400, "Rate exceeded");
        };
    }

    /** A server-side failure with the given status as this service answers it. */
    static ApiError serverError(ServiceInfo svc, Protocol protocol, int status) {
        if (status == 503) {
            return switch (protocol) {
                case REST_XML -> new ApiError("ServiceUnavailable", 503, "Please reduce your request rate.");
                case EC2 -> new ApiError("Unavailable", 503, "The server is overloaded and can't handle the request.");
                default -> new ApiError("ServiceUnavailable", 503, "Service is unavailable.");
            };
        }
        return switch (protocol) {
            case QUERY -> "iam".equals(svc.signingName())
                    ? new ApiError("ServiceFailure", status, "Request processing has failed due to some unknown error, exception or failure.")
                    : new ApiError("InternalFailure", status, "An internal error has occurred.");
            case EC2 -> new ApiError("InternalError", status, "An internal error has occurred.");
            case REST_XML -> new ApiError("InternalError", status, "We encountered an internal error. Please try again.");
            case JSON, REST_JSON -> new ApiError("InternalFailure", status, "An internal error has occurred.");
        };
    }
}
