package io.canarykit.store.jdbc;

import io.canarykit.CanaryConfigurationException;
import io.canarykit.Secret;
import org.jspecify.annotations.Nullable;
import org.slf4j.LoggerFactory;

import javax.sql.DataSource;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Deque;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.logging.Logger;

/**
 * The small connection pool behind {@link JdbcCanaryStore#open} and the {@code jdbc} provider, so that the library
 * needs no pool library. At most {@code maxSize} connections exist; idle ones are kept (and checked with
 * {@link Connection#isValid} when idle for a while), and a connection that failed with a connection error is dropped.
 * A returned connection is rolled back and put back in auto-commit mode. Applications that have a real pool
 * (HikariCP, their container's) should pass it to {@link JdbcCanaryStore#builder()} instead.
 *
 * <p>The password is handed to the driver and nowhere else. Thread-safe.
 */
final class PooledDataSource implements DataSource, AutoCloseable {
    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(PooledDataSource.class);
    static final int DEFAULT_MAX_SIZE = 10;
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long VALIDATE_AFTER_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Pattern URL_SECRET = Pattern.compile(
            "(?i)((?:password|passwd|pwd|secret|token)[a-z_]*=)[^;&?]*");

    private final String url;
    private final Driver driver;
    private final Properties properties = new Properties();
    private final int maxSize;
    private final Duration timeout;
    private final Semaphore permits;
    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();
    private volatile boolean closed;

    private record Idle(Connection connection, long since) {
    }

    PooledDataSource(String url, @Nullable String user, @Nullable Secret password, int maxSize, Duration timeout) {
        this.url = Objects.requireNonNull(url, "url");
        if (maxSize < 1) {
            throw new CanaryConfigurationException("the connection pool needs at least 1 connection, was " + maxSize);
        }
        this.maxSize = maxSize;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.permits = new Semaphore(maxSize, true);
        if (user != null) {
            properties.setProperty("user", user);
        }
        if (password != null) {
            properties.setProperty("password", password.reveal());
        }
        try {
            this.driver = DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new CanaryConfigurationException("no JDBC driver on the class path accepts " + redact(url)
                    + ": add com.h2database:h2 for jdbc:h2:..., org.postgresql:postgresql for jdbc:postgresql:..."
                    + " or org.xerial:sqlite-jdbc for jdbc:sqlite:...");
        }
    }

    /** The URL with the values of password-like parameters masked, for messages. */
    static @Nullable String redact(@Nullable String url) {
        return url == null ? null : URL_SECRET.matcher(url).replaceAll("$1" + Secret.MASK);
    }

    @Override
    public Connection getConnection() throws SQLException {
        if (closed) {
            throw new SQLNonTransientConnectionException("the canary store's connection pool is closed", "08003");
        }
        boolean acquired;
        try {
            acquired = permits.tryAcquire(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException("interrupted while waiting for a connection", "08001", e);
        }
        if (!acquired) {
            throw new SQLTransientConnectionException("all " + maxSize + " connections of the canary store's pool"
                    + " stayed busy for " + timeout + "; raise canary.store.jdbc.pool-size or pass a pooled DataSource",
                    "08001");
        }
        try {
            return wrap(takeOrOpen());
        } catch (SQLException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Connection takeOrOpen() throws SQLException {
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            if (System.nanoTime() - i.since() < VALIDATE_AFTER_NANOS || valid(i.connection())) {
                return i.connection();
            }
            closeQuietly(i.connection());
        }
        Connection c = driver.connect(url, properties);
        if (c == null) {
            throw new SQLNonTransientConnectionException("the driver refused " + redact(url), "08001");
        }
        return c;
    }

    private static boolean valid(Connection c) {
        try {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection wrap(Connection physical) {
        return (Connection) Proxy.newProxyInstance(PooledDataSource.class.getClassLoader(),
                new Class<?>[] {Connection.class}, new Handler(physical));
    }

    /** A connection error, or a server going away: the connection is dead. */
    private static boolean isFatal(SQLException e, Connection physical) {
        String state = e.getSQLState();
        if (state != null && (state.startsWith("08") || state.startsWith("57P"))) {
            return true;
        }
        try {
            return physical.isClosed();
        } catch (SQLException ignored) {
            return true;
        }
    }

    private void giveBack(Connection physical, boolean broken) {
        try {
            if (broken || closed) {
                closeQuietly(physical);
                if (broken) {
                    // what killed this connection (a server restart, a network cut) most likely killed the idle ones
                    drain();
                }
                return;
            }
            try {
                if (!physical.getAutoCommit()) {
                    physical.rollback();
                    physical.setAutoCommit(true);
                }
                idle.addFirst(new Idle(physical, System.nanoTime()));
            } catch (SQLException e) {
                closeQuietly(physical);
            }
            if (closed) {
                drain();
            }
        } finally {
            permits.release();
        }
    }

    /** Closes the idle connections and refuses new borrowers; borrowed ones are closed when given back. */
    @Override
    public void close() {
        closed = true;
        drain();
    }

    private void drain() {
        for (Idle i = idle.pollFirst(); i != null; i = idle.pollFirst()) {
            closeQuietly(i.connection());
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            c.close();
        } catch (SQLException e) {
            LOG.debug("closing a pooled connection failed", e);
        }
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
        throw new SQLFeatureNotSupportedException("the canary store's pool connects with the configured user only");
    }

    @Override
    public @Nullable PrintWriter getLogWriter() {
        return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {
        // not used
    }

    @Override
    public void setLoginTimeout(int seconds) {
        // the pool's timeout is set at construction
    }

    @Override
    public int getLoginTimeout() {
        return (int) timeout.toSeconds();
    }

    @Override
    public Logger getParentLogger() throws SQLFeatureNotSupportedException {
        throw new SQLFeatureNotSupportedException("slf4j is used");
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
        if (iface.isInstance(this)) {
            return iface.cast(this);
        }
        throw new SQLException("not a wrapper of " + iface.getName());
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
        return iface.isInstance(this);
    }

    @Override
    public String toString() {
        return "PooledDataSource[" + redact(url) + ", user=" + properties.getProperty("user") + ", max " + maxSize + "]";
    }

    /** A borrowed connection: {@code close()} gives the physical connection back (once). */
    private final class Handler implements InvocationHandler {
        private final Connection physical;
        private boolean returned;
        private boolean broken;

        Handler(Connection physical) {
            this.physical = physical;
        }

        @Override
        public synchronized @Nullable Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "close":
                    if (!returned) {
                        returned = true;
                        giveBack(physical, broken);
                    }
                    return null;
                case "isClosed":
                    return returned || physical.isClosed();
                case "equals":
                    return proxy == args[0];
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "toString":
                    return "pooled " + physical;
                default:
                    break;
            }
            if (returned) {
                throw new SQLNonTransientConnectionException("connection already given back to the pool", "08003");
            }
            try {
                return method.invoke(physical, args);
            } catch (InvocationTargetException e) {
                Throwable cause = e.getCause();
                if (cause instanceof SQLException s && isFatal(s, physical)) {
                    broken = true;
                }
                throw cause;
            }
        }
    }
}
