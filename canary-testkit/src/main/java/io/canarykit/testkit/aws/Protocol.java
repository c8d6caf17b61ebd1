package io.canarykit.testkit.aws;

/** The wire protocol a service answers in; it decides the shape of every success and error body. */
enum Protocol {
    /** AWS Query (IAM, STS, SNS, ...): form-encoded POST, XML answers with a Result wrapper. */
    QUERY,
    /** The EC2 flavour of Query: no Result wrapper, {@code <Response><Errors>} errors. */
    EC2,
    /** AWS JSON 1.0 / 1.1 ({@code X-Amz-Target}), errors carry {@code __type}. */
    JSON,
    /** REST-XML as S3 speaks it. */
    REST_XML,
    /** REST-JSON services (answered generically). */
    REST_JSON
}
