package io.canarykit.alert;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.canarykit.Alert;
import io.canarykit.AlertType;
import io.canarykit.Classification;
import io.canarykit.DetectionWindow;
import io.canarykit.Sighting;
import io.canarykit.SightingClass;
import io.canarykit.SightingKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * canarykit's OCSF and ECS output validated, with a JSON Schema validator (networknt), against the published schemas
 * (test resources, with their licences): the Detection Finding class of OCSF 1.8.0 and the ECS 8.11.0 field
 * definitions. Alerts of every classification, a follow-up of several sightings with an exposure notice and an
 * unlogged use (fields missing), and positive controls (what the schemas must refuse).
 */
class AlertFormatSchemaTest {
    private static Schema ocsf;
    private static Schema ecs;

    @BeforeAll
    static void loadSchemas() {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        ocsf = registry.getSchema(OcsfJsonSchema.forClass("findings/detection_finding", "cloud"), InputFormat.JSON);
        ecs = registry.getSchema(EcsJsonSchema.schema("canarykit"), InputFormat.JSON);
    }

    private static List<Alert> alerts() {
        List<Alert> out = new ArrayList<>();
        for (SightingClass kind : SightingClass.values()) {
            Alert base = Alerts.initial("e-" + kind.configName());
            Classification c = new Classification(kind, List.of("evidence for " + kind.configName()));
            out.add(new Alert(AlertType.INITIAL, base.canary(), base.sighting(), base.sightings(), base.window(), 0,
                    base.raisedAt(), c, List.of(c)));
        }
        Alert base = Alerts.initial("f0");
        Sighting unlogged = Sighting.builder().source("access-key-last-used").sourceEventId("unlogged:x")
                .time(base.sighting().time().plusSeconds(60)).kind(SightingKind.UNLOGGED_USE).service("sns")
                .accessKeyId(base.canary().accessKeyId()).canaryId(base.canary().id()).build();
        Sighting notice = Sighting.builder().source("eventbridge").sourceEventId("q1").time(base.sighting().time().plusSeconds(90))
                .kind(SightingKind.EXPOSURE_NOTICE).service("iam.amazonaws.com").call("AttachUserPolicy")
                .sourceIp("AWS Internal").userAgent("AWS Internal").principalArn(base.canary().principal().arn())
                .canaryId(base.canary().id()).build();
        List<Sighting> several = List.of(base.sighting(), unlogged, notice);
        List<Classification> classes = List.of(Classification.of(SightingClass.API_USE, "a"),
                Classification.of(SightingClass.SECRET_SCANNER_VERIFICATION, "b"),
                Classification.of(SightingClass.EXPOSED_PUBLICLY, "c"));
        out.add(new Alert(AlertType.FOLLOW_UP, base.canary(), notice, several,
                new DetectionWindow(base.window().issuedAt(), base.sighting().time()), 3, base.raisedAt(),
                classes.get(2), classes));
        return out;
    }

    @Test
    void everyOcsfAlertIsAValidDetectionFinding() {
        for (Alert a : alerts()) {
            String json = AlertFormat.OCSF.render(a).toString();
            List<Error> errors = ocsf.validate(json, InputFormat.JSON);
            assertThat(errors).as(a.classification().kind() + " " + a.type() + ": " + json).isEmpty();
        }
    }

    @Test
    void theSchemaIsStrictEnoughToFail() {
        var finding = AlertFormat.OCSF.render(alerts().get(0));
        finding.put("not_an_ocsf_attribute", 1);
        assertThat(ocsf.validate(finding.toString(), InputFormat.JSON)).isNotEmpty();
        var noClass = AlertFormat.OCSF.render(alerts().get(0));
        noClass.remove("class_uid");
        assertThat(ocsf.validate(noClass.toString(), InputFormat.JSON)).as("class_uid is required").isNotEmpty();
        var badSeverity = AlertFormat.OCSF.render(alerts().get(0));
        badSeverity.put("severity_id", 42);
        assertThat(ocsf.validate(badSeverity.toString(), InputFormat.JSON)).isNotEmpty();
    }

    @Test
    void everyEcsAlertIsAValidEcsEvent() {
        for (Alert a : alerts()) {
            String json = AlertFormat.ECS.render(a).toString();
            List<Error> errors = ecs.validate(json, InputFormat.JSON);
            assertThat(errors).as(a.classification().kind() + " " + a.type() + ": " + json).isEmpty();
        }
        var badKind = AlertFormat.ECS.render(alerts().get(0));
        ((com.fasterxml.jackson.databind.node.ObjectNode) badKind.get("event")).put("kind", "canary");
        assertThat(ecs.validate(badKind.toString(), InputFormat.JSON)).as("event.kind is one of ECS's").isNotEmpty();
        var badField = AlertFormat.ECS.render(alerts().get(0));
        ((com.fasterxml.jackson.databind.node.ObjectNode) badField.get("source")).put("ipaddress", "x");
        assertThat(ecs.validate(badField.toString(), InputFormat.JSON)).as("no invented ECS field").isNotEmpty();
        var noTimestamp = AlertFormat.ECS.render(alerts().get(0));
        noTimestamp.remove("@timestamp");
        assertThat(ecs.validate(noTimestamp.toString(), InputFormat.JSON)).as("@timestamp is required").isNotEmpty();
    }
}
