package io.canarykit.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Test DataSources that fail or stall on purpose. */
final class Faults {
    private Faults() {
    }

    /** A DataSource over {@code real} whose connections refuse to prepare any statement {@code failing} accepts. */
    static DataSource failingStatements(DataSource real, Predicate<String> failing) {
        return preparing(real, sql -> {
            if (failing.test(sql)) {
                throw new SQLException("injected failure for: " + sql, "58000");
            }
        });
    }

    /**
     * A DataSource over {@code real} whose connections, about to prepare a statement {@code stalling} accepts, count
     * {@code entered} down and wait for {@code release} (at most a minute) before going on.
     */
    static DataSource stallingStatements(DataSource real, Predicate<String> stalling, CountDownLatch entered,
                                         CountDownLatch release) {
        return preparing(real, sql -> {
            if (stalling.test(sql)) {
                entered.countDown();
                try {
                    if (!release.await(1, TimeUnit.MINUTES)) {
                        throw new SQLException("stalled statement was never released: " + sql, "58000");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while stalled: " + sql, "58000", e);
                }
            }
        });
    }

    /** What happens before a connection prepares {@code sql}. */
    @FunctionalInterface
    private interface BeforePrepare {
        void run(String sql) throws SQLException;
    }

    private static DataSource preparing(DataSource real, BeforePrepare hook) {
        return (DataSource) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof Connection c) {
                        return preparing(c, hook);
                    }
                    return result;
                });
    }

    private static Connection preparing(Connection real, BeforePrepare hook) {
        return (Connection) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql) {
                        hook.run(sql);
                    }
                    return invoke(real, method, args);
                });
    }

    private static Object invoke(Object target, java.lang.reflect.Method method, Object[] args) throws Throwable {
        try {
            return method.invoke(target, args);
        } catch (InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
