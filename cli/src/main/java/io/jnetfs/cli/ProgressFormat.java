package io.jnetfs.cli;

import java.util.Locale;

/**
 * The text of the progress bar, apart from any terminal so it can be tested:
 *
 * <pre>
 *   big.bin  [#############...........]  52%  133.1 MiB / 256.0 MiB  612.4 MiB/s  ETA 0:00
 * </pre>
 */
final class ProgressFormat {
    private ProgressFormat() {
    }

    /**
     * One line of progress, at most {@code width} characters (the name is shortened from the left).
     *
     * @param name what is being transferred
     * @param done bytes so far
     * @param total bytes in all, or -1 if unknown (then no bar, percentage or ETA)
     * @param elapsedNanos time since the transfer started
     * @param width the terminal's width
     * @return the line, without a line end
     */
    static String line(String name, long done, long total, long elapsedNanos, int width) {
        double rate = elapsedNanos <= 0 ? 0 : done / (elapsedNanos / 1e9);
        StringBuilder tail = new StringBuilder();
        if (total >= 0) {
            tail.append(String.format(Locale.ROOT, "%3d%%  ", percent(done, total)));
            tail.append(Sizes.format(done)).append(" / ").append(Sizes.format(total));
        } else {
            tail.append(Sizes.format(done));
        }
        tail.append("  ").append(rate(rate));
        if (total >= 0) {
            tail.append("  ETA ").append(eta(total - done, rate));
        }
        int barWidth = total >= 0 ? Math.min(30, width - tail.length() - 16) : 0;
        int nameWidth = Math.max(8, width - tail.length() - (barWidth > 4 ? barWidth + 4 : 0) - 2);
        StringBuilder b = new StringBuilder(width);
        b.append(shorten(name, nameWidth)).append("  ");
        if (barWidth > 4) {
            b.append(bar(done, total, barWidth - 2)).append("  ");
        }
        b.append(tail);
        return b.length() > width ? b.substring(0, width) : b.toString();
    }

    /**
     * @param done bytes so far
     * @param total bytes in all
     * @return 0 .. 100 (100 for an empty total)
     */
    static int percent(long done, long total) {
        if (total <= 0) {
            return 100;
        }
        return (int) Math.min(100, done * 100.0 / total);
    }

    /**
     * @param bytesPerSecond a rate
     * @return such as {@code 612.4 MiB/s}
     */
    static String rate(double bytesPerSecond) {
        return Sizes.format((long) bytesPerSecond) + "/s";
    }

    /**
     * The time left at a rate: {@code M:SS} under an hour, {@code H:MM:SS} above, {@code --:--} when the
     * rate is 0.
     *
     * @param remaining bytes left
     * @param bytesPerSecond the rate so far
     * @return the text
     */
    static String eta(long remaining, double bytesPerSecond) {
        if (remaining <= 0) {
            return "0:00";
        }
        if (bytesPerSecond <= 0) {
            return "--:--";
        }
        long s = (long) Math.ceil(remaining / bytesPerSecond);
        if (s >= 100L * 3600) {
            return "--:--";
        }
        if (s >= 3600) {
            return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
    }

    /**
     * @param done bytes so far
     * @param total bytes in all
     * @param inner the number of cells between the brackets
     * @return such as {@code [#####.....]}
     */
    static String bar(long done, long total, int inner) {
        int filled = total <= 0 ? inner : (int) Math.min(inner, done * (long) inner / total);
        return "[" + "#".repeat(filled) + ".".repeat(inner - filled) + "]";
    }

    private static String shorten(String name, int width) {
        if (name.length() <= width) {
            return name + " ".repeat(width - name.length());
        }
        return "..." + name.substring(name.length() - (width - 3));
    }
}
