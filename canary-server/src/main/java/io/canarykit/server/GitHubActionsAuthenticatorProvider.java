package io.canarykit.server;

/**
 * The {@code github-actions} authenticator: GitHub Actions jobs call the API with their OpenID Connect token
 * ({@link OidcAuthenticator}, {@link CiPlatform#GITHUB_ACTIONS}), configured under
 * {@code canary.api.authenticator.github-actions.*}.
 *
 * @since 0.1.0
 */
public final class GitHubActionsAuthenticatorProvider implements CallerAuthenticatorProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public GitHubActionsAuthenticatorProvider() {
    }

    @Override
    public String name() {
        return CiPlatform.GITHUB_ACTIONS.authenticatorName();
    }

    @Override
    public CallerAuthenticator create(AuthenticatorContext context) {
        return OidcAuthenticatorConfig.create(CiPlatform.GITHUB_ACTIONS, context);
    }
}
