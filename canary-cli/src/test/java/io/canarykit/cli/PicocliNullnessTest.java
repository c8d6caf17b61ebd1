package io.canarykit.cli;

import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * NullAway does not check that picocli's fields are initialised (canary-cli's pom excludes {@code @Option},
 * {@code @Parameters}, {@code @Mixin}, {@code @Spec} and {@code @ParentCommand} fields: picocli fills them by
 * reflection before a command runs). This test checks what that leaves unchecked, from picocli's own model of the
 * whole command line: a field that picocli may leave null (an option that is not required and has no default value,
 * no initial value and no primitive type) is {@code @Nullable}, so that NullAway checks every use of it; and a field
 * picocli always sets is not, so that no code tests it for a null that cannot happen.
 */
class PicocliNullnessTest {

    @Test
    void everyOptionPicocliMayLeaveNullIsNullableAndNoOtherIs() {
        CommandLine root = CanaryMain.commandLine(new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> mayBeNull = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int checked = check(root, mayBeNull, problems);

        assertThat(problems).isEmpty();
        // the walk reached the commands' fields, their mixins' and their subcommands'
        assertThat(checked).isGreaterThan(50);
        assertThat(mayBeNull).contains("ServiceOptions.config", "ScanCommand.threads", "PlaceCommand.serveFor",
                "PolicyCommand$Simulate.boundary", "PolicyRenderCommand.out");
    }

    private static int check(CommandLine cl, List<String> mayBeNull, List<String> problems) {
        int checked = 0;
        for (ArgSpec arg : cl.getCommandSpec().args()) {
            if (!(arg.userObject() instanceof Field field)
                    || !field.getDeclaringClass().getPackageName().equals(CanaryMain.class.getPackageName())) {
                continue; // picocli's own (--help, --version, the help command)
            }
            checked++;
            String name = field.getDeclaringClass().getName().substring(CanaryMain.class.getPackageName().length() + 1)
                    + "." + field.getName();
            boolean nullable = field.getAnnotatedType().isAnnotationPresent(Nullable.class);
            boolean defaulted = arg.defaultValue() != null && !CommandLine.Option.NULL_VALUE.equals(arg.defaultValue());
            boolean canBeNull = !field.getType().isPrimitive() && !arg.required() && !defaulted
                    && arg.initialValue() == null;
            if (canBeNull) {
                mayBeNull.add(name);
                if (!nullable) {
                    problems.add(name + " (" + cl.getCommandSpec().qualifiedName() + ") may be left null by picocli:"
                            + " mark it @Nullable, or make it required or give it a default value");
                }
            } else if (nullable) {
                problems.add(name + " (" + cl.getCommandSpec().qualifiedName() + ") is always set by picocli (required,"
                        + " a default value, an initial value or a primitive): it is not @Nullable");
            }
        }
        for (CommandLine sub : cl.getSubcommands().values()) {
            checked += check(sub, mayBeNull, problems);
        }
        return checked;
    }
}
