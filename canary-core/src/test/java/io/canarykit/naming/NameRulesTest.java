package io.canarykit.naming;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CredentialKind;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NameRulesTest {

    @Test
    void lengthsPerTarget() {
        assertThat(NameRules.IAM_USER.problem("a")).isNull();
        assertThat(NameRules.IAM_USER.problem("a".repeat(64))).isNull();
        assertThat(NameRules.IAM_USER.problem("a".repeat(65))).isEqualTo("IAM user name '" + "a".repeat(65)
                + "' has 65 characters; AWS allows 1-64");
        assertThat(NameRules.ROLE_SESSION.problem("a")).contains("RoleSessionName").contains("2-64");
        assertThat(NameRules.ROLE_SESSION.problem("ab")).isNull();
        assertThat(NameRules.FEDERATED_USER.problem("a".repeat(32))).isNull();
        assertThat(NameRules.FEDERATED_USER.problem("a".repeat(33))).contains("federated user name").contains("2-32");
        assertThat(NameRules.IAM_USER.problem(null)).isEqualTo("IAM user name is missing");
        assertThat(NameRules.forKind(CredentialKind.IAM_USER)).isEqualTo(NameRules.IAM_USER);
        assertThat(NameRules.forKind(CredentialKind.ASSUMED_ROLE)).isEqualTo(NameRules.ROLE_SESSION);
        assertThat(NameRules.forKind(CredentialKind.FEDERATION_TOKEN)).isEqualTo(NameRules.FEDERATED_USER);
    }

    @Test
    void charactersAreNamedByPosition() {
        assertThat(NameRules.IAM_USER.problem("A-z_0+9=,.@-")).isNull();
        assertThat(NameRules.IAM_USER.problem("web 1")).isEqualTo("IAM user name 'web 1' contains ' ' at position 4; "
                + "AWS allows only letters, digits and + = , . @ _ -");
        assertThat(NameRules.ROLE_SESSION.problem("a/b")).contains("'/' at position 2");
        assertThat(NameRules.IAM_USER.problem("café")).contains("'é'");
    }

    @Test
    void validateNeverTruncates() {
        String longName = "x".repeat(40);
        assertThatThrownBy(() -> NameRules.FEDERATED_USER.validate(longName))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("40 characters");
        assertThat(NameRules.IAM_USER.validate(longName)).isEqualTo(longName);
    }

    @Test
    void iamUserNamesAreUniqueCaseInsensitively() {
        assertThat(NameRules.IAM_USER.sameName("Bob", "bob")).isTrue();
        assertThat(NameRules.ROLE_SESSION.sameName("Bob", "bob")).isFalse();
        assertThat(NameRules.IAM_USER.uniquenessKey("CI-Deploy")).isEqualTo("ci-deploy");
    }

    @Test
    void iamPathRules() {
        assertThat(IamPath.validate("/")).isEqualTo("/");
        assertThat(IamPath.validate("/engineering/ci/")).isEqualTo("/engineering/ci/");
        assertThat(IamPath.problem("")).contains("missing");
        assertThat(IamPath.problem("engineering/")).contains("is not / or /…/");
        assertThat(IamPath.problem("/engineering")).contains("is not / or /…/");
        assertThat(IamPath.problem("/a b/")).contains("is not / or /…/");
        assertThat(IamPath.problem("/" + "x".repeat(511) + "/")).contains("513 characters").contains("1-512");
        assertThat(IamPath.problem("/" + "x".repeat(510) + "/")).isNull();
        assertThat(IamPath.problem("/canary/")).contains("give the canary away");
        assertThat(IamPath.problem("/SpaceCrab/")).contains("give the canary away");
        assertThat(IamPath.problem("/ggcanary/")).contains("give the canary away");
        assertThatThrownBy(() -> IamPath.validate("/honey/users/")).isInstanceOf(CanaryConfigurationException.class);
    }
}
