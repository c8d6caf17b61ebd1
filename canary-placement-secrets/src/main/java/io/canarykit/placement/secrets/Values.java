package io.canarykit.placement.secrets;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.CanaryCredential;
import io.canarykit.PlacementReceipt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;

/** What the REST placements share about the values they write: which are secret, and comparing them. */
final class Values {
    private Values() {
    }

    /** The credential's secret parts, which no message may show. */
    static String[] secretsOf(CanaryCredential c) {
        return c.sessionToken() == null ? new String[] {c.secretAccessKey().reveal()}
                : new String[] {c.secretAccessKey().reveal(), c.sessionToken().reveal()};
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Compares two values in constant time; {@code null} equals nothing. */
    static boolean same(String a, String b) {
        return a != null && b != null
                && MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A detail the receipt must hold. The keys each placement's {@code check(receipt)} requires are there already; any
     * other key that is missing means the receipt was not written by this placement (or was edited), and gets the same
     * error {@code PlacementOptions.checkReceipt} gives rather than a {@code NullPointerException}.
     */
    static String detail(String placement, PlacementReceipt receipt, String key) {
        String v = receipt.detail(key);
        if (v == null) {
            throw new CanaryConfigurationException("this receipt was not written by placement " + placement
                    + " (placement '" + receipt.placement() + "'); use the placement named in it");
        }
        return v;
    }
}
