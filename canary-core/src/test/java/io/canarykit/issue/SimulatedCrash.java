package io.canarykit.issue;

/** Thrown to simulate the process dying: an Error, so no code under test catches it and cleans up. */
final class SimulatedCrash extends Error {
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String where) {
        super("simulated crash " + where);
    }
}
