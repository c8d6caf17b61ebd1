package io.canarykit.store.jdbc;

import javax.sql.DataSource;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.function.Predicate;

/** Test DataSources that fail on purpose. */
final class Faults {
    private Faults() {
    }

    /** A DataSource over {@code real} whose connections refuse to prepare any statement {@code failing} accepts. */
    static DataSource failingStatements(DataSource real, Predicate<String> failing) {
        return (DataSource) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {DataSource.class},
                (proxy, method, args) -> {
                    Object result = invoke(real, method, args);
                    if (result instanceof Connection c) {
                        return failingConnection(c, failing);
                    }
                    return result;
                });
    }

    private static Connection failingConnection(Connection real, Predicate<String> failing) {
        return (Connection) Proxy.newProxyInstance(Faults.class.getClassLoader(), new Class<?>[] {Connection.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("prepareStatement") && args != null && args[0] instanceof String sql
                            && failing.test(sql)) {
                        throw new SQLException("injected failure for: " + sql, "58000");
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
