package io.canarykit.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * An image tarball as Jib's {@code buildTar} writes it ({@code docker save} format: {@code manifest.json}, the config
 * JSON and gzipped layers), unpacked: its config, and its root file system with the layers applied in order (as root,
 * so owners and modes are kept).
 */
final class ImageTarball {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JsonNode manifest;
    private final JsonNode config;
    private final List<Path> layers;
    private final Path rootfs;

    private ImageTarball(JsonNode manifest, JsonNode config, List<Path> layers, Path rootfs) {
        this.manifest = manifest;
        this.config = config;
        this.layers = layers;
        this.rootfs = rootfs;
    }

    /** Unpacks {@code tar} under {@code into} (emptied first): {@code into/image} and {@code into/rootfs}. */
    static ImageTarball unpack(Path tar, Path into) throws IOException, InterruptedException {
        if (!Files.isRegularFile(tar)) {
            throw new IllegalStateException("no image tarball at " + tar + ": the package phase builds it (jib:buildTar)");
        }
        Commands.run(List.of("rm", "-rf", into.toString()));
        Path image = Files.createDirectories(into.resolve("image"));
        Path rootfs = Files.createDirectories(into.resolve("rootfs"));
        Commands.run(List.of("tar", "-xf", tar.toString(), "-C", image.toString()));
        JsonNode manifests = JSON.readTree(image.resolve("manifest.json").toFile());
        if (manifests == null || manifests.size() != 1 || field(manifests.get(0), "Config", "config") == null) {
            throw new IllegalStateException(tar + " has no docker-save manifest.json with one image");
        }
        JsonNode manifest = manifests.get(0);
        JsonNode config = JSON.readTree(image.resolve(field(manifest, "Config", "config").asText()).toFile());
        List<Path> layers = new ArrayList<>();
        for (JsonNode layer : field(manifest, "Layers", "layers")) {
            Path file = image.resolve(layer.asText());
            layers.add(file);
            Commands.run(List.of("tar", "--warning=no-unknown-keyword", "--numeric-owner", "-xzf", file.toString(),
                    "-C", rootfs.toString()));
            try (Stream<Path> files = Files.walk(rootfs)) {
                List<Path> whiteouts = files.filter(p -> p.getFileName().toString().startsWith(".wh.")).toList();
                if (!whiteouts.isEmpty()) {
                    throw new IllegalStateException("layer " + file.getFileName() + " deletes files (" + whiteouts
                            + "); Jib writes no whiteouts and this test does not apply them");
                }
            }
        }
        return new ImageTarball(manifest, config, List.copyOf(layers), rootfs);
    }

    private static JsonNode field(JsonNode node, String docker, String jib) {
        return node.has(docker) ? node.get(docker) : node.get(jib);
    }

    /** The tags {@code docker load} gives the image. */
    List<String> repoTags() {
        List<String> tags = new ArrayList<>();
        field(manifest, "RepoTags", "repoTags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** The image config's {@code config} object: Entrypoint, Cmd, Env, User, ExposedPorts, Labels, ... */
    JsonNode runConfig() {
        return config.get("config");
    }

    /** The whole image config (architecture, os, history, rootfs diff ids, and {@link #runConfig()}). */
    JsonNode config() {
        return config;
    }

    /** The gzipped layer files, bottom first. */
    List<Path> layers() {
        return layers;
    }

    /** The unpacked root file system. */
    Path rootfs() {
        return rootfs;
    }

    /** {@code Entrypoint} as a list. */
    List<String> entrypoint() {
        return strings(runConfig().get("Entrypoint"));
    }

    /** {@code Cmd} as a list. */
    List<String> cmd() {
        return strings(runConfig().get("Cmd"));
    }

    /** {@code Env} as {@code NAME=value} strings. */
    List<String> env() {
        return strings(runConfig().get("Env"));
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null) {
            array.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}
