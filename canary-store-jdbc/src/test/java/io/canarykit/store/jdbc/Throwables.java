package io.canarykit.store.jdbc;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Renders an exception the way a log would: messages, causes, suppressed, stack. */
final class Throwables {
    private Throwables() {
    }

    static String render(Throwable t) {
        StringWriter out = new StringWriter();
        t.printStackTrace(new PrintWriter(out));
        return out.toString();
    }
}
