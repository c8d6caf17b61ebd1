package io.canarykit.examples.tfvars;

import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;
import io.canarykit.Secret;
import io.canarykit.config.CanaryConfig;
import io.canarykit.placement.Placement;
import io.canarykit.placement.PlacementEnvironment;
import io.canarykit.testkit.placement.PlacementContract;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sample plugin passes the test kit's placement contract, as a user's own placement would: built by its provider
 * from settings (the lock directory in the test's cache), read back by parsing the HCL it wrote.
 */
class TfvarsPlacementContractTest extends PlacementContract {
    private static final Pattern VARIABLE = Pattern.compile("(?m)^(\\w+)\\s*=\\s*\"([^\"]*)\"");

    @Override
    protected Placement newPlacement(PlacementEnvironment environment) {
        return new TfvarsPlacementProvider().create(CanaryConfig.of(Map.of("lock-directory",
                cache.resolve("locks").toString())));
    }

    @Override
    protected Map<String, String> options(Path directory) {
        return Map.of("path", directory.resolve("prod.auto.tfvars").toString(), "region", "eu-west-1");
    }

    @Override
    protected CanaryCredential readBack(Placement placement, PlacementReceipt receipt) {
        Path file = Path.of(receipt.location());
        if (!Files.exists(file)) {
            return null;
        }
        Matcher m;
        try {
            m = VARIABLE.matcher(Files.readString(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String key = null;
        String secret = null;
        String token = null;
        while (m.find()) {
            switch (m.group(1)) {
                case "aws_access_key" -> key = m.group(2);
                case "aws_secret_key" -> secret = m.group(2);
                case "aws_token" -> token = m.group(2);
                default -> { }
            }
        }
        return key == null ? null : new CanaryCredential(key, Secret.of(secret), token == null ? null : Secret.of(token), null);
    }

    @Override
    protected void prepareExistingContent(Path directory) {
        try {
            Files.writeString(directory.resolve("main.tf"), "provider \"aws\" {}\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected List<Map<String, String>> refusedOptions(Path directory) {
        try {
            Files.writeString(directory.resolve("team.auto.tfvars"), "instance_type = \"t3.micro\"\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.of(Map.of("path", directory.resolve("team.auto.tfvars").toString()),
                Map.of("path", directory.resolve("creds.txt").toString()),
                Map.of("path", directory.resolve("x.tfvars").toString(), "prefix", "Bad-Prefix"));
    }
}
