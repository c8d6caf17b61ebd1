package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads account list files: one account per line, optionally followed by tab-separated fields; blank lines and lines
 * starting with {@code #} are skipped. Package-private plumbing.
 */
final class AccountFile {
    private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private AccountFile() {
    }

    /** One line: the account and the remaining fields (split at tabs, or at the first run of spaces). */
    record Line(int number, String accountId, List<String> fields) {
    }

    static List<Line> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CanaryConfigurationException("account list file " + file
                    + " does not exist or is not a regular file: give the path of a text file with one 12-digit"
                    + " account id per line");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return read(in, file.toString());
        } catch (IOException e) {
            throw new CanaryConfigurationException("cannot read account list file " + file + ": " + e.getMessage(), e);
        }
    }

    static List<Line> read(InputStream in, String name) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        List<Line> out = new ArrayList<>();
        int number = 0;
        for (String raw; (raw = r.readLine()) != null; ) {
            number++;
            String line = number == 1 && raw.startsWith("\uFEFF") ? raw.substring(1) : raw;
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                continue;
            }
            String[] parts = trimmed.contains("\t") ? trimmed.split("\t") : trimmed.split("[\\s,;]+", 2);
            String account = parts[0].strip();
            if (!ACCOUNT.matcher(account).matches()) {
                throw new CanaryConfigurationException(name + ":" + number + ": '" + account
                        + "' is not an AWS account id: write exactly 12 digits, leading zeros included"
                        + " (e.g. 012345678901), one account per line; # starts a comment");
            }
            List<String> fields = new ArrayList<>();
            for (int i = 1; i < parts.length; i++) {
                fields.add(parts[i].strip());
            }
            out.add(new Line(number, account, List.copyOf(fields)));
        }
        return out;
    }
}
