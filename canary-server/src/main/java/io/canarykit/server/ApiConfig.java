package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code canary.api.*} into an {@link IssuanceApi.Builder}. Unknown keys under {@code canary.api.} (those
 * {@link ApiConfigSection} does not declare) are refused with the closest known key and the list of known ones, so a
 * misspelt limit or permission is never silently ignored.
 */
final class ApiConfig {
    private static final String API = "canary.api.";

    private ApiConfig() {
    }

    static IssuanceApi.Builder configure(CanaryConfig config, IssuanceApi.Builder b) {
        checkKeys(config);
        b.limits(ServerLimits.fromConfig(config))
                .rateLimit(config.getDouble(API + "rate-per-minute", 60), config.getInt(API + "burst", 10))
                .maxSkew(config.getDuration(API + "hmac-max-skew", Duration.ofMinutes(5)));
        if (config.has(API + "kind")) {
            b.defaultKind(CredentialKind.fromConfigName(config.requireString(API + "kind")));
        } else if (config.has("canary.kind")) {
            b.defaultKind(CredentialKind.fromConfigName(config.requireString("canary.kind")));
        }
        b.tls(TlsSettings.fromConfig(config)).devices(DeviceSettings.fromConfig(config));
        Path auditFile = config.getPath(API + "audit.file");
        if (auditFile != null) {
            b.auditLog(AuditLog.file(auditFile));
        }

        // callers: the older flat keys and canary.api.caller.<name>.*
        Map<String, String> tokens = new LinkedHashMap<>(config.withPrefix(API + "tokens."));
        Map<String, String> keys = new LinkedHashMap<>(config.withPrefix(API + "hmac-keys."));
        Set<String> callers = new TreeSet<>();
        for (String k : config.withPrefix(API + "caller.").keySet()) {
            callers.add(k.substring(0, k.lastIndexOf('.') < 0 ? k.length() : k.lastIndexOf('.')));
        }
        for (String caller : callers) {
            String p = API + "caller." + caller + ".";
            if (config.has(p + "token")) {
                if (tokens.containsKey(caller)) {
                    throw new CanaryConfigurationException("caller " + caller + " has a token in both "
                            + API + "tokens." + caller + " and " + p + "token; keep one");
                }
                tokens.put(caller, "");
            }
            if (config.has(p + "hmac-key")) {
                if (keys.containsKey(caller)) {
                    throw new CanaryConfigurationException("caller " + caller + " has a key in both "
                            + API + "hmac-keys." + caller + " and " + p + "hmac-key; keep one");
                }
                keys.put(caller, "");
            }
            CallerPermissions perms = CallerPermissions.defaults()
                    .withProfiles(config.getList(p + "profiles", List.of(PlacementProfile.RETURN)))
                    .withAssetKinds(config.getList(p + "asset-kinds", List.of(CallerPermissions.ANY)))
                    .withKinds(config.getList(p + "kinds", List.of(CallerPermissions.ANY)))
                    .withAdmin(config.getBoolean(p + "admin", false));
            b.permissions(caller, perms);
        }
        for (String caller : tokens.keySet()) {
            String key = config.has(API + "tokens." + caller) ? API + "tokens." + caller : API + "caller." + caller + ".token";
            // a caller is in tokens only when one of its two token keys is set, and key is the one that is
            b.bearerToken(caller, Objects.requireNonNull(config.getSecret(key), key));
        }
        for (String caller : keys.keySet()) {
            String key = config.has(API + "hmac-keys." + caller) ? API + "hmac-keys." + caller
                    : API + "caller." + caller + ".hmac-key";
            // a caller is in keys only when one of its two hmac-key keys is set, and key is the one that is
            b.hmacKey(caller, Objects.requireNonNull(config.getSecret(key), key));
        }

        // placement profiles
        Set<String> profiles = new TreeSet<>();
        for (String k : config.withPrefix(API + "profile.").keySet()) {
            int dot = k.indexOf('.');
            profiles.add(dot < 0 ? k : k.substring(0, dot));
        }
        for (String name : profiles) {
            b.profile(profile(config, name));
        }

        // further authenticators, by provider name
        List<String> names = config.getList(API + "authenticators");
        refuseRunNamesInPrincipals(config, names);
        if (!names.isEmpty()) {
            Map<String, CallerAuthenticatorProvider> found = providers();
            for (String n : names) {
                CallerAuthenticatorProvider p = found.get(n);
                if (p == null) {
                    throw new CanaryConfigurationException(API + "authenticators names '" + n + "', but no "
                            + "CallerAuthenticatorProvider of that name is on the class path; available: "
                            + (found.isEmpty() ? "none" : String.join(", ", new TreeSet<>(found.keySet()))));
                }
                b.authenticator(p.create(new AuthenticatorContext(config.scoped(API + "authenticator." + n + "."),
                        Clock.systemUTC(), b.replayGuardOrDefault(), b.store())));
            }
        }
        return b;
    }

    /**
     * A CI run's asset id and labels are its repository, run id and commit: the template namer's {@code {id}} and
     * {@code {label:...}} would put them in principal names, where an attacker reads them.
     */
    private static void refuseRunNamesInPrincipals(CanaryConfig config, List<String> authenticators) {
        boolean runs = authenticators.contains(CiPlatform.GITHUB_ACTIONS.authenticatorName())
                || authenticators.contains(CiPlatform.GITLAB_CI.authenticatorName());
        String template = config.getString("canary.namer.template.pattern", config.getString("canary.naming.template", ""));
        if (runs && "template".equals(config.getString("canary.namer", "")) && (template.contains("{id}")
                || template.contains("{label:"))) {
            throw new CanaryConfigurationException("canary.namer.template.pattern uses {id} or {label:...}, which for a CI "
                    + "run's canary would put its repository, run id or commit in the principal name; use {hmac:N}, "
                    + "{team}, {tool}, {role} (or canary.namer=plausible) when " + API + "authenticators has CI runs");
        }
    }

    private static PlacementProfile profile(CanaryConfig config, String name) {
        String p = API + "profile." + name + ".";
        String placement = config.getString(p + "placement");
        if (placement == null) {
            throw new CanaryConfigurationException("placement profile " + name + " needs " + p + "placement (such as env "
                    + "or aws-credentials-file)");
        }
        List<Path> dirs = new ArrayList<>();
        for (String d : config.getList(p + "allowed-directories")) {
            dirs.add(Path.of(d));
        }
        CredentialKind kind = config.has(p + "kind") ? CredentialKind.fromConfigName(config.requireString(p + "kind")) : null;
        return new PlacementProfile(name, placement, new LinkedHashMap<>(config.withPrefix(p + "option.")), dirs,
                new LinkedHashSet<>(config.getList(p + "caller-options")),
                new LinkedHashSet<>(config.getList(p + "path-options")), kind);
    }

    private static Map<String, CallerAuthenticatorProvider> providers() {
        Map<String, CallerAuthenticatorProvider> out = new LinkedHashMap<>();
        ClassLoader cl = Thread.currentThread().getContextClassLoader();
        for (CallerAuthenticatorProvider p : ServiceLoader.load(CallerAuthenticatorProvider.class,
                cl != null ? cl : ApiConfig.class.getClassLoader())) {
            CallerAuthenticatorProvider before = out.putIfAbsent(p.name(), p);
            if (before != null) {
                throw new CanaryConfigurationException("two CallerAuthenticatorProviders are named " + p.name() + " ("
                        + before.getClass().getName() + ", " + p.getClass().getName() + "); remove one from the class path");
            }
        }
        return out;
    }

    private static void checkKeys(CanaryConfig config) {
        List<String> unknown = new ArrayList<>();
        String suggestion = null;
        for (String key : config.withPrefix(API).keySet()) {
            if (ApiConfigSection.KEYS.find(API + key) == null) {
                unknown.add(API + key);
                if (suggestion == null) {
                    suggestion = ApiConfigSection.KEYS.closest(API + key);
                }
            }
        }
        if (!unknown.isEmpty()) {
            List<String> known = new ArrayList<>();
            ApiConfigSection.KEYS.keys().forEach(k -> known.add(k.name()));
            throw new CanaryConfigurationException("unknown configuration key(s) " + String.join(", ", unknown)
                    + (suggestion == null ? "" : " (did you mean " + suggestion + "?)") + "; known: "
                    + String.join(", ", known));
        }
    }
}
