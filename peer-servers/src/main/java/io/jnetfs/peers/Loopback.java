package io.jnetfs.peers;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Ports on 127.0.0.1: a free one for a server to take, and the wait until a server accepts on it. */
final class Loopback {
    private Loopback() {
    }

    /**
     * A port nobody listens on now. Another process may take it before the server binds it: starters
     * try again with another one ({@link #START_ATTEMPTS}).
     *
     * @return the port
     * @throws IOException where no socket can be bound on 127.0.0.1
     */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(PeerServer.HOST, 0));
            return s.getLocalPort();
        }
    }

    /** How many free ports a starter tries before it gives up. */
    static final int START_ATTEMPTS = 5;

    /**
     * Connects to 127.0.0.1:{@code port} until a connect succeeds: the readiness check of every mode.
     *
     * @param what the server, for messages ("diod")
     * @param port its port
     * @param max how long to wait
     * @param alive whether the server still runs: false ends the wait at once
     * @param log what it logged, for the message
     * @throws IOException where it exits or does not accept within {@code max}, with its log
     */
    static void awaitAccepting(String what, int port, Duration max, BooleanSupplier alive, Supplier<String> log)
            throws IOException {
        long deadline = System.nanoTime() + max.toNanos();
        while (true) {
            if (!alive.getAsBoolean()) {
                throw new IOException(what + " exited before accepting on " + PeerServer.HOST + ":" + port + "; its log: "
                        + log.get().strip());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(PeerServer.HOST, port), 1000);
                return;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IOException(what + " did not accept on " + PeerServer.HOST + ":" + port + " within " + max
                        + "; its log: " + log.get().strip());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for " + what + " on port " + port);
            }
        }
    }
}
