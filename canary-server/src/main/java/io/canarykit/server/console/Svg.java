package io.canarykit.server.console;

import java.time.Instant;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Charts drawn on the server as inline SVG (no script, no network): a canary's timeline and an hourly bar chart.
 * Colours are presentation attributes, which the console's Content-Security-Policy allows; every label is escaped.
 */
final class Svg {
    private static final int MAX_EVENTS = 24;

    private Svg() {
    }

    /**
     * One point of a timeline.
     *
     * @param kind  a fixed token ({@code issued}, {@code planted}, {@code first-use}, {@code use}, {@code revoked},
     *              {@code replaced}, ...): the element's {@code data-event}
     * @param label what the reader sees
     * @param at    when
     * @param alarm whether it is a use (drawn red)
     */
    record Event(String kind, String label, @Nullable Instant at, boolean alarm) {
    }

    /**
     * The events in the order given, evenly spaced along a line (times are labels, not distances: a detection window
     * of hours and uses seconds apart stay readable). Past {@value #MAX_EVENTS} events the middle ones are summarised.
     */
    static void timeline(Html h, List<Event> events, String ariaLabel) {
        List<Event> shown = events;
        int hidden = 0;
        if (events.size() > MAX_EVENTS) {
            hidden = events.size() - MAX_EVENTS;
            shown = new java.util.ArrayList<>(events.subList(0, MAX_EVENTS - 2));
            shown.add(new Event("more", "+" + hidden + " more", null, false));
            shown.addAll(events.subList(events.size() - 2, events.size()));
        }
        int step = 130;
        int width = Math.max(560, 60 + step * shown.size());
        h.r("<svg class=\"timeline\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").r(Integer.toString(width))
                .r(" 120\" width=\"").r(Integer.toString(width)).r("\" height=\"120\" role=\"img\" aria-label=\"")
                .t(ariaLabel).r("\">");
        h.r("<line x1=\"20\" y1=\"60\" x2=\"").r(Integer.toString(width - 20))
                .r("\" y2=\"60\" stroke=\"#8a94a6\" stroke-width=\"2\"/>");
        int x = 70;
        for (Event e : shown) {
            String colour = e.alarm ? "#c62828" : e.kind.equals("more") ? "#8a94a6" : "#1565c0";
            h.r("<g class=\"event\" data-event=\"").t(e.kind).r("\"");
            if (e.at != null) {
                h.r(" data-time=\"").t(e.at.toString()).r("\"");
            }
            h.r("><title>").t(e.label).r(e.at == null ? "" : " at ").t(e.at == null ? "" : Html.format(e.at)).r("</title>");
            h.r("<circle cx=\"").r(Integer.toString(x)).r("\" cy=\"60\" r=\"8\" fill=\"").r(colour).r("\"/>");
            h.r("<text x=\"").r(Integer.toString(x)).r("\" y=\"38\" text-anchor=\"middle\" font-size=\"13\" fill=\"")
                    .r(colour).r("\">").t(shorten(e.label, 18)).r("</text>");
            if (e.at != null) {
                String when = Html.format(e.at);
                h.r("<text x=\"").r(Integer.toString(x)).r("\" y=\"88\" text-anchor=\"middle\" font-size=\"11\" "
                        + "fill=\"#37474f\">").t(when.substring(0, 10)).r("</text>");
                h.r("<text x=\"").r(Integer.toString(x)).r("\" y=\"103\" text-anchor=\"middle\" font-size=\"11\" "
                        + "fill=\"#37474f\">").t(when.substring(11)).r("</text>");
            }
            h.r("</g>");
            x += step;
        }
        h.r("</svg>");
    }

    /**
     * 24 hourly bars ending at {@code end}: {@code values[i]} is hour {@code i} (0 the oldest); hours in which
     * {@code failed[i]} get a red mark under the bar.
     */
    static void hourly(Html h, String ariaLabel, String unit, long[] values, boolean @Nullable [] failed, Instant end) {
        long max = 1;
        for (long v : values) {
            max = Math.max(max, v);
        }
        int barW = 18;
        int gap = 4;
        int left = 40;
        int top = 10;
        int plot = 90;
        int width = left + values.length * (barW + gap) + 10;
        h.r("<svg class=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ").r(Integer.toString(width))
                .r(" 140\" width=\"").r(Integer.toString(width)).r("\" height=\"140\" role=\"img\" aria-label=\"")
                .t(ariaLabel).r("\">");
        h.r("<line x1=\"").r(Integer.toString(left - 4)).r("\" y1=\"").r(Integer.toString(top + plot))
                .r("\" x2=\"").r(Integer.toString(width - 6)).r("\" y2=\"").r(Integer.toString(top + plot))
                .r("\" stroke=\"#8a94a6\"/>");
        h.r("<text x=\"").r(Integer.toString(left - 8)).r("\" y=\"").r(Integer.toString(top + 10))
                .r("\" text-anchor=\"end\" font-size=\"11\" fill=\"#37474f\">").t(Long.toString(max)).r("</text>");
        h.r("<text x=\"").r(Integer.toString(left - 8)).r("\" y=\"").r(Integer.toString(top + plot))
                .r("\" text-anchor=\"end\" font-size=\"11\" fill=\"#37474f\">0</text>");
        for (int i = 0; i < values.length; i++) {
            int x = left + i * (barW + gap);
            int height = (int) Math.round(plot * (double) values[i] / max);
            h.r("<rect class=\"bar\" data-value=\"").r(Long.toString(values[i])).r("\" x=\"").r(Integer.toString(x))
                    .r("\" y=\"").r(Integer.toString(top + plot - height)).r("\" width=\"").r(Integer.toString(barW))
                    .r("\" height=\"").r(Integer.toString(height)).r("\" fill=\"#1565c0\"><title>")
                    .t(values[i] + " " + unit).r("</title></rect>");
            if (failed != null && failed[i]) {
                h.r("<rect class=\"failed\" x=\"").r(Integer.toString(x)).r("\" y=\"").r(Integer.toString(top + plot + 3))
                        .r("\" width=\"").r(Integer.toString(barW)).r("\" height=\"6\" fill=\"#c62828\"><title>")
                        .r("a run failed in this hour</title></rect>");
            }
        }
        h.r("<text x=\"").r(Integer.toString(left)).r("\" y=\"130\" font-size=\"11\" fill=\"#37474f\"><title>")
                .t(Html.format(end.minusSeconds(values.length * 3600L))).r("</title>").t(values.length + " h ago")
                .r("</text>");
        h.r("<text x=\"").r(Integer.toString(width - 10)).r("\" y=\"130\" text-anchor=\"end\" font-size=\"11\" "
                + "fill=\"#37474f\">now</text>");
        h.r("</svg>");
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "\u2026";
    }
}
