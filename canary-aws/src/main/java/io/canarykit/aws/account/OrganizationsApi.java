package io.canarykit.aws.account;

import java.util.List;
import java.util.Map;

/**
 * The AWS Organizations calls account discovery needs, read-only. {@link SignedOrganizationsApi} sends them to AWS;
 * tests may pass their own. Every list is complete (all pages read). Implementations are thread-safe.
 *
 * @since 0.1.0
 */
public interface OrganizationsApi {

    /** An account as Organizations lists it. */
    record Account(String id, String name, String status) {
        /** True unless the account is suspended or closing ({@code ACTIVE} only). */
        public boolean active() {
            return "ACTIVE".equals(status);
        }
    }

    /** A root or an organisational unit. */
    record Unit(String id, String name) {
    }

    /** {@code ListRoots}: the organisation's root (AWS has exactly one). */
    List<Unit> listRoots();

    /** {@code ListOrganizationalUnitsForParent}. */
    List<Unit> listOrganizationalUnitsForParent(String parentId);

    /** {@code ListAccounts}: every account of the organisation. */
    List<Account> listAccounts();

    /** {@code ListAccountsForParent}: the accounts directly under a root or unit. */
    List<Account> listAccountsForParent(String parentId);

    /** {@code ListTagsForResource} of an account. */
    Map<String, String> listTagsForResource(String resourceId);
}
