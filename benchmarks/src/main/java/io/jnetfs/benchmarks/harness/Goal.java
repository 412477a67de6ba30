package io.jnetfs.benchmarks.harness;

import java.util.Locale;

/**
 * A row's goal, as the issue that owns the row states it, checked against the row's ratio (how many
 * times faster jnetfs is than the peer, see {@link Measure#speedupOver(Measure)}).
 */
public sealed interface Goal {
    /** No goal: the row is for information. */
    Goal NONE = new None();

    /**
     * Whether the ratio meets the goal.
     *
     * @param ratio jnetfs's rate over the peer's
     * @return true if met; false if not met or the ratio is NaN
     */
    boolean met(double ratio);

    /** {@return the goal as printed in the table, such as {@code ≥ 1.3x NIO}} */
    String text();

    /** {@return whether this is a real goal (not {@link #NONE})} */
    default boolean exists() {
        return !(this instanceof None);
    }

    /**
     * At least {@code times} as fast as the peer, such as "&gt;= 1.3x NIO".
     *
     * @param times the least ratio, positive
     * @param peer the peer's short name, for the text
     * @return the goal
     */
    static Goal atLeast(double times, String peer) {
        if (!(times > 0)) {
            throw new IllegalArgumentException("invalid times=" + times);
        }
        return new AtLeast(times, peer);
    }

    /**
     * No more than {@code fraction} slower than the peer, such as "per-call cost within 10% of C":
     * jnetfs's time at most {@code (1 + fraction)} times the peer's; being faster always meets it.
     *
     * @param fraction the allowed excess, such as 0.10
     * @param peer the peer's short name, for the text
     * @return the goal
     */
    static Goal within(double fraction, String peer) {
        if (!(fraction >= 0)) {
            throw new IllegalArgumentException("invalid fraction=" + fraction);
        }
        return new Within(fraction, peer);
    }

    /** See {@link #NONE}. */
    record None() implements Goal {
        @Override
        public boolean met(double ratio) {
            return false;
        }

        @Override
        public String text() {
            return "";
        }
    }

    /**
     * See {@link #atLeast(double, String)}.
     *
     * @param times the least ratio
     * @param peer the peer's short name
     */
    record AtLeast(double times, String peer) implements Goal {
        @Override
        public boolean met(double ratio) {
            return ratio >= times;
        }

        @Override
        public String text() {
            return String.format(Locale.ROOT, "≥ %sx %s", Measure.number(times), peer);
        }
    }

    /**
     * See {@link #within(double, String)}.
     *
     * @param fraction the allowed excess
     * @param peer the peer's short name
     */
    record Within(double fraction, String peer) implements Goal {
        @Override
        public boolean met(double ratio) {
            return ratio >= 1 / (1 + fraction);
        }

        @Override
        public String text() {
            return String.format(Locale.ROOT, "within %.0f%% of %s", fraction * 100, peer);
        }
    }
}
