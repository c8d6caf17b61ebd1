package io.canarykit.issue;

import io.canarykit.CanaryId;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A tiny in-memory stand-in for IAM: users (case-insensitive names) with an ownership tag, keys and a policy. */
final class FakeAws {
    static final class User {
        final String account;
        final String name;
        final CanaryId owner;
        final Instant created;
        final List<String> keys = new ArrayList<>();
        boolean inlinePolicy;

        User(String account, String name, CanaryId owner, Instant created) {
            this.account = account;
            this.name = name;
            this.owner = owner;
            this.created = created;
        }
    }

    final Map<String, User> users = new LinkedHashMap<>();
    /** New users are invisible to reads for this long (eventual consistency). */
    Duration visibilityDelay = Duration.ZERO;
    final java.util.Random random = new java.util.Random(42);
    int calls;

    static String key(String account, String name) {
        return account + "/" + name.toLowerCase(Locale.ROOT);
    }

    synchronized User find(String account, String name, Instant now) {
        User u = users.get(key(account, name));
        if (u == null || u.created.plus(visibilityDelay).isAfter(now)) {
            return null;
        }
        return u;
    }

    synchronized List<User> all() {
        return List.copyOf(users.values());
    }
}
