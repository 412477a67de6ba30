package io.jnetfs.benchmarks.harness;

import java.io.IOException;

/**
 * A peer the harness runs itself after the JMH benchmarks, in the same {@code make bench}: a C
 * reference ({@link CPeer}), fio ({@link FioPeer}), or anything else that produces a figure (a
 * diodcat peer implements this interface the same way).
 *
 * <p>Each distinct {@link #key(Params, PeerContext) key} is run once per harness run, however many
 * rows use it.
 */
public non-sealed interface ExternalPeer extends Peer {
    /**
     * Identifies one run of this peer: rows whose subjects map to the same key share its result.
     *
     * @param params the row subject's parameters
     * @param ctx the harness's context
     * @return the key, typically the command line
     */
    String key(Params params, PeerContext ctx);

    /**
     * Runs the peer once, bounded in time.
     *
     * @param params the row subject's parameters
     * @param ctx the harness's context (scratch directory, timing, compiler, process runner)
     * @return the figure, the command that produced it and its parsed output
     * @throws IOException if the peer cannot run or its output makes no sense
     * @throws InterruptedException if interrupted while waiting for it
     */
    PeerRun run(Params params, PeerContext ctx) throws IOException, InterruptedException;
}
