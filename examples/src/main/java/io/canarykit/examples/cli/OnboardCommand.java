package io.canarykit.examples.cli;

import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** {@code canary onboard}: Give every asset of an inventory its canary; revoke those of removed assets. */
@Command(name = "onboard", mixinStandardHelpOptions = true, description = "Give every asset of an inventory its canary; revoke those of removed assets.")
final class OnboardCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        throw new UnsupportedOperationException("canary onboard is not implemented in this build yet");
    }
}
