package io.jnetfs.benchmarks.harness;

import java.util.List;

/**
 * The result of running an external peer once.
 *
 * @param measure the figure compared with jnetfs
 * @param command the exact command line that produced it
 * @param output the peer's parsed JSON output, kept in the results file
 */
public record PeerRun(Measure measure, List<String> command, Object output) {
    /**
     * Copies the command.
     *
     * @param measure the figure
     * @param command the command line
     * @param output the parsed output
     */
    public PeerRun {
        command = List.copyOf(command);
    }
}
