package io.jnetfs.benchmarks.harness;

import java.util.Locale;

/**
 * One measured figure with its error and unit, from JMH or from an external peer, normalised to
 * {@code ns/op}, {@code ops/s} or {@code B/s} so that any two figures of the same dimension compare.
 *
 * @param value the mean
 * @param error the half-width of its 99.9% confidence interval (as JMH reports it), or NaN if unknown
 * @param unit the unit of both
 */
public record Measure(double value, double error, Unit unit) {

    /** A figure's unit. Times and rates of operations compare with each other; bytes only with bytes. */
    public enum Unit {
        /** Nanoseconds per operation (per call). */
        NS_PER_OP("ns/op", true),
        /** Operations (calls, I/Os) per second. */
        OPS_PER_S("ops/s", true),
        /** Bytes per second. */
        BYTES_PER_S("B/s", false);

        private final String symbol;
        private final boolean operations;

        Unit(String symbol, boolean operations) {
            this.symbol = symbol;
            this.operations = operations;
        }

        /** {@return the unit as printed, such as {@code ns/op}} */
        public String symbol() {
            return symbol;
        }
    }

    /**
     * A figure in one of JMH's units ({@code ns/op}, {@code us/op}, {@code ms/op}, {@code s/op},
     * {@code ops/s}, {@code ops/ms}, {@code ops/us}, {@code ops/ns}), normalised.
     *
     * @param score the score
     * @param error the score error
     * @param jmhUnit JMH's unit string
     * @return the normalised figure
     * @throws IllegalArgumentException for a unit JMH does not use for a primary result
     */
    public static Measure fromJmh(double score, double error, String jmhUnit) {
        String[] parts = jmhUnit.split("/");
        if (parts.length != 2) {
            throw new IllegalArgumentException("unknown JMH unit=" + jmhUnit);
        }
        if (parts[1].equals("op")) {
            double f = nanosPer(parts[0], jmhUnit);
            return new Measure(score * f, error * f, Unit.NS_PER_OP);
        }
        if (parts[0].equals("ops")) {
            double f = 1e9 / nanosPer(parts[1], jmhUnit);
            return new Measure(score * f, error * f, Unit.OPS_PER_S);
        }
        throw new IllegalArgumentException("unknown JMH unit=" + jmhUnit);
    }

    private static double nanosPer(String timeUnit, String whole) {
        return switch (timeUnit) {
            case "ns" -> 1;
            case "us" -> 1e3;
            case "ms" -> 1e6;
            case "s" -> 1e9;
            case "min" -> 60e9;
            default -> throw new IllegalArgumentException("unknown JMH unit=" + whole);
        };
    }

    /** {@return the figure as a rate: ops/s for operation units, B/s for bytes} */
    public double rate() {
        return unit == Unit.NS_PER_OP ? 1e9 / value : value;
    }

    /**
     * How many times faster this figure is than {@code other}: this rate over the other's.
     *
     * @param other a figure of the same dimension
     * @return the ratio, or NaN if the dimensions differ (operations against bytes)
     */
    public double speedupOver(Measure other) {
        if (unit.operations != other.unit.operations) {
            return Double.NaN;
        }
        return rate() / other.rate();
    }

    /** {@return the figure for a table, such as {@code 612 ± 8 ns/op}, {@code 32.6 µs/op}, {@code 4.21 GB/s}} */
    public String display() {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return switch (unit) {
            case NS_PER_OP -> {
                double scale = value >= 1e6 ? 1e6 : value >= 1e4 ? 1e3 : 1;
                String sym = scale == 1e6 ? "ms/op" : scale == 1e3 ? "µs/op" : "ns/op";
                yield withError(value / scale, error / scale) + " " + sym;
            }
            case OPS_PER_S -> si(value, error) + "ops/s";
            case BYTES_PER_S -> si(value, error) + "B/s";
        };
    }

    private static String si(double v, double e) {
        double scale = v >= 1e9 ? 1e9 : v >= 1e6 ? 1e6 : v >= 1e3 ? 1e3 : 1;
        String prefix = scale == 1e9 ? " G" : scale == 1e6 ? " M" : scale == 1e3 ? " k" : " ";
        return withError(v / scale, e / scale) + prefix;
    }

    private static String withError(double v, double e) {
        String s = number(v);
        return Double.isNaN(e) || e <= 0 ? s : s + " ± " + number(e);
    }

    /**
     * A number with three significant digits (or all of its integer digits).
     *
     * @param v the number
     * @return the text
     */
    static String number(double v) {
        double a = Math.abs(v);
        String f = a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : a >= 1 ? "%.2f" : "%.3f";
        return String.format(Locale.ROOT, f, v);
    }
}
