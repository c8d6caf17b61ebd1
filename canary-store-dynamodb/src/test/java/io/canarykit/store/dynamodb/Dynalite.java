package io.canarykit.store.dynamodb;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The DynamoDB endpoint the integration tests use: {@code DYNAMODB_ENDPOINT} if set, otherwise a dynalite server this
 * class installs ({@code npm ci} from the committed lockfile in {@code tools/dynalite}) and starts once per JVM, in
 * memory, on a free port, with {@code createTableMs 0}. The server exits when this JVM ends: a shutdown hook stops it,
 * and the server itself exits when its stdin (held by this JVM) closes, so it also goes when the JVM is killed.
 *
 * <p>It never skips: without Node.js 20+ and npm it fails, saying what to install.
 */
final class Dynalite {
    private static final Pattern PORT = Pattern.compile("DYNALITE_PORT=(\\d+)");
    private static final Pattern NODE_VERSION = Pattern.compile("v?(\\d+)\\.(\\d+)\\.(\\d+).*");
    private static final int MIN_NODE_MAJOR = 20;
    private static final long START_TIMEOUT_SECONDS = 60;

    private static URI endpoint;
    private static Process process;

    private Dynalite() {
    }

    /** The endpoint, starting dynalite on first use. */
    static synchronized URI endpoint() {
        if (endpoint == null) {
            endpoint = resolve();
        }
        return endpoint;
    }

    private static URI resolve() {
        String configured = System.getenv("DYNAMODB_ENDPOINT");
        if (configured != null && !configured.isBlank()) {
            URI uri = URI.create(configured.trim());
            if (!healthy(uri)) {
                throw new IllegalStateException("DYNAMODB_ENDPOINT=" + configured + " does not answer GET / with 200:"
                        + " start the server, or unset DYNAMODB_ENDPOINT to let the build start dynalite itself");
            }
            return uri;
        }
        Path source = Path.of(System.getProperty("dynalite.dir", "tools/dynalite")).toAbsolutePath();
        Path work = Path.of(System.getProperty("dynalite.work", "target/dynalite")).toAbsolutePath();
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
        String node = System.getProperty("dynalite.node", "node");
        String npm = System.getProperty("dynalite.npm", windows ? "npm.cmd" : "npm");
        checkNode(node);
        install(npm, source, work);
        return start(node, work);
    }

    private static void checkNode(String node) {
        String version;
        try {
            version = run(List.of(node, "--version"), null, 30).trim();
        } catch (IOException e) {
            throw new IllegalStateException("the DynamoDB integration tests need Node.js >= " + MIN_NODE_MAJOR
                    + " and npm to run dynalite, but '" + node + "' cannot be run (" + e.getMessage() + ")."
                    + " Install Node.js 20 or later (https://nodejs.org, or NodeSource packages) so that 'node' and"
                    + " 'npm' are on the PATH, or pass -Ddynalite.node=/path/to/node, or set DYNAMODB_ENDPOINT to a"
                    + " running DynamoDB-compatible server", e);
        }
        Matcher m = NODE_VERSION.matcher(version);
        if (!m.matches() || Integer.parseInt(m.group(1)) < MIN_NODE_MAJOR) {
            throw new IllegalStateException("dynalite 4 needs Node.js >= " + MIN_NODE_MAJOR + ", but '" + node
                    + " --version' says '" + version + "'. Install Node.js 20 or later (https://nodejs.org, or"
                    + " NodeSource packages), or set DYNAMODB_ENDPOINT to a running DynamoDB-compatible server");
        }
    }

    /** Copies the package files to {@code work} and runs {@code npm ci} there, unless that install is current. */
    private static void install(String npm, Path source, Path work) {
        Path lock = source.resolve("package-lock.json");
        if (!Files.isRegularFile(lock) || !Files.isRegularFile(source.resolve("package.json"))) {
            throw new IllegalStateException("dynalite's package.json/package-lock.json are missing from " + source
                    + "; run the tests from the canary-store-dynamodb module (or set -Ddynalite.dir)");
        }
        try {
            Files.createDirectories(work);
            Path installedLock = work.resolve("package-lock.json");
            boolean current = Files.isRegularFile(work.resolve("node_modules/dynalite/package.json"))
                    && Files.isRegularFile(installedLock)
                    && Arrays.equals(Files.readAllBytes(installedLock), Files.readAllBytes(lock));
            for (String file : List.of("package.json", "package-lock.json", "launch.js")) {
                Files.copy(source.resolve(file), work.resolve(file), StandardCopyOption.REPLACE_EXISTING);
            }
            if (current) {
                return;
            }
            try {
                run(List.of(npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"), work, 600);
            } catch (IOException e) {
                throw new IllegalStateException("'" + npm + " ci' in " + work + " failed: " + e.getMessage()
                        + ". The DynamoDB integration tests install dynalite from the npm registry: install npm (it"
                        + " comes with Node.js >= " + MIN_NODE_MAJOR + ") and make sure the registry is reachable, or"
                        + " set DYNAMODB_ENDPOINT to a running DynamoDB-compatible server", e);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + work, e);
        }
    }

    private static URI start(String node, Path work) {
        Path log = work.resolve("dynalite.log");
        Process p;
        try {
            p = new ProcessBuilder(node, "launch.js").directory(work.toFile()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("cannot start dynalite with '" + node + "': " + e.getMessage(), e);
        }
        process = p;
        Runtime.getRuntime().addShutdownHook(new Thread(Dynalite::stop, "dynalite-stop"));
        CompletableFuture<Integer> port = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            List<String> lines = new ArrayList<>();
            try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = in.readLine()) != null) {
                    lines.add(line);
                    Matcher m = PORT.matcher(line);
                    if (m.find()) {
                        port.complete(Integer.parseInt(m.group(1)));
                    }
                    Files.write(log, lines, StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                // the process ended
            }
            port.completeExceptionally(new IllegalStateException("dynalite exited: " + String.join("\n", lines)));
        }, "dynalite-output");
        reader.setDaemon(true);
        reader.start();
        int actual;
        try {
            actual = port.get(START_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            stop();
            throw new IllegalStateException("dynalite did not report its port within " + START_TIMEOUT_SECONDS
                    + " s; see " + log, e);
        } catch (Exception e) {
            stop();
            throw new IllegalStateException("dynalite did not start: " + e.getMessage() + " (see " + log + ")", e);
        }
        URI uri = URI.create("http://127.0.0.1:" + actual);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!healthy(uri)) {
            if (System.nanoTime() > deadline || !p.isAlive()) {
                stop();
                throw new IllegalStateException("dynalite on " + uri + " is not healthy; see " + log);
            }
            sleep(50);
        }
        return uri;
    }

    private static synchronized void stop() {
        Process p = process;
        if (p == null) {
            return;
        }
        process = null;
        try {
            OutputStream stdin = p.getOutputStream();
            stdin.close(); // launch.js exits when its stdin ends
        } catch (IOException e) {
            // already gone
        }
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static boolean healthy(URI uri) {
        try {
            HttpURLConnection c = (HttpURLConnection) uri.resolve("/").toURL().openConnection();
            c.setConnectTimeout(2000);
            c.setReadTimeout(2000);
            try {
                return c.getResponseCode() == 200;
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs a command, returning its output; fails with the output if it exits non-zero or takes too long. */
    private static String run(List<String> command, Path dir, long timeoutSeconds) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        CompletableFuture<String> output = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        });
        try {
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", command) + " took more than " + timeoutSeconds + " s");
            }
            String out = output.get(10, TimeUnit.SECONDS);
            if (p.exitValue() != 0) {
                throw new IOException(String.join(" ", command) + " exited with " + p.exitValue() + ": " + tail(out));
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } catch (Exception e) {
            if (e instanceof IOException io) {
                throw io;
            }
            throw new IOException(e.getMessage(), e);
        }
    }

    private static String tail(String text) {
        return text.length() <= 2000 ? text : "..." + text.substring(text.length() - 2000);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
