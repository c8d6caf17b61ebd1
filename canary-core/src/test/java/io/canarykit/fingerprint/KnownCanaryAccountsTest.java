package io.canarykit.fingerprint;

import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KnownCanaryAccountsTest {

    @Test
    void bundledListsHoldThirteenThinkstAndSixteenKnockoffAccounts() {
        KnownCanaryAccounts b = KnownCanaryAccounts.bundled();
        assertThat(b.size()).isEqualTo(29);
        assertThat(b.all()).filteredOn(a -> a.list().equals("thinkst")).hasSize(13);
        assertThat(b.all()).filteredOn(a -> a.list().equals("knockoff")).hasSize(16);
        assertThat(b.all()).allSatisfy(a -> {
            assertThat(a.accountId()).matches("\\d{12}");
            assertThat(a.label()).isNotBlank();
            assertThat(a.sources()).isNotBlank();
        });
        assertThat(b.lookup("052310077262")).get().satisfies(a -> {
            assertThat(a.label()).contains("Thinkst");
            assertThat(a.sources()).contains("trufflehog");
        });
        assertThat(b.contains("729780141977")).isTrue();
        assertThat(b.lookup("982842642351")).get().extracting(KnownCanaryAccount::list).isEqualTo("knockoff");
        // an MDR vendor's integration account, not a canary issuer
        assertThat(b.contains("823104324086")).isFalse();
        assertThat(b.contains(null)).isFalse();
        assertThat(b.lookup(null)).isEmpty();
        assertThat(KnownCanaryAccounts.bundled()).isSameAs(b);
    }

    @Test
    void bundledMatchesTheReferenceUnion() {
        List<String> thinkst = List.of("052310077262", "171436882533", "534261010715", "595918472158", "717712589309",
                "819147034852", "992382622183", "730335385048", "266735846894", "893192397702", "528757803018",
                "538784191382", "729780141977");
        List<String> knockoff = List.of("044858866125", "251535659677", "344043088457", "351906852752", "390477818340",
                "426127672474", "427150556519", "439872796651", "445142720921", "465867158099", "637958123769",
                "693412236332", "732624840810", "735421457923", "959235150393", "982842642351");
        KnownCanaryAccounts b = KnownCanaryAccounts.bundled();
        assertThat(b.all()).filteredOn(a -> a.list().equals("thinkst")).extracting(KnownCanaryAccount::accountId)
                .containsExactlyInAnyOrderElementsOf(thinkst);
        assertThat(b.all()).filteredOn(a -> a.list().equals("knockoff")).extracting(KnownCanaryAccount::accountId)
                .containsExactlyInAnyOrderElementsOf(knockoff);
    }

    @Test
    void usersAddListsFromFilesAndCode(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("ours.txt");
        Files.writeString(file, """
                # our own canary accounts
                111111111111
                222222222222 red team canaries
                333333333333\tpurple team\tconfluence page

                444444444444\tvendor-x\tVendor X canaries\tvendor docs
                """);
        KnownCanaryAccounts k = KnownCanaryAccounts.builder().addFile(file)
                .add("555555555555", "lab", "in code").addAll(List.of("666666666666"), "bulk", "in code").build();
        assertThat(k.size()).isEqualTo(6);
        assertThat(k.lookup("111111111111")).get().satisfies(a -> {
            assertThat(a.label()).isEqualTo("listed in ours.txt");
            assertThat(a.sources()).isEqualTo("ours.txt");
            assertThat(a.list()).isEqualTo("user");
        });
        assertThat(k.lookup("222222222222")).get().extracting(KnownCanaryAccount::label).isEqualTo("red team canaries");
        assertThat(k.lookup("333333333333")).get().satisfies(a -> {
            assertThat(a.label()).isEqualTo("purple team");
            assertThat(a.sources()).isEqualTo("confluence page");
        });
        assertThat(k.lookup("444444444444")).get().satisfies(a -> {
            assertThat(a.list()).isEqualTo("vendor-x");
            assertThat(a.label()).isEqualTo("Vendor X canaries");
        });
        assertThat(k.contains("052310077262")).as("not bundled unless asked").isFalse();
        assertThat(KnownCanaryAccounts.builder().addBundled().addFile(file).build().size()).isEqualTo(33);
    }

    @Test
    void theFirstEntryOfAnAccountWins() {
        KnownCanaryAccounts k = KnownCanaryAccounts.builder().addBundled().add("052310077262", "mine", "me").build();
        assertThat(k.size()).isEqualTo(29);
        assertThat(k.lookup("052310077262")).get().extracting(KnownCanaryAccount::label).asString().contains("Thinkst");
    }

    @Test
    void badFilesGetClearErrors(@TempDir Path dir) throws IOException {
        Path bad = dir.resolve("bad.txt");
        Files.writeString(bad, "111111111111\n52310077262\n");
        assertThatThrownBy(() -> KnownCanaryAccounts.builder().addFile(bad))
                .isInstanceOf(CanaryConfigurationException.class)
                .hasMessageContaining("bad.txt:2").hasMessageContaining("'52310077262'").hasMessageContaining("12 digits");
        assertThatThrownBy(() -> KnownCanaryAccounts.builder().addFile(dir.resolve("missing.txt")))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("does not exist");
        assertThatThrownBy(() -> KnownCanaryAccounts.builder().add("12", "x", "y"))
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12 digits");
    }

    @Test
    void noneIsEmpty() {
        assertThat(KnownCanaryAccounts.none().size()).isZero();
        assertThat(KnownCanaryAccounts.none().contains("052310077262")).isFalse();
    }
}
