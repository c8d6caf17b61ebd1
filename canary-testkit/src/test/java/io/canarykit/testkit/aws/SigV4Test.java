package io.canarykit.testkit.aws;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SigV4Test {
    private static final String SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /** AWS SigV4 test suite, "get-vanilla". */
    @Test
    void verifiesTheAwsTestSuiteVanillaGet() {
        AwsRequest r = request("GET", "/", "", Map.of("host", "example.amazonaws.com", "x-amz-date", "20150830T123600Z",
                "authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"));
        assertThat(SigV4.parse(r)).isTrue();
        assertThat(r.service).isEqualTo("service");
        assertThat(SigV4.verify(r, SECRET)).isTrue();
        assertThat(SigV4.verify(r, SECRET.replace('w', 'x'))).isFalse();
    }

    /** AWS SigV4 test suite, "get-vanilla-query-order-key-case". */
    @Test
    void sortsQueryParameters() {
        AwsRequest r = request("GET", "/?Param2=value2&Param1=value1", "", Map.of("host", "example.amazonaws.com",
                "x-amz-date", "20150830T123600Z",
                "authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=host;x-amz-date, Signature=b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500"));
        assertThat(SigV4.parse(r)).isTrue();
        assertThat(SigV4.verify(r, SECRET)).isTrue();
    }

    /** AWS SigV4 test suite, "post-x-www-form-urlencoded". */
    @Test
    void signsFormBodies() {
        AwsRequest r = request("POST", "/", "Param1=value1", Map.of("host", "example.amazonaws.com",
                "x-amz-date", "20150830T123600Z", "content-type", "application/x-www-form-urlencoded",
                "authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
                        + "SignedHeaders=content-type;host;x-amz-date, Signature=ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a"));
        assertThat(SigV4.parse(r)).isTrue();
        assertThat(SigV4.verify(r, SECRET)).isTrue();
    }

    private static AwsRequest request(String method, String url, String body, Map<String, String> headers) {
        Map<String, List<String>> h = new HashMap<>();
        headers.forEach((k, v) -> h.put(k, List.of(v)));
        return new AwsRequest(method, url, h, body.getBytes(StandardCharsets.UTF_8), "127.0.0.1");
    }
}
