package io.canarykit.benchmarks.dynamodb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * dynalite for the benchmark: {@code npm ci} of the store module's pinned {@code tools/dynalite} into a work
 * directory, then its {@code launch.js} (in memory, free port, tables active at once), stopped on {@link #close()}
 * or when this JVM ends (the server exits when its stdin closes).
 */
final class LocalDynalite implements AutoCloseable {
    private static final Pattern PORT = Pattern.compile("DYNALITE_PORT=(\\d+)");
    private final Process process;
    private final URI endpoint;

    private LocalDynalite(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    static LocalDynalite start(Path source, Path work) throws IOException, InterruptedException {
        if (!Files.isRegularFile(source.resolve("package-lock.json"))) {
            throw new IllegalStateException("no dynalite lockfile in " + source.toAbsolutePath()
                    + ": run from the repository root, pass --dynalite-dir, or pass --endpoint");
        }
        Files.createDirectories(work);
        boolean current = Files.isRegularFile(work.resolve("node_modules/dynalite/package.json"))
                && Files.isRegularFile(work.resolve("package-lock.json"))
                && Arrays.equals(Files.readAllBytes(work.resolve("package-lock.json")),
                        Files.readAllBytes(source.resolve("package-lock.json")));
        for (String f : List.of("package.json", "package-lock.json", "launch.js")) {
            Files.copy(source.resolve(f), work.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
        if (!current) {
            Process npm = new ProcessBuilder("npm", "ci", "--no-audit", "--no-fund", "--loglevel=error")
                    .directory(work.toFile()).inheritIO().start();
            if (!npm.waitFor(10, TimeUnit.MINUTES) || npm.exitValue() != 0) {
                throw new IllegalStateException("npm ci in " + work + " failed: dynalite needs Node.js >= 20 and npm");
            }
        }
        Process p = new ProcessBuilder("node", "launch.js").directory(work.toFile()).redirectErrorStream(true).start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = out.readLine()) != null) {
            Matcher m = PORT.matcher(line);
            if (m.find()) {
                LocalDynalite d = new LocalDynalite(p, URI.create("http://127.0.0.1:" + m.group(1)));
                Runtime.getRuntime().addShutdownHook(new Thread(d::close));
                return d;
            }
        }
        p.destroyForcibly();
        throw new IllegalStateException("dynalite exited before reporting its port (Node.js >= 20 needed)");
    }

    URI endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        try {
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (IOException e) {
            process.destroyForcibly();
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
