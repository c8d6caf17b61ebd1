package io.canarykit.cloudtrail;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoField;

import org.jspecify.annotations.Nullable;

/**
 * Parses the timestamps found in CloudTrail data: {@code 2025-03-14T09:26:53Z} (records), with fractions or offsets,
 * {@code 2022-02-08 09:23:37+11:00} (CLI output of LookupEvents), {@code 2019-01-01 00:00:00.123} without a zone
 * (exports; read as UTC), the basic form {@code 20131102T010628Z} (old session creation dates) and epoch seconds
 * (LookupEvents over the API).
 *
 * @since 0.1.0
 */
public final class CloudTrailTimes {
    private static final DateTimeFormatter LENIENT = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .appendValue(ChronoField.HOUR_OF_DAY, 2).appendLiteral(':')
            .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
            .optionalStart().appendLiteral(':').appendValue(ChronoField.SECOND_OF_MINUTE, 2).optionalEnd()
            .optionalStart().appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true).optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendLiteral(" UTC").optionalEnd()
            .toFormatter();
    private static final DateTimeFormatter BASIC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssX");

    private CloudTrailTimes() {
    }

    /** The instant {@code text} denotes, or {@code null} if it is {@code null} or no timestamp this class knows. */
    public static @Nullable Instant parse(@Nullable String text) {
        if (text == null) {
            return null;
        }
        Instant fast = fastIso(text);
        if (fast != null) {
            return fast;
        }
        String t = text.trim();
        if (t.isEmpty()) {
            return null;
        }
        char first = t.charAt(0);
        if (first < '0' || first > '9') {
            return null;
        }
        if (t.length() > 10 && t.charAt(4) == '-') {
            try {
                var parsed = LENIENT.parseBest(t, OffsetDateTime::from, LocalDateTime::from);
                return parsed instanceof OffsetDateTime odt ? odt.toInstant()
                        : ((LocalDateTime) parsed).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        if (t.length() >= 15 && t.charAt(8) == 'T') {
            try {
                return OffsetDateTime.parse(t, BASIC).toInstant();
            } catch (DateTimeParseException e) {
                return null;
            }
        }
        return epochSeconds(t);
    }

    /** Epoch seconds (possibly fractional) as text, or {@code null}. */
    static @Nullable Instant epochSeconds(String t) {
        try {
            BigDecimal seconds = new BigDecimal(t);
            if (seconds.signum() < 0 || seconds.compareTo(BigDecimal.valueOf(253402300799L)) > 0) {
                return null;
            }
            long whole = seconds.longValue();
            long nanos = seconds.subtract(BigDecimal.valueOf(whole)).movePointRight(9).longValue();
            return Instant.ofEpochSecond(whole, nanos);
        } catch (NumberFormatException | ArithmeticException e) {
            return null;
        }
    }

    /** Epoch seconds as a JSON number. */
    static @Nullable Instant epochSeconds(double seconds) {
        if (!(seconds >= 0) || seconds > 253402300799d) {
            return null;
        }
        long whole = (long) seconds;
        long nanos = Math.round((seconds - whole) * 1e9);
        return Instant.ofEpochSecond(whole, Math.min(nanos, 999_999_999L));
    }

    /** {@code yyyy-MM-ddTHH:mm:ssZ} exactly, without a formatter: the shape of nearly every record. */
    private static @Nullable Instant fastIso(String s) {
        if (s.length() != 20 || s.charAt(4) != '-' || s.charAt(7) != '-' || s.charAt(10) != 'T' || s.charAt(13) != ':'
                || s.charAt(16) != ':' || s.charAt(19) != 'Z') {
            return null;
        }
        int year = digits(s, 0, 4);
        int month = digits(s, 5, 2);
        int day = digits(s, 8, 2);
        int hour = digits(s, 11, 2);
        int minute = digits(s, 14, 2);
        int second = digits(s, 17, 2);
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        long days = daysFromCivil(year, month, day);
        return Instant.ofEpochSecond(days * 86_400L + hour * 3_600L + minute * 60L + second);
    }

    private static int digits(String s, int from, int count) {
        int v = 0;
        for (int i = from; i < from + count; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        switch (month) {
            case 2:
                return (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4: case 6: case 9: case 11:
                return 30;
            default:
                return 31;
        }
    }

    /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm). */
    private static long daysFromCivil(int y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146_097 + doe - 719_468;
    }
}
