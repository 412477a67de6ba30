/**
 * The jnetfs benchmark suite: JMH benchmarks of every hot path beside what a user would compare them
 * with (Java NIO in the same run, and external peers run by the harness: C reference programs compiled
 * at bench time, fio, diodcat).
 *
 * <p>One experiment per class, one package per module measured ({@code writev}, {@code fiemap},
 * {@code uring}, ...), machine facts in {@code facts}, shared fixtures in {@code support}, and the
 * harness that runs everything and writes {@code BENCHMARKS.md} in {@code harness}. {@code make bench}
 * runs the short profile; see {@link io.jnetfs.benchmarks.harness} for how to add a row.
 */
package io.jnetfs.benchmarks;
