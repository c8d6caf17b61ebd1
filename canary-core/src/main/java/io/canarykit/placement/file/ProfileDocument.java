package io.canarykit.placement.file;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A shared credentials or config file parsed exactly as the AWS SDK for Java v2 ({@code ProfileFileReader}) parses
 * it, keeping where each section starts and ends so that sections can be added, replaced and removed without touching
 * a byte elsewhere.
 *
 * <p>Rules (SDK v2 2.57): lines end at {@code \n}, {@code \r\n} or {@code \r}; a line that is empty or only spaces and
 * tabs, or starts with {@code #} or {@code ;}, is skipped; a line starting with {@code [} is a section header whose
 * trailing {@code #}/{@code ;} comment needs no space before it, and which must end with {@code ]}; a line starting
 * with a space or tab continues the previous property (comments there are part of the value; after an empty value
 * the continuation lines must be {@code key = value} sub-properties); any other line is {@code key = value}, whose
 * comment must be preceded by a space or tab. Names must match {@code [A-Za-z0-9_\-/.%@:+]*}; a section or property
 * with another name is ignored, not an error. In a config file, profiles are {@code [profile NAME]} or
 * {@code [default]} ({@code [profile default]} wins), {@code [sso-session NAME]} and {@code [services NAME]} are their
 * own sections, and other headers are ignored. What makes the SDK throw makes this parser throw, naming the line.
 *
 * <p>One difference: a UTF-8 byte order mark is skipped here (and kept in the bytes), while SDK v2 fails on it
 * ("Expected a profile definition on line 1"); the AWS SDK for .NET, whose PowerShell tools write such files,
 * reads them.
 */
final class ProfileDocument {
    static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z0-9_\\-/.%@:+]*");
    private static final Pattern EMPTY = Pattern.compile("[\t ]*");

    /** Which file. */
    enum Kind {
        CREDENTIALS("credentials file"), CONFIG("config file");

        final String label;

        Kind(String label) {
            this.label = label;
        }
    }

    /** What a section is. */
    enum SectionType { PROFILE, SSO_SESSION, SERVICES }

    /**
     * One section.
     *
     * @param header     index of its header line
     * @param last       index of its last line that is not blank or a comment (the header if there is none)
     * @param type       its type, or {@code null} when the SDK ignores it
     * @param name       its name, or {@code null} when ignored
     * @param properties its own properties (a profile split over several sections is merged only in {@link #profiles()})
     */
    record Section(int header, int last, @Nullable SectionType type, @Nullable String name,
                   Map<String, String> properties) {
        boolean isProfile(String profile) {
            return type == SectionType.PROFILE && profile.equals(name);
        }
    }

    private final Kind kind;
    private final TextLines lines;
    private final List<Section> sections;
    private final Map<String, Map<String, String>> profiles;
    private final Map<String, Map<String, String>> otherSections;

    private ProfileDocument(Kind kind, TextLines lines, List<Section> sections, Map<String, Map<String, String>> profiles,
                            Map<String, Map<String, String>> otherSections) {
        this.kind = kind;
        this.lines = lines;
        this.sections = sections;
        this.profiles = profiles;
        this.otherSections = otherSections;
    }

    Kind kind() {
        return kind;
    }

    TextLines lines() {
        return lines;
    }

    List<Section> sections() {
        return sections;
    }

    /** The profiles as the SDK sees them: name to merged properties. */
    Map<String, Map<String, String>> profiles() {
        return profiles;
    }

    /** {@code sso-session NAME} and {@code services NAME} sections as the SDK sees them, keyed by that title. */
    Map<String, Map<String, String>> otherSections() {
        return otherSections;
    }

    /** The sections the SDK reads as profile {@code name}. */
    List<Section> sectionsOf(String name) {
        List<Section> out = new ArrayList<>();
        for (Section s : sections) {
            if (s.isProfile(name)) {
                out.add(s);
            }
        }
        return out;
    }

    /**
     * Parses {@code bytes} ({@code null} or empty: an empty file).
     *
     * @throws ProfileFileSyntaxException where the SDK would throw
     */
    static ProfileDocument parse(byte @Nullable [] bytes, Kind kind, Path file) {
        TextLines lines = TextLines.of(bytes);
        Parser p = new Parser(kind, file, lines);
        for (int i = 0; i < lines.size(); i++) {
            p.line(i, lines.text(i));
        }
        p.closeSection(lines.size());
        Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        p.profiles.forEach((k, v) -> profiles.put(k, Collections.unmodifiableMap(v)));
        Map<String, Map<String, String>> others = new LinkedHashMap<>();
        p.others.forEach((k, v) -> others.put(k, Collections.unmodifiableMap(v)));
        return new ProfileDocument(kind, lines, List.copyOf(p.sections), Collections.unmodifiableMap(profiles),
                Collections.unmodifiableMap(others));
    }

    static boolean validName(String name) {
        return IDENTIFIER.matcher(name).matches();
    }

    /** The parser's state, as in the SDK's ProfileFileReader.ParserState. */
    private static final class Parser {
        final Kind kind;
        final Path file;
        final TextLines lines;
        final Map<String, Map<String, String>> profiles = new LinkedHashMap<>();
        final Map<String, Map<String, String>> others = new LinkedHashMap<>();
        final List<Section> sections = new ArrayList<>();

        @Nullable Map<String, String> current;          // merged properties of the current section (SDK view)
        Map<String, String> currentOwn = new LinkedHashMap<>(); // this section's own properties (set with current)
        @Nullable String currentProperty;
        boolean ignoringSection;
        boolean ignoringProperty;
        boolean subProperties;
        boolean seenDefaultWithPrefix;

        int openHeader = -1;
        @Nullable SectionType openType;
        @Nullable String openName;
        @Nullable Map<String, String> openOwn;
        int openLast = -1;

        Parser(Kind kind, Path file, TextLines lines) {
            this.kind = kind;
            this.file = file;
            this.lines = lines;
        }

        void line(int index, String line) {
            int number = index + 1;
            if (EMPTY.matcher(line).matches() || line.startsWith("#") || line.startsWith(";")) {
                return;
            }
            if (line.startsWith("[")) {
                header(index, number, line);
                return;
            }
            if (openHeader >= 0) {
                openLast = index;
            }
            if (line.startsWith(" ") || line.startsWith("\t")) {
                continuation(number, line);
            } else {
                property(number, line);
            }
        }

        void header(int index, int number, String line) {
            closeSection(index);
            if (line.length() < 2) {
                throw error(number, "a section header must end with ']'");
            }
            String inner = line.substring(1, line.length() - 1).trim();
            SectionType special = null;
            String title = "";
            if (startsWithWord(inner, "sso-session")) {
                special = SectionType.SSO_SESSION;
                title = "sso-session";
            } else if (startsWithWord(inner, "services")) {
                special = SectionType.SERVICES;
                title = "services";
            }
            String stripped = stripComment(line, "#", ";").trim();
            if (!stripped.endsWith("]")) {
                throw error(number, (special != null ? "a section" : "a profile") + " header must end with ']'");
            }
            String name;
            SectionType type;
            if (special != null) {
                String inside = stripped.substring(1, stripped.length() - 1).trim();
                String raw = startsWithWord(inside, title) ? inside.substring(title.length()).trim() : null;
                name = kind == Kind.CONFIG && raw != null && validName(raw) ? raw : null;
                type = special;
            } else {
                name = profileName(stripped);
                type = SectionType.PROFILE;
            }
            openHeader = index;
            openLast = index;
            openOwn = new LinkedHashMap<>();
            if (name == null) {
                ignoringSection = true;
                openType = null;
                openName = null;
                return;
            }
            openType = type;
            openName = name;
            Map<String, Map<String, String>> target = type == SectionType.PROFILE ? profiles : others;
            String key = type == SectionType.PROFILE ? name : title + " " + name;
            current = target.computeIfAbsent(key, k -> new LinkedHashMap<>());
            currentOwn = openOwn;
            currentProperty = null;
            ignoringSection = false;
            ignoringProperty = false;
        }

        @Nullable String profileName(String stripped) {
            String raw = stripped.substring(1, stripped.length() - 1).trim();
            boolean prefixed = raw.startsWith("profile ") || raw.startsWith("profile\t");
            String name;
            if (kind == Kind.CONFIG) {
                if (prefixed) {
                    name = raw.substring("profile".length()).trim();
                } else if (raw.equals("default")) {
                    name = "default";
                } else {
                    return null;
                }
            } else {
                name = raw;
            }
            if (!validName(name)) {
                return null;
            }
            if (kind == Kind.CONFIG && name.equals("default") && profiles.containsKey("default")) {
                if (!prefixed && seenDefaultWithPrefix) {
                    return null;
                } else if (prefixed && !seenDefaultWithPrefix) {
                    profiles.remove("default");
                }
            }
            if (name.equals("default") && prefixed) {
                seenDefaultWithPrefix = true;
            }
            return name;
        }

        void continuation(int number, String line) {
            if (ignoringSection || ignoringProperty) {
                return;
            }
            if (current == null || currentProperty == null) {
                throw error(number, "an indented line must continue a property, but no property comes before it");
            }
            String value = line.trim();
            if (subProperties) {
                String[] kv = keyValue(number, value);
                if (kv != null) {
                    String sub = currentProperty + "." + kv[0];
                    current.put(sub, kv[1]);
                    currentOwn.put(sub, kv[1]);
                }
            }
            current.put(currentProperty, current.get(currentProperty) + "\n" + value);
            currentOwn.put(currentProperty, currentOwn.getOrDefault(currentProperty, "") + "\n" + value);
        }

        void property(int number, String line) {
            if (ignoringSection) {
                return;
            }
            if (current == null) {
                throw error(number, "a property comes before the first [section] header");
            }
            String[] kv = keyValue(number, stripComment(line, " #", " ;", "\t#", "\t;").trim());
            if (kv == null) {
                ignoringProperty = true;
                return;
            }
            currentProperty = kv[0];
            ignoringProperty = false;
            subProperties = kv[1].isEmpty();
            current.put(kv[0], kv[1]);
            currentOwn.put(kv[0], kv[1]);
        }

        /** {key, value}; {@code null} for a name the SDK ignores. */
        String @Nullable [] keyValue(int number, String line) {
            int eq = line.indexOf('=');
            if (eq < 0) {
                throw error(number, "expected an '=' sign defining a property");
            }
            String key = line.substring(0, eq).trim();
            String value = line.substring(eq + 1).trim();
            if (key.isEmpty()) {
                throw error(number, "a property has no name before its '='");
            }
            return validName(key) ? new String[] {key, value} : null;
        }

        void closeSection(int nextHeader) {
            if (openHeader >= 0) {
                sections.add(new Section(openHeader, openLast, openType, openName,
                        Collections.unmodifiableMap(new LinkedHashMap<>(openOwn))));
                openHeader = -1;
            }
        }

        ProfileFileSyntaxException error(int number, String problem) {
            return new ProfileFileSyntaxException(file, number, problem + " (in this " + kind.label + ")");
        }

        private static boolean startsWithWord(String s, String word) {
            return s.startsWith(word + " ") || s.startsWith(word + "\t");
        }

        private static String stripComment(String line, String... markers) {
            int cut = line.length();
            for (String m : markers) {
                int i = line.indexOf(m);
                if (i >= 0 && i < cut) {
                    cut = i;
                }
            }
            return line.substring(0, cut);
        }
    }
}
