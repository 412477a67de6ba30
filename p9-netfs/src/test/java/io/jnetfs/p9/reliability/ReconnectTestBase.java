package io.jnetfs.p9.reliability;

import io.jnetfs.peers.PeerServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.p9.Dirent;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.P9Type;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import io.jnetfs.p9.reliability.FaultProxy.Direction;
import io.jnetfs.p9.reliability.FaultProxy.Fault;
import io.jnetfs.p9.reliability.FaultProxy.Schedule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 9P client rides out a server that restarts and a connection that breaks (issue 27): with
 * {@link P9Options#reconnect()} (the default) every call made while the server was away returns as if
 * nothing had happened once it is back within the timeout, lost Twrites are written again, lost
 * directory operations are settled from what the server shows, a file replaced or removed meanwhile
 * gives ESTALE (never another file's bytes), and a server not back in time fails the calls with the
 * connection's error within the timeout. The server is reached through a {@link FaultProxy} (a stable
 * address across restarts, and the faults); each subclass names the real server it restarts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
abstract class ReconnectTestBase {
    static final Duration TIMEOUT = Duration.ofSeconds(10);

    @TempDir
    Path tmp;
    Path export;
    SoakTest.Peer server;
    FaultProxy proxy;
    FolioPool pool;

    /** Starts the server under test on {@code export}; called again for every restart. */
    abstract SoakTest.Peer start(Path export) throws IOException;

    /** Whether {@link SoakTest.Peer#stop(boolean)} with {@code false} is a real SIGKILL of a process. */
    abstract boolean killable();

    @BeforeEach
    void startServer() throws IOException {
        export = Files.createDirectory(tmp.resolve("export"));
        server = start(export);
        proxy = new FaultProxy(server.port(), Schedule.none());
        pool = new FolioPool(64L << 20);
    }

    @AfterEach
    void stopServer() {
        if (proxy != null) {
            proxy.close();
        }
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            assertEquals(0, pool.leasedBytes(), "every pooled byte came back");
            pool.close();
        }
    }

    P9Options.Builder options() {
        return P9Options.builder(proxy.host(), proxy.port()).aname(server.aname()).uname(PeerServer.attachUname()).nUname(PeerServer.attachUid())
                .timeout(TIMEOUT).pool(pool);
    }

    P9Client connect() throws IOException {
        return P9Client.connect(options().build());
    }

    /** Stops the server (SIGTERM when {@code gently}, else SIGKILL) and starts it again after {@code delayMillis}, in the background. */
    CompletableFuture<Void> restart(boolean gently, long delayMillis) {
        server.stop(gently);
        server.close();
        return CompletableFuture.runAsync(() -> {
            try {
                Thread.sleep(delayMillis);
                server = start(export);
                proxy.retarget(server.port());
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException("restarting the server", e);
            }
        });
    }

    /**
     * Restarts the server whenever it dies by itself (diod does, now and then, under truncated messages
     * and resets: as a service manager would), until closed; counts the restarts.
     */
    final class Watchdog implements AutoCloseable {
        private final Thread thread;
        private volatile boolean stop;
        volatile int restarts;

        Watchdog() {
            thread = Thread.ofPlatform().daemon().name("server-watchdog").start(() -> {
                while (!stop) {
                    if (!server.alive()) {
                        try {
                            server.close();
                            server = start(export);
                            proxy.retarget(server.port());
                            restarts++;
                        } catch (IOException e) {
                            return;
                        }
                    }
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }

        @Override
        public void close() {
            stop = true;
            try {
                thread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    // ---- restarts ----------------------------------------------------------------------------------

    /**
     * The server is stopped (SIGKILL or SIGTERM) with files open and fids walked, and comes back 300 ms
     * later: the calls made meanwhile wait and succeed, the open file reads and writes on, the walked
     * directory lists, and nothing acknowledged is lost.
     */
    @ParameterizedTest(name = "gently={0}")
    @ValueSource(booleans = {false, true})
    void callsDuringARestartWaitAndSucceed(boolean gently) throws Exception {
        byte[] data = random(1, 3 << 20);
        try (P9Client c = connect()) {
            c.mkdir(c.root(), "d", 0755);
            try (Fid dir = c.walk("d"); Fid f = c.create(dir, "f", P9Flags.P9_DOTL_RDWR, 0644)) {
                assertEquals(data.length, c.write(f, 0, data));
                c.fsync(f, false);
                int fids = c.liveFids();
                CompletableFuture<Void> back = restart(gently, 300);
                long t0 = System.nanoTime();
                assertEquals(data.length, c.getattr(f).size(), "getattr while the server is away waits for it");
                long waited = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                back.get(30, TimeUnit.SECONDS);
                assertTrue(waited < TIMEOUT.toMillis(), "waited " + waited + " ms");
                assertArrayEquals(data, c.read(f, 0, data.length), "the reopened file reads the same bytes");
                byte[] more = random(2, 1 << 20);
                assertEquals(more.length, c.write(f, data.length, more));
                c.fsync(f, false);
                byte[] want = Arrays.copyOf(data, data.length + more.length);
                System.arraycopy(more, 0, want, data.length, more.length);
                assertArrayEquals(want, Files.readAllBytes(export.resolve("d/f")), "acknowledged bytes on the server");
                List<Dirent> names = c.readdir(dir);
                assertTrue(names.stream().anyMatch(e -> e.name().equals("f")), names.toString());
                assertEquals(fids, c.liveFids(), "the same fids, walked again");
                assertTrue(c.reconnects() >= 1, "reconnects: " + c.reconnects());
                assertTrue(c.failure() == null, c.failure());
            }
            assertEquals(1, c.liveFids());
        }
    }

    /** Without recovery the first lost connection is final: the call fails with the connection's error. */
    @Test
    void withoutReconnectTheFirstLossIsFinal() throws Exception {
        try (P9Client c = P9Client.connect(options().reconnect(false).build())) {
            c.getattr(c.root());
            restart(!killable(), 0).get(30, TimeUnit.SECONDS);
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertTrue(Set.of("ECONNRESET", "EPIPE", "ECONNABORTED", "EPROTO").contains(e.errnoName()), e.getMessage());
            assertEquals(0, c.reconnects());
            assertThrows(P9Exception.class, () -> c.getattr(c.root()), "and stays failed");
        }
    }

    /**
     * A server not back within the timeout: the call fails with the connection's error, bounded by the
     * timeout; once the server is back, the next call recovers.
     */
    @Test
    void aServerNotBackInTimeFailsWithinTheTimeoutThenRecovers() throws Exception {
        Duration timeout = Duration.ofSeconds(2);
        try (P9Client c = P9Client.connect(options().timeout(timeout).build()); Fid f = c.create(c.root(), "x",
                P9Flags.P9_DOTL_RDWR, 0644)) {
            c.write(f, 0, new byte[] {1, 2, 3});
            c.fsync(f, false);
            server.stop(!killable());
            server.close();
            long t0 = System.nanoTime();
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(f));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < timeout.toMillis() + 1500, "failed after " + ms + " ms: " + e.getMessage());
            assertTrue(Set.of("ECONNRESET", "EPIPE", "EPROTO", "ECONNREFUSED").contains(e.errnoName()), e.getMessage());
            server = start(export);
            proxy.retarget(server.port());
            assertEquals(3, c.getattr(f).size(), "the next call recovers");
            assertArrayEquals(new byte[] {1, 2, 3}, c.read(f, 0, 3));
            assertEquals(1, c.reconnects());
        }
    }

    /**
     * While the server is away, a file is replaced by another and one is removed: their fids give ESTALE
     * (not the new file's bytes); an untouched file and the directory go on working.
     */
    @Test
    void aFileReplacedOrRemovedMeanwhileIsStale() throws Exception {
        try (P9Client c = connect()) {
            Map<String, Fid> open = new HashMap<>();
            for (String n : List.of("replaced", "removed", "kept")) {
                Fid f = c.create(c.root(), n, P9Flags.P9_DOTL_RDWR, 0644);
                c.write(f, 0, ("old " + n).getBytes());
                c.fsync(f, false);
                open.put(n, f);
            }
            try (Fid dir = c.walk(c.root())) {
                server.stop(!killable());
                server.close();
                Files.move(export.resolve("replaced"), export.resolve("replaced.orig"));
                Files.write(export.resolve("replaced"), "another file's bytes".getBytes());
                Files.delete(export.resolve("removed"));
                server = start(export);
                proxy.retarget(server.port());
                P9Exception e = assertThrows(P9Exception.class, () -> c.read(open.get("replaced"), 0, 64));
                assertEquals(Errno.ESTALE, e.errno(), e.getMessage());
                assertTrue(open.get("replaced").isStale());
                e = assertThrows(P9Exception.class, () -> c.getattr(open.get("removed")));
                assertEquals(Errno.ESTALE, e.errno(), e.getMessage());
                assertArrayEquals("old kept".getBytes(), c.read(open.get("kept"), 0, 64));
                assertEquals(Set.of("replaced", "replaced.orig", "kept"), c.readdir(dir).stream().map(Dirent::name)
                        .filter(d -> !d.startsWith(".")).collect(java.util.stream.Collectors.toSet()));
                assertEquals(2, c.staleFids());
            }
            for (Fid f : open.values()) {
                f.close(); // a stale fid closes without a word to the server
            }
            assertEquals(1, c.liveFids());
        }
    }

    // ---- lost replies ------------------------------------------------------------------------------

    /**
     * The reply of each directory operation is lost (the proxy cuts the connection instead of passing
     * it): the client reconnects, sends the operation again, and settles what the server shows (the
     * directory made, the file created, renamed, linked, removed) as success.
     */
    @Test
    void directoryOperationsWhoseReplyWasLostAreSettled() throws Exception {
        try (P9Client c = connect()) {
            int n = 0;
            proxy.cutAtNext(P9Type.Rmkdir);
            c.mkdir(c.root(), "made", 0755);
            assertCut(++n, c, "Rmkdir");
            assertTrue(Files.isDirectory(export.resolve("made")));

            proxy.cutAtNext(P9Type.Rlcreate);
            try (Fid f = c.create(c.root(), "created", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_EXCL, 0644)) {
                assertCut(++n, c, "Rlcreate");
                c.write(f, 0, "hello".getBytes());
                c.fsync(f, false);
            }
            assertArrayEquals("hello".getBytes(), Files.readAllBytes(export.resolve("created")));

            proxy.cutAtNext(P9Type.Rrenameat);
            c.renameat(c.root(), "created", c.root(), "renamed");
            if (proxy.cutArmed()) {
                proxy.cutAtNext(-1); // the server has no Trenameat: the fallback Trename
            } else {
                assertCut(++n, c, "Rrenameat");
            }
            assertTrue(Files.exists(export.resolve("renamed")) && !Files.exists(export.resolve("created")));

            proxy.cutAtNext(P9Type.Rsymlink);
            c.symlink(c.root(), "link", "renamed");
            assertCut(++n, c, "Rsymlink");
            assertEquals("renamed", Files.readSymbolicLink(export.resolve("link")).toString());

            try (Fid target = c.walk("renamed")) {
                proxy.cutAtNext(P9Type.Rlink);
                c.link(c.root(), target, "hard");
                assertCut(++n, c, "Rlink");
            }
            assertTrue(Files.isSameFile(export.resolve("hard"), export.resolve("renamed")));

            proxy.cutAtNext(P9Type.Runlinkat);
            c.unlinkat(c.root(), "hard", 0);
            if (proxy.cutArmed()) {
                proxy.cutAtNext(-1); // the server has no Tunlinkat (diod 1.0.24): the fallback's Tremove instead
                proxy.cutAtNext(P9Type.Rremove);
                c.unlinkat(c.root(), "link", 0);
                assertFalse(Files.exists(export.resolve("link"), java.nio.file.LinkOption.NOFOLLOW_LINKS));
            }
            assertCut(++n, c, "Runlinkat/Rremove");
            assertFalse(Files.exists(export.resolve("hard")));

            Fid gone = c.walk("renamed");
            proxy.cutAtNext(P9Type.Rremove);
            c.remove(gone);
            assertCut(++n, c, "Rremove");
            assertFalse(Files.exists(export.resolve("renamed")));
            assertEquals(1, c.liveFids());
        }
    }

    private void assertCut(int n, P9Client c, String what) {
        assertFalse(proxy.cutArmed(), "the " + what + " was cut");
        assertEquals(n, c.reconnects(), "recovered after the lost " + what);
    }

    /**
     * Writes through the netfs engine while the proxy cuts every connection after a few MiB: the
     * Twrites whose replies were lost are sent again on the next connection (not dropped), so after
     * the acknowledged fsync the server holds every byte.
     */
    @Test
    void lostTwritesFromTheEngineAreWrittenAgain() throws Exception {
        proxy.schedule(new Schedule(7, 0, 0, 0, 0, 1 << 20, 4 << 20, 1, 0, Set.of(Direction.C2S, Direction.S2C)));
        byte[] data = random(3, 24 << 20);
        try (Watchdog w = new Watchdog(); P9Client c = connect();
             Netfs n = new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(64 << 10)
                     .withTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS))) {
            P9Netfs fs = new P9Netfs(c, n, null, "9p://reconnect", 8);
            try (P9File f = fs.create("big", 0644)) {
                for (int off = 0; off < data.length; off += 1 << 20) {
                    assertEquals(1 << 20, f.write(off, data, off, 1 << 20));
                }
                f.fsync();
            }
            proxy.enabled(false);
            assertArrayEquals(data, Files.readAllBytes(export.resolve("big")), "every written byte on the server");
            assertTrue(proxy.faults(Fault.CUT) >= 3, proxy.toString());
            assertTrue(c.reconnects() >= 3, "reconnects: " + c.reconnects());
            assertTrue(c.requestsResent() > 0, "requests sent again: " + c.requestsResent());
            try (P9File f = fs.open("big", false)) {
                byte[] back = new byte[data.length];
                assertEquals(data.length, f.read(0, back, 0, back.length));
                assertArrayEquals(data, back);
            }
        }
    }

    /**
     * 200 lost connections (the proxy cuts them) under an open file leave nothing behind: the client's
     * file descriptors and threads (one receiving thread; no recovery thread) back at their levels, the
     * same fids, every pooled byte back.
     */
    @Test
    void twoHundredReconnectsLeakNothing() throws Exception {
        try (P9Client c = connect(); Fid f = c.create(c.root(), "leak", P9Flags.P9_DOTL_RDWR, 0644)) {
            c.write(f, 0, random(4, 100_000));
            c.getattr(f);
            // a read as large as the last one first: a server's per-connection resources made on the first
            // large read (jnetfs serve's splice pipes) are then counted on both sides
            assertEquals(100_000, c.read(f, 0, 100_000).length);
            int fds0 = Leaks.openFds();
            int fids0 = c.liveFids();
            for (int i = 0; i < 200; i++) {
                proxy.cutAll();
                assertEquals(100_000, c.getattr(f).size());
            }
            assertArrayEquals(random(4, 100_000), c.read(f, 0, 100_000));
            assertTrue(c.reconnects() >= 190, "reconnects: " + c.reconnects()); // a cut may meet no request
            assertEquals(fids0, c.liveFids());
            int fds = Leaks.awaitFdsAtMost(fds0, 5_000);
            assertTrue(fds <= fds0, "file descriptors: " + fds0 + " before, " + fds + " after 200 reconnects");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while ((p9Threads("p9-recv") != 1 || p9Threads("p9-reconnect") != 0 || p9Threads("p9-send") > 1)
                    && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertEquals(1, p9Threads("p9-recv"), "one receiving thread: " + Thread.getAllStackTraces().keySet());
            assertEquals(0, p9Threads("p9-reconnect"), "no recovery thread left");
            assertTrue(p9Threads("p9-send") <= 1, "at most the live connection's sender thread");
        }
    }

    /** @return live threads of this test's client (their names hold the proxy's address) named {@code prefix ...} */
    private long p9Threads(String prefix) {
        String peer = proxy.host() + ":" + proxy.port();
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.isAlive() && t.getName().startsWith(prefix) && t.getName().contains(peer))
                .count();
    }

    /**
     * One 16 MiB write and one 16 MiB read, each a single call, through a proxy that cuts every
     * connection after 1 to 2 MiB: each is sent again from where the replies that came stopped (sent
     * again whole, neither would ever get through).
     */
    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void aLargeTransferGoesOnWhereTheLostConnectionLeftIt() throws Exception {
        proxy.schedule(new Schedule(5, 0, 0, 0, 0, 1 << 20, 2 << 20, 1, 0, Set.of(Direction.C2S, Direction.S2C)));
        byte[] data = random(9, 16 << 20);
        try (Watchdog w = new Watchdog(); P9Client c = connect();
             Fid f = c.create(c.root(), "large", P9Flags.P9_DOTL_RDWR, 0644)) {
            assertEquals(data.length, c.write(f, 0, data));
            c.fsync(f, false);
            assertArrayEquals(data, Files.readAllBytes(export.resolve("large")));
            assertArrayEquals(data, c.read(f, 0, data.length));
            assertTrue(c.reconnects() >= 8, "reconnects: " + c.reconnects());
        }
    }

    /**
     * Every kind of fault the proxy injects is ridden out by a workload of blocking calls: none fails,
     * and the server holds what the model says.
     */
    @ParameterizedTest
    @EnumSource(value = Fault.class, names = {"DELAY", "CUT", "RESET", "TRUNCATE"})
    void everyFaultKindIsRiddenOut(Fault kind) throws Exception {
        double delay = kind == Fault.DELAY ? 0.3 : 0;
        double truncate = kind == Fault.TRUNCATE ? 0.01 : 0;
        double reset = kind == Fault.RESET ? 0.01 : 0;
        long cutMin = kind == Fault.CUT ? 1 << 20 : 1;
        long cutMax = kind == Fault.CUT ? 4 << 20 : Long.MAX_VALUE;
        proxy.schedule(new Schedule(11 + kind.ordinal(), delay, 0, truncate, reset, cutMin, cutMax, 3, 0,
                Set.of(Direction.C2S, Direction.S2C)));
        Random rnd = new Random(kind.ordinal());
        Map<String, byte[]> model = new HashMap<>();
        // DELAY, TRUNCATE and RESET over io_uring where the kernel allows a ring (its sends fail with their own errno)
        boolean uring = kind.ordinal() % 2 == 0 && io.jnetfs.uring.IoUring.isAvailable();
        try (Watchdog w = new Watchdog(); P9Client c = P9Client.connect(options()
                .transport(uring ? io.jnetfs.p9.TransportKind.IO_URING : io.jnetfs.p9.TransportKind.SOCKET).build())) {
            Map<String, Fid> open = new HashMap<>();
            for (int op = 0; op < 400; op++) {
                String name = "f" + rnd.nextInt(4);
                Fid f = open.get(name);
                if (f == null) {
                    f = c.create(c.root(), name, P9Flags.P9_DOTL_RDWR, 0644);
                    open.put(name, f);
                    model.putIfAbsent(name, new byte[0]);
                }
                byte[] m = model.get(name);
                int p = rnd.nextInt(10);
                if (p < 4) {
                    int pos = rnd.nextInt(m.length + 1);
                    byte[] d = random(op, 1 + rnd.nextInt(128 << 10));
                    assertEquals(d.length, c.write(f, pos, d));
                    byte[] now = Arrays.copyOf(m, Math.max(m.length, pos + d.length));
                    System.arraycopy(d, 0, now, pos, d.length);
                    model.put(name, now);
                } else if (p < 7) {
                    assertArrayEquals(m, c.read(f, 0, m.length + 10), "read of " + name + " at op " + op);
                } else if (p < 8) {
                    assertEquals(m.length, c.getattr(f).size());
                } else if (p < 9) {
                    c.fsync(f, false);
                    assertArrayEquals(m, Files.readAllBytes(export.resolve(name)), "after an acknowledged fsync");
                } else {
                    f.close();
                    open.remove(name);
                }
            }
            proxy.enabled(false);
            for (Map.Entry<String, Fid> e : open.entrySet()) {
                c.fsync(e.getValue(), false);
                e.getValue().close();
            }
            for (Map.Entry<String, byte[]> e : model.entrySet()) {
                assertArrayEquals(e.getValue(), Files.readAllBytes(export.resolve(e.getKey())), e.getKey());
            }
            assertTrue(proxy.faults(kind) > 0, proxy.toString());
            if (kind != Fault.DELAY) {
                assertTrue(c.reconnects() > 0, "reconnects: " + c.reconnects());
            }
            assertEquals(1, c.liveFids());
            System.out.printf("%s %s over %s: 400 ops, %d faults, %d reconnects, %d requests sent again, %d server "
                    + "crashes restarted%n", getClass().getSimpleName(), kind, c.transportKind(), proxy.faults(kind),
                    c.reconnects(), c.requestsResent(), w.restarts);
        }
    }
}
