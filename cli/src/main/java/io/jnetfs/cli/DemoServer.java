package io.jnetfs.cli;

import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * A 9P server the demo starts on loopback, exporting a temporary directory, and stops. Which one is
 * {@link Kind}: jnetfs's own server by default, or the real diod.
 */
interface DemoServer extends AutoCloseable {
    /** The servers the demo can start. */
    enum Kind {
        /** The real diod ({@code /usr/sbin/diod}), installed with apt-get when missing and possible. */
        DIOD,
        /** The embedded Java 9P server ({@code jnetfs serve}). */
        JAVA
    }

    /**
     * Starts a server of {@code kind} on 127.0.0.1 exporting {@code export}.
     *
     * @param kind which server
     * @param export the directory to export
     * @param log where to say what is done (installing, starting)
     * @return the running server, which the caller closes
     * @throws CommandFailure if it cannot be installed or started
     */
    static DemoServer start(Kind kind, Path export, PrintWriter log) throws CommandFailure {
        return switch (kind) {
            case DIOD -> DemoDiod.start(export, log);
            case JAVA -> JavaServer.start(export, log);
        };
    }

    /** {@return the address it listens on (127.0.0.1)} */
    String host();

    /** {@return the port it listens on} */
    int port();

    /** {@return the aname that attaches the export} */
    String aname();

    /** {@return what it is, for the demo's first lines (name, version, address, pid)} */
    String describe();

    /** Stops the server. Idempotent. */
    @Override
    void close();
}
