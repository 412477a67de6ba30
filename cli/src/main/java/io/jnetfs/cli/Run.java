package io.jnetfs.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One run of a command: its settings, where it writes, the servers it connected to (one
 * {@link RemoteSession} per {@code HOST:PORT}, made on first use), and its counters. Closing it collects
 * the counters, closes the sessions, keeps the counters of a transfer in {@code DIR/last-stats} and
 * prints them for {@code --stats}.
 */
final class Run implements AutoCloseable {
    private final String commandLine;
    private final CommonOptions options;
    private final Settings settings;
    private final Terminal terminal;
    private final Map<String, RemoteFilesystem> remotes = new LinkedHashMap<>();
    private final long start = System.nanoTime();
    private long bytes;
    private boolean transferred;
    private boolean closed;
    private boolean metadataOnly;

    /** An operand resolved: its side and its path there. */
    record Target(Filesystem fs, String path) {
        /** {@return the operand as the user should read it} */
        String display() {
            return fs.display(path);
        }
    }

    Run(String commandLine, CommonOptions options, Terminal terminal) throws CommandFailure {
        this.commandLine = commandLine;
        this.options = options;
        this.settings = options.settings();
        this.terminal = terminal;
        ConsoleLog.configure(options.quiet(), options.verbose());
    }

    /**
     * Says that the command only asks about names and attributes, so its connections need no io_uring
     * ring ({@link RemoteSession#open(String, int, Settings, boolean)}).
     *
     * @param yes whether it does
     */
    void metadataOnly(boolean yes) {
        this.metadataOnly = yes;
    }

    /** {@return the settings} */
    Settings settings() {
        return settings;
    }

    /** {@return the options} */
    CommonOptions options() {
        return options;
    }

    /** {@return stdout for data (cat)} */
    OutputStream stdout() {
        return terminal.stdout();
    }

    /** {@return stdout for text} */
    PrintWriter out() {
        return terminal.out();
    }

    /** {@return stderr} */
    PrintWriter err() {
        return terminal.err();
    }

    /**
     * Resolves an operand: {@code 9p://HOST[:PORT]/PATH} to the server's side (connecting on first use),
     * anything else to the local side.
     *
     * @param operand a command-line operand
     * @return its side and path
     * @throws CommandFailure for a malformed remote path or a server that cannot be reached
     */
    Target resolve(String operand) throws CommandFailure {
        if (!RemotePath.isRemote(operand)) {
            if (operand.isEmpty()) {
                throw CommandFailure.usage("an empty path");
            }
            return new Target(LocalFilesystem.INSTANCE, operand);
        }
        RemotePath r = RemotePath.parse(operand);
        RemoteFilesystem fs = remotes.get(r.server());
        if (fs == null) {
            if (remotes.isEmpty()) {
                verbose("transport: " + options.transportChoice());
            }
            fs = new RemoteFilesystem(RemoteSession.open(r.host(), r.port(), settings, metadataOnly));
            remotes.put(r.server(), fs);
            verbose("connected to " + fs.session().server() + " (aname=" + settings.aname() + ", msize="
                    + fs.session().client().msize() + ", " + fs.session().client().transportKind() + ")");
        }
        return new Target(fs, r.path());
    }

    /**
     * A progress bar for a transfer: drawn only when stderr is a terminal and {@code -q} was not given.
     *
     * @param name what is transferred
     * @param total bytes in all, or -1
     * @return the bar (perhaps one that shows nothing)
     */
    Progress progress(String name, long total) {
        if (options.quiet() || !terminal.stderrIsTerminal()) {
            return Progress.NONE;
        }
        return Progress.start(terminal.err(), name, total, terminal.width());
    }

    /**
     * Counts transferred bytes; a command that calls this keeps its counters in {@code last-stats}.
     *
     * @param n bytes
     */
    void transferred(long n) {
        bytes += n;
        transferred = true;
    }

    /**
     * Says what is done, with {@code -v}.
     *
     * @param message the words
     */
    void verbose(String message) {
        if (options.verbose()) {
            terminal.err().println("jnetfs: " + message);
            terminal.err().flush();
        }
    }

    /**
     * Warns, unless {@code -q}.
     *
     * @param message the words
     */
    void warn(String message) {
        if (!options.quiet()) {
            terminal.err().println("jnetfs: warning: " + message);
            terminal.err().flush();
        }
    }

    /** {@return the counters so far (the sessions' plus the bytes moved)} */
    TransferStats stats() {
        Map<String, Long> counters = new LinkedHashMap<>();
        for (RemoteFilesystem fs : remotes.values()) {
            fs.session().addCounters(counters);
        }
        return new TransferStats(commandLine, Instant.now(), bytes, System.nanoTime() - start, counters);
    }

    /**
     * Collects the counters, closes every session, then saves ({@code last-stats}) and prints
     * ({@code --stats}) them. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        TransferStats s = stats();
        for (RemoteFilesystem fs : remotes.values()) {
            fs.session().close();
        }
        if (transferred) {
            try {
                s.save(settings.stateDir());
            } catch (IOException e) {
                warn("could not keep the counters in " + settings.stateDir().resolve(TransferStats.FILE) + ": "
                        + CommandFailure.reason(e));
            }
        }
        if (options.stats()) {
            terminal.err().print(s.format());
            terminal.err().flush();
        }
    }
}
