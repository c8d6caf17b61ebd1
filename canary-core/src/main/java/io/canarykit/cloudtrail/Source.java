package io.canarykit.cloudtrail;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

import org.jspecify.annotations.Nullable;

/**
 * The decompressed bytes of one source: gzip (recognised by its magic bytes, not by name; concatenated members are one
 * stream) or plain. It decodes gzip as {@link java.util.zip.GZIPInputStream} does, with the same exceptions and
 * messages for broken data, but with the {@link Workspace}'s inflater and buffer instead of new ones per source, and
 * with limits on how much a source may inflate ({@link LimitExceeded}): a decompression bomb is cut off after its
 * first megabytes. Reading the underlying stream is never retried: what it throws propagates.
 *
 * <p>Not thread-safe.
 */
final class Source extends InputStream {
    /** Inflated bytes before the compression ratio is checked: small sources may inflate a lot from their first block. */
    static final long RATIO_FLOOR = 16 << 20;
    private static final int FHCRC = 2;
    private static final int FEXTRA = 4;
    private static final int FNAME = 8;
    private static final int FCOMMENT = 16;

    /** Thrown when a source inflates beyond a limit; its message says which, and how to raise it. */
    static final class LimitExceeded extends IOException {
        private static final long serialVersionUID = 1L;

        private final String message;

        LimitExceeded(String message) {
            super(message, null);
            this.message = message;
        }

        /** What was exceeded and how to raise the limit: never null. */
        @Override
        public String getMessage() {
            return message;
        }
    }

    private final InputStream in;
    private final byte[] raw;
    private final Inflater inflater;
    private final CRC32 crc;
    private final long maxBytes;
    private final int maxRatio;
    private final boolean gzip;
    private int rawPos;
    private int rawEnd;
    private boolean rawEof;
    private long compressed; // bytes read from in
    private long inflated;
    private boolean eof;
    private boolean inHeader;
    private @Nullable IOException failed;

    private Source(InputStream in, Workspace ws, long maxBytes, int maxRatio) throws IOException {
        this.in = in;
        this.raw = ws.raw;
        this.inflater = ws.inflater;
        this.crc = ws.crc;
        this.maxBytes = maxBytes;
        this.maxRatio = maxRatio;
        // sniff: the first bytes decide
        while (rawEnd < 2 && !rawEof) {
            fillRaw();
        }
        gzip = rawEnd >= 2 && (raw[0] & 0xff) == 0x1f && (raw[1] & 0xff) == 0x8b;
    }

    /**
     * The bytes of {@code in}, using {@code ws}'s buffers (which must not be used otherwise until this source is done
     * with), after reading its first bytes to tell gzip from plain data; call {@link #start()} next.
     *
     * @throws IOException if reading {@code in} fails
     */
    static Source open(InputStream in, Workspace ws, long maxBytes, int maxRatio) throws IOException {
        return new Source(in, ws, maxBytes, maxRatio);
    }

    /** Reads the gzip header, if gzipped, as GZIPInputStream's constructor does: a broken first header is thrown. */
    void start() throws IOException {
        if (gzip) {
            inflater.reset();
            crc.reset();
            readHeader();
        }
    }

    /** True if the source is gzip-compressed. */
    boolean gzipped() {
        return gzip;
    }

    /** True if there is nothing at all to read (an empty source). */
    boolean empty() {
        return rawEnd == 0 && rawEof;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (failed != null) {
            throw failed;
        }
        if (len == 0) {
            return 0;
        }
        try {
            return gzip ? inflate(b, off, len) : plain(b, off, len);
        } catch (IOException e) {
            failed = e;
            throw e;
        }
    }

    private int plain(byte[] b, int off, int len) throws IOException {
        if (rawPos < rawEnd) {
            int n = Math.min(len, rawEnd - rawPos);
            System.arraycopy(raw, rawPos, b, off, n);
            rawPos += n;
            return n;
        }
        if (rawEof) {
            return -1;
        }
        int n = in.read(b, off, len);
        if (n < 0) {
            rawEof = true;
        } else {
            compressed += n;
        }
        return n;
    }

    private int inflate(byte[] b, int off, int len) throws IOException {
        while (!eof) {
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                String s = e.getMessage();
                throw new ZipException(s != null ? s : "Invalid ZLIB data format");
            }
            if (n > 0) {
                crc.update(b, off, n);
                inflated += n;
                check();
                return n;
            }
            if (inflater.finished() || inflater.needsDictionary()) {
                rawPos = rawEnd - inflater.getRemaining();
                if (trailerEndsStream()) {
                    eof = true;
                }
            } else if (inflater.needsInput()) {
                rawPos = rawEnd;
                fillRaw();
                if (rawPos == rawEnd) {
                    throw new EOFException("Unexpected end of ZLIB input stream");
                }
                inflater.setInput(raw, rawPos, rawEnd - rawPos);
            }
        }
        return -1;
    }

    /** Checks the trailer of the member just inflated; true if nothing follows, false if the next member is ready. */
    private boolean trailerEndsStream() throws IOException {
        if (readUInt() != crc.getValue() || readUInt() != (inflater.getBytesWritten() & 0xffffffffL)) {
            throw new ZipException("Corrupt GZIP trailer");
        }
        if (rawPos == rawEnd) {
            fillRaw();
        }
        if (rawPos == rawEnd) {
            return true;
        }
        // more data: another member, or (as GZIPInputStream has it) trailing garbage that is ignored
        inflater.reset();
        crc.reset();
        try {
            readHeader();
        } catch (IOException notAMember) {
            inHeader = false;
            return true;
        }
        return false;
    }

    private void readHeader() throws IOException {
        crc.reset();
        inHeader = true;
        if (readUShort() != 0x8b1f) {
            throw new ZipException("Not in GZIP format");
        }
        if (readUByte() != 8) {
            throw new ZipException("Unsupported compression method");
        }
        int flags = readUByte();
        skipBytes(6);
        if ((flags & FEXTRA) == FEXTRA) {
            skipBytes(readUShort());
        }
        if ((flags & FNAME) == FNAME) {
            while (readUByte() != 0) {
                // skip
            }
        }
        if ((flags & FCOMMENT) == FCOMMENT) {
            while (readUByte() != 0) {
                // skip
            }
        }
        if ((flags & FHCRC) == FHCRC) {
            int v = (int) crc.getValue() & 0xffff;
            if (readUShort() != v) {
                throw new ZipException("Corrupt GZIP header");
            }
        }
        inHeader = false;
        crc.reset();
        inflater.setInput(raw, rawPos, rawEnd - rawPos);
    }

    private long readUInt() throws IOException {
        long s = readUShort();
        return ((long) readUShort() << 16) | s;
    }

    private int readUShort() throws IOException {
        int b = readUByte();
        return (readUByte() << 8) | b;
    }

    private int readUByte() throws IOException {
        if (rawPos == rawEnd) {
            fillRaw();
            if (rawPos == rawEnd) {
                throw new EOFException();
            }
        }
        int b = raw[rawPos++] & 0xff;
        if (inHeader) {
            crc.update(b); // what a header CRC (FHCRC) covers
        }
        return b;
    }

    private void skipBytes(int n) throws IOException {
        for (int i = 0; i < n; i++) {
            readUByte();
        }
    }

    /** Reads more raw bytes after {@code rawEnd} (moving what is left to the start first); sets rawEof at the end. */
    private void fillRaw() throws IOException {
        if (rawEof) {
            return;
        }
        if (rawPos == rawEnd) {
            rawPos = 0;
            rawEnd = 0;
        } else if (rawEnd == raw.length) {
            System.arraycopy(raw, rawPos, raw, 0, rawEnd - rawPos);
            rawEnd -= rawPos;
            rawPos = 0;
        }
        int n = in.read(raw, rawEnd, raw.length - rawEnd);
        if (n < 0) {
            rawEof = true;
        } else {
            rawEnd += n;
            compressed += n;
        }
    }

    private void check() throws LimitExceeded {
        if (inflated > maxBytes) {
            throw new LimitExceeded(String.format(Locale.ROOT,
                    "gzip data inflates beyond %,d bytes (the limit on decompressed bytes): reading stopped, as for a "
                            + "decompression bomb; raise maxDecompressedBytes if the file is genuine", maxBytes));
        }
        if (inflated >= RATIO_FLOOR && inflated / maxRatio > compressed) {
            throw new LimitExceeded(String.format(Locale.ROOT,
                    "gzip data inflates more than %d times (%,d bytes from %,d compressed bytes): reading stopped, as "
                            + "for a decompression bomb; raise maxCompressionRatio if the file is genuine",
                    maxRatio, inflated, compressed));
        }
    }
}
