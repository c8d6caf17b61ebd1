package io.canarykit.placement.file;

import java.util.Map;
import java.util.TreeMap;

/** Test access to the package's parser. */
final class ProfileParsing {
    private ProfileParsing() {
    }

    /** Our parser's profiles, sorted like {@code Fixtures.sdkProfiles}. */
    static Map<String, Map<String, String>> ourProfiles(byte[] bytes, ProfileDocument.Kind kind) {
        Map<String, Map<String, String>> out = new TreeMap<>();
        ProfileDocument.parse(bytes, kind, null).profiles().forEach((k, v) -> out.put(k, new TreeMap<>(v)));
        return out;
    }
}
