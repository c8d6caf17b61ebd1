package io.canarykit.placement.endpoint;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.MutableClock;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.canarykit.placement.Fixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The SDK's own ContainerCredentialsProvider against the container credentials placement. */
class ContainerCredentialsPlacementIT {
    private static final List<String> PROPERTIES = List.of("aws.containerCredentialsFullUri", "aws.containerAuthorizationToken",
            "aws.containerCredentialsPath");
    private final List<ContainerCredentialsPlacement> closing = new ArrayList<>();
    private final Map<String, String> saved = new java.util.HashMap<>();

    @TempDir
    Path home;

    private ContainerCredentialsPlacement endpoint(ContainerCredentialsPlacement.Builder b) {
        ContainerCredentialsPlacement p = b.environment(environment(home)).build();
        closing.add(p);
        return p;
    }

    @AfterEach
    void restore() {
        closing.forEach(ContainerCredentialsPlacement::close);
        saved.forEach((k, v) -> {
            if (v == null) {
                System.clearProperty(k);
            } else {
                System.setProperty(k, v);
            }
        });
    }

    private AwsCredentials sdk(String fullUri, String token) {
        for (String k : PROPERTIES) {
            saved.putIfAbsent(k, System.getProperty(k));
            System.clearProperty(k);
        }
        System.setProperty("aws.containerCredentialsFullUri", fullUri);
        if (token != null) {
            System.setProperty("aws.containerAuthorizationToken", token);
        }
        try (ContainerCredentialsProvider p = ContainerCredentialsProvider.builder().asyncCredentialUpdateEnabled(false).build()) {
            return p.resolveCredentials();
        }
    }

    @Test
    void theSdkResolvesTheCanaryWithTheAuthorizationToken() {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        PlacementReceipt r = p.place(request(session1(), "role-arn", "arn:aws:iam::609629065308:role/ecs-task"));
        assertThat(r.location()).startsWith(p.endpoint() + "/v2/credentials/");
        assertThat(r.details()).doesNotContainKey("token");
        Secret token = p.authorizationToken(r);
        assertResolvesTo(sdk(r.location(), token.reveal()), session1());
        assertThat(p.verify(r).present()).isTrue();

        assertThatThrownBy(() -> sdk(r.location(), null)).isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> sdk(r.location(), "wrong")).isInstanceOf(RuntimeException.class);

        p.remove(r);
        assertThat(p.verify(r).present()).isFalse();
        assertThatThrownBy(() -> sdk(r.location(), token.reveal())).isInstanceOf(RuntimeException.class);
    }

    @Test
    void theTokenCheckAnswers401AndUnknownPaths404() throws Exception {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        PlacementReceipt r = p.place(request(session1()));
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> none = http.send(HttpRequest.newBuilder(URI.create(r.location())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).doesNotContain(SECRET_1).doesNotContain(TOKEN_1);
        HttpResponse<String> ok = http.send(HttpRequest.newBuilder(URI.create(r.location()))
                .header("Authorization", p.authorizationToken(r).reveal()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ok.statusCode()).isEqualTo(200);
        // SDK v2 2.57.8 ignores AccountId here; newer SDKs read it
        assertThat(ok.body()).contains("\"Token\" : \"" + TOKEN_1 + "\"", "\"Expiration\" : \"2030-01-01T12:00:00Z\"",
                "\"AccountId\" : \"" + AccountIds.fromAccessKeyId(session1().accessKeyId()) + "\"");
        assertThat(http.send(HttpRequest.newBuilder(p.endpoint().resolve("/v2/credentials/nope")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(404);
    }

    @Test
    void theTokenCanBeHandedOverInAPrivateFile() throws Exception {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        Path tokenFile = home.resolve("run/ecs-token");
        PlacementReceipt r = p.place(request(session1(), "token-file", tokenFile.toString()));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        String token = Files.readString(tokenFile, StandardCharsets.US_ASCII);
        assertThat(token).isEqualTo(p.authorizationToken(r).reveal());
        assertResolvesTo(sdk(r.location(), token), session1());
        p.remove(r);
        assertThat(tokenFile).doesNotExist();

        PlacementReceipt again = p.place(request(session1(), "token-file", tokenFile.toString()));
        assertThat(tokenFile).exists();
        p.close(); // the endpoint is gone, and so is its token file
        assertThat(tokenFile).doesNotExist();
        assertThat(again.detail("tokenFile")).isEqualTo(tokenFile.toString());
    }

    @Test
    void withoutAuthorizationLikeARelativeUri() {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        PlacementReceipt r = p.place(request(session1(), "authorization", "false", "relative-uri", "/v2/credentials/task-1"));
        assertThat(r.location()).isEqualTo(p.endpoint() + "/v2/credentials/task-1");
        assertResolvesTo(sdk(r.location(), null), session1());
        assertThatThrownBy(() -> p.authorizationToken(r)).isInstanceOf(CanaryConfigurationException.class);
    }

    @Test
    void rotationKeepsThePathAndTokenAndRefreshWorks() {
        MutableClock clock = new MutableClock(EXPIRY.minus(Duration.ofHours(2)));
        CanaryCredential refreshed = new CanaryCredential("ASIAY34FZKBOKMUTVV7R", Secret.of(SECRET_2), Secret.of(TOKEN_2),
                EXPIRY.plus(Duration.ofHours(1)));
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder().clock(clock)
                .refresher(req -> refreshed));
        PlacementReceipt r = p.place(request(session1()));
        String token = p.authorizationToken(r).reveal();
        PlacementReceipt r2 = p.replace(r, request(session2()));
        assertThat(r2.location()).isEqualTo(r.location());
        assertThat(p.authorizationToken(r2).reveal()).isEqualTo(token);
        assertResolvesTo(sdk(r2.location(), token), session2());
        clock.advance(Duration.ofHours(2).plusMinutes(56)); // session2 expires an hour after EXPIRY: 4 minutes left
        assertResolvesTo(sdk(r2.location(), token), refreshed);
    }

    @Test
    void refusesLongTermKeysAndBadOptions() {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        assertThatThrownBy(() -> p.place(request(longTerm1())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("allow-long-term");
        assertThatThrownBy(() -> p.place(request(session1(), "role-arn", "not-an-arn")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("role-arn");
        assertThatThrownBy(() -> p.place(request(session1(), "relative-uri", "no-slash")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("relative-uri");
    }

    @Test
    void aTokenFileHoldingSomethingElseIsRefusedAndRotationToAnotherTokenFileTakesTheOldOneOut() throws Exception {
        ContainerCredentialsPlacement p = endpoint(ContainerCredentialsPlacement.builder());
        Path foreign = home.resolve("etc/hostname");
        write(foreign, "build-7\n".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> p.place(request(session1(), "token-file", foreign.toString())))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("already exists");
        assertThat(Files.readString(foreign)).isEqualTo("build-7\n");

        Path first = home.resolve("run/a/token");
        Path second = home.resolve("run/b/token");
        PlacementReceipt r = p.place(request(session1(), "token-file", first.toString()));
        assertThat(r.detail("createdTokenDirectory")).isEqualTo(home.resolve("run").toString());
        PlacementReceipt r2 = p.replace(r, request(session2(), "token-file", second.toString()));
        assertThat(first).doesNotExist();
        assertThat(home.resolve("run/a")).doesNotExist();
        assertThat(Files.readString(second)).isEqualTo(p.authorizationToken(r2).reveal());
        p.remove(r2);
        assertThat(home.resolve("run")).as("the directories made for the token files go with them").doesNotExist();
    }
}
