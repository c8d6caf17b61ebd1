package io.canarykit.store.dynamodb;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndex;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** TABLE.md's CloudFormation and Terraform definitions must say what {@link DynamoDbCanaryTable} creates. */
class TableDocumentationTest {
    private static final CreateTableRequest TABLE = DynamoDbCanaryTable.createTableRequest("canarykit");

    private static String section(String heading) throws IOException {
        String doc = Files.readString(Path.of("TABLE.md"));
        int start = doc.indexOf("## " + heading);
        assertThat(start).as(heading + " section").isNotNegative();
        int end = doc.indexOf("\n## ", start + 3);
        return doc.substring(start, end < 0 ? doc.length() : end);
    }

    @Test
    void cloudFormationMatchesTheTableDefinition() throws IOException {
        String cfn = section("CloudFormation");
        assertThat(cfn).contains("BillingMode: PAY_PER_REQUEST")
                .contains("- { AttributeName: pk, KeyType: HASH }").contains("- { AttributeName: sk, KeyType: RANGE }")
                .contains("TimeToLiveSpecification: { AttributeName: ttl, Enabled: true }");
        for (AttributeDefinition a : TABLE.attributeDefinitions()) {
            assertThat(cfn).contains("{ AttributeName: " + a.attributeName() + ", AttributeType: S }");
        }
        assertThat(count(cfn, "AttributeType: S")).isEqualTo(TABLE.attributeDefinitions().size());
        assertThat(count(cfn, "IndexName:")).isEqualTo(TABLE.globalSecondaryIndexes().size());
        for (GlobalSecondaryIndex gsi : TABLE.globalSecondaryIndexes()) {
            Matcher m = Pattern.compile("IndexName: " + gsi.indexName() + "\\n\\s+KeySchema: \\[ \\{ AttributeName: (\\w+), KeyType: HASH \\},"
                    + " \\{ AttributeName: (\\w+), KeyType: RANGE \\} \\]\\n\\s+Projection: \\{ ProjectionType: (\\w+)(?:, NonKeyAttributes: \\[ ([\\w, ]+) \\])? \\}")
                    .matcher(cfn);
            assertThat(m.find()).as(gsi.indexName()).isTrue();
            assertThat(m.group(1)).isEqualTo(gsi.keySchema().get(0).attributeName());
            assertThat(m.group(2)).isEqualTo(gsi.keySchema().get(1).attributeName());
            assertThat(m.group(3)).isEqualTo(gsi.projection().projectionTypeAsString());
            assertThat(m.group(4) == null ? "" : m.group(4)).isEqualTo(String.join(", ", gsi.projection().nonKeyAttributes()));
        }
    }

    @Test
    void terraformMatchesTheTableDefinition() throws IOException {
        String tf = section("Terraform");
        assertThat(tf).contains("billing_mode                = \"PAY_PER_REQUEST\"")
                .contains("hash_key                    = \"pk\"").contains("range_key                   = \"sk\"")
                .contains("attribute_name = \"ttl\"");
        for (AttributeDefinition a : TABLE.attributeDefinitions()) {
            assertThat(tf).contains("name = \"" + a.attributeName() + "\"\n    type = \"S\"");
        }
        assertThat(count(tf, "type = \"S\"")).isEqualTo(TABLE.attributeDefinitions().size());
        assertThat(count(tf, "global_secondary_index {")).isEqualTo(TABLE.globalSecondaryIndexes().size());
        for (GlobalSecondaryIndex gsi : TABLE.globalSecondaryIndexes()) {
            Matcher m = Pattern.compile("name\\s+= \"" + gsi.indexName() + "\"\\n\\s+hash_key\\s+= \"(\\w+)\"\\n\\s+range_key\\s+= \"(\\w+)\"\\n"
                    + "\\s+projection_type\\s+= \"(\\w+)\"(?:\\n\\s+non_key_attributes = \\[([\\w\", ]+)\\])?").matcher(tf);
            assertThat(m.find()).as(gsi.indexName()).isTrue();
            assertThat(m.group(1)).isEqualTo(gsi.keySchema().get(0).attributeName());
            assertThat(m.group(2)).isEqualTo(gsi.keySchema().get(1).attributeName());
            assertThat(m.group(3)).isEqualTo(gsi.projection().projectionTypeAsString());
            assertThat(m.group(4) == null ? "" : m.group(4).replace("\"", ""))
                    .isEqualTo(String.join(", ", gsi.projection().nonKeyAttributes()));
        }
    }

    private static int count(String text, String needle) {
        int n = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
