package io.jnetfs.p9.server;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A connection's worker threads: started on demand (when a request is queued and none is idle), up to
 * {@code workers}; each takes queued requests from {@link InFlightRequests#next()} and runs them with
 * its own {@link Scratch} until the connection closes.
 *
 * <p>Only the connection's reader starts workers and joins them, so the list needs no lock.
 */
final class ServerWorkers {
    private final ServerConnection conn;
    private final InFlightRequests inFlight;
    private final List<Thread> threads = new ArrayList<>();

    ServerWorkers(ServerConnection conn, InFlightRequests inFlight) {
        this.conn = conn;
        this.inFlight = inFlight;
    }

    /** Queues {@code r} for a worker, starting one if none is idle and the limit allows. */
    void submit(ServerRequest r) {
        if (inFlight.queue(r, threads.size())) {
            Thread w = new Thread(this::loop, "p9-server-" + conn.peer + "-w" + threads.size());
            w.setDaemon(true);
            threads.add(w);
            w.start();
        }
    }

    private void loop() {
        try (Scratch s = new Scratch()) {
            for (ServerRequest r = inFlight.next(); r != null; r = inFlight.next()) {
                conn.execute(s, r);
            }
        }
    }

    /**
     * Waits for every worker to end (the connection is closing).
     *
     * @return whether one is still alive after the wait (stuck in a system call)
     */
    boolean join() {
        boolean stuck = false;
        for (Thread w : threads) {
            try {
                w.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stuck |= w.isAlive();
        }
        return stuck;
    }
}
