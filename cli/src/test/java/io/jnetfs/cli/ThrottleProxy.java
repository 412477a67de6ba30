package io.jnetfs.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a 9P server that slows the server's replies to a rate and can
 * stop forwarding them after a number of bytes: a transfer through it takes long enough to be watched,
 * or stops in the middle for as long as a test needs (until {@link #close()}).
 */
final class ThrottleProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int target;
    private final long bytesPerSecond;
    private final long stopAfter;
    private final AtomicLong forwarded = new AtomicLong();
    private final List<Socket> sockets = new ArrayList<>();
    private final Thread acceptor;
    private volatile boolean closed;

    /**
     * @param target the server's port on 127.0.0.1
     * @param bytesPerSecond the most reply bytes per second forwarded
     * @param stopAfter reply bytes after which nothing more is forwarded (Long.MAX_VALUE: never)
     */
    ThrottleProxy(int target, long bytesPerSecond, long stopAfter) throws IOException {
        this.target = target;
        this.bytesPerSecond = bytesPerSecond;
        this.stopAfter = stopAfter;
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("proxy-accept").start(this::accept);
    }

    /** {@return the port to connect to} */
    int port() {
        return listener.getLocalPort();
    }

    /** {@return reply bytes forwarded so far} */
    long forwarded() {
        return forwarded.get();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket();
                server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                synchronized (sockets) {
                    sockets.add(client);
                    sockets.add(server);
                }
                Thread.ofPlatform().daemon().name("proxy-up").start(() -> pump(client, server, false));
                Thread.ofPlatform().daemon().name("proxy-down").start(() -> pump(server, client, true));
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, boolean replies) {
        byte[] buf = new byte[64 << 10];
        long start = System.nanoTime();
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (true) {
                int max = buf.length;
                if (replies) {
                    long left = stopAfter - forwarded.get();
                    while (left <= 0 && !closed) {
                        Thread.sleep(10); // stopped: hold the replies until closed
                    }
                    max = (int) Math.min(max, Math.max(1, left));
                }
                int n = in.read(buf, 0, max);
                if (n < 0 || closed) {
                    return;
                }
                out.write(buf, 0, n);
                if (replies) {
                    long total = forwarded.addAndGet(n);
                    long due = start + (long) (total * 1e9 / bytesPerSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        TimeUnit.NANOSECONDS.sleep(wait);
                    }
                }
            }
        } catch (IOException | InterruptedException e) {
            // a side closed
        }
    }

    /** Closes the listener and every connection. Idempotent. */
    @Override
    public void close() throws IOException {
        closed = true;
        listener.close();
        synchronized (sockets) {
            for (Socket s : sockets) {
                s.close();
            }
        }
        acceptor.interrupt();
    }
}
