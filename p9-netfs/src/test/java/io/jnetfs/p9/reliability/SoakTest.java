package io.jnetfs.p9.reliability;

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
import io.jnetfs.p9.TransportKind;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import io.jnetfs.p9.server.P9Server;
import io.jnetfs.p9.reliability.FaultProxy.Direction;
import io.jnetfs.p9.reliability.FaultProxy.Fault;
import io.jnetfs.p9.reliability.FaultProxy.Schedule;
import io.jnetfs.peers.Diod;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.io.UncheckedIOException;
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
 * The soak: random writes, reads, truncates, fsyncs, creates, renames and unlinks through the jnetfs
 * client (P9Netfs over the netfs engine) against a server behind the {@link FaultProxy}, which delays,
 * stalls, truncates and cuts on a seeded schedule, while the test also cuts every connection and stops
 * and restarts the server at random. Two servers: the real diod (killed with SIGKILL or SIGTERM) and
 * jnetfs's own {@link P9Server} (closed and started again on the same export). Everything is checked against a {@link SoakModel}:
 * <ul>
 *   <li>every read through the client equals the model;</li>
 *   <li>after every acknowledged fsync the server's file equals the model;</li>
 *   <li>after every fault, each file not changed since its last acknowledged fsync is found intact on
 *       the server (nothing acknowledged is lost); the others are written again from the model;</li>
 *   <li>at checkpoints the whole export equals the model, and no fid is left open;</li>
 *   <li>at the end no pooled byte and no file descriptor is left.</li>
 * </ul>
 * A session ends with the first error after an injected fault (the client does not reconnect by
 * itself); an error without one fails the test. Short by default ({@value #DEFAULT_SECONDS} s);
 * {@code -Djnetfs.soak.seconds=600} for a long run, {@code -Djnetfs.soak.seed=N} for another schedule.
 */
class SoakTest {
    static final long DEFAULT_SECONDS = 25;
    private static final int MAX_FILE = 2 << 20;
    private static final String[] NAMES = {"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"};

    @TempDir
    Path tmp;

    /** A server the soak can stop and start again on the same export. */
    interface Peer extends AutoCloseable {
        int port();

        String aname();

        /** @return whether it is still running (it did not die by itself) */
        boolean alive();

        /** Stops it abruptly, or gracefully when {@code gently}. */
        void stop(boolean gently);

        String log();

        @Override
        void close();
    }

    /** Starts a peer on an export. */
    interface PeerFactory {
        Peer start(Path export) throws IOException;
    }

    static Peer diod(Path export) throws IOException {
        Diod d = Diod.start(export);
        return new Peer() {
            public int port() {
                return d.port();
            }

            public String aname() {
                return d.aname();
            }

            public boolean alive() {
                return d.isAlive();
            }

            public void stop(boolean gently) {
                if (gently) {
                    d.close(); // SIGTERM
                } else {
                    d.kill(); // SIGKILL: a crash, connections reset
                }
            }

            public String log() {
                return d.log();
            }

            public void close() {
                d.close();
            }
        };
    }

    static Peer jnetfsServer(Path export) throws IOException {
        P9Server s = P9Server.builder(export).listen(PeerServer.HOST, 0).build().start();
        return new Peer() {
            public int port() {
                return s.port();
            }

            public String aname() {
                return export.toAbsolutePath().toString();
            }

            public boolean alive() {
                return !s.isClosed();
            }

            public void stop(boolean gently) {
                s.close();
            }

            public String log() {
                return s.toString() + " " + s.stats();
            }

            public void close() {
                s.close();
            }
        };
    }

    @Test
    void soakAgainstDiodThroughTheFaultProxy() throws Exception {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        soak("diod", SoakTest::diod);
    }

    @Test
    void soakAgainstTheJnetfsServerThroughTheFaultProxy() throws Exception {
        soak("jnetfs P9Server", SoakTest::jnetfsServer);
    }

    private void soak(String name, PeerFactory peers) throws Exception {
        long seconds = Long.getLong("jnetfs.soak.seconds", DEFAULT_SECONDS);
        long seed = Long.getLong("jnetfs.soak.seed", 13);
        Soak s = new Soak(name, peers, Files.createDirectory(tmp.resolve("export")), seed);
        // bounded: the loop stops by itself at the deadline; this only catches a hang
        assertTimeoutPreemptively(Duration.ofSeconds(seconds + 120), () -> s.run(TimeUnit.SECONDS.toNanos(seconds)));
    }

    /** One soak run: the proxy, diod (restarted now and then), the sessions, the model and the counters. */
    private static final class Soak {
        private final String peerName;
        private final PeerFactory peers;
        private final Path export;
        private final Random rnd;
        private final SoakModel model = new SoakModel();
        private final FolioPool clientPool = new FolioPool(64L << 20);
        private Peer server;
        private FaultProxy proxy;
        private Session session;
        private long ops;
        private long reads;
        private long writes;
        private long bytesWritten;
        private long truncates;
        private long fsyncsAcked;
        private long fsyncsFailed;
        private long renames;
        private long creates;
        private long unlinks;
        private long checkpoints;
        private long restarts;
        private long recoveryRetries;
        private long serverCrashes;
        private long explicitCuts;
        private long sessions;
        private long sessionFailures;
        private long filesVerifiedAfterFault;
        private long filesRewritten;
        private long pendingResolved;

        Soak(String peerName, PeerFactory peers, Path export, long seed) {
            this.peerName = peerName;
            this.peers = peers;
            this.export = export;
            this.rnd = new Random(seed);
        }

        void run(long nanos) throws Exception {
            int fds0 = Leaks.openFds();
            var fdsBefore = Leaks.fdTargets();
            long t0 = System.nanoTime();
            server = peers.start(export);
            // the schedule: per message a 2% delay, 0.005% stall (past the 5 s timeout), 0.2% truncate,
            // 0.1% reset, and every connection cut after 256 KiB .. 24 MiB
            proxy = new FaultProxy(server.port(), new Schedule(rnd.nextLong(), 0.02, 0.00005, 0.002, 0.001,
                    256 << 10, 24 << 20, 3, 6000, Set.of(Direction.C2S, Direction.S2C)));
            try {
                session = openSession();
                long nextRestart = 200 + rnd.nextInt(400);
                while (System.nanoTime() - t0 < nanos) {
                    ops++;
                    try {
                        if (ops == nextRestart) {
                            restartServer();
                            nextRestart = ops + 200 + rnd.nextInt(400);
                        }
                        step();
                    } catch (IOException | UncheckedIOException e) {
                        if (!session.faulted()) {
                            throw new AssertionError("an error without an injected fault or restart after " + ops
                                    + " ops against " + peerName + ": " + e, e);
                        }
                        sessionFailures++;
                        recover();
                    }
                }
                if (session.faulted()) {
                    recover(); // the last fault may not have met an operation yet
                }
                proxy.enabled(false);
                checkpoint();
                session.close();
            } finally {
                if (session != null) {
                    session.close();
                }
                proxy.close();
                server.close();
            }
            double secs = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, clientPool.leasedBytes(), "every receive buffer came back to the client pool");
            clientPool.close();
            int fds = Leaks.awaitFdsAtMost(fds0, 5_000);
            var leaked = Leaks.ours(Leaks.added(fdsBefore, Leaks.fdTargets()), export.getParent());
            assertTrue(leaked.isEmpty(), "file descriptors: " + fds0 + " before, " + fds + " after; left open: " + leaked);
            System.out.printf("soak %s: %.1f s, seed=%d: %d ops (%d writes of %d MiB, %d reads, %d truncates, %d fsyncs "
                            + "acknowledged and verified on the server, %d fsyncs failed by faults, %d creates, %d renames, "
                            + "%d unlinks, %d full checkpoints); faults injected: %d (%s), %d explicit cuts, %d server "
                            + "restarts, %d server exits by itself; %d sessions, %d ended by a fault and recovered; after faults %d files found intact "
                            + "(acknowledged, untouched since), %d unacknowledged files rewritten, %d lost directory "
                            + "replies resolved, %d recoveries tried again; fds %d -> %d, pool leased 0%n",
                    peerName, secs, Long.getLong("jnetfs.soak.seed", 13), ops, writes, bytesWritten >> 20, reads, truncates,
                    fsyncsAcked, fsyncsFailed, creates, renames, unlinks, checkpoints, proxy.faultsTotal(),
                    faultSummary(), explicitCuts, restarts, serverCrashes, sessions, sessionFailures, filesVerifiedAfterFault,
                    filesRewritten, pendingResolved, recoveryRetries, fds0, fds);
            assertTrue(fsyncsAcked > 0 && sessionFailures > 0 && restarts > 0, "the soak exercised nothing");
        }

        private String faultSummary() {
            StringBuilder b = new StringBuilder();
            for (Fault f : Fault.values()) {
                b.append(b.isEmpty() ? "" : ", ").append(f.name().toLowerCase()).append(' ').append(proxy.faults(f));
            }
            return b.toString();
        }

        // ---- sessions ----------------------------------------------------------------------------

        /** One connection: a client, an engine, the open files, and the fault counts when it began. */
        private final class Session implements AutoCloseable {
            final P9Client client;
            final Netfs netfs;
            final P9Netfs fs;
            final Map<String, P9File> open = new HashMap<>();
            final long disruptionsAtStart;
            final long restartsAtStart;
            final long cutsAtStart;
            private boolean closed;

            Session(P9Client client, Netfs netfs) {
                this.client = client;
                this.netfs = netfs;
                this.fs = new P9Netfs(client, netfs, null, "9p://soak", 8);
                this.disruptionsAtStart = disruptions();
                this.restartsAtStart = restarts;
                this.cutsAtStart = explicitCuts;
            }

            /** @return whether something that may break this session happened since it began */
            boolean faulted() {
                return disruptions() != disruptionsAtStart || restarts != restartsAtStart || explicitCuts != cutsAtStart
                        || client.failure() != null;
            }

            P9File file(String name) throws IOException {
                P9File f = open.get(name);
                if (f == null) {
                    f = fs.open(name, true);
                    open.put(name, f);
                }
                return f;
            }

            void closeFile(String name) throws IOException {
                P9File f = open.remove(name);
                if (f != null) {
                    f.close();
                }
            }

            @Override
            public void close() {
                if (closed) {
                    return;
                }
                closed = true;
                for (P9File f : open.values()) {
                    try {
                        f.close();
                    } catch (IOException | RuntimeException e) {
                        // a dead session: its dirty data is the model's to write again
                    }
                }
                open.clear();
                client.close();
                netfs.close();
            }
        }

        private long disruptions() {
            return proxy.connectionFaults() + proxy.faults(Fault.STALL);
        }

        private Session openSession() throws IOException {
            sessions++;
            boolean uring = sessions % 2 == 0 && IoUring.isAvailable();
            P9Options o = P9Options.builder(proxy.host(), proxy.port()).aname(server.aname()).uname(PeerServer.attachUname()).nUname(PeerServer.attachUid())
                    .timeout(Duration.ofSeconds(5)).window(8).pool(clientPool).reconnect(false)
                    .transport(uring ? TransportKind.IO_URING : TransportKind.SOCKET)
                    .receiveMode(sessions % 4 < 2 ? ReceiveMode.DIRECT : ReceiveMode.BULK).build();
            P9Client c = P9Client.connect(o);
            Netfs n = new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(64 << 10)
                    .withReadahead(256 << 10, 1 << 20).withTimeout(5, TimeUnit.SECONDS));
            return new Session(c, n);
        }

        // ---- operations --------------------------------------------------------------------------

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
            } else if (p < 985) {
                checkpoint();
            } else {
                write(name);
            }
        }

        private void create() throws IOException {
            String name = freeName();
            if (name == null) {
                return;
            }
            model.pending = new SoakModel.Pending(SoakModel.Pending.Kind.CREATE, name, null);
            P9File f = session.fs.create(name, 0644);
            model.pending = null;
            model.created(name);
            session.open.put(name, f);
            creates++;
        }

        private void write(String name) throws IOException {
            byte[] m = model.get(name);
            int pos = rnd.nextInt(Math.min(MAX_FILE, m.length + (64 << 10)));
            int len = 1 + rnd.nextInt(rnd.nextInt(8) == 0 ? 512 << 10 : 16 << 10);
            len = Math.min(len, MAX_FILE - pos);
            byte[] d = new byte[len];
            rnd.nextBytes(d);
            P9File f = session.file(name);
            // the model changes first: once write() was called, the server may hold these bytes
            model.write(name, pos, d);
            assertEquals(len, f.write(pos, d, 0, len));
            writes++;
            bytesWritten += len;
        }

        private void read(String name) throws IOException {
            byte[] m = model.get(name);
            P9File f = session.file(name);
            assertEquals(m.length, f.size(), "the client's size of " + name);
            if (m.length == 0) {
                return;
            }
            int pos = rnd.nextInt(m.length);
            int len = Math.min(m.length - pos, 1 + rnd.nextInt(256 << 10));
            byte[] out = new byte[len];
            int n = f.read(pos, out, 0, len);
            assertEquals(len, n, "read of " + name + " at " + pos);
            if (!Arrays.equals(m, pos, pos + len, out, 0, len)) {
                fail("read of " + name + " at " + pos + ", len " + len + " differs from the model at +"
                        + Arrays.mismatch(Arrays.copyOfRange(m, pos, pos + len), out) + " after " + ops + " ops");
            }
            reads++;
        }

        private void truncate(String name) throws IOException {
            byte[] m = model.get(name);
            int size = rnd.nextInt(Math.min(MAX_FILE, m.length + (128 << 10)) + 1);
            P9File f = session.file(name);
            model.truncate(name, size);
            f.truncate(size);
            truncates++;
        }

        private void fsync(String name) throws IOException {
            P9File f = session.file(name);
            try {
                f.fsync();
            } catch (IOException e) {
                fsyncsFailed++;
                throw e;
            }
            model.fsynced(name);
            fsyncsAcked++;
            assertNull(model.diff(export, name), "after an acknowledged fsync the server's file equals the model");
        }

        private void rename(String name) throws IOException {
            String to = freeName();
            if (to == null) {
                return;
            }
            // diod's fids hold paths: a file is renamed closed, so no open fid keeps the old path
            session.closeFile(name);
            model.pending = new SoakModel.Pending(SoakModel.Pending.Kind.RENAME, name, to);
            session.client.renameat(session.client.root(), name, session.client.root(), to);
            model.pending = null;
            model.renamed(name, to);
            renames++;
        }

        private void unlink(String name) throws IOException {
            session.closeFile(name);
            model.pending = new SoakModel.Pending(SoakModel.Pending.Kind.UNLINK, name, null);
            session.client.unlinkat(session.client.root(), name, 0);
            model.pending = null;
            model.unlinked(name);
            unlinks++;
        }

        /** Fsyncs every file, then the whole export must equal the model and only the open files hold fids. */
        private void checkpoint() throws IOException {
            for (String name : List.copyOf(model.files.keySet())) {
                fsync(name);
            }
            assertEquals(model.files.keySet(), SoakModel.namesOn(export), "the export holds the model's names");
            for (String name : model.files.keySet()) {
                assertNull(model.diff(export, name));
            }
            assertEquals(1 + session.open.size(), session.client.liveFids(), "the root and one fid per open file");
            checkpoints++;
        }

        private void restartServer() throws IOException {
            server.stop(rnd.nextBoolean());
            server.close(); // its log and run directory go with it
            restarts++;
            server = peers.start(export);
            proxy.retarget(server.port());
        }

        /**
         * After a fault: end the session, open a new one with faults paused, settle what a lost reply left
         * open, check that every acknowledged and untouched file is intact, and write the others again.
         */
        private void recover() throws Exception {
            // faults are paused, but a loaded machine may still time a request out: try again (bounded)
            for (int attempt = 1; ; attempt++) {
                try {
                    recoverOnce();
                    return;
                } catch (IOException e) {
                    if (attempt == 5) {
                        throw e;
                    }
                    recoveryRetries++;
                }
            }
        }

        private void recoverOnce() throws Exception {
            proxy.enabled(false);
            session.close();
            // the old connection's last requests may still be in diod's workers: let them finish
            // before the files are checked and written again
            proxy.dropAll();
            assertTrue(proxy.awaitIdle(5_000), "the old connections closed");
            Thread.sleep(50);
            if (!server.alive()) {
                // the server died by itself under the faults: a crash, survived like a restart
                if (serverCrashes++ == 0) {
                    System.out.println("soak " + peerName + ": the server exited by itself after " + ops + " ops; its log:\n"
                            + server.log());
                }
                server.close();
                server = peers.start(export);
                proxy.retarget(server.port());
            }
            session = openSession();
            if (model.pending != null) {
                model.resolvePending(export);
                pendingResolved++;
            }
            for (String name : List.copyOf(model.files.keySet())) {
                if (!model.unsynced.contains(name)) {
                    assertNull(model.diff(export, name), "an acknowledged file is intact after the fault");
                    filesVerifiedAfterFault++;
                } else {
                    P9File f = session.fs.create(name, 0644); // P9_DOTL_TRUNC
                    byte[] m = model.get(name);
                    if (m.length > 0) {
                        f.write(0, m, 0, m.length);
                    }
                    f.fsync();
                    session.open.put(name, f);
                    model.fsynced(name);
                    filesRewritten++;
                    assertNull(model.diff(export, name));
                }
            }
            assertEquals(model.files.keySet(), SoakModel.namesOn(export), "the export holds the model's names");
            proxy.enabled(true);
        }
    }
}
