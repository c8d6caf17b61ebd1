package io.canarykit.aws.account;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.HttpExecuteRequest;
import software.amazon.awssdk.http.HttpExecuteResponse;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.SignedRequest;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * {@link OrganizationsApi} over HTTP: AWS JSON 1.1 requests ({@code X-Amz-Target: AWSOrganizationsV20161128.<Op>})
 * signed with the AWS SDK's own SigV4 signer and sent with its URL-connection HTTP client. (The SDK's
 * {@code organizations} module would do the same; it is not available from the registries this project builds from,
 * and discovery needs only these six read calls.)
 *
 * <p>Throttling ({@code TooManyRequestsException}, {@code ThrottlingException}), 5xx answers and I/O errors are retried
 * with exponential backoff and full jitter, up to {@link Builder#maxAttempts} attempts; any other error is thrown at
 * once as a {@link CanaryException} carrying the AWS error code and message (never the request's credentials).
 * Thread-safe; closing closes the HTTP client it built.
 *
 * @since 0.1.0
 */
public final class SignedOrganizationsApi implements OrganizationsApi, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SignedOrganizationsApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TARGET = "AWSOrganizationsV20161128.";
    /** The public endpoint (Organizations is global and signs in us-east-1). */
    public static final URI AWS_ENDPOINT = URI.create("https://organizations.us-east-1.amazonaws.com");

    private final URI endpoint;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final SdkHttpClient http;
    private final boolean ownsHttp;
    private final int maxAttempts;
    private final Duration baseDelay;
    private final AwsV4HttpSigner signer = AwsV4HttpSigner.create();

    private SignedOrganizationsApi(Builder b) {
        this.endpoint = b.endpoint;
        this.region = b.region;
        this.credentials = Objects.requireNonNull(b.credentials, "credentials"); // build() checked it
        this.ownsHttp = b.http == null;
        this.http = b.http != null ? b.http : UrlConnectionHttpClient.create();
        this.maxAttempts = b.maxAttempts;
        this.baseDelay = b.baseDelay;
    }

    /** A builder; {@link Builder#credentialsProvider} is required. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public List<Unit> listRoots() {
        List<Unit> out = new ArrayList<>();
        pages("ListRoots", b -> { }, "Roots", n -> out.add(new Unit(n.path("Id").asText(), n.path("Name").asText())));
        return out;
    }

    @Override
    public List<Unit> listOrganizationalUnitsForParent(String parentId) {
        Objects.requireNonNull(parentId, "parentId");
        List<Unit> out = new ArrayList<>();
        pages("ListOrganizationalUnitsForParent", b -> b.put("ParentId", parentId), "OrganizationalUnits",
                n -> out.add(new Unit(n.path("Id").asText(), n.path("Name").asText())));
        return out;
    }

    @Override
    public List<Account> listAccounts() {
        List<Account> out = new ArrayList<>();
        pages("ListAccounts", b -> { }, "Accounts", n -> out.add(account(n)));
        return out;
    }

    @Override
    public List<Account> listAccountsForParent(String parentId) {
        Objects.requireNonNull(parentId, "parentId");
        List<Account> out = new ArrayList<>();
        pages("ListAccountsForParent", b -> b.put("ParentId", parentId), "Accounts", n -> out.add(account(n)));
        return out;
    }

    @Override
    public Map<String, String> listTagsForResource(String resourceId) {
        Objects.requireNonNull(resourceId, "resourceId");
        Map<String, String> out = new LinkedHashMap<>();
        pages("ListTagsForResource", b -> b.put("ResourceId", resourceId), "Tags",
                n -> out.put(n.path("Key").asText(), n.path("Value").asText()));
        return out;
    }

    private static Account account(JsonNode n) {
        String status = n.hasNonNull("State") ? n.get("State").asText() : n.path("Status").asText("UNKNOWN");
        return new Account(n.path("Id").asText(), n.path("Name").asText(""), status);
    }

    /** Calls {@code operation} page by page, handing each item of {@code listField} to {@code item}. */
    private void pages(String operation, Consumer<ObjectNode> params, String listField, Consumer<JsonNode> item) {
        String token = null;
        int guard = 0;
        do {
            ObjectNode body = JSON.createObjectNode();
            params.accept(body);
            if (token != null) {
                body.put("NextToken", token);
            }
            JsonNode page = call(operation, body);
            for (JsonNode n : page.path(listField)) {
                item.accept(n);
            }
            String next = page.path("NextToken").asText(null);
            if (next != null && next.equals(token)) {
                throw new CanaryException("organizations:" + operation + " returned the same NextToken twice; stopping");
            }
            token = next == null || next.isEmpty() ? null : next;
            if (++guard > 100_000) {
                throw new CanaryException("organizations:" + operation + " did not stop paging after 100,000 pages");
            }
        } while (token != null);
    }

    /** One call with retries; the parsed answer. */
    JsonNode call(String operation, ObjectNode params) {
        byte[] body = params.toString().getBytes(StandardCharsets.UTF_8);
        for (int attempt = 1; ; attempt++) {
            String retryable;
            try {
                Answer a = send(operation, body);
                if (a.status / 100 == 2) {
                    return a.json;
                }
                String code = errorCode(a.json);
                String message = a.json.hasNonNull("Message") ? a.json.get("Message").asText()
                        : a.json.path("message").asText("");
                boolean throttled = a.status == 429 || code.equals("TooManyRequestsException")
                        || code.equals("ThrottlingException");
                if (!throttled && a.status < 500) {
                    throw new CanaryException("organizations:" + operation + " failed: " + code + " (HTTP " + a.status
                            + "): " + message + hint(code));
                }
                retryable = code + " (HTTP " + a.status + ")";
            } catch (IOException e) {
                retryable = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            if (attempt >= maxAttempts) {
                throw new CanaryException("organizations:" + operation + " failed after " + attempt + " attempts: "
                        + retryable);
            }
            long cap = Math.min(20_000L, baseDelay.toMillis() << Math.min(attempt - 1, 16));
            long sleep = ThreadLocalRandom.current().nextLong(cap + 1);
            LOG.debug("organizations:{} attempt {} failed ({}); retrying in {} ms", operation, attempt, retryable, sleep);
            try {
                Thread.sleep(sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CanaryException("interrupted while retrying organizations:" + operation, e);
            }
        }
    }

    private static String hint(String code) {
        if (code.equals("AccessDeniedException") || code.equals("AWSOrganizationsNotInUseException")) {
            return "; discovery must run as the management account or a delegated administrator, with"
                    + " organizations:ListAccounts, ListAccountsForParent, ListRoots, ListOrganizationalUnitsForParent"
                    + " and ListTagsForResource";
        }
        return "";
    }

    private static String errorCode(JsonNode json) {
        String type = json.path("__type").asText("");
        int hash = type.lastIndexOf('#');
        String code = hash >= 0 ? type.substring(hash + 1) : type;
        int colon = code.indexOf(':');
        return colon >= 0 ? code.substring(0, colon) : code.isEmpty() ? "UnknownError" : code;
    }

    private record Answer(int status, JsonNode json) {
    }

    private Answer send(String operation, byte[] body) throws IOException {
        SdkHttpFullRequest request = SdkHttpFullRequest.builder().method(SdkHttpMethod.POST).uri(endpoint)
                .encodedPath(endpoint.getRawPath() == null || endpoint.getRawPath().isEmpty() ? "/" : endpoint.getRawPath())
                .putHeader("Content-Type", "application/x-amz-json-1.1")
                .putHeader("X-Amz-Target", TARGET + operation)
                .putHeader("Content-Length", Integer.toString(body.length))
                .build();
        SignedRequest signed = signer.sign(r -> r.identity(credentials.resolveCredentials()).request(request)
                .payload(ContentStreamProvider.fromByteArray(body))
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "organizations")
                .putProperty(AwsV4HttpSigner.REGION_NAME, region));
        HttpExecuteResponse response = http.prepareRequest(HttpExecuteRequest.builder().request(signed.request())
                .contentStreamProvider(signed.payload().orElse(null)).build()).call();
        int status = response.httpResponse().statusCode();
        JsonNode json;
        try (InputStream in = response.responseBody().orElse(null)) {
            byte[] bytes = in == null ? new byte[0] : in.readNBytes(8 << 20);
            json = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            if (status / 100 == 2) {
                throw new IOException("organizations:" + operation + " answered with a body that is not JSON");
            }
            json = JSON.createObjectNode();
        }
        if (json == null || !json.isObject()) {
            json = JSON.createObjectNode();
        }
        return new Answer(status, json);
    }

    @Override
    public void close() {
        if (ownsHttp) {
            http.close();
        }
    }

    @Override
    public String toString() {
        return "SignedOrganizationsApi[" + endpoint + "]";
    }

    /**
     * Builder for {@link SignedOrganizationsApi}.
     *
     * @since 0.1.0
     */
    public static final class Builder {
        private URI endpoint = AWS_ENDPOINT;
        private String region = "us-east-1";
        private @Nullable AwsCredentialsProvider credentials;
        private @Nullable SdkHttpClient http;
        private int maxAttempts = 8;
        private Duration baseDelay = Duration.ofMillis(200);

        private Builder() {
        }

        /** The endpoint (default {@link #AWS_ENDPOINT}; an emulator's URL in tests). */
        public Builder endpoint(URI v) {
            endpoint = Objects.requireNonNull(v, "endpoint");
            return this;
        }

        /** The signing region (default {@code us-east-1}). */
        public Builder region(String v) {
            region = Objects.requireNonNull(v, "region");
            return this;
        }

        /** The credentials of the management account or a delegated administrator (required). */
        public Builder credentialsProvider(AwsCredentialsProvider v) {
            credentials = Objects.requireNonNull(v, "credentialsProvider");
            return this;
        }

        /** The HTTP client (default: a URL-connection client this object owns and closes). */
        public Builder httpClient(SdkHttpClient v) {
            http = Objects.requireNonNull(v, "httpClient");
            return this;
        }

        /** Attempts per call, 1-20 (default 8). */
        public Builder maxAttempts(int v) {
            if (v < 1 || v > 20) {
                throw new CanaryConfigurationException("organizations max-attempts must be 1-20, was " + v);
            }
            maxAttempts = v;
            return this;
        }

        /** The first retry's backoff cap (default 200 ms; doubled per attempt, at most 20 s). */
        public Builder baseDelay(Duration v) {
            Objects.requireNonNull(v, "baseDelay");
            if (v.isNegative()) {
                throw new CanaryConfigurationException("baseDelay must not be negative: " + v);
            }
            baseDelay = v;
            return this;
        }

        /**
         * Builds the client.
         *
         * @throws CanaryConfigurationException without credentials
         */
        public SignedOrganizationsApi build() {
            if (credentials == null) {
                throw new CanaryConfigurationException("the Organizations client needs credentials of the management"
                        + " account or a delegated administrator");
            }
            return new SignedOrganizationsApi(this);
        }
    }
}
