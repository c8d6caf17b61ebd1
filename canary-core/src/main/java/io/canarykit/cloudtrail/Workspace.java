package io.canarykit.cloudtrail;

import java.lang.ref.SoftReference;
import java.util.zip.CRC32;
import java.util.zip.Inflater;

import org.jspecify.annotations.Nullable;

/**
 * What reading a source needs and can reuse for the next one on the same thread: the buffer compressed bytes are read
 * into, the inflater (its native state is set up once, not per file), and the fast path's buffer. Small files then
 * cost little more than their bytes. Held per thread through a soft reference, so that memory pressure can reclaim
 * it; a source read while another is being read on the same thread (a consumer that reads a file) gets a fresh one.
 *
 * <p>Confined to one thread while acquired.
 */
final class Workspace {
    /** The fast path buffer's usual size: under a G1 region's humongous threshold, even with a 64 MB heap. */
    static final int SCAN_BUFFER = 256 << 10;
    /** Bytes after the end of the input in the fast path buffer: a sentinel and the rest of a word read with it. */
    static final int SLACK = 8;
    private static final ThreadLocal<SoftReference<Workspace>> CACHED = new ThreadLocal<>();

    final byte[] raw = new byte[64 << 10];
    final Inflater inflater = new Inflater(true);
    final CRC32 crc = new CRC32();
    /** The fast path's buffer; it may grow for a large record, and is put back to its usual size on release. */
    byte[] scan = new byte[SCAN_BUFFER + SLACK];
    /** The fast path's decoder of the last filter read with (it keeps values that repeat across files). */
    @Nullable RecordDecoder decoder;
    private boolean busy;

    private Workspace() {
    }

    /** This thread's workspace, or a fresh one if it is in use; hand it back with {@link #release()}. */
    static Workspace acquire() {
        SoftReference<Workspace> ref = CACHED.get();
        Workspace ws = ref == null ? null : ref.get();
        if (ws == null) {
            ws = new Workspace();
            CACHED.set(new SoftReference<>(ws));
        } else if (ws.busy) {
            return new Workspace(); // not cached: this thread's own one is busy further up the stack
        }
        ws.busy = true;
        return ws;
    }

    /** A decoder for {@code filter}: the last one if it was for the same filter. */
    RecordDecoder decoder(RecordFilter filter) {
        RecordDecoder d = decoder;
        if (d == null || d.filter() != filter) {
            d = new RecordDecoder(filter);
            decoder = d;
        }
        return d;
    }

    /** Done with it: the next source on this thread may use it. */
    void release() {
        if (scan.length > SCAN_BUFFER + SLACK) {
            scan = new byte[SCAN_BUFFER + SLACK];
        }
        busy = false;
    }
}
