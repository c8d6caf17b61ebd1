package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;

import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one caller of the issuance API may do. Everything not granted is refused with 403 and a reason.
 *
 * @param profiles   the placement profiles the caller may issue with; {@value #ANY} for all
 * @param assetKinds the asset kinds the caller may issue for ({@code ci-build}, {@code laptop}, ...); {@value #ANY}
 *                   for all
 * @param kinds      the kinds of canary the caller may ask for
 * @param admin      whether the caller may list, read and revoke every caller's canaries; without it a caller sees
 *                   and revokes only the canaries it issued
 *
 * @since 0.1.0
 */
public record CallerPermissions(Set<String> profiles, Set<String> assetKinds, Set<CredentialKind> kinds,
                                boolean admin) {
    /** Stands for "every one" in {@link #profiles()} and {@link #assetKinds()}. */
    public static final String ANY = "*";

    public CallerPermissions {
        profiles = Set.copyOf(Objects.requireNonNull(profiles, "profiles"));
        assetKinds = Set.copyOf(Objects.requireNonNull(assetKinds, "assetKinds"));
        kinds = Set.copyOf(Objects.requireNonNull(kinds, "kinds"));
    }

    /**
     * What a caller gets when its configuration says nothing: the {@code return} profile (the credential comes back
     * to the caller, nothing is written on the server), any asset kind, any kind of canary, not admin.
     */
    public static CallerPermissions defaults() {
        return new CallerPermissions(Set.of(PlacementProfile.RETURN), Set.of(ANY), EnumSet.allOf(CredentialKind.class),
                false);
    }

    /** A copy with these profiles (names, or {@value #ANY}). */
    public CallerPermissions withProfiles(List<String> names) {
        return new CallerPermissions(new LinkedHashSet<>(names), assetKinds, kinds, admin);
    }

    /** A copy with these asset kinds (or {@value #ANY}). */
    public CallerPermissions withAssetKinds(List<String> names) {
        return new CallerPermissions(profiles, new LinkedHashSet<>(names), kinds, admin);
    }

    /** A copy with these kinds of canary, by their configuration names ({@code iam-user}, ...). */
    public CallerPermissions withKinds(List<String> names) {
        Set<CredentialKind> k = EnumSet.noneOf(CredentialKind.class);
        for (String n : names) {
            if (n.equals(ANY)) {
                k.addAll(EnumSet.allOf(CredentialKind.class));
            } else {
                k.add(CredentialKind.fromConfigName(n));
            }
        }
        if (k.isEmpty()) {
            throw new CanaryConfigurationException("a caller needs at least one kind of canary (or *)");
        }
        return new CallerPermissions(profiles, assetKinds, k, admin);
    }

    /** A copy with the admin role set or cleared. */
    public CallerPermissions withAdmin(boolean v) {
        return new CallerPermissions(profiles, assetKinds, kinds, v);
    }

    /** Whether the caller may use the placement profile {@code name}. */
    public boolean allowsProfile(String name) {
        return profiles.contains(ANY) || profiles.contains(name);
    }

    /** Whether the caller may issue for assets of kind {@code assetKind}. */
    public boolean allowsAssetKind(String assetKind) {
        return assetKinds.contains(ANY) || assetKinds.contains(assetKind);
    }

    /** Whether the caller may ask for canaries of {@code kind}. */
    public boolean allowsKind(CredentialKind kind) {
        return kinds.contains(kind);
    }
}
