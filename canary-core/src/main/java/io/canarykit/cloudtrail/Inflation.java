package io.canarykit.cloudtrail;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;

/**
 * Decompressed data with limits: the total inflated, and the ratio of inflated to compressed bytes read so far
 * (checked once {@link #RATIO_FLOOR} bytes have been inflated), which cuts a decompression bomb off long before it is
 * read. Past a limit every read throws {@link LimitExceeded}.
 */
final class Inflation extends FilterInputStream {
    /** Inflated bytes before the ratio is checked: small sources may inflate a lot from their first block. */
    static final long RATIO_FLOOR = 16 << 20;

    /** Thrown when a limit is exceeded; its message says which, and how to raise it. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        LimitExceeded(String message) {
            super(message, null);
        }
    }

    /** Counts the compressed bytes read. */
    static final class Counted extends FilterInputStream {
        long count;

        Counted(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    private final Counted compressed;
    private final long maxBytes;
    private final int maxRatio;
    private long inflated;
    private LimitExceeded exceeded;

    Inflation(InputStream inflating, Counted compressed, long maxBytes, int maxRatio) {
        super(inflating);
        this.compressed = compressed;
        this.maxBytes = maxBytes;
        this.maxRatio = maxRatio;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (exceeded != null) {
            throw exceeded;
        }
        int n = in.read(b, off, len);
        if (n > 0) {
            inflated += n;
            check();
        }
        return n;
    }

    @Override
    public long skip(long n) throws IOException {
        byte[] sink = new byte[(int) Math.min(Math.max(n, 0), 8192)];
        long skipped = 0;
        while (skipped < n) {
            int r = read(sink, 0, (int) Math.min(sink.length, n - skipped));
            if (r < 0) {
                break;
            }
            skipped += r;
        }
        return skipped;
    }

    private void check() throws LimitExceeded {
        if (inflated > maxBytes) {
            exceeded = new LimitExceeded(String.format(Locale.ROOT,
                    "gzip data inflates beyond %,d bytes (the limit on decompressed bytes): reading stopped, as for a "
                            + "decompression bomb; raise maxDecompressedBytes if the file is genuine", maxBytes));
        } else if (inflated >= RATIO_FLOOR && inflated / maxRatio > compressed.count) {
            exceeded = new LimitExceeded(String.format(Locale.ROOT,
                    "gzip data inflates more than %d times (%,d bytes from %,d compressed bytes): reading stopped, as "
                            + "for a decompression bomb; raise maxCompressionRatio if the file is genuine",
                    maxRatio, inflated, compressed.count));
        }
        if (exceeded != null) {
            throw exceeded;
        }
    }
}
