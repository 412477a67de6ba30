package io.jnetfs.cli;

import picocli.CommandLine.Command;

/**
 * {@code jnetfs stats}: the counters of the last transfer ({@code cp}, {@code cat}, {@code mv}), kept in
 * {@code DIR/last-stats} under the cache directory.
 */
@Command(name = "stats", description = {"Show the counters of the last transfer (cp, cat, mv).",
    "Bytes from the server, the disk cache and zero-fill, read and write RPCs, sendmsg calls, subrequests, "
        + "retries, MiB/s. Any command prints its own with --stats."})
final class StatsCommand extends Subcommand {
    @Override
    int execute(Run run) throws Exception {
        TransferStats s;
        try {
            s = TransferStats.load(run.settings().stateDir());
        } catch (java.io.IOException e) {
            throw CommandFailure.of(run.settings().stateDir().resolve(TransferStats.FILE).toString(), e);
        }
        if (s == null) {
            run.out().println("no transfer recorded yet in " + run.settings().stateDir().resolve(TransferStats.FILE));
            return ExitCodes.OK;
        }
        run.out().print(s.format());
        return ExitCodes.OK;
    }
}
