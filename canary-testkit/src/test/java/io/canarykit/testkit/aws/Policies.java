package io.canarykit.testkit.aws;

/** Policy documents the tests use. */
final class Policies {
    static final String DENY_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
    static final String ALLOW_ALL = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}]}";

    private Policies() {
    }

    static String allow(String action) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"" + action
                + "\",\"Resource\":\"*\"}]}";
    }

    static String trust(String principalArn) {
        return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\""
                + principalArn + "\"},\"Action\":\"sts:AssumeRole\"}]}";
    }

    /** A decoder independent of the emulator's generator: AWS-REFERENCE K.1. */
    static String decodeAccount(String keyId) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        long v = 0;
        for (int i = 4; i < 13; i++) {
            v = (v << 5) | alphabet.indexOf(keyId.charAt(i));
        }
        if ((v >>> 44) != 1) {
            return null;
        }
        return String.format("%012d", (v >>> 4) & 0xFF_FFFF_FFFFL);
    }
}
