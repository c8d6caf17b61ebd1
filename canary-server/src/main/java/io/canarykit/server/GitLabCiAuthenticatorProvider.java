package io.canarykit.server;

/**
 * The {@code gitlab-ci} authenticator: GitLab CI/CD jobs call the API with an {@code id_tokens} token
 * ({@link OidcAuthenticator}, {@link CiPlatform#GITLAB_CI}), configured under
 * {@code canary.api.authenticator.gitlab-ci.*}.
 *
 * @since 0.1.0
 */
public final class GitLabCiAuthenticatorProvider implements CallerAuthenticatorProvider {
    /** Found by {@link java.util.ServiceLoader}. */
    public GitLabCiAuthenticatorProvider() {
    }

    @Override
    public String name() {
        return CiPlatform.GITLAB_CI.authenticatorName();
    }

    @Override
    public CallerAuthenticator create(AuthenticatorContext context) {
        return OidcAuthenticatorConfig.create(CiPlatform.GITLAB_CI, context);
    }
}
