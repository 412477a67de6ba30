package io.jnetfs.p9.reliability;

import io.jnetfs.peers.PeerServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.ReceiveMode;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import io.jnetfs.p9.reliability.FaultProxy.Direction;
import io.jnetfs.p9.reliability.FaultProxy.Fault;
import io.jnetfs.p9.reliability.FaultProxy.Schedule;
import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak of {@link SoakTest} with the client's own recovery ({@link P9Options#reconnect()}): ONE
 * client for the whole run, through the {@link FaultProxy} (delays, cuts after a few MiB, resets,
 * truncated messages) while the server is stopped at random (SIGKILL or SIGTERM for diod and for
 * {@code jnetfs serve} as a process; close for a {@link io.jnetfs.p9.server.P9Server} in this JVM) and
 * started again, and restarted whenever it dies by itself. Unlike {@link SoakTest}, no operation may
 * fail: every write, read, truncate, fsync, create, rename and unlink returns as if nothing had
 * happened, and
 * <ul>
 *   <li>every read equals the model;</li>
 *   <li>after every acknowledged fsync the server's file equals the model (nothing acknowledged is lost);</li>
 *   <li>at checkpoints the whole export equals the model and only the open files hold fids;</li>
 *   <li>at the end no pooled byte is leased.</li>
 * </ul>
 * Short by default ({@value #DEFAULT_SECONDS} s per server); {@code -Djnetfs.reconnect.soak.seconds=600}
 * for a long run, {@code -Djnetfs.soak.seed=N} for another schedule.
 */
class RecoveringSoakTest {
    static final long DEFAULT_SECONDS = 20;
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final int MAX_FILE = 2 << 20;
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};

    @TempDir
    Path tmp;

    @Test
    void soakAgainstDiodRestartedAndFaulted() throws Exception {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        soak("diod", SoakTest::diod);
    }

    @Test
    void soakAgainstJnetfsServeProcessRestartedAndFaulted() throws Exception {
        soak("jnetfs serve (process)", ServeProcess::start);
    }

    @Test
    void soakAgainstInProcessP9ServerRestartedAndFaulted() throws Exception {
        soak("P9Server (in process)", SoakTest::jnetfsServer);
    }

    private void soak(String name, SoakTest.PeerFactory peers) throws Exception {
        long seconds = Long.getLong("jnetfs.reconnect.soak.seconds", DEFAULT_SECONDS);
        long seed = Long.getLong("jnetfs.soak.seed", 13);
        Soak s = new Soak(name, peers, Files.createDirectory(tmp.resolve("export")), seed);
        assertTimeoutPreemptively(Duration.ofSeconds(seconds + 120), () -> s.run(TimeUnit.SECONDS.toNanos(seconds)));
    }

    /** A server kept running: stopped on purpose now and then, restarted by a watchdog whenever it is down. */
    private static final class KeptServer implements AutoCloseable {
        private final SoakTest.PeerFactory peers;
        private final Path export;
        private final FaultProxy proxy;
        private volatile SoakTest.Peer peer;
        private volatile boolean stopping;
        private final Thread watchdog;
        volatile int starts;
        volatile int deliberateStops;
        volatile int kills;

        KeptServer(SoakTest.PeerFactory peers, Path export, FaultProxy proxy, SoakTest.Peer first) {
            this.peers = peers;
            this.export = export;
            this.proxy = proxy;
            this.peer = first;
            this.watchdog = Thread.ofPlatform().daemon().name("soak-watchdog").start(this::watch);
        }

        private void watch() {
            while (!stopping) {
                SoakTest.Peer p = peer;
                if (!p.alive()) {
                    p.close();
                    try {
                        peer = peers.start(export);
                        proxy.retarget(peer.port());
                        starts++;
                    } catch (IOException e) {
                        System.out.println("soak watchdog: restarting the server failed: " + e);
                    }
                }
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Stops the server (the watchdog starts it again). */
        void stop(boolean gently) {
            deliberateStops++;
            if (!gently) {
                kills++;
            }
            peer.stop(gently);
        }

        /** Server exits nobody asked for (diod dies now and then under truncated messages). */
        int crashes() {
            return starts - deliberateStops;
        }

        String aname() {
            return peer.aname();
        }

        @Override
        public void close() {
            stopping = true;
            try {
                watchdog.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            peer.close();
        }
    }

    private static final class Soak {
        private final String peerName;
        private final SoakTest.PeerFactory peers;
        private final Path export;
        private final long seed;
        private final Random rnd;
        private final SoakModel model = new SoakModel();
        private final FolioPool clientPool = new FolioPool(64L << 20);
        private final Map<String, P9File> open = new HashMap<>();
        private FaultProxy proxy;
        private KeptServer server;
        private P9Client client;
        private P9Netfs fs;
        private long ops;
        private long reads;
        private long writes;
        private long bytesWritten;
        private long truncates;
        private long fsyncsAcked;
        private long renames;
        private long creates;
        private long unlinks;
        private long checkpoints;
        private long explicitCuts;

        Soak(String peerName, SoakTest.PeerFactory peers, Path export, long seed) {
            this.peerName = peerName;
            this.peers = peers;
            this.export = export;
            this.seed = seed;
            this.rnd = new Random(seed);
        }

        void run(long nanos) throws Exception {
            long t0 = System.nanoTime();
            SoakTest.Peer first = peers.start(export);
            // per message a 2% delay, 0.1% truncate, 0.05% reset, and every connection cut after 4 .. 32 MiB;
            // no stall: a stall past the timeout is an error by design (FaultProxyDiodTest)
            proxy = new FaultProxy(first.port(), new Schedule(rnd.nextLong(), 0.02, 0, 0.001, 0.0005, 4 << 20, 32 << 20,
                    3, 0, Set.of(Direction.C2S, Direction.S2C)));
            server = new KeptServer(peers, export, proxy, first);
            Netfs netfs = new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(64 << 10)
                    .withReadahead(256 << 10, 1 << 20).withTimeout(TIMEOUT.toSeconds(), TimeUnit.SECONDS));
            try {
                client = P9Client.connect(P9Options.builder(proxy.host(), proxy.port()).aname(server.aname())
                        .uname(PeerServer.attachUname()).nUname(PeerServer.attachUid()).timeout(TIMEOUT).window(8).pool(clientPool)
                        .receiveMode(seed % 2 == 0 ? ReceiveMode.DIRECT : ReceiveMode.BULK).build());
                fs = new P9Netfs(client, netfs, null, "9p://soak", 8);
                long nextRestart = 150 + rnd.nextInt(250);
                while (System.nanoTime() - t0 < nanos) {
                    ops++;
                    if (ops == nextRestart) {
                        server.stop(rnd.nextBoolean());
                        nextRestart = ops + 150 + rnd.nextInt(250);
                    }
                    try {
                        step();
                    } catch (IOException | RuntimeException e) {
                        throw new AssertionError("op " + ops + " failed against " + peerName + " (seed " + seed + "; "
                                + server.deliberateStops + " restarts, " + proxy + ", " + client + "): " + e, e);
                    }
                }
                proxy.enabled(false);
                checkpoint();
                for (P9File f : open.values()) {
                    f.close();
                }
                open.clear();
                assertEquals(1, client.liveFids(), "only the root is left");
            } finally {
                for (P9File f : open.values()) {
                    try {
                        f.close();
                    } catch (IOException e) {
                        // failing already
                    }
                }
                if (client != null) {
                    client.close();
                }
                netfs.close();
                proxy.close();
                server.close();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, clientPool.leasedBytes(), "every receive buffer came back to the client pool");
            clientPool.close();
            StringBuilder faults = new StringBuilder();
            for (Fault f : Fault.values()) {
                faults.append(faults.isEmpty() ? "" : ", ").append(f.name().toLowerCase()).append(' ').append(proxy.faults(f));
            }
            System.out.printf("recovering soak %s: %.1f s, seed=%d: %d ops (%d writes of %d MiB, %d reads, %d truncates, "
                            + "%d fsyncs acknowledged and verified on the server, %d creates, %d renames, %d unlinks, %d "
                            + "checkpoints); faults injected: %d (%s), %d explicit cuts; server restarts: %d (%d SIGKILL), "
                            + "%d exits by itself restarted; one client: %d reconnects, %d requests sent again, %d stale "
                            + "fids; 0 operations failed, 0 acknowledged bytes lost%n",
                    peerName, secs, seed, ops, writes, bytesWritten >> 20, reads, truncates, fsyncsAcked, creates, renames,
                    unlinks, checkpoints, proxy.faultsTotal(), faults, explicitCuts, server.deliberateStops, server.kills,
                    server.crashes(), client.reconnects(), client.requestsResent(), client.staleFids());
            assertTrue(fsyncsAcked > 0 && server.deliberateStops > 0 && client.reconnects() > 0,
                    "the soak exercised nothing");
            assertEquals(0, client.staleFids(), "no file changed behind the client's back");
        }

        private P9File file(String name) throws IOException {
            P9File f = open.get(name);
            if (f == null) {
                f = fs.open(name, true);
                open.put(name, f);
            }
            return f;
        }

        private void closeFile(String name) throws IOException {
            P9File f = open.remove(name);
            if (f != null) {
                f.close();
            }
        }

        private String anyFile() {
            if (model.files.isEmpty()) {
                return null;
            }
            int i = rnd.nextInt(model.files.size());
            return model.files.keySet().stream().skip(i).findFirst().orElseThrow();
        }

        private String freeName() {
            List<String> free = new ArrayList<>();
            for (String n : NAMES) {
                if (!model.files.containsKey(n)) {
                    free.add(n);
                }
            }
            return free.isEmpty() ? null : free.get(rnd.nextInt(free.size()));
        }

        private void step() throws IOException {
            int p = rnd.nextInt(1000);
            String name = anyFile();
            if (name == null || (p < 40 && model.files.size() < 8)) {
                create();
            } else if (p < 440) {
                write(name);
            } else if (p < 640) {
                read(name);
            } else if (p < 720) {
                truncate(name);
            } else if (p < 880) {
                fsync(name);
            } else if (p < 930) {
                rename(name);
            } else if (p < 955) {
                unlink(name);
            } else if (p < 965) {
                proxy.cutAll();
                explicitCuts++;
            } else if (p < 975) {
                closeFile(name);
            } else {
                checkpoint();
            }
        }

        private void create() throws IOException {
            String name = freeName();
            if (name == null) {
                return;
            }
            P9File f = fs.create(name, 0644);
            model.created(name);
            open.put(name, f);
            creates++;
        }

        private void write(String name) throws IOException {
            byte[] m = model.get(name);
            int pos = rnd.nextInt(Math.min(MAX_FILE, m.length + (64 << 10)));
            int len = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 512 << 10 : 16 << 10);
            len = Math.min(len, MAX_FILE - pos);
            byte[] d = new byte[len];
            rnd.nextBytes(d);
            P9File f = file(name);
            model.write(name, pos, d);
            assertEquals(len, f.write(pos, d, 0, len));
            writes++;
            bytesWritten += len;
        }

        private void read(String name) throws IOException {
            byte[] m = model.get(name);
            P9File f = file(name);
            assertEquals(m.length, f.size(), "the client's size of " + name);
            if (m.length == 0) {
                return;
            }
            int pos = rnd.nextInt(m.length);
            int len = Math.min(m.length - pos, 1 + rnd.nextInt(256 << 10));
            byte[] out = new byte[len];
            assertEquals(len, f.read(pos, out, 0, len), "read of " + name + " at " + pos);
            if (!Arrays.equals(m, pos, pos + len, out, 0, len)) {
                fail("read of " + name + " at " + pos + ", len " + len + " differs from the model at +"
                        + Arrays.mismatch(Arrays.copyOfRange(m, pos, pos + len), out) + " after " + ops + " ops");
            }
            reads++;
        }

        private void truncate(String name) throws IOException {
            byte[] m = model.get(name);
            int size = rnd.nextInt(Math.min(MAX_FILE, m.length + (128 << 10)) + 1);
            P9File f = file(name);
            model.truncate(name, size);
            f.truncate(size);
            truncates++;
        }

        private void fsync(String name) throws IOException {
            file(name).fsync();
            model.fsynced(name);
            fsyncsAcked++;
            assertNull(model.diff(export, name), "after an acknowledged fsync the server's file equals the model");
        }

        private void rename(String name) throws IOException {
            String to = freeName();
            if (to == null) {
                return;
            }
            closeFile(name); // diod's fids hold paths: a file is renamed closed
            client.renameat(client.root(), name, client.root(), to);
            model.renamed(name, to);
            renames++;
        }

        private void unlink(String name) throws IOException {
            closeFile(name);
            client.unlinkat(client.root(), name, 0);
            model.unlinked(name);
            unlinks++;
        }

        private void checkpoint() throws IOException {
            for (String name : List.copyOf(model.files.keySet())) {
                fsync(name);
            }
            assertEquals(model.files.keySet(), SoakModel.namesOn(export), "the export holds the model's names");
            for (String name : model.files.keySet()) {
                assertNull(model.diff(export, name));
            }
            assertEquals(1 + open.size(), client.liveFids(), "the root and one fid per open file");
            checkpoints++;
        }
    }
}
