package io.canarykit.store.jdbc;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The shipped migration scripts: complete, parallel across dialects, and free of secret columns. */
class SchemaScriptsTest {
    private static final Pattern CREATED = Pattern.compile("CREATE (?:TABLE|INDEX) IF NOT EXISTS (\\w+)");

    @Test
    void everyDialectShipsExactlyTheKnownScriptsInFlywayNaming() throws Exception {
        List<String> expected = Migration.ALL.stream().map(m -> "V" + m.version() + "__" + m.description() + ".sql").toList();
        for (JdbcDialect d : JdbcDialect.values()) {
            URL folder = getClass().getClassLoader().getResource(d.scriptLocation());
            assertThat(folder).as(d.scriptLocation()).isNotNull();
            try (Stream<Path> files = Files.list(Path.of(folder.toURI()))) {
                assertThat(files.map(p -> p.getFileName().toString()).sorted().toList()).as(d.configName())
                        .containsExactlyElementsOf(expected);
            }
        }
        assertThat(JdbcCanaryStore.latestSchemaVersion()).isEqualTo(Migration.ALL.size());
    }

    @Test
    void everyDialectCreatesTheSameTablesAndIndexesPerVersion() throws IOException {
        for (Migration m : Migration.ALL) {
            Set<String> postgres = created(read(m.resource(JdbcDialect.POSTGRESQL.scriptLocation())));
            assertThat(postgres).isNotEmpty();
            for (JdbcDialect d : JdbcDialect.values()) {
                assertThat(created(read(m.resource(d.scriptLocation())))).as(d + " V" + m.version()).isEqualTo(postgres);
            }
        }
    }

    @Test
    void everyStatementIsIdempotentSoThatH2CanRetryAFailedMigration() throws IOException {
        for (JdbcDialect d : JdbcDialect.values()) {
            for (Migration m : Migration.ALL) {
                for (String statement : SchemaMigrator.split(read(m.resource(d.scriptLocation())))) {
                    String s = statement.toUpperCase(Locale.ROOT);
                    assertThat(s.contains("IF NOT EXISTS") || s.contains("WHERE NOT EXISTS")).as(statement).isTrue();
                }
            }
        }
    }

    @Test
    void noScriptDeclaresASecretColumn() throws IOException {
        Pattern secretish = Pattern.compile("\\b\\w*(secret|password|passwd|token|credential)\\w*\\b", Pattern.CASE_INSENSITIVE);
        for (JdbcDialect d : JdbcDialect.values()) {
            for (Migration m : Migration.ALL) {
                for (String statement : SchemaMigrator.split(read(m.resource(d.scriptLocation())))) {
                    assertThat(secretish.matcher(statement).find()).as(statement).isFalse();
                }
            }
        }
    }

    @Test
    void splitKeepsSemicolonsInsideQuotesAndDropsComments() {
        String script = "-- header; with a semicolon\nCREATE TABLE a (x TEXT DEFAULT 'a;b''c');\n"
                + "/* block ; comment */ INSERT INTO a VALUES ('--not a comment');\n\n  ;\nSELECT \"odd;name\" FROM a";
        assertThat(SchemaMigrator.split(script)).containsExactly(
                "CREATE TABLE a (x TEXT DEFAULT 'a;b''c')",
                "INSERT INTO a VALUES ('--not a comment')",
                "SELECT \"odd;name\" FROM a");
    }

    @Test
    void dialectNames() {
        assertThat(JdbcDialect.fromConfigName(" Postgres ")).isEqualTo(JdbcDialect.POSTGRESQL);
        assertThat(JdbcDialect.fromProductName("PostgreSQL")).isEqualTo(JdbcDialect.POSTGRESQL);
        assertThat(JdbcDialect.fromProductName("SQLite")).isEqualTo(JdbcDialect.SQLITE);
        assertThat(JdbcDialect.H2.scriptLocation()).isEqualTo("db/canarykit/h2");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> JdbcDialect.fromProductName("MySQL"))
                .isInstanceOf(io.canarykit.CanaryConfigurationException.class).hasMessageContaining("H2, PostgreSQL or SQLite");
    }

    private static Set<String> created(String script) {
        Set<String> names = new TreeSet<>();
        Matcher m = CREATED.matcher(script);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static String read(String resource) throws IOException {
        try (InputStream in = SchemaScriptsTest.class.getClassLoader().getResourceAsStream(resource)) {
            assertThat(in).as(resource).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
