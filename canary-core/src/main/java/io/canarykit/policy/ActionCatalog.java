package io.canarykit.policy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The actions and resources the deny-everything check samples: about 300 actions that attackers call first with a
 * found key (identity discovery through calls CloudTrail does not log, enumeration, escalation, exfiltration) and a
 * broad sample of common services.
 *
 * @since 0.1.0
 */
final class ActionCatalog {
    private static final List<String> ACTIONS = load();

    private ActionCatalog() {
    }

    /** The catalogued actions, {@code service:Action}. */
    public static List<String> actions() {
        return ACTIONS;
    }

    /** Sample resource ARNs in {@code accountId}, plus {@code *}. */
    public static List<String> sampleResources(String accountId) {
        String a = accountId;
        return List.of("*",
                "arn:aws:s3:::example-bucket",
                "arn:aws:s3:::example-bucket/path/object.txt",
                "arn:aws:iam::" + a + ":user/admin",
                "arn:aws:iam::" + a + ":role/admin",
                "arn:aws:iam::" + a + ":policy/admin",
                "arn:aws:kms:us-east-1:" + a + ":key/0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
                "arn:aws:secretsmanager:us-east-1:" + a + ":secret:prod/db-AbCdEf",
                "arn:aws:sqs:us-east-1:" + a + ":jobs",
                "arn:aws:sns:us-east-1:" + a + ":alerts",
                "arn:aws:lambda:us-east-1:" + a + ":function:api",
                "arn:aws:dynamodb:us-east-1:" + a + ":table/orders",
                "arn:aws:ec2:us-east-1:" + a + ":instance/i-0123456789abcdef0",
                "arn:aws:ssm:us-east-1:" + a + ":parameter/prod/db/password",
                "arn:aws:sts::" + a + ":federated-user/x");
    }

    /** Adds concrete actions derived from policy action patterns: each pattern instantiated, and an unlisted sibling. */
    static void deriveActions(@Nullable List<String> patterns, Set<String> out) {
        if (patterns == null) {
            return;
        }
        out.add("zzzunknown:AnyAction");
        for (String p : patterns) {
            int colon = p.indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String service = p.substring(0, colon).replace("*", "x").replace("?", "x").toLowerCase(Locale.ROOT);
            out.add(service + ":" + p.substring(colon + 1).replace("*", "X").replace("?", "X"));
            out.add(service + ":ZzzUnlistedAction");
        }
    }

    /** Adds concrete resources derived from policy resource patterns. */
    static void deriveResources(@Nullable List<String> patterns, Set<String> out) {
        if (patterns == null) {
            return;
        }
        for (String p : patterns) {
            if (p.startsWith("arn:")) {
                String concrete = p.replaceAll("\\$\\{[^}]*}", "x").replace("*", "x").replace("?", "x");
                out.add(concrete);
                out.add(concrete + "-sibling");
            }
        }
    }

    private static List<String> load() {
        List<String> out = new ArrayList<>();
        try (InputStream in = ActionCatalog.class.getResourceAsStream("actions.txt")) {
            if (in == null) {
                throw new IllegalStateException("io/canarykit/policy/actions.txt is missing from the class path");
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while ((line = r.readLine()) != null) {
                String t = line.trim();
                if (!t.isEmpty() && !t.startsWith("#")) {
                    out.add(t);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(out);
    }
}
