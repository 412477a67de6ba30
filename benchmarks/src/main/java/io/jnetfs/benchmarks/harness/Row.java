package io.jnetfs.benchmarks.harness;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One comparison in the table: a jnetfs JMH benchmark (the subject) against a peer, for every
 * parameter combination of the subject that {@link #when()} accepts, with the goal its issue sets.
 *
 * <pre>{@code
 * Row.of("writev vs NIO", Row.benchmark(WritevBenchmark.class, "nativeWritev"),
 *         Peer.jmh("NIO gathering write", Row.benchmark(WritevBenchmark.class, "nioGatheringWrite")))
 *     .goalWhen(p -> p.is("target", "devnull"), Goal.atLeast(1.3, "NIO"))
 * }</pre>
 *
 * @param title the row's name in the table's first column
 * @param subject the jnetfs benchmark's full name, {@code package.Class.method}
 * @param when which of the subject's parameter combinations make a row
 * @param peer what it is compared with
 * @param goal the goal for a parameter combination ({@link Goal#NONE} where there is none)
 */
public record Row(String title, String subject, Predicate<Params> when, Peer peer, Function<Params, Goal> goal) {
    /**
     * Checks the fields.
     *
     * @param title the row's name
     * @param subject the jnetfs benchmark
     * @param when the parameter filter
     * @param peer the peer
     * @param goal the goal function
     */
    public Row {
        Objects.requireNonNull(title, "title");
        Objects.requireNonNull(subject, "subject");
        Objects.requireNonNull(when, "when");
        Objects.requireNonNull(peer, "peer");
        Objects.requireNonNull(goal, "goal");
    }

    /**
     * A row for every parameter combination of the subject, without a goal.
     *
     * @param title the row's name
     * @param subject the jnetfs benchmark's full name
     * @param peer the peer
     * @return the row
     */
    public static Row of(String title, String subject, Peer peer) {
        return new Row(title, subject, p -> true, peer, p -> Goal.NONE);
    }

    /**
     * A benchmark's full name as JMH reports it.
     *
     * @param benchmarkClass the experiment class
     * @param method the {@code @Benchmark} method
     * @return {@code package.Class.method}
     */
    public static String benchmark(Class<?> benchmarkClass, String method) {
        return benchmarkClass.getName() + "." + method;
    }

    /**
     * This row restricted to some parameter combinations.
     *
     * @param filter which combinations make a row
     * @return the new row
     */
    public Row when(Predicate<Params> filter) {
        return new Row(title, subject, when.and(filter), peer, goal);
    }

    /**
     * This row with one goal for every parameter combination.
     *
     * @param g the goal
     * @return the new row
     */
    public Row goal(Goal g) {
        return new Row(title, subject, when, peer, p -> g);
    }

    /**
     * This row with a goal for the parameter combinations the issue states it for, none elsewhere.
     *
     * @param applies where the goal applies
     * @param g the goal
     * @return the new row
     */
    public Row goalWhen(Predicate<Params> applies, Goal g) {
        Function<Params, Goal> previous = goal;
        return new Row(title, subject, when, peer, p -> applies.test(p) ? g : previous.apply(p));
    }
}
