package io.jnetfs.benchmarks.harness;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * What a row compares jnetfs with: another JMH benchmark of the same run ({@link JmhPeer}), or a
 * program the harness runs after JMH ({@link ExternalPeer}: a C reference, fio, diodcat, ...).
 */
public sealed interface Peer permits JmhPeer, ExternalPeer {
    /** {@return the peer's name in the table, such as {@code NIO gathering write} or {@code C writev loop}} */
    String label();

    /**
     * A JMH benchmark run with the same parameters as the row's subject.
     *
     * @param label the name in the table
     * @param benchmark the benchmark's full name, {@code package.Class.method}
     * @return the peer
     */
    static JmhPeer jmh(String label, String benchmark) {
        return new JmhPeer(label, benchmark, UnaryOperator.identity());
    }

    /**
     * A C reference program from {@code benchmarks/src/main/c/<program>.c}, compiled at bench time.
     *
     * @param label the name in the table
     * @param program the file name without {@code .c}
     * @param args its arguments for the subject's parameters (the harness appends the timing options)
     * @param metric which of its figures to compare
     * @return the peer
     */
    static CPeer c(String label, String program, BiFunction<Params, PeerContext, List<String>> args,
                   CPeer.Metric metric) {
        return new CPeer(label, program, args, metric);
    }

    /**
     * One fio job.
     *
     * @param label the name in the table
     * @param job the job's options for the subject's parameters, starting with {@code --name=...}
     *     (the harness adds the JSON output, {@code --iomem_align=4096} and the timing)
     * @param metric which of its figures to compare
     * @return the peer
     */
    static FioPeer fio(String label, BiFunction<Params, PeerContext, List<String>> job, FioPeer.Metric metric) {
        return new FioPeer(label, job, metric);
    }
}
