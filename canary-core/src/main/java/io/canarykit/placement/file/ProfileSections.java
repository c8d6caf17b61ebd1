package io.canarykit.placement.file;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/** Adds, replaces and removes one profile's sections in a {@link ProfileDocument}, leaving every other byte alone. */
final class ProfileSections {
    static final String FALLBACK_BREAK = "\n";

    private ProfileSections() {
    }

    /** The header text of a profile: {@code NAME} in a credentials file, {@code profile NAME} or {@code default} in config. */
    static String header(ProfileDocument.Kind kind, String profile) {
        return kind == ProfileDocument.Kind.CONFIG && !profile.equals("default") ? "profile " + profile : profile;
    }

    static String render(String header, Map<String, String> properties, String lineBreak) {
        StringBuilder sb = new StringBuilder("[").append(header).append(']');
        properties.forEach((k, v) -> sb.append(lineBreak).append(k).append(" = ").append(v));
        return sb.toString();
    }

    /**
     * Writes {@code properties} as profile {@code profile}: replaces its section in place when every section of that
     * profile is {@code ours} (or {@code overwrite}), appends a new section when there is none, and otherwise refuses.
     *
     * @return the new bytes
     */
    static byte[] put(ProfileDocument doc, Path file, String profile, Map<String, String> properties,
                      Predicate<ProfileDocument.Section> ours, boolean overwrite) {
        List<ProfileDocument.Section> existing = doc.sectionsOf(profile);
        String lineBreak = doc.lines().lineBreak(FALLBACK_BREAK);
        String block = render(header(doc.kind(), profile), properties, lineBreak);
        byte[] out;
        if (existing.isEmpty()) {
            out = doc.lines().append(block, lineBreak, 1);
        } else {
            boolean allOurs = existing.stream().allMatch(ours);
            if (!allOurs && !overwrite) {
                throw new CanaryConfigurationException("profile '" + profile + "' already exists in " + file
                        + " and was not placed by this canary; nothing was changed. Choose another profile name, or set "
                        + "overwrite=true to replace it (its current content is then lost, and anything using that profile "
                        + "will use the canary and trigger it)");
            }
            ProfileDocument.Section first = existing.get(0);
            out = doc.lines().replaceBlock(first.header(), first.last(), block);
            // drop further sections of the same profile (the SDK would merge them into ours)
            ProfileDocument d = ProfileDocument.parse(out, doc.kind(), file);
            while (d.sectionsOf(profile).size() > 1) {
                List<ProfileDocument.Section> s = d.sectionsOf(profile);
                ProfileDocument.Section extra = s.get(s.size() - 1);
                out = d.lines().removeBlock(extra.header(), extra.last(), true);
                d = ProfileDocument.parse(out, doc.kind(), file);
            }
        }
        checkOnlyProfileChanged(doc, ProfileDocument.parse(out, doc.kind(), file), profile, properties);
        return out;
    }

    /**
     * Removes every section of {@code profile} that is {@code ours}.
     *
     * @return the new bytes, or {@code null} when nothing is ours
     */
    static byte @Nullable [] remove(ProfileDocument doc, Path file, String profile,
                                    Predicate<ProfileDocument.Section> ours) {
        ProfileDocument d = doc;
        byte[] out = null;
        while (true) {
            ProfileDocument.Section target = null;
            for (ProfileDocument.Section s : d.sectionsOf(profile)) {
                if (ours.test(s)) {
                    target = s;
                }
            }
            if (target == null) {
                break;
            }
            out = d.lines().removeBlock(target.header(), target.last(), true);
            d = ProfileDocument.parse(out, doc.kind(), file);
        }
        if (out != null) {
            checkOnlyProfileChanged(doc, d, profile, null);
        }
        return out;
    }

    /** A section whose own properties include {@code key = value}. */
    static Predicate<ProfileDocument.Section> having(String key, Set<String> values) {
        return s -> s.properties().get(key) != null && values.contains(s.properties().get(key));
    }

    /** A section whose own properties are exactly {@code properties}. */
    static Predicate<ProfileDocument.Section> exactly(Map<String, String> properties) {
        return s -> s.properties().equals(properties);
    }

    /**
     * A safety net under the editing: every other profile and section must read exactly as before, and the profile
     * must read as {@code expected} ({@code null}: anything).
     */
    private static void checkOnlyProfileChanged(ProfileDocument before, ProfileDocument after, String profile,
                                                @Nullable Map<String, String> expected) {
        Set<String> names = new HashSet<>(before.profiles().keySet());
        names.addAll(after.profiles().keySet());
        names.remove(profile);
        for (String n : names) {
            if (!Objects.equals(before.profiles().get(n), after.profiles().get(n))) {
                throw new CanaryException("refusing to write: the edit would change profile '" + n + "' as the SDK reads "
                        + "it; nothing was changed. Please report this with the file's layout (not its secrets)");
            }
        }
        if (!before.otherSections().equals(after.otherSections())) {
            throw new CanaryException("refusing to write: the edit would change an sso-session or services section; "
                    + "nothing was changed. Please report this with the file's layout (not its secrets)");
        }
        if (expected != null && !new LinkedHashMap<>(expected).equals(after.profiles().get(profile))) {
            throw new CanaryException("refusing to write: profile '" + profile + "' would not read back as written; "
                    + "nothing was changed. Please report this with the file's layout (not its secrets)");
        }
    }
}
