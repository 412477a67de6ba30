package io.jnetfs.cli;

import java.io.PrintStream;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the libraries log (the disk cache switching itself off, io_uring trouble at close) as the
 * command's own one-line messages on stderr: {@code jnetfs: warning: ...} for warnings and errors
 * (not with {@code -q}), {@code jnetfs: ...} for the rest only with {@code -v}. Replaces the JDK's
 * two-line console format for the process ({@link Main#main}).
 */
final class ConsoleLog extends Handler {
    private static volatile boolean quiet;
    private static volatile boolean verbose;

    private final PrintStream err;

    ConsoleLog(PrintStream err) {
        this.err = err;
    }

    /**
     * Routes the root logger to {@code err}.
     *
     * @param err stderr
     */
    static void install(PrintStream err) {
        LogManager.getLogManager().reset();
        Logger root = Logger.getLogger("");
        root.setLevel(Level.ALL);
        root.addHandler(new ConsoleLog(err));
    }

    /**
     * Sets how much is said, from the command's {@code -q} and {@code -v}.
     *
     * @param q {@code -q}
     * @param v {@code -v}
     */
    static void configure(boolean q, boolean v) {
        quiet = q;
        verbose = v;
    }

    @Override
    public void publish(LogRecord r) {
        boolean warning = r.getLevel().intValue() >= Level.WARNING.intValue();
        if (warning ? quiet : !verbose || r.getLevel().intValue() < Level.FINE.intValue()) {
            return;
        }
        String m = r.getMessage();
        if (r.getParameters() != null && r.getParameters().length > 0) {
            m = java.text.MessageFormat.format(m, r.getParameters());
        }
        if (r.getThrown() != null) {
            m = m + ": " + CommandFailure.reason(r.getThrown());
        }
        err.println("jnetfs: " + (warning ? "warning: " : "") + m);
    }

    @Override
    public void flush() {
        err.flush();
    }

    @Override
    public void close() {
        flush();
    }
}
