package io.canarykit.inventory;

import io.canarykit.Asset;
import io.canarykit.CanaryConfigurationException;
import io.canarykit.config.CanaryConfig;
import io.canarykit.config.ProviderRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvAssetSourceTest {
    @TempDir
    Path dir;

    private List<InventoryEntry> read(String text) throws Exception {
        Path f = dir.resolve("inventory.csv");
        Files.writeString(f, text);
        return CsvAssetSource.of(f).assets();
    }

    @Test
    void readsAssetsLabelsPlacementAndOptions() throws Exception {
        List<InventoryEntry> entries = read("\uFEFFkind,id,owner,placement,option.profile,team\r\n"
                + "# laptops\r\n"
                + "laptop,LT-0042,\"Müller, Zoë\",aws-credentials-file,billing-admin,\r\n"
                + "\r\n"
                + "ci-build,deploy,\"the \"\"platform\"\" team\",,,ops\r\n");

        assertThat(entries).containsExactly(
                new InventoryEntry(new Asset("laptop", "LT-0042", Map.of("owner", "Müller, Zoë")), "aws-credentials-file",
                        Map.of("profile", "billing-admin")),
                new InventoryEntry(new Asset("ci-build", "deploy", Map.of("owner", "the \"platform\" team", "team", "ops")),
                        null, Map.of()));
    }

    @Test
    void malformedFilesFailWithTheLine() {
        assertThatThrownBy(() -> read("kind,name\nhost,a\n")).hasMessageContaining("columns 'kind' and 'id'");
        assertThatThrownBy(() -> read("kind,id\nhost,a\nhost,b,extra\n")).hasMessageContaining("line 3")
                .hasMessageContaining("expected 2 columns");
        assertThatThrownBy(() -> read("kind,id\nhost,a\nhost,a\n")).hasMessageContaining("appears twice");
        assertThatThrownBy(() -> read("kind,id\nHost Box,a\n")).hasMessageContaining("line 2").hasMessageContaining("asset kind");
        assertThatThrownBy(() -> read("kind,id\nhost,\"a\n")).hasMessageContaining("never closed");
        assertThatThrownBy(() -> read("")).isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("no header");
        assertThatThrownBy(() -> CsvAssetSource.of(dir.resolve("missing.csv")).assets()).hasMessageContaining("does not exist");
    }

    @Test
    void foundByTheRegistry() throws Exception {
        Path f = dir.resolve("inv.csv");
        Files.writeString(f, "kind,id\nhost,web-1\n");
        AssetSource source = ProviderRegistry.load(AssetSourceProvider.class)
                .create("csv", CanaryConfig.of(Map.of("canary.inventory.csv." + CsvAssetSourceProvider.PATH, f.toString())));
        assertThat(source.assets()).extracting(e -> e.asset().ref()).containsExactly("host/web-1");
    }
}
