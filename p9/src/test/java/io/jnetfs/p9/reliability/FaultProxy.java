package io.jnetfs.p9.reliability;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * A fault-injecting TCP proxy on loopback for tests: it listens on 127.0.0.1, connects each client to
 * an upstream 9P server on 127.0.0.1, and passes the traffic through message by message (it reads the
 * 9P {@code size[4]} framing) while a seeded {@link Schedule} decides, per connection and per message,
 * to pass, delay, stall, truncate the message and cut, or cut the connection once N bytes went through.
 *
 * <pre>
 *   client ----&gt; [ accept ] --c2s pump--&gt; upstream (127.0.0.1:port, {@link #retarget}able)
 *          &lt;----            &lt;--s2c pump--
 *   each pump:  read size[4] + body | schedule: PASS, DELAY, STALL, TRUNCATE (k bytes, then cut),
 *               CUT (when the connection's byte budget N runs out, possibly mid-message), RESET (RST)
 * </pre>
 *
 * <p>Reproducible: the decisions of connection {@code i} in direction {@code d} come from a
 * {@link Random} seeded with {@code (seed, i, d)}, so they do not depend on thread timing. Bounded:
 * every wait is a bounded sleep, and {@link #close()} cuts every connection and joins every thread.
 * Loopback only: the listener binds 127.0.0.1 and upstream must be a loopback address.
 */
public final class FaultProxy implements AutoCloseable {
    /** What a pump does to one message (or to the connection). */
    public enum Fault {
        /** Delays the message by a few milliseconds. */
        DELAY,
        /** Holds the message (and everything after it in that direction) for {@link Schedule#stallMillis()}. */
        STALL,
        /** Forwards only the first part of the message, then cuts the connection. */
        TRUNCATE,
        /** Cuts the connection (FIN on both sides) once its byte budget N is spent, possibly mid-message. */
        CUT,
        /** Cuts the connection with a TCP reset (SO_LINGER 0) before a message. */
        RESET
    }

    /** Which way a message travels. */
    public enum Direction {
        /** Client to server: T-messages. */
        C2S,
        /** Server to client: R-messages. */
        S2C
    }

    /**
     * The fault plan: per-message probabilities of each fault, the delay and stall lengths, and the
     * per-connection byte budget after which the connection is cut.
     *
     * @param seed seeds every decision
     * @param delay probability of {@link Fault#DELAY} per message
     * @param stall probability of {@link Fault#STALL} per message
     * @param truncate probability of {@link Fault#TRUNCATE} per message
     * @param reset probability of {@link Fault#RESET} per message
     * @param cutBudgetMin the least bytes a connection carries before {@link Fault#CUT}
     * @param cutBudgetMax the most bytes (exclusive); {@code Long.MAX_VALUE} for no cut
     * @param maxDelayMillis the longest {@link Fault#DELAY}
     * @param stallMillis the length of a {@link Fault#STALL}
     * @param directions the directions faults apply to
     */
    public record Schedule(long seed, double delay, double stall, double truncate, double reset, long cutBudgetMin,
                           long cutBudgetMax, int maxDelayMillis, int stallMillis, Set<Direction> directions) {
        /** Checks the values. */
        public Schedule {
            if (delay < 0 || stall < 0 || truncate < 0 || reset < 0 || delay + stall + truncate + reset > 1) {
                throw new IllegalArgumentException("invalid probabilities delay=" + delay + ", stall=" + stall
                        + ", truncate=" + truncate + ", reset=" + reset);
            }
            if (cutBudgetMin <= 0 || cutBudgetMax <= cutBudgetMin) {
                throw new IllegalArgumentException("invalid cutBudgetMin=" + cutBudgetMin + ", cutBudgetMax=" + cutBudgetMax);
            }
            if (maxDelayMillis < 1 || stallMillis < 0) {
                throw new IllegalArgumentException("invalid maxDelayMillis=" + maxDelayMillis + ", stallMillis=" + stallMillis);
            }
            directions = Set.copyOf(directions);
        }

        /** @return a plan that injects nothing: the proxy only passes traffic */
        public static Schedule none() {
            return new Schedule(0, 0, 0, 0, 0, 1, Long.MAX_VALUE, 1, 0, Set.of());
        }
    }

    /** The longest message the pumps frame; anything larger is passed through unframed. */
    private static final int MAX_FRAME = 16 << 20;

    private final ServerSocket listener;
    private final Thread acceptor;
    private final Set<Link> links = ConcurrentHashMap.newKeySet();
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicLong connections = new AtomicLong();
    private final AtomicLong messages = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLongArray faults = new AtomicLongArray(Fault.values().length);
    private volatile InetSocketAddress upstream;
    private volatile Schedule schedule;
    private volatile boolean enabled = true;
    private volatile int group = 1;
    private volatile boolean closed;
    /** The 9P message type whose next message cuts its connection instead of passing, or -1. */
    private final java.util.concurrent.atomic.AtomicInteger cutAtType = new java.util.concurrent.atomic.AtomicInteger(-1);

    /**
     * Starts a proxy to {@code upstreamPort} on 127.0.0.1 and begins accepting.
     *
     * @param upstreamPort the server's port on 127.0.0.1
     * @param schedule the fault plan
     */
    public FaultProxy(int upstreamPort, Schedule schedule) throws IOException {
        this.upstream = loopback(upstreamPort);
        this.schedule = schedule;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = Thread.ofPlatform().daemon().name("fault-proxy-accept-" + listener.getLocalPort()).start(this::accept);
    }

    private static InetSocketAddress loopback(int port) {
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port=" + port);
        }
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    }

    /** @return the host clients connect to: 127.0.0.1 */
    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    /** @return the port clients connect to */
    public int port() {
        return listener.getLocalPort();
    }

    /** Points new connections at another upstream port (a restarted server); live ones stay as they are. */
    public void retarget(int upstreamPort) {
        this.upstream = loopback(upstreamPort);
    }

    /** Replaces the fault plan for connections accepted from now on. */
    public void schedule(Schedule s) {
        this.schedule = s;
    }

    /** Turns fault injection on or off for every connection, at once (the traffic keeps passing). */
    public void enabled(boolean on) {
        this.enabled = on;
    }

    /**
     * Passes replies (server to client) {@code n} at a time, in one write, so the client finds them
     * back to back in its socket; a partial group goes out once no reply has come for {@link
     * #GROUP_IDLE_MILLIS}. 1 (the default): each reply as it comes. Applies to replies the fault
     * schedule lets through unchanged.
     *
     * @param n replies per write, at least 1
     */
    public void groupReplies(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("invalid group=" + n);
        }
        this.group = n;
    }

    /** How long a partial group of replies waits for the next one. */
    public static final int GROUP_IDLE_MILLIS = 20;

    /** @return connections accepted */
    public long connections() {
        return connections.get();
    }

    /** @return whole messages forwarded */
    public long messages() {
        return messages.get();
    }

    /** @return bytes forwarded in both directions */
    public long bytes() {
        return bytes.get();
    }

    /** @return how many faults of {@code kind} were injected */
    public long faults(Fault kind) {
        return faults.get(kind.ordinal());
    }

    /** @return faults of every kind injected */
    public long faultsTotal() {
        long n = 0;
        for (int i = 0; i < faults.length(); i++) {
            n += faults.get(i);
        }
        return n;
    }

    /** @return faults that ended a connection (truncate, cut, reset) */
    public long connectionFaults() {
        return faults(Fault.TRUNCATE) + faults(Fault.CUT) + faults(Fault.RESET);
    }

    /** @return connections open now */
    public int liveConnections() {
        return links.size();
    }

    /**
     * Arms a one-shot cut: the next message of 9P type {@code type} (an R-type: its reply is lost after
     * the server did the work; a T-type: the request never arrives) cuts its connection instead of
     * passing, counted as {@link Fault#CUT}, whether fault injection is enabled or not.
     *
     * @param type a 9P message type byte, such as 73 for Rmkdir
     */
    public void cutAtNext(int type) {
        cutAtType.set(type);
    }

    /** @return whether the cut armed by {@link #cutAtNext} is still waiting for its message */
    public boolean cutArmed() {
        return cutAtType.get() >= 0;
    }

    /** Cuts every live connection now (FIN both ways), counted as {@link Fault#CUT}. */
    public void cutAll() {
        for (Link l : links) {
            if (l.cut(false)) {
                faults.incrementAndGet(Fault.CUT.ordinal());
            }
        }
    }

    /** Closes every live connection now without counting a fault (a test's own bookkeeping). */
    public void dropAll() {
        for (Link l : links) {
            l.cut(false);
        }
    }

    /**
     * Waits until no connection is open (after cuts, the pumps close their sockets).
     *
     * @return whether none was left within {@code millis}
     */
    public boolean awaitIdle(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (!links.isEmpty()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("FaultProxy[127.0.0.1:" + port() + " -> " + upstream.getPort()
                + ", connections=" + connections() + ", messages=" + messages() + ", bytes=" + bytes());
        for (Fault f : Fault.values()) {
            b.append(", ").append(f).append('=').append(faults(f));
        }
        return b.append(']').toString();
    }

    // ---- accepting ----------------------------------------------------------------------------------

    private void accept() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            long index = connections.getAndIncrement();
            Socket server = new Socket();
            try {
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                server.connect(upstream, 5_000);
            } catch (IOException e) {
                closeQuietly(server);
                closeQuietly(client); // the server is down: the client sees the connection closed
                continue;
            }
            Schedule s = schedule;
            Link l = new Link(client, server, s, index);
            links.add(l);
            if (closed) {
                l.cut(false);
                links.remove(l);
                return;
            }
            synchronized (threads) {
                threads.removeIf(t -> !t.isAlive());
                threads.add(Thread.ofPlatform().daemon().name("fault-proxy-c2s-" + index)
                        .start(() -> l.pump(Direction.C2S)));
                threads.add(Thread.ofPlatform().daemon().name("fault-proxy-s2c-" + index)
                        .start(() -> l.pump(Direction.S2C)));
            }
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
    }

    /** One proxied connection: two sockets, two pumps, one byte budget. */
    private final class Link {
        private final Socket client;
        private final Socket server;
        private final Schedule schedule;
        private final long index;
        private final AtomicLong budget;
        private volatile boolean cut;

        Link(Socket client, Socket server, Schedule schedule, long index) {
            this.client = client;
            this.server = server;
            this.schedule = schedule;
            this.index = index;
            Random r = new Random(schedule.seed() * 1_000_003L + index);
            long span = schedule.cutBudgetMax() - schedule.cutBudgetMin();
            this.budget = new AtomicLong(schedule.cutBudgetMax() == Long.MAX_VALUE ? Long.MAX_VALUE
                    : schedule.cutBudgetMin() + (long) (r.nextDouble() * span));
        }

        /** Closes both sockets (with RST on the client side if {@code reset}); true the first time. */
        synchronized boolean cut(boolean reset) {
            if (cut) {
                return false;
            }
            cut = true;
            if (reset) {
                try {
                    client.setSoLinger(true, 0);
                } catch (SocketException e) {
                    // already closed: nothing to reset
                }
            }
            closeQuietly(client);
            closeQuietly(server);
            return true;
        }

        private boolean faulty(Direction d) {
            return enabled && schedule.directions().contains(d);
        }

        void pump(Direction d) {
            Random r = new Random(schedule.seed() * 1_000_003L + index * 2 + d.ordinal() + 0x9E3779B97F4A7C15L);
            try {
                InputStream in = (d == Direction.C2S ? client : server).getInputStream();
                OutputStream out = (d == Direction.C2S ? server : client).getOutputStream();
                byte[] head = new byte[4];
                ByteArrayOutputStream held = new ByteArrayOutputStream(); // a group of replies not yet passed
                int nHeld = 0;
                while (!cut) {
                    if (nHeld > 0 && !nextWithin(d == Direction.C2S ? client : server, in, GROUP_IDLE_MILLIS)) {
                        out.write(held.toByteArray()); // the group is not filling up: pass what it has
                        held.reset();
                        nHeld = 0;
                    }
                    if (!readFully(in, head, 0, 4)) {
                        return;
                    }
                    long size = Integer.toUnsignedLong((head[0] & 0xFF) | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16
                            | (head[3] & 0xFF) << 24);
                    if (size < 7 || size > MAX_FRAME) {
                        // not a frame this proxy understands (a hostile peer): pass the rest unframed
                        if (!forward(out, head, 4, d) || !raw(in, out, d)) {
                            return;
                        }
                        continue;
                    }
                    byte[] msg = new byte[(int) size];
                    System.arraycopy(head, 0, msg, 0, 4);
                    if (!readFully(in, msg, 4, msg.length - 4)) {
                        return;
                    }
                    int armed = cutAtType.get();
                    if (armed >= 0 && (msg[4] & 0xFF) == armed && cutAtType.compareAndSet(armed, -1)) {
                        if (nHeld > 0) {
                            out.write(held.toByteArray());
                        }
                        faults.incrementAndGet(Fault.CUT.ordinal());
                        cut(false);
                        return;
                    }
                    int g = d == Direction.S2C ? group : 1;
                    if (g > 1 && !faulty(d)) {
                        held.write(msg);
                        bytes.addAndGet(msg.length);
                        messages.incrementAndGet();
                        if (++nHeld >= g) {
                            out.write(held.toByteArray());
                            held.reset();
                            nHeld = 0;
                        }
                        continue;
                    }
                    if (!faultThenForward(out, msg, d, r)) {
                        return;
                    }
                    messages.incrementAndGet();
                }
            } catch (IOException e) {
                // a cut or a closed peer ends this pump
            } finally {
                cut(false);
                links.remove(this);
            }
        }

        /** @return false when the connection was cut */
        private boolean faultThenForward(OutputStream out, byte[] msg, Direction d, Random r) throws IOException {
            double p = r.nextDouble();
            Schedule s = schedule;
            if (faulty(d)) {
                if (p < s.delay()) {
                    faults.incrementAndGet(Fault.DELAY.ordinal());
                    sleep(1 + r.nextInt(s.maxDelayMillis()));
                } else if ((p -= s.delay()) < s.stall()) {
                    faults.incrementAndGet(Fault.STALL.ordinal());
                    sleep(s.stallMillis());
                } else if ((p -= s.stall()) < s.truncate()) {
                    int keep = msg.length <= 1 ? 0 : 1 + r.nextInt(msg.length - 1);
                    // counted when injected: the cut below may lose the race with the other direction's
                    // pump, but the truncated message has gone out either way
                    faults.incrementAndGet(Fault.TRUNCATE.ordinal());
                    forward(out, msg, keep, d);
                    out.flush();
                    cut(false);
                    return false;
                } else if ((p -= s.truncate()) < s.reset()) {
                    faults.incrementAndGet(Fault.RESET.ordinal()); // counted when injected (see TRUNCATE)
                    cut(true);
                    return false;
                }
            }
            return forward(out, msg, msg.length, d);
        }

        /** Writes {@code len} bytes of {@code b}, or what the byte budget allows and then cuts. */
        private boolean forward(OutputStream out, byte[] b, int len, Direction d) throws IOException {
            if (!faulty(d)) {
                out.write(b, 0, len);
                bytes.addAndGet(len);
                return true;
            }
            long left = budget.getAndAdd(-len);
            if (left >= len) {
                out.write(b, 0, len);
                bytes.addAndGet(len);
                return true;
            }
            if (left > 0) {
                out.write(b, 0, (int) left);
                bytes.addAndGet(left);
                out.flush();
            }
            faults.incrementAndGet(Fault.CUT.ordinal()); // counted when injected (see TRUNCATE)
            cut(false);
            return false;
        }

        private boolean raw(InputStream in, OutputStream out, Direction d) throws IOException {
            byte[] buf = new byte[64 << 10];
            while (!cut) {
                int n = in.read(buf);
                if (n < 0) {
                    return false;
                }
                if (!forward(out, buf, n, d)) {
                    return false;
                }
            }
            return false;
        }
    }

    /** Whether the next byte of {@code in} (read from {@code from}) comes within {@code millis}; it stays unread. */
    private static boolean nextWithin(Socket from, InputStream in, int millis) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (in.available() == 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            try {
                Thread.sleep(1); // bounded: at most millis in all
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            if (from.isClosed()) {
                return true; // the read that follows sees the end
            }
        }
        return true;
    }

    private static boolean readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int done = 0;
        while (done < len) {
            int n = in.read(b, off + done, len - done);
            if (n < 0) {
                if (done == 0 && off == 0) {
                    return false;
                }
                throw new EOFException("end of stream inside a message");
            }
            done += n;
        }
        return true;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Stops accepting, cuts every connection and joins every thread (bounded). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            listener.close();
        } catch (IOException e) {
            // closing is all that is wanted
        }
        for (Link l : links) {
            l.cut(false);
        }
        List<Thread> all;
        synchronized (threads) {
            all = new ArrayList<>(threads);
        }
        all.add(acceptor);
        for (Thread t : all) {
            t.interrupt(); // a stalled pump sleeps
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
