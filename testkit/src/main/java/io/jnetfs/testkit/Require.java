package io.jnetfs.testkit;

import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * Skip or fail a test whose peer or kernel feature is missing.
 *
 * <p>A test states what it needs by a feature name and the reason it is missing (or {@code null} when it
 * is there), probed for the exact thing the test uses: {@code "diod"}, {@code "io_uring"},
 * {@code "io_uring/op/SENDMSG_ZC"}, {@code "io_uring/setup/DEFER_TASKRUN"}, {@code "fuse"}... Names are
 * lower case except for the kernel's own constant names, with {@code /} between levels.
 *
 * <p>Without {@code -Djnetfs.require} (a developer's laptop) a missing feature skips the test with the
 * reason. The property lists glob patterns, separated by commas, of the features this run must have:
 * a missing feature that matches one fails the test with the reason instead. {@code *} matches within
 * one level, {@code **} across levels: {@code -Djnetfs.require=diod,io_uring} demands diod and a
 * working ring (not every opcode); {@code io_uring/**} every io_uring feature a test probes;
 * {@code **} everything. A pattern prefixed with {@code !} exempts what it matches
 * ({@code **,!io_uring/**} in a run where io_uring is refused on purpose).
 */
public final class Require {
    /** The system property that names what the run must have. */
    public static final String PROPERTY = "jnetfs.require";

    private Require() {
    }

    /**
     * Skips the calling test (or fails it, if this run requires {@code feature}) when {@code missing} is
     * not {@code null}.
     *
     * @param feature the feature's name, such as {@code "diod"} or {@code "io_uring/op/SPLICE"}
     * @param missing why it is missing, or {@code null} when it is there
     */
    public static void feature(String feature, String missing) {
        if (missing == null) {
            return;
        }
        String message = feature + " unavailable: " + missing;
        if (required(feature)) {
            Assertions.fail(message + " (this run requires it: -D" + PROPERTY + "="
                    + System.getProperty(PROPERTY) + ")");
        }
        Assumptions.abort(message);
    }

    /**
     * As {@link #feature(String, String)}, with the reason computed only when {@code available} is false.
     *
     * @param feature the feature's name
     * @param available whether it is there
     * @param missing why it is missing, asked only when it is
     */
    public static void feature(String feature, boolean available, Supplier<String> missing) {
        if (!available) {
            feature(feature, missing.get());
        }
    }

    /**
     * Whether this run requires {@code feature}: whether a pattern of {@code -Djnetfs.require} matches it
     * and no {@code !} pattern exempts it.
     *
     * @param feature the feature's name
     * @return whether a missing {@code feature} fails the test
     */
    public static boolean required(String feature) {
        return required(feature, System.getProperty(PROPERTY, ""));
    }

    static boolean required(String feature, String spec) {
        boolean required = false;
        for (String raw : List.of(spec.split(","))) {
            String p = raw.strip();
            if (p.isEmpty()) {
                continue;
            }
            if (p.startsWith("!")) {
                if (matches(p.substring(1), feature)) {
                    return false;
                }
            } else if (matches(p, feature)) {
                required = true;
            }
        }
        return required;
    }

    /** Glob match: {@code **} any run of characters, {@code *} any run without {@code /}. */
    static boolean matches(String pattern, String name) {
        return matches(pattern.toLowerCase(Locale.ROOT), 0, name.toLowerCase(Locale.ROOT), 0);
    }

    private static boolean matches(String p, int pi, String s, int si) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                boolean deep = pi + 1 < p.length() && p.charAt(pi + 1) == '*';
                int next = pi + (deep ? 2 : 1);
                for (int k = si; k <= s.length(); k++) {
                    if (matches(p, next, s, k)) {
                        return true;
                    }
                    if (k < s.length() && !deep && s.charAt(k) == '/') {
                        return false;
                    }
                }
                return false;
            }
            if (si >= s.length() || s.charAt(si) != c) {
                return false;
            }
            pi++;
            si++;
        }
        return si == s.length();
    }
}
