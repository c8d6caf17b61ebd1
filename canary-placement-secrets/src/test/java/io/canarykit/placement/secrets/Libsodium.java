package io.canarykit.placement.secrets;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * libsodium itself, as an independent checker: Debian's {@code python3-nacl} (PyNaCl over the system libsodium) run
 * as a separate process. When it is missing and the build runs as root with apt-get, it is installed
 * ({@code apt-get install python3-nacl}); otherwise the tests fail saying what to install: they never skip.
 */
final class Libsodium {
    /** Debian's interpreter, where apt installs {@code python3-nacl} (not a pyenv or venv python on PATH). */
    static final Path PYTHON = Path.of(System.getenv().getOrDefault("CANARY_TEST_PYTHON", "/usr/bin/python3"));
    private static boolean ready;

    private Libsodium() {
    }

    /** Makes sure PyNaCl can be imported, installing it if needed. */
    static synchronized void require() {
        if (ready) {
            return;
        }
        if (!importable()) {
            boolean root = "root".equals(System.getProperty("user.name"));
            if (!root || !Files.isExecutable(Path.of("/usr/bin/apt-get"))) {
                throw new IllegalStateException("libsodium's Python binding is missing: install it with "
                        + "`apt-get install python3-nacl` (or point CANARY_TEST_PYTHON at a python3 that has PyNaCl)");
            }
            System.err.println("[canarykit tests] python3-nacl missing: installing it with apt-get");
            run(List.of("apt-get", "update", "-qq"), null, 600);
            Result r = run(List.of("apt-get", "install", "-y", "-qq", "--no-install-recommends", "python3-nacl"), null, 600);
            if (r.exit != 0 || !importable()) {
                throw new IllegalStateException("installing python3-nacl failed (exit " + r.exit + "): " + r.err);
            }
        }
        ready = true;
    }

    private static boolean importable() {
        return Files.isExecutable(PYTHON) && run(List.of(PYTHON.toString(), "-c", "import nacl.public"), null, 60).exit == 0;
    }

    /** Runs a Python program with arguments, feeding {@code stdin}; the result's output is trimmed. */
    static Result python(String program, byte[] stdin, String... args) {
        List<String> command = new ArrayList<>(List.of(PYTHON.toString(), "-c", program));
        command.addAll(List.of(args));
        return run(command, stdin, 60);
    }

    record Result(int exit, String out, String err) {
    }

    private static Result run(List<String> command, byte[] stdin, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin);
                }
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(command.get(0) + " did not finish in " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8).trim(),
                    new String(err, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            return new Result(127, "", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
