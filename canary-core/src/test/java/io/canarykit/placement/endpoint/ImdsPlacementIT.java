package io.canarykit.placement.endpoint;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.MutableClock;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.placement.CredentialRefresher;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.InstanceProfileCredentialsProvider;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK's own InstanceProfileCredentialsProvider against the IMDS placement. */
class ImdsPlacementIT {
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> closing = new ArrayList<>();
    private String oldDisabled;
    private String oldV1Disabled;
    private String oldTimeout;

    @BeforeEach
    void enableImdsForTheSdk() {
        // surefire sets AWS_EC2_METADATA_DISABLED=true; the system property wins over the environment variable
        oldDisabled = System.setProperty("aws.disableEc2Metadata", "false");
        oldV1Disabled = System.getProperty("aws.disableEc2MetadataV1");
        // the SDK gives the metadata service one second; a loaded build machine can take longer to answer first
        oldTimeout = System.setProperty("aws.ec2MetadataServiceTimeout", "10");
    }

    @AfterEach
    void restore() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
        set("aws.disableEc2Metadata", oldDisabled);
        set("aws.disableEc2MetadataV1", oldV1Disabled);
        set("aws.ec2MetadataServiceTimeout", oldTimeout);
    }

    private ImdsPlacement imds(ImdsPlacement.Builder b) {
        ImdsPlacement p = b.build();
        closing.add(p);
        return p;
    }

    private AwsCredentials sdk(URI endpoint) {
        try (InstanceProfileCredentialsProvider p = InstanceProfileCredentialsProvider.builder()
                .endpoint(endpoint.toString()).asyncCredentialUpdateEnabled(false).build()) {
            return p.resolveCredentials();
        }
    }

    @Test
    void theSdkResolvesTheCanary() throws Exception {
        ImdsPlacement p = imds(ImdsPlacement.builder());
        PlacementReceipt r = p.place(request(session1(), "role", "web-prod-instance"));
        AwsCredentials got = sdk(p.endpoint());
        assertResolvesTo(got, session1());
        // SDK v2 2.57.8 reads only the legacy path (its bytecode names no -extended path); newer SDKs try the extended
        // path first and read AccountId from it
        String token = token(p.endpoint(), "60").body();
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials-extended/", token).body())
                .isEqualTo("web-prod-instance");
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials-extended/web-prod-instance", token).body())
                .contains("\"AccessKeyId\" : \"" + session1().accessKeyId() + "\"")
                .contains("\"AccountId\" : \"" + AccountIds.fromAccessKeyId(session1().accessKeyId()) + "\"");
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials/web-prod-instance", token).body())
                .doesNotContain("AccountId");
        assertThat(r.location()).isEqualTo(p.endpoint() + "/latest/meta-data/iam/security-credentials/web-prod-instance");
        assertThat(p.verify(r).present()).isTrue();
        p.remove(r);
        assertThat(p.verify(r).present()).isFalse();
        assertThatThrownBy(() -> sdk(p.endpoint())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theSdkFallsBackToTheLegacyPathWhenTheExtendedApiIsMissing() throws Exception {
        ImdsPlacement p = imds(ImdsPlacement.builder().extendedApi(false));
        p.place(request(session1(), "role", "legacy-role"));
        assertResolvesTo(sdk(p.endpoint()), session1());
        String token = token(p.endpoint(), "60").body();
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials-extended/", token).statusCode()).isEqualTo(404);
    }

    @Test
    void imdsV2RequiresAToken() throws Exception {
        ImdsPlacement p = imds(ImdsPlacement.builder());
        p.place(request(session1(), "role", "r"));
        URI e = p.endpoint();
        assertThat(get(e, "/latest/meta-data/iam/security-credentials/r", null).statusCode()).isEqualTo(401);
        assertThat(get(e, "/latest/meta-data/iam/security-credentials/r", "made-up").statusCode()).isEqualTo(401);
        assertThat(token(e, null).statusCode()).isEqualTo(400);
        assertThat(token(e, "0").statusCode()).isEqualTo(400);
        assertThat(token(e, "21601").statusCode()).isEqualTo(400);
        HttpResponse<String> forwarded = http.send(HttpRequest.newBuilder(e.resolve("/latest/api/token"))
                .PUT(HttpRequest.BodyPublishers.noBody()).header("X-aws-ec2-metadata-token-ttl-seconds", "60")
                .header("X-Forwarded-For", "10.0.0.1").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forwarded.statusCode()).isEqualTo(403);
        HttpResponse<String> ok = token(e, "21600");
        assertThat(ok.statusCode()).isEqualTo(200);
        assertThat(ok.headers().firstValue("X-aws-ec2-metadata-token-ttl-seconds")).contains("21600");
        HttpResponse<String> list = get(e, "/latest/meta-data/iam/security-credentials/", ok.body());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo("r");
        HttpResponse<String> creds = get(e, "/latest/meta-data/iam/security-credentials/r", ok.body());
        assertThat(creds.body()).contains("\"Code\" : \"Success\"", "\"Type\" : \"AWS-HMAC\"", "\"Token\" : \"" + TOKEN_1,
                "\"Expiration\" : \"2030-01-01T12:00:00Z\"");
        assertThat(get(e, "/latest/meta-data/iam/security-credentials/other", ok.body()).statusCode()).isEqualTo(404);
        assertThat(get(e, "/latest/meta-data/instance-id", ok.body()).body()).startsWith("i-0");
        assertThat(get(e, "/latest/meta-data/iam/info", ok.body()).body()).contains("instance-profile/r");
        assertThat(get(e, "/latest/dynamic/instance-identity/document", ok.body()).body())
                .contains(AccountIds.fromAccessKeyId(session1().accessKeyId()));
    }

    @Test
    void expiredTokensAreRefused() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2029-12-31T00:00:00Z"));
        ImdsPlacement p = imds(ImdsPlacement.builder().clock(clock));
        p.place(request(session1(), "role", "r"));
        String token = token(p.endpoint(), "60").body();
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials/r", token).statusCode()).isEqualTo(200);
        clock.advance(Duration.ofSeconds(61));
        assertThat(get(p.endpoint(), "/latest/meta-data/iam/security-credentials/r", token).statusCode()).isEqualTo(401);
    }

    @Test
    void imdsV1OnlyWhenAllowed() {
        ImdsPlacement p = imds(ImdsPlacement.builder().allowImdsV1(true));
        p.place(request(session1(), "role", "v1-role"));
        assertThat(getQuietly(p.endpoint(), "/latest/meta-data/iam/security-credentials/v1-role")).isEqualTo(200);
    }

    @Test
    void refreshesShortTermCanariesBeforeTheyExpire() {
        MutableClock clock = new MutableClock(EXPIRY.minus(Duration.ofHours(1)));
        List<CredentialRefresher.Request> asked = new ArrayList<>();
        CanaryCredential next = new CanaryCredential("ASIAY34FZKBOKMUTVV7N", Secret.of(SECRET_2), Secret.of(TOKEN_2),
                EXPIRY.plus(Duration.ofHours(6)));
        ImdsPlacement p = imds(ImdsPlacement.builder().clock(clock).refresher(req -> {
            asked.add(req);
            return next;
        }));
        PlacementReceipt r = p.place(request(session1(), "role", "r"));
        assertResolvesTo(sdk(p.endpoint()), session1());
        assertThat(asked).isEmpty();

        clock.advance(Duration.ofMinutes(56)); // 4 minutes before expiry
        assertResolvesTo(sdk(p.endpoint()), next);
        assertThat(asked).hasSize(1);
        assertThat(asked.get(0).accessKeyId()).isEqualTo(session1().accessKeyId());
        assertThat(asked.get(0).location()).isEqualTo("r");
        assertThat(p.verify(r).present()).isTrue();
        assertThat(p.verify(r).detail()).contains("refreshed to ASIAY34FZKBOKMUTVV7N");
        assertResolvesTo(sdk(p.endpoint()), next);
        assertThat(asked).hasSize(1);
    }

    @Test
    void aFailingRefresherKeepsServingTheCurrentCanary() {
        MutableClock clock = new MutableClock(EXPIRY.minus(Duration.ofMinutes(1)));
        ImdsPlacement p = imds(ImdsPlacement.builder().clock(clock).refresher(req -> {
            throw new IllegalStateException("issuer down " + SECRET_2);
        }));
        p.place(request(session1(), "role", "r"));
        assertResolvesTo(sdk(p.endpoint()), session1());
    }

    @Test
    void refusesLongTermKeysASecondRoleAndBadNames() {
        ImdsPlacement p = imds(ImdsPlacement.builder());
        assertThatThrownBy(() -> p.place(request(longTerm1(), "role", "r")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("allow-long-term");
        assertThatThrownBy(() -> p.place(request(session1(), "role", "bad role")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("invalid role name");
        PlacementReceipt r = p.place(request(session1(), "role", "one"));
        assertThatThrownBy(() -> p.place(request(session2(), "role", "two")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("one role");
        PlacementReceipt r2 = p.replace(r, request(session2(), "role", "one"));
        assertResolvesTo(sdk(p.endpoint()), session2());
        assertThat(p.verify(r2).present()).isTrue();
        PlacementReceipt lt = imds(ImdsPlacement.builder()).place(request(longTerm1(), "role", "r", "allow-long-term", "true"));
        assertThat(lt.detail("accessKeyId")).isEqualTo(longTerm1().accessKeyId());
    }

    @Test
    void verifiesAnotherEndpointOverHttp() {
        ImdsPlacement serving = imds(ImdsPlacement.builder());
        PlacementReceipt r = serving.place(request(session1(), "role", "r"));
        ImdsPlacement other = imds(ImdsPlacement.builder());
        assertThat(other.verify(r).present()).isTrue();
        serving.close();
        assertThat(other.verify(r).present()).isFalse();
        assertThat(other.verify(r).detail()).contains("cannot be reached");
    }

    private HttpResponse<String> token(URI e, String ttl) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(e.resolve("/latest/api/token")).PUT(HttpRequest.BodyPublishers.noBody());
        if (ttl != null) {
            b.header("X-aws-ec2-metadata-token-ttl-seconds", ttl);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(URI e, String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(e.resolve(path)).GET();
        if (token != null) {
            b.header("X-aws-ec2-metadata-token", token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int getQuietly(URI e, String path) {
        try {
            return get(e, path, null).statusCode();
        } catch (IOException | InterruptedException ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void set(String key, String value) {
        if (value == null) {
            System.clearProperty(key);
        } else {
            System.setProperty(key, value);
        }
    }
}
