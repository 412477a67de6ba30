package io.jnetfs.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a command writes: stdout as bytes (for {@code cat}) and as text, stderr as text, and whether
 * stderr is a terminal (for the progress bar) and how wide.
 *
 * @param stdout stdout as bytes
 * @param out stdout as text (flushed by the caller before bytes are written to {@code stdout})
 * @param err stderr
 * @param stderrIsTerminal whether stderr is a terminal
 * @param width the terminal's width in columns
 */
record Terminal(OutputStream stdout, PrintWriter out, PrintWriter err, boolean stderrIsTerminal, int width) {
    /**
     * Whether this process's stderr is a terminal: {@code /proc/self/fd/2} links to a {@code /dev/pts/N}
     * or {@code /dev/ttyN} (what {@code isatty(2)} would say, without an ioctl binding).
     *
     * @return true for a terminal
     */
    static boolean stderrIsTty() {
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty") || target.equals("/dev/console");
        } catch (IOException | UnsupportedOperationException e) {
            return false;
        }
    }

    /** {@return the terminal's width: {@code $COLUMNS}, else 80} */
    static int columns() {
        try {
            String c = System.getenv("COLUMNS");
            int n = c == null ? 80 : Integer.parseInt(c.trim());
            return Math.clamp(n, 40, 500);
        } catch (NumberFormatException e) {
            return 80;
        }
    }
}
