package io.canarykit.cli;

import io.canarykit.placement.PlacementFiles;
import org.jspecify.annotations.Nullable;

import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Reads the profiles of an AWS shared credentials file the way SDK v2 does (AWS-REFERENCE §4.1): {@code [name]}
 * sections, {@code #}/{@code ;} comment lines, property comments only after a space or tab, continuation lines, later
 * duplicates win, duplicate sections merge, sections with invalid names ignored. Keeps only the access key id and
 * whether a session token is present: no secret is kept, and no error message quotes a line.
 */
final class FingerprintCredentialsFile {
    private static final Pattern PROFILE_NAME = Pattern.compile("[A-Za-z0-9_\\-/.%@:+]*");

    private FingerprintCredentialsFile() {
    }

    /**
     * One profile.
     *
     * @param name            the profile name
     * @param accessKeyId     its {@code aws_access_key_id}, {@code null} when it has none (e.g. a role profile)
     * @param hasSessionToken true when it has an {@code aws_session_token} (short-term credentials)
     */
    record Profile(String name, @Nullable String accessKeyId, boolean hasSessionToken) {
    }

    /**
     * The profiles in file order.
     *
     * @throws CliErrors.UsageException when the file cannot be read or parsed; the message names the file and line
     */
    static List<Profile> read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new CliErrors.UsageException("credentials file " + file + " does not exist or is not a regular file");
        }
        List<String> lines;
        try {
            long size = Files.size(file);
            if (size > PlacementFiles.DEFAULT_MAX_FILE_SIZE) {
                throw new CliErrors.UsageException("credentials file " + file + " is " + size + " bytes, more than "
                        + PlacementFiles.DEFAULT_MAX_FILE_SIZE + ": that is not a credentials file; it was not read");
            }
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (MalformedInputException e) {
            throw new CliErrors.UsageException("credentials file " + file + " is not UTF-8 text");
        } catch (IOException e) {
            throw new CliErrors.UsageException("cannot read credentials file " + file + ": " + e.getClass().getSimpleName());
        }
        Map<String, Map<String, String>> sections = new LinkedHashMap<>();
        Map<String, String> current = null;
        boolean inIgnoredSection = false;
        String lastKey = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = i == 0 && lines.get(i).startsWith("\uFEFF") ? lines.get(i).substring(1) : lines.get(i);
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#") || trimmed.startsWith(";")) {
                continue;
            }
            if (trimmed.startsWith("[")) {
                int close = trimmed.indexOf(']');
                if (close < 0) {
                    throw new CliErrors.UsageException(file + ":" + (i + 1) + ": a section header has no closing ']'");
                }
                String rest = trimmed.substring(close + 1).strip();
                if (!rest.isEmpty() && !rest.startsWith("#") && !rest.startsWith(";")) {
                    throw new CliErrors.UsageException(file + ":" + (i + 1)
                            + ": unexpected text after a section header's ']'");
                }
                String name = trimmed.substring(1, close).strip();
                if (name.isEmpty() || !PROFILE_NAME.matcher(name).matches()) {
                    inIgnoredSection = true; // the SDK ignores it with a warning
                    current = null;
                } else {
                    inIgnoredSection = false;
                    current = sections.computeIfAbsent(name, n -> new LinkedHashMap<>());
                }
                lastKey = null;
                continue;
            }
            if (Character.isWhitespace(line.charAt(0)) && lastKey != null) {
                continue; // continuation of the previous value: nothing we read continues
            }
            if (inIgnoredSection) {
                continue;
            }
            if (current == null) {
                throw new CliErrors.UsageException(file + ":" + (i + 1)
                        + ": a property comes before any [profile] section header");
            }
            int eq = trimmed.indexOf('=');
            if (eq <= 0) {
                throw new CliErrors.UsageException(file + ":" + (i + 1)
                        + ": expected 'name = value' (the line is not shown, it may hold a secret)");
            }
            String key = trimmed.substring(0, eq).strip();
            String value = stripComment(trimmed.substring(eq + 1)).strip();
            current.put(key, value);
            lastKey = key;
        }
        List<Profile> out = new ArrayList<>();
        for (Map.Entry<String, Map<String, String>> e : sections.entrySet()) {
            Map<String, String> p = e.getValue();
            String keyId = p.get("aws_access_key_id");
            String token = p.get("aws_session_token");
            out.add(new Profile(e.getKey(), keyId == null || keyId.isEmpty() ? null : keyId,
                    token != null && !token.isEmpty()));
        }
        return out;
    }

    private static String stripComment(String value) {
        for (int i = 1; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c == '#' || c == ';') && (value.charAt(i - 1) == ' ' || value.charAt(i - 1) == '\t')) {
                return value.substring(0, i);
            }
        }
        return value;
    }
}
