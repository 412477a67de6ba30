package io.jnetfs.cli;

import java.io.PrintWriter;

/**
 * A progress bar on stderr for a long transfer, redrawn in place ({@code \r}) at most ten times a
 * second, and only once the transfer has run for half a second (a short one prints nothing). Made only
 * when stderr is a terminal and {@code -q} was not given ({@link Run#progress}); otherwise
 * {@link #NONE}, which does nothing. Used by the one thread doing the transfer.
 */
sealed class Progress permits Progress.Shown {
    /** A progress bar that shows nothing. */
    static final Progress NONE = new Progress();

    private Progress() {
    }

    /**
     * Starts a progress bar.
     *
     * @param err the terminal
     * @param name what is being transferred
     * @param total bytes in all, or -1
     * @param width the terminal's width
     * @return the bar
     */
    static Progress start(PrintWriter err, String name, long total, int width) {
        return new Shown(err, name, total, width);
    }

    /**
     * Reports bytes done so far.
     *
     * @param done bytes so far
     */
    void update(long done) {
    }

    /** Clears the bar's line if it was drawn. */
    void finish() {
    }

    /** The bar that draws. */
    private static final class Shown extends Progress {
        private static final long DELAY_NANOS = 500_000_000L;
        private static final long PERIOD_NANOS = 100_000_000L;

        private final PrintWriter err;
        private final String name;
        private final long total;
        private final int width;
        private final long start = System.nanoTime();
        private long lastDraw;
        private boolean drawn;

        Shown(PrintWriter err, String name, long total, int width) {
            this.err = err;
            this.name = name;
            this.total = total;
            this.width = width;
        }

        @Override
        void update(long done) {
            long now = System.nanoTime();
            if (now - start < DELAY_NANOS || (drawn && now - lastDraw < PERIOD_NANOS)) {
                return;
            }
            lastDraw = now;
            drawn = true;
            err.print("\r" + ProgressFormat.line(name, done, total, now - start, width - 1));
            err.flush();
        }

        @Override
        void finish() {
            if (drawn) {
                err.print("\r" + " ".repeat(width - 1) + "\r");
                err.flush();
            }
        }
    }
}
