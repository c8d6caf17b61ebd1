package io.canarykit.testkit.internal;

/**
 * Lets the test kit read the class path when it runs as the named module {@code io.canarykit.testkit}.
 *
 * <p>Two of its dependencies cannot be modules next to the others: ElasticMQ's Scala jars have no valid module name,
 * and WireMock's standalone jar bundles {@code org.jspecify.annotations}, a package JUnit 6's own {@code org.jspecify}
 * module also exports (a module may not read one package from two modules). Both stay on the class path: the module
 * is compiled with {@code --add-reads io.canarykit.testkit=ALL-UNNAMED}, and the classes that touch them call
 * {@link #read} first, which adds the same read edge at run time ({@link Module#addReads}). On the class path this
 * does nothing.
 *
 * <p>Not API: this package is not exported. Thread-safe.
 *
 * @since 0.1.0
 */
public final class ClassPathReads {
    private ClassPathReads() {
    }

    /**
     * Makes this module read the module that holds {@code className} (the class path's unnamed module). The class is
     * looked up by name: a class literal would itself need the read edge.
     *
     * @param className a class of the dependency, never {@code null}
     * @param missing what to tell the user when the class is not found (which artifact to add, and where)
     * @throws IllegalStateException if the class is not found
     */
    public static void read(String className, String missing) {
        Module self = ClassPathReads.class.getModule();
        if (!self.isNamed()) {
            return;
        }
        Class<?> found;
        try {
            found = Class.forName(className, false, ClassPathReads.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(missing, e);
        }
        self.addReads(found.getModule());
    }

    /** Reads WireMock (the AWS emulator's HTTP server). */
    public static void readWireMock() {
        read("com.github.tomakehurst.wiremock.WireMockServer", "the AWS emulator needs WireMock: add"
                + " org.wiremock:wiremock-standalone to the test class path (not the module path: it bundles"
                + " org.jspecify.annotations, which JUnit's org.jspecify module exports too)");
    }
}
