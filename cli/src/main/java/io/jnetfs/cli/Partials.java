package io.jnetfs.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The partial files being written now: a copy writes {@code .NAME.jnetfs-partial-PID} beside its
 * destination and renames it into place only when complete, so the destination's name never holds half
 * a file. A failed copy removes its partial itself; on Ctrl-C the JVM's shutdown hook
 * ({@link #installShutdownHook(PrintStream)}) removes those still registered.
 *
 * <p>Process-wide (a shutdown hook is), thread-safe.
 */
final class Partials {
    /** The suffix of a partial file's name, before the process id. */
    static final String SUFFIX = ".jnetfs-partial-";

    private static final Set<Entry> LIVE = new LinkedHashSet<>();
    private static boolean shuttingDown;

    private Partials() {
    }

    /**
     * The name of the partial file for a destination name.
     *
     * @param name the destination's last component
     * @return {@code .NAME.jnetfs-partial-PID}
     */
    static String partialName(String name) {
        return "." + name + SUFFIX + ProcessHandle.current().pid();
    }

    /**
     * Registers a partial file about to be created.
     *
     * @param fs its side
     * @param path its path
     * @return the entry, whose {@link Entry#close()} unregisters it once renamed or removed
     * @throws CommandFailure ({@link ExitCodes#INTERRUPTED}) if the process is shutting down
     */
    static Entry register(Filesystem fs, String path) throws CommandFailure {
        Entry e = new Entry(fs, path);
        synchronized (LIVE) {
            if (shuttingDown) {
                throw CommandFailure.of(fs.display(path), "interrupted", ExitCodes.INTERRUPTED);
            }
            LIVE.add(e);
        }
        return e;
    }

    /** {@return how many partial files are registered now} */
    static int live() {
        synchronized (LIVE) {
            return LIVE.size();
        }
    }

    /**
     * Removes every registered partial file; no more may be registered after. What the shutdown hook runs.
     *
     * @param err where to say what was removed, or {@code null}
     * @return how many were removed
     */
    static int removeAll(PrintStream err) {
        List<Entry> todo;
        synchronized (LIVE) {
            shuttingDown = true;
            todo = new ArrayList<>(LIVE);
            LIVE.clear();
        }
        int n = 0;
        for (Entry e : todo) {
            try {
                e.fs.remove(e.path, false);
                n++;
                if (err != null) {
                    err.println("jnetfs: interrupted: removed the partial file " + e.fs.display(e.path));
                }
            } catch (Exception ex) {
                if (err != null && ExitCodes.of(ex) != ExitCodes.NOT_FOUND) {
                    err.println("jnetfs: interrupted: could not remove " + e.fs.display(e.path) + ": "
                            + CommandFailure.reason(ex));
                }
            }
        }
        return n;
    }

    /**
     * Installs the shutdown hook that removes partial files when the JVM exits mid-copy (SIGINT,
     * SIGTERM). The JVM then exits with 128 + the signal's number (130 for Ctrl-C).
     *
     * @param err where to report
     */
    static void installShutdownHook(PrintStream err) {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> removeAll(err), "jnetfs-partials"));
    }

    /** One registered partial file. */
    static final class Entry implements AutoCloseable {
        private final Filesystem fs;
        private final String path;

        private Entry(Filesystem fs, String path) {
            this.fs = fs;
            this.path = path;
        }

        /** Unregisters (the file was renamed into place, or removed). Idempotent. */
        @Override
        public void close() {
            synchronized (LIVE) {
                LIVE.remove(this);
            }
        }
    }
}
