package io.canarykit.server;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import io.canarykit.config.CanaryConfig;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads {@code canary.api.*} into an {@link IssuanceApi.Builder}. Unknown keys under {@code canary.api.} are refused
 * with the list of known ones, so a misspelt limit or permission is never silently ignored.
 */
final class ApiConfig {
    private static final String API = "canary.api.";
    private static final Set<String> SCALARS = Set.of("rate-per-minute", "burst", "header-timeout", "body-timeout",
            "idle-timeout", "max-header-bytes", "max-body-bytes", "max-connections", "max-connections-per-address",
            "threads", "failed-auth-per-minute", "failed-auth-burst", "hmac-max-skew", "kind", "audit.file",
            "authenticators");
    private static final Set<String> CALLER_KEYS = Set.of("token", "hmac-key", "profiles", "asset-kinds", "kinds",
            "admin");
    private static final Set<String> PROFILE_KEYS = Set.of("placement", "allowed-directories", "caller-options",
            "path-options", "kind");

    private ApiConfig() {
    }

    static IssuanceApi.Builder configure(CanaryConfig config, IssuanceApi.Builder b) {
        checkKeys(config);
        b.limits(ServerLimits.fromConfig(config))
                .rateLimit(config.getDouble(API + "rate-per-minute", 60), config.getInt(API + "burst", 10))
                .maxSkew(config.getDuration(API + "hmac-max-skew", java.time.Duration.ofMinutes(5)));
        if (config.has(API + "kind")) {
            b.defaultKind(CredentialKind.fromConfigName(config.getString(API + "kind")));
        } else if (config.has("canary.kind")) {
            b.defaultKind(CredentialKind.fromConfigName(config.getString("canary.kind")));
        }
        b.tls(TlsSettings.fromConfig(config)).devices(DeviceSettings.fromConfig(config));
        if (config.has(API + "audit.file")) {
            b.auditLog(AuditLog.file(config.getPath(API + "audit.file")));
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
            b.bearerToken(caller, config.getSecret(key));
        }
        for (String caller : keys.keySet()) {
            String key = config.has(API + "hmac-keys." + caller) ? API + "hmac-keys." + caller
                    : API + "caller." + caller + ".hmac-key";
            b.hmacKey(caller, config.getSecret(key));
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
        String template = config.getString("canary.naming.template", "");
        if (runs && "template".equals(config.getString("canary.namer", "")) && (template.contains("{id}")
                || template.contains("{label:"))) {
            throw new CanaryConfigurationException("canary.naming.template uses {id} or {label:...}, which for a CI "
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
        CredentialKind kind = config.has(p + "kind") ? CredentialKind.fromConfigName(config.getString(p + "kind")) : null;
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
        for (String key : config.withPrefix(API).keySet()) {
            if (SCALARS.contains(key) || key.startsWith("tokens.") || key.startsWith("hmac-keys.")
                    || key.startsWith("authenticator.") || key.startsWith("tls.") || key.startsWith("devices.")) {
                continue;
            }
            if (key.startsWith("caller.")) {
                String rest = key.substring("caller.".length());
                int dot = rest.lastIndexOf('.');
                if (dot > 0 && CALLER_KEYS.contains(rest.substring(dot + 1))) {
                    continue;
                }
            } else if (key.startsWith("profile.")) {
                String rest = key.substring("profile.".length());
                int dot = rest.indexOf('.');
                if (dot > 0) {
                    String sub = rest.substring(dot + 1);
                    if (PROFILE_KEYS.contains(sub) || (sub.startsWith("option.") && sub.length() > 7)) {
                        continue;
                    }
                }
            }
            unknown.add(API + key);
        }
        if (!unknown.isEmpty()) {
            throw new CanaryConfigurationException("unknown configuration key(s) " + String.join(", ", unknown)
                    + "; known: " + API + "{" + String.join(", ", new TreeSet<>(SCALARS)) + "}, " + API + "tokens.<caller>, "
                    + API + "hmac-keys.<caller>, " + API + "caller.<caller>.{" + String.join(", ", new TreeSet<>(CALLER_KEYS))
                    + "}, " + API + "profile.<name>.{" + String.join(", ", new TreeSet<>(PROFILE_KEYS)) + ", option.<key>}, "
                    + API + "authenticator.<name>.*, " + API + "tls.*, " + API + "devices.*");
        }
    }
}
