package io.canarykit.store;

import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing.
 *
 * @param items      the items, in the listing's order
 * @param nextCursor an opaque cursor for the next page, {@code null} on the last page
 *
 * @since 0.1.0
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {
    public Page {
        items = List.copyOf(Objects.requireNonNull(items, "items"));
    }

    /** True if there is another page. */
    public boolean hasMore() {
        return nextCursor != null;
    }
}
