package io.canarykit.server.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * The console's sessions, in memory: a session id (the cookie, 256 random bits) maps to a CSRF token (another 256 bits)
 * and, once logged in, the admin caller's name. A visitor who is not logged in gets an anonymous session so that the
 * login form carries a CSRF token too; logging in replaces the session id (no fixation). Sessions end after
 * {@code idle} without a request or {@code lifetime} in total. At most {@code max} sessions are kept: when full, expired
 * ones are purged and then the oldest anonymous ones dropped. Thread-safe.
 */
final class ConsoleSessions {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Clock clock;
    private final Duration idle;
    private final Duration lifetime;
    private final int max;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    ConsoleSessions(Clock clock, Duration idle, Duration lifetime, int max) {
        this.clock = clock;
        this.idle = idle;
        this.lifetime = lifetime;
        this.max = max;
    }

    /** One session. {@code caller} is {@code null} while anonymous. */
    record Session(String id, String csrf, @Nullable String caller, Instant created, Instant lastSeen) {
        boolean loggedIn() {
            return caller != null;
        }

        /** True if {@code presented} is this session's CSRF token (compared in constant time). */
        boolean csrfMatches(@Nullable String presented) {
            return presented != null && MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                    presented.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** The live session with this id (touching it), or empty if there is none or it has ended. */
    Optional<Session> find(String id) {
        if (id == null || id.length() != 43) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Session s = sessions.get(id);
        if (s == null) {
            return Optional.empty();
        }
        if (expired(s, now)) {
            sessions.remove(id, s);
            return Optional.empty();
        }
        Session touched = new Session(s.id, s.csrf, s.caller, s.created, now);
        sessions.replace(id, s, touched);
        return Optional.of(touched);
    }

    /** A new anonymous session. */
    Session anonymous() {
        return put(null);
    }

    /** Ends {@code previous} (if any) and starts a logged-in session for {@code caller} with fresh id and token. */
    Session login(String previous, String caller) {
        if (previous != null) {
            sessions.remove(previous);
        }
        return put(caller);
    }

    /** Ends the session. */
    void end(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** How long a session lasts at most (the cookie's Max-Age). */
    Duration lifetime() {
        return lifetime;
    }

    private Session put(@Nullable String caller) {
        Instant now = clock.instant();
        if (sessions.size() >= max) {
            sessions.values().removeIf(s -> expired(s, now));
            while (sessions.size() >= max) {
                Optional<Session> oldest = sessions.values().stream().filter(s -> !s.loggedIn())
                        .min(Comparator.comparing(Session::lastSeen));
                if (oldest.isEmpty()) {
                    oldest = sessions.values().stream().min(Comparator.comparing(Session::lastSeen));
                }
                oldest.ifPresent(s -> sessions.remove(s.id, s));
            }
        }
        Session s = new Session(random(), random(), caller, now, now);
        sessions.put(s.id, s);
        return s;
    }

    private boolean expired(Session s, Instant now) {
        return !s.lastSeen.plus(idle).isAfter(now) || !s.created.plus(lifetime).isAfter(now);
    }

    /** 256 random bits, base64url without padding (43 characters). */
    static String random() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
