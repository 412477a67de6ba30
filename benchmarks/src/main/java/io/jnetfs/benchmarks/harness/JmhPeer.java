package io.jnetfs.benchmarks.harness;

import java.util.function.UnaryOperator;

/**
 * A peer that is another JMH benchmark of the same run, such as the NIO baseline beside a jnetfs
 * variant in one experiment class.
 *
 * @param label the name in the table
 * @param benchmark the benchmark's full name, {@code package.Class.method}
 * @param params maps the subject's parameters to the peer's (identity when both classes share them)
 */
public record JmhPeer(String label, String benchmark, UnaryOperator<Params> params) implements Peer {
}
