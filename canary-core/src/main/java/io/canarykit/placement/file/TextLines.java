package io.canarykit.placement.file;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A file's bytes cut into lines the way {@link java.io.BufferedReader#readLine()} cuts them ({@code \n}, {@code \r\n}
 * or a lone {@code \r} ends a line; a final line break does not start another line), keeping every byte so that edits
 * can splice the original bytes. A UTF-8 byte order mark is kept aside and not part of the first line.
 */
final class TextLines {
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    /** One line: bytes {@code [start, contentEnd)} are its text, {@code [contentEnd, end)} its line break. */
    record Line(int start, int contentEnd, int end) {
        boolean hasBreak() {
            return end > contentEnd;
        }
    }

    private final byte[] bytes;
    private final int bomLength;
    private final List<Line> lines;

    private TextLines(byte[] bytes, int bomLength, List<Line> lines) {
        this.bytes = bytes;
        this.bomLength = bomLength;
        this.lines = lines;
    }

    static TextLines of(byte @Nullable [] bytes) {
        byte[] b = bytes == null ? new byte[0] : bytes;
        int bom = b.length >= 3 && b[0] == BOM[0] && b[1] == BOM[1] && b[2] == BOM[2] ? 3 : 0;
        List<Line> lines = new ArrayList<>();
        int start = bom;
        int i = bom;
        while (i < b.length) {
            byte c = b[i];
            if (c == '\n') {
                lines.add(new Line(start, i, i + 1));
                start = ++i;
            } else if (c == '\r') {
                int end = i + 1 < b.length && b[i + 1] == '\n' ? i + 2 : i + 1;
                lines.add(new Line(start, i, end));
                i = end;
                start = end;
            } else {
                i++;
            }
        }
        if (start < b.length) {
            lines.add(new Line(start, b.length, b.length));
        }
        return new TextLines(b, bom, List.copyOf(lines));
    }

    byte[] bytes() {
        return bytes;
    }

    boolean hasBom() {
        return bomLength > 0;
    }

    int bomLength() {
        return bomLength;
    }

    int size() {
        return lines.size();
    }

    Line line(int i) {
        return lines.get(i);
    }

    /** The text of line {@code i} (without its break), decoded as UTF-8 with malformed bytes replaced. */
    String text(int i) {
        Line l = lines.get(i);
        return new String(bytes, l.start(), l.contentEnd() - l.start(), StandardCharsets.UTF_8);
    }

    /** True when there is no content besides a byte order mark. */
    boolean isEmpty() {
        return lines.isEmpty();
    }

    /** True when the last line ends with a line break (or there are no lines). */
    boolean endsWithBreak() {
        return lines.isEmpty() || lines.get(lines.size() - 1).hasBreak();
    }

    /**
     * The line break to append with: that of the last line that has one (so that a lone {@code \r} at the end is never
     * merged with an appended {@code \n} into one {@code \r\n}), or {@code fallback} when no line has one.
     */
    String lineBreak(String fallback) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            Line l = lines.get(i);
            if (l.hasBreak()) {
                return new String(bytes, l.contentEnd(), l.end() - l.contentEnd(), StandardCharsets.US_ASCII);
            }
        }
        return fallback;
    }

    /** True if line {@code i} is empty or holds only spaces and tabs. */
    boolean isBlank(int i) {
        Line l = lines.get(i);
        for (int k = l.start(); k < l.contentEnd(); k++) {
            if (bytes[k] != ' ' && bytes[k] != '\t') {
                return false;
            }
        }
        return true;
    }

    /** Bytes {@code [from, to)} replaced by {@code replacement}. */
    byte[] splice(int from, int to, byte[] replacement) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + replacement.length);
        out.write(bytes, 0, from);
        out.write(replacement, 0, replacement.length);
        out.write(bytes, to, bytes.length - to);
        return out.toByteArray();
    }

    /**
     * Appends a block of whole lines ({@code block} is the lines joined by {@code lineBreak}, without a final break)
     * after the last line, separated from existing content by {@code blankLines} blank lines. The result keeps the
     * file's convention: when the file ended without a line break, the block does too (the breaks go before it), so
     * that {@link #removeBlock} restores the original bytes exactly.
     */
    byte[] append(String block, String lineBreak, int blankLines) {
        StringBuilder sb = new StringBuilder();
        if (isEmpty()) {
            sb.append(block).append(lineBreak);
        } else if (endsWithBreak()) {
            sb.append(lineBreak.repeat(blankLines)).append(block).append(lineBreak);
        } else {
            sb.append(lineBreak.repeat(blankLines + 1)).append(block);
        }
        return splice(bytes.length, bytes.length, sb.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Removes lines {@code first..last} that {@link #append} added, with the one blank line before them if there is
     * one: the inverse of {@code append} when nothing was added around the block since.
     */
    byte[] removeBlock(int first, int last, boolean withBlankLineBefore) {
        Line lastLine = lines.get(last);
        boolean blankBefore = withBlankLineBefore && first > 0 && isBlank(first - 1) && lines.get(first - 1).start()
                == lines.get(first - 1).contentEnd();
        if (lastLine.hasBreak()) {
            int from = blankBefore ? lines.get(first - 1).start() : lines.get(first).start();
            return splice(from, lastLine.end(), new byte[0]);
        }
        // the block is the file's last line and has no break: take the break(s) before it instead
        int keep = blankBefore ? first - 2 : first - 1;
        int from = keep >= 0 ? lines.get(keep).contentEnd() : bomLength;
        return splice(from, lastLine.end(), new byte[0]);
    }

    /** Replaces the text of lines {@code first..last} with {@code block}, keeping the last line's break (or its absence). */
    byte[] replaceBlock(int first, int last, String block) {
        Line lastLine = lines.get(last);
        return splice(lines.get(first).start(), lastLine.contentEnd(), block.getBytes(StandardCharsets.UTF_8));
    }
}
