package io.canarykit.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.canarykit.Alert;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AlertJsonTest {
    @Test
    void carriesWhatAResponderNeeds() throws Exception {
        Alert alert = Alerts.initial("e1");
        String line = AlertJson.toJson(alert);
        JsonNode j = new ObjectMapper().readTree(line);

        assertThat(line).doesNotContain("\n");
        assertThat(j.get("type").asText()).isEqualTo("INITIAL");
        assertThat(j.get("alertId").asText()).startsWith(alert.canary().id().value() + "-");
        JsonNode canary = j.get("canary");
        assertThat(canary.get("id").asText()).isEqualTo(alert.canary().id().value());
        assertThat(canary.get("accountId").asText()).isEqualTo("111122223333");
        assertThat(canary.at("/principal/arn").asText()).isEqualTo("arn:aws:iam::111122223333:user/canary/ci-deploy-7f3a");
        assertThat(canary.at("/asset/labels/owner").asText()).isEqualTo("platform");
        assertThat(canary.at("/placement/location").asText()).isEqualTo("/home/dev/.aws/credentials");
        assertThat(canary.at("/placement/details/profile").asText()).isEqualTo("deploy");
        JsonNode s = j.get("sighting");
        assertThat(s.get("service").asText()).isEqualTo("iam.amazonaws.com");
        assertThat(s.get("call").asText()).isEqualTo("ListUsers");
        assertThat(s.get("region").asText()).isEqualTo("us-east-1");
        assertThat(s.get("time").asText()).isEqualTo("2026-11-28T11:00:00Z");
        assertThat(s.get("sourceIp").asText()).isEqualTo("203.0.113.9");
        assertThat(s.get("userAgent").asText()).isEqualTo("aws-cli/2.15.30");
        assertThat(s.get("errorCode").asText()).isEqualTo("AccessDenied");
        assertThat(s.get("source").asText()).isEqualTo("cloudtrail-s3");
        assertThat(j.at("/window/issuedAt").asText()).isEqualTo("2026-11-28T10:00:01Z");
        assertThat(j.at("/window/firstUse").asText()).isEqualTo("2026-11-28T11:00:00Z");
        assertThat(j.at("/window/seconds").asLong()).isEqualTo(3599);
        assertThat(j.get("priorSightings").asInt()).isZero();
        assertThat(j.get("sightings")).hasSize(1);
    }

    @Test
    void theIdDependsOnTheSightingsNotOnWhenItWasRaised() {
        Alert a = Alerts.followUp("x", "y");
        Alert again = new Alert(a.type(), a.canary(), a.sighting(), a.sightings(), a.window(), a.priorSightings(),
                a.raisedAt().plusSeconds(999));

        assertThat(AlertJson.alertId(again)).isEqualTo(AlertJson.alertId(a));
        assertThat(AlertJson.alertId(Alerts.followUp("x", "y", "z"))).isNotEqualTo(AlertJson.alertId(a));
        assertThat(AlertJson.alertId(Alerts.initial("x"))).isNotEqualTo(AlertJson.alertId(Alerts.followUp("x")));
    }
}
