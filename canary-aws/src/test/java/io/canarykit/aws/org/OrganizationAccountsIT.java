package io.canarykit.aws.org;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryException;
import io.canarykit.aws.account.OrganizationAccounts;
import io.canarykit.aws.account.OrganizationsApi;
import io.canarykit.aws.account.SignedOrganizationsApi;
import io.canarykit.testkit.aws.ApiCall;
import io.canarykit.testkit.aws.AwsEmulator;
import io.canarykit.testkit.aws.TrailRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.canarykit.aws.org.OrgEmulator.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/** Member accounts discovered through the emulator's AWS Organizations, with requests signed by the SDK's signer. */
class OrganizationAccountsIT {
    static AwsEmulator aws;
    static SignedOrganizationsApi org;

    @BeforeAll
    static void start() {
        aws = OrgEmulator.builder(Clock.systemUTC()).start();
        org = OrgEmulator.organizations(aws, aws.adminCredentials(MANAGEMENT));
    }

    @AfterAll
    static void stop() {
        org.close();
        aws.close();
    }

    @Test
    void listAccountsFindsEveryActiveAccountAndReportsTheSuspendedOne() {
        OrganizationAccounts.Discovery d = OrganizationAccounts.builder().organizations(org).build().discover();
        assertThat(d.accountIds()).containsExactly(MANAGEMENT, PROD_A, PROD_B, DEV, SANDBOX);
        assertThat(d.skipped()).containsExactly(Map.entry(SUSPENDED, "status SUSPENDED"));
        assertThat(aws.calls()).extracting(ApiCall::operation).contains("ListAccounts");
    }

    @Test
    void unitPathsByNameIncludeSubUnitsAndTagsFilter() {
        OrganizationAccounts.Discovery workloads = OrganizationAccounts.builder().organizations(org)
                .ouPaths(List.of("/Workloads")).build().discover();
        assertThat(workloads.accountIds()).containsExactlyInAnyOrder(PROD_A, PROD_B, DEV);
        assertThat(workloads.skipped()).containsKey(SUSPENDED);

        OrganizationAccounts.Discovery prod = OrganizationAccounts.builder().organizations(org)
                .ouPaths(List.of("/Workloads/Prod")).tagFilters(Map.of("canary", "enabled", "env", "prod"))
                .exclude(List.of(PROD_B)).build().discover();
        assertThat(prod.accountIds()).containsExactly(PROD_A);
        assertThat(prod.skipped()).containsEntry(PROD_B, "excluded").containsEntry(SUSPENDED, "status SUSPENDED");

        OrganizationAccounts.Discovery tagged = OrganizationAccounts.builder().organizations(org)
                .tagFilters(Map.of("canary", "*")).build().discover();
        assertThat(tagged.accountIds()).containsExactly(PROD_A, PROD_B, DEV);
        assertThat(tagged.skipped()).containsEntry(SANDBOX, "tag canary=* does not match")
                .containsEntry(MANAGEMENT, "tag canary=* does not match");
        List<String> ops = aws.calls().stream().map(ApiCall::operation).toList();
        assertThat(ops).contains("ListRoots", "ListOrganizationalUnitsForParent", "ListAccountsForParent",
                "ListTagsForResource");
    }

    @Test
    void unitIdsWorkAsGivenAndAMissingPathSaysWhatExists() {
        OrganizationsApi.Unit root = org.listRoots().get(0);
        String workloads = org.listOrganizationalUnitsForParent(root.id()).stream()
                .filter(u -> u.name().equals("Workloads")).findFirst().orElseThrow().id();
        assertThat(OrganizationAccounts.builder().organizations(org).ouPaths(List.of(workloads)).build().discover()
                .accountIds()).containsExactlyInAnyOrder(PROD_A, PROD_B, DEV);
        assertThatThrownBy(() -> OrganizationAccounts.builder().organizations(org).ouPaths(List.of("/Workloads/Qa"))
                .build().discover()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("/Workloads/Qa").hasMessageContaining("[Dev, Prod]");
    }

    @Test
    void pagesAreAllReadWhenTheOrganisationIsLarge() {
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 47; i++) {
            ids.add(String.format("7%011d", i));
        }
        try (AwsEmulator big = AwsEmulator.builder().accounts(ids.toArray(new String[0])).start();
             SignedOrganizationsApi api = OrgEmulator.organizations(big, big.adminCredentials(ids.get(0)))) {
            assertThat(OrganizationAccounts.builder().organizations(api).build().discover().accountIds())
                    .containsExactlyElementsOf(ids);
            assertThat(big.calls().stream().filter(c -> c.operation().equals("ListAccounts")).count()).isEqualTo(3);
        }
    }

    @Test
    void aMemberAccountIsRefusedWithAnErrorThatSaysWhoMayDiscover() {
        try (SignedOrganizationsApi member = OrgEmulator.organizations(aws, aws.adminCredentials(PROD_A))) {
            assertThatThrownBy(() -> OrganizationAccounts.builder().organizations(member).build().discover())
                    .isInstanceOf(CanaryException.class).hasMessageContaining("AccessDeniedException")
                    .hasMessageContaining("management account or a delegated administrator");
        }
    }

    @Test
    void discoveryIsRecordedInTheManagementAccountsTrailAndErrorsCarryNoSecret() {
        OrganizationAccounts.builder().organizations(org).build().discover();
        List<TrailRecord> records = aws.trailRecords(MANAGEMENT).stream()
                .filter(r -> r.eventSource().equals("organizations.amazonaws.com")).toList();
        assertThat(records).extracting(TrailRecord::eventName).contains("ListAccounts");
        var creds = aws.adminCredentials(PROD_A);
        String secret = creds.secretAccessKey().reveal();
        try (SignedOrganizationsApi member = OrgEmulator.organizations(aws, creds)) {
            Throwable t = catchThrowable(member::listAccounts);
            assertThat(t).hasMessageContaining("AccessDeniedException"); // positive control: the call was refused
            assertThat(t.getMessage()).doesNotContain(secret);
            assertThat(member.toString()).doesNotContain(secret);
        }
    }

    @Test
    void anExplicitListMakesNoOrganizationsCallAndFiltersNeedDiscovery() {
        int before = aws.calls().size();
        OrganizationAccounts.Discovery d = OrganizationAccounts.builder().accounts(List.of(PROD_A, DEV))
                .exclude(List.of(DEV)).build().discover();
        assertThat(d.accountIds()).containsExactly(PROD_A);
        assertThat(d.skipped()).containsExactly(Map.entry(DEV, "excluded"));
        assertThat(aws.calls()).hasSize(before);
        assertThatThrownBy(() -> OrganizationAccounts.builder().accounts(List.of(PROD_A))
                .ouPaths(List.of("/Workloads")).build()).isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("discover=true");
        assertThatThrownBy(() -> OrganizationAccounts.builder().build()).isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> OrganizationAccounts.builder().accounts(List.of("12345")))
                .isInstanceOf(CanaryConfigurationException.class);
    }
}
