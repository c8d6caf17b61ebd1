package io.canarykit.examples.demo;

import io.canarykit.detect.Detector;
import io.canarykit.testkit.aws.AwsEmulator;

import java.util.List;

/** The detectors the demo runs. */
final class DemoDetectors {
    private DemoDetectors() {
    }

    static List<Detector> emulated(AwsEmulator aws) {
        return List.of();
    }

    static List<Detector> aws(software.amazon.awssdk.auth.credentials.AwsCredentialsProvider credentials) {
        return List.of();
    }
}
