package io.jnetfs.peers;

import java.io.IOException;

/**
 * What a mode provides to a peer server: one running server process, its log and its faults.
 * {@link ServerProcess} is the process mode of every server; {@link DiodContainer} is diod's container
 * mode. Implementations close idempotently and leave nothing running.
 */
interface Backend {
    /** {@return whether the server still runs} */
    boolean isAlive();

    /** {@return the server's process id on this machine, -1 where unknown} */
    long pid();

    /** {@return what the server logged so far} */
    String log();

    /** Kills the server with SIGKILL and waits for it to exit. */
    void kill();

    /** Stops every thread of the server and returns once they are stopped. */
    void suspend() throws IOException;

    /** Undoes {@link #suspend()}. */
    void resume() throws IOException;

    /** Stops the server and releases what the mode holds (not the run directory: its owner deletes that). */
    void close();

    /** {@return a short description: the pid, the container} */
    String describe();
}
