package io.jnetfs.peers;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A 9P server that this process started (for a test, a benchmark or the demo) and owns: it listens on
 * {@value #HOST} only, exports one directory, and is gone once {@link #close()} returns, with its log
 * and every temporary file it was given.
 *
 * <p>What each implementation adds is how it is started and what it needs; this is what a client
 * of any of them uses: where to connect and attach ({@link #host()}, {@link #port()}, {@link #aname()}),
 * the directory to check the bytes in ({@link #export()}), and the faults a test makes
 * ({@link #kill()}, {@link #suspend()}, {@link #resume()}).
 */
public interface PeerServer extends AutoCloseable {
    /** The only address a peer server listens on. */
    String HOST = "127.0.0.1";

    /** {@return the server's name in messages and feature names, such as {@code "diod"}} */
    String name();

    /** {@return the address it listens on: always {@value #HOST}} */
    default String host() {
        return HOST;
    }

    /** {@return the port it listens on} */
    int port();

    /** {@return the exported directory, as this machine sees it} */
    Path export();

    /** {@return the aname that attaches the export} */
    String aname();

    /**
     * {@return the user name a client attaches as: {@code "root"} where this process runs as root (a server
     * it starts serves every user), else this process's user, the only one a server started without
     * privilege (diod as a CI job's user) lets attach}
     */
    default String uname() {
        return attachUname();
    }

    /** {@return the uid a client attaches as (n_uname): 0 under root, else this process's uid (see {@link #uname()})} */
    default int nUname() {
        return attachUid();
    }

    /** {@return {@link #uname()} for any server this process starts} */
    static String attachUname() {
        return attachUid() == 0 ? "root" : System.getProperty("user.name");
    }

    /** {@return {@link #nUname()} for any server this process starts: the owner of {@code /proc/self}} */
    static int attachUid() {
        try {
            return (Integer) java.nio.file.Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** {@return its process id on this machine (for a container: as this machine sees it), -1 where unknown} */
    long pid();

    /** {@return whether it still runs} */
    boolean isAlive();

    /** {@return what it logged so far (after {@link #close()}: what it had logged by then)} */
    String log();

    /** Kills it with SIGKILL (a crash: connections reset) and waits for it to exit; {@link #close()} still follows. */
    void kill();

    /**
     * Stops every one of its threads (SIGSTOP, or the cgroup freezer for a container) and returns once
     * they are stopped: connections stay open, nothing is answered.
     *
     * @throws IOException where it cannot be stopped
     */
    void suspend() throws IOException;

    /**
     * Undoes {@link #suspend()}.
     *
     * @throws IOException where it cannot be resumed
     */
    void resume() throws IOException;

    /**
     * Stops it (a suspended one is resumed first; SIGTERM, then SIGKILL if it lingers) and deletes its
     * log and temporary files. Idempotent; never throws.
     */
    @Override
    void close();
}
