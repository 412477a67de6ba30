package io.jnetfs.cli;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Byte counts for people: parsing {@code 256M} and printing {@code 256.0 MiB}. */
final class Sizes {
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kKmMgGtT]?)(?:[iI]?[bB])?");
    private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};

    private Sizes() {
    }

    /**
     * Parses a size: a number with an optional binary suffix {@code K}, {@code M}, {@code G}, {@code T}
     * (also {@code KiB}, {@code MB}, ...: all powers of 1024).
     *
     * @param text such as {@code 256M}, {@code 64k}, {@code 1048576}
     * @return bytes
     * @throws IllegalArgumentException with {@code size=TEXT} if it is not a size
     */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("invalid size=" + text + " (such as 4096, 64K, 256M, 1G)");
        }
        int shift = switch (m.group(2).toUpperCase(Locale.ROOT)) {
            case "K" -> 10;
            case "M" -> 20;
            case "G" -> 30;
            case "T" -> 40;
            default -> 0;
        };
        long n;
        try {
            n = Long.parseLong(m.group(1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid size=" + text + " (too large)");
        }
        if (n > (Long.MAX_VALUE >> shift)) {
            throw new IllegalArgumentException("invalid size=" + text + " (too large)");
        }
        return n << shift;
    }

    /**
     * Formats bytes with a binary unit and one decimal: {@code 0 B}, {@code 512 B}, {@code 1.5 KiB},
     * {@code 256.0 MiB}.
     *
     * @param bytes a count, at least 0
     * @return the text
     */
    static String format(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        int u = 0;
        double v = bytes;
        while (v >= 1024 && u < UNITS.length - 1) {
            v /= 1024;
            u++;
        }
        if (v >= 1023.95 && u < UNITS.length - 1) { // would print as 1024.0
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, UNITS[u]);
    }

    /**
     * MiB per second.
     *
     * @param bytes bytes moved
     * @param nanos in this time
     * @return the rate, 0 for no time
     */
    static double mibPerSecond(long bytes, long nanos) {
        return nanos <= 0 ? 0 : bytes / (1024.0 * 1024.0) / (nanos / 1e9);
    }
}
