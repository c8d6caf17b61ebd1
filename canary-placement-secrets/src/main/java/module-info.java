/**
 * canarykit's placements into CI and secret stores over their REST APIs: {@code github-actions-secret} (libsodium
 * sealed boxes), {@code gitlab-ci-variable} and {@code vault-kv} (HashiCorp Vault KV v2).
 *
 * <p>{@code io.canarykit.placement.secrets} is the API; its builders take a {@code java.net.http.HttpClient}, so
 * {@code java.net.http} is read transitively. Bouncy Castle's lightweight API does the sealed boxes inside (no JCE
 * provider is registered).
 *
 * @since 0.1.0
 */
module io.canarykit.placement.secrets {
    requires transitive io.canarykit.core;
    requires transitive java.net.http;
    requires org.bouncycastle.provider;
    requires static org.jspecify;

    exports io.canarykit.placement.secrets;

    provides io.canarykit.placement.PlacementProvider with
            io.canarykit.placement.secrets.GitHubActionsSecretPlacementProvider,
            io.canarykit.placement.secrets.GitLabCiVariablePlacementProvider,
            io.canarykit.placement.secrets.VaultKvPlacementProvider;
}
