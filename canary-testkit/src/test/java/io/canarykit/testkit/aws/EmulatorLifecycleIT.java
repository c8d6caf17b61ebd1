package io.canarykit.testkit.aws;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.canarykit.CanaryConfigurationException;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.AccessKey;
import software.amazon.awssdk.services.sts.model.Credentials;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmulatorLifecycleIT {

    @Test
    void servesConcurrentIssuersConsistently() throws Exception {
        try (AwsEmulator aws = AwsEmulator.builder().start()) {
            int threads = 8;
            int perThread = 15;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<List<String>>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        IamClient iam = aws.iam(aws.adminCredentials());
                        List<String> keys = new ArrayList<>();
                        for (int i = 0; i < perThread; i++) {
                            String name = "c-" + id + "-" + i;
                            iam.createUser(b -> b.userName(name));
                            keys.add(iam.createAccessKey(b -> b.userName(name)).accessKey().accessKeyId());
                        }
                        return keys;
                    }));
                }
                List<String> all = new ArrayList<>();
                for (Future<List<String>> f : futures) {
                    all.addAll(f.get());
                }
                assertThat(all).hasSize(threads * perThread).doesNotHaveDuplicates();
                assertThat(aws.usersExceptAdmin(aws.accountId())).hasSize(threads * perThread);
                assertThat(aws.trailRecords()).hasSize(2 * threads * perThread);
                assertThat(aws.calls()).hasSize(2 * threads * perThread);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void accountsAreSeparateAndKeysEncodeTheirAccount() {
        try (AwsEmulator aws = AwsEmulator.builder().accounts("111111111111", "222222222222").start()) {
            EmulatedCredentials a = aws.adminCredentials("111111111111");
            EmulatedCredentials b = aws.adminCredentials("222222222222");
            assertThat(Policies.decodeAccount(a.accessKeyId())).isEqualTo("111111111111");
            assertThat(Policies.decodeAccount(b.accessKeyId())).isEqualTo("222222222222");
            aws.iam(b).createUser(x -> x.userName("only-in-b"));
            assertThat(aws.user("111111111111", "only-in-b")).isEmpty();
            assertThat(aws.user("222222222222", "only-in-b")).isPresent();
            assertThat(aws.sts(b).getCallerIdentity().account()).isEqualTo("222222222222");
            assertThat(aws.trailRecords("222222222222")).extracting(TrailRecord::eventName)
                    .containsExactly("CreateUser", "GetCallerIdentity");
            assertThat(aws.trailRecords("111111111111")).isEmpty();
            // cross-account AssumeRole: the role in B trusts account A, A's administrator may assume it
            String roleArn = aws.createRole("222222222222", "cross", Policies.trust("arn:aws:iam::111111111111:root"), Map.of());
            Credentials c = aws.sts(a).assumeRole(x -> x.roleArn(roleArn).roleSessionName("from-a")).credentials();
            assertThat(Policies.decodeAccount(c.accessKeyId())).isEqualTo("222222222222");
            assertThatThrownBy(() -> aws.users("333333333333")).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void resetKeepsTheAdministratorKey() {
        try (AwsEmulator aws = AwsEmulator.builder().start()) {
            EmulatedCredentials admin = aws.adminCredentials();
            aws.iam().createUser(b -> b.userName("temp"));
            aws.faults().failEvery("iam:ListUsers", FaultAction.serverError());
            aws.reset();
            assertThat(aws.usersExceptAdmin(aws.accountId())).isEmpty();
            assertThat(aws.trailRecords()).isEmpty();
            assertThat(aws.faults().rules()).isEmpty();
            assertThat(aws.adminCredentials()).isEqualTo(admin);
            assertThat(aws.iam().listUsers().users()).hasSize(1);
        }
    }

    @Test
    void seededRandomGivesReproducibleIds() {
        String first;
        String second;
        try (AwsEmulator aws = AwsEmulator.builder().random(new Random(7)).start()) {
            first = aws.adminCredentials().accessKeyId();
        }
        try (AwsEmulator aws = AwsEmulator.builder().random(new Random(7)).start()) {
            second = aws.adminCredentials().accessKeyId();
        }
        assertThat(first).isEqualTo(second);
    }

    @Test
    void badConfigurationIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> AwsEmulator.builder().account("12345").start())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("12345").hasMessageContaining("12 digits");
        assertThatThrownBy(() -> AwsEmulator.builder().accounts("111111111111", "111111111111").start())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("unique");
        assertThatThrownBy(() -> AwsEmulator.builder().trailBucket("Bad_Bucket").start())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("Bad_Bucket");
        assertThatThrownBy(() -> AwsEmulator.builder().adminUserName("bad name").start())
                .isInstanceOf(CanaryConfigurationException.class);
        assertThatThrownBy(() -> AwsEmulator.builder().serviceControlPolicy("999999999999", Policies.DENY_ALL).start())
                .isInstanceOf(CanaryConfigurationException.class).hasMessageContaining("999999999999");
        assertThatThrownBy(() -> AwsEmulator.builder().trailDeliveryDelay(java.time.Duration.ofSeconds(-1)))
                .isInstanceOf(CanaryConfigurationException.class);
    }

    @Test
    void serviceControlPoliciesDenyMemberPrincipals() {
        try (AwsEmulator aws = AwsEmulator.builder().accounts("111111111111", "222222222222")
                .serviceControlPolicy("222222222222", Policies.ALLOW_ALL)
                .serviceControlPolicy("222222222222", "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\","
                        + "\"Action\":\"iam:CreateUser\",\"Resource\":\"*\"}]}").start()) {
            assertThatThrownBy(() -> aws.iam(aws.adminCredentials("222222222222")).createUser(b -> b.userName("x")))
                    .isInstanceOfSatisfying(software.amazon.awssdk.services.iam.model.IamException.class, e -> assertThat(
                            e.awsErrorDetails().errorMessage()).endsWith("with an explicit deny in a service control policy"));
            aws.iam(aws.adminCredentials("111111111111")).createUser(b -> b.userName("x"));
        }
    }

    @Test
    void secretsNeverReachLogsCallLogsOrToString() {
        // everything canarykit logs, at every level
        Logger emulatorLog = (Logger) LoggerFactory.getLogger("io.canarykit");
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        emulatorLog.addAppender(appender);
        ch.qos.logback.classic.Level emulatorBefore = emulatorLog.getLevel();
        emulatorLog.setLevel(ch.qos.logback.classic.Level.TRACE);
        List<String> secrets = new ArrayList<>();
        try (AwsEmulator aws = AwsEmulator.builder().start()) {
            secrets.add(aws.adminCredentials().secretAccessKey().reveal());
            aws.iam().createUser(b -> b.userName("leaky"));
            AccessKey k = aws.iam().createAccessKey(b -> b.userName("leaky")).accessKey();
            secrets.add(k.secretAccessKey());
            String roleArn = aws.createRole(aws.accountId(), "r", Policies.trust("arn:aws:iam::" + aws.accountId() + ":root"), Map.of());
            Credentials c = aws.sts().assumeRole(b -> b.roleArn(roleArn).roleSessionName("leak")).credentials();
            secrets.add(c.secretAccessKey());
            secrets.add(c.sessionToken());
            EmulatedCredentials session = EmulatedCredentials.of(c.accessKeyId(), c.secretAccessKey(), c.sessionToken(), null);
            aws.sts(session).getCallerIdentity();
            aws.deliverNow();
            StringBuilder everything = new StringBuilder();
            aws.trailRecords().forEach(r -> everything.append(r).append(r.json()));
            aws.logFiles().forEach(f -> everything.append(f.json()));
            aws.calls().forEach(everything::append);
            aws.users(aws.accountId()).forEach(everything::append);
            aws.sessions().forEach(everything::append);
            everything.append(session).append(aws.adminCredentials()).append(aws);
            appender.list.forEach(e -> everything.append(e.getFormattedMessage()));
            for (String s : secrets) {
                assertThat(everything.toString()).doesNotContain(s);
            }
            assertThat(appender.list).isNotEmpty();
        } finally {
            emulatorLog.detachAppender(appender);
            emulatorLog.setLevel(emulatorBefore);
        }
    }
}
