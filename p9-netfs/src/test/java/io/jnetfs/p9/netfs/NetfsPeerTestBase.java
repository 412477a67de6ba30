package io.jnetfs.p9.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fiemap.Extents;
import io.jnetfs.fiemap.Fiemap;
import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.PeerOptions;
import io.jnetfs.p9.reliability.FaultProxy;
import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The netfs engine over the 9P client against a real server: reads, the disk cache, writes. Once per
 * server (the subclasses): diod ({@link NetfsDiodTest}) and NFS-Ganesha over a directory
 * ({@link NetfsGaneshaTest}); one server per test.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
abstract class NetfsPeerTestBase {
    @TempDir
    Path tmp;
    Path export;
    PeerServer peer;
    private ExecutorService writer;
    private boolean killsItsServer;

    /**
     * Starts the server under test (skipping or failing the test where it cannot be had).
     *
     * @param dir the directory to export
     * @return the running server
     */
    abstract PeerServer startPeer(Path dir) throws IOException;

    /**
     * Reads a file of the export through the server's own client tools, or returns null where the
     * server has none that can run here (the test has then checked the file on this side).
     *
     * @param name the file's name in the export
     * @return its bytes, or null
     */
    abstract byte[] readWithItsOwnClient(String name) throws Exception;

    @BeforeEach
    void start() throws IOException {
        peer = startPeer(Files.createDirectory(tmp.resolve("export")));
        export = peer.export(); // where this machine sees the files: the directory, or a volume's mount
        writer = Executors.newSingleThreadExecutor();
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            boolean died = !peer.isAlive();
            String name = peer.toString();
            peer.close();
            if (died && !killsItsServer) {
                System.out.println(name + " died during the test; its log:\n" + peer.log());
            }
        }
        if (writer != null) {
            writer.shutdownNow();
        }
    }

    private static Netfs netfs() {
        return new Netfs(Netfs.Config.defaults().withMemory(256L << 20, 128L << 20).withFolioSize(256 << 10)
                .withTimeout(20, TimeUnit.SECONDS));
    }

    private P9Netfs mount(P9Client c, Netfs n, CacheFiles cache) {
        return new P9Netfs(c, n, cache, "9p://" + peer.host() + ":" + peer.port() + "/" + peer.aname().replaceFirst("^/", ""), 16);
    }

    /** Random bytes of {@code size}, written to {@code name} in the export, and returned. */
    private byte[] exportRandom(String name, int size, long seed) throws IOException {
        byte[] src = new byte[size];
        new Random(seed).nextBytes(src);
        Files.write(export.resolve(name), src);
        return src;
    }

    private byte[] readAll(P9File f) throws IOException {
        byte[] out = new byte[(int) f.size()];
        for (int pos = 0; pos < out.length; pos += 1 << 20) {
            int len = Math.min(1 << 20, out.length - pos);
            assertEquals(len, f.read(pos, out, pos, len));
        }
        return out;
    }

    @Test
    void randomReadsEqualTheSourceFile() throws IOException {
        byte[] src = exportRandom("r.bin", 12_345_678, 1);
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, null).open("r.bin", false)) {
            Random r = new Random(2);
            for (int i = 0; i < 200; i++) {
                int pos = r.nextInt(src.length);
                int len = Math.min(src.length - pos, r.nextInt(1 << 20));
                byte[] out = new byte[len];
                assertEquals(len, f.read(pos, out, 0, len));
                assertArrayEquals(Arrays.copyOfRange(src, pos, pos + len), out);
            }
            assertTrue(n.stats().readRpcs() > 0);
        }
    }

    @Test
    void writebackKeepsAtMostItsInflightTwritesOut() throws IOException {
        byte[] src = new byte[20 << 20]; // more than one 16 MiB writeback run
        new Random(9).nextBytes(src);
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs();
             P9File f = new P9Netfs(c, n, null, "9p://wlimit", 3).create("wl.bin", 0644)) {
            for (int pos = 0; pos < src.length; pos += 1 << 20) {
                f.write(pos, src, pos, 1 << 20);
            }
            f.fsync();
            P9NetfsOps ops = (P9NetfsOps) f.netfs().inode().ops();
            int most = ops.rpcsInFlightHighWater();
            assertTrue(most >= 1 && most <= 3, "Twrites in flight at once: " + most);
            assertTrue(n.stats().writeRpcs() > 3 * 16, "far more Twrites than places: " + n.stats());
            assertArrayEquals(src, Files.readAllBytes(export.resolve("wl.bin")));
        }
    }

    /**
     * Replies that reach the client back to back (the proxy passes the server's replies four at a time, in
     * one write): the places they free wait for each other, and their Treads leave glued, four to a
     * sendmsg.
     */
    @Test
    void placesFreedByRepliesThatCameTogetherAreRefilledInGluedBatches() throws IOException {
        byte[] src = exportRandom("b.bin", 8 << 20, 8);
        try (FaultProxy proxy = new FaultProxy(peer.port(), FaultProxy.Schedule.none())) {
            proxy.groupReplies(4);
            long[] counts = readThrough(proxy, "b.bin", src);
            // four at a time, give or take a group that came in pieces
            assertTrue(counts[0] > 10 && counts[1] >= 3 * counts[0], counts[1] + " Treads in " + counts[0] + " refills");
        }
    }

    /**
     * Replies that reach the client one by one (the proxy passes each after 1 ms): no place waits for
     * a batch (the server would idle meanwhile); each is refilled as it frees, about one sendmsg per
     * Tread.
     */
    @Test
    void placesFreedByRepliesThatCameAloneAreRefilledAtOnce() throws IOException {
        byte[] src = exportRandom("o.bin", 3 << 20, 9);
        FaultProxy.Schedule spaced = new FaultProxy.Schedule(1, 1.0, 0, 0, 0, 1, Long.MAX_VALUE, 1, 0,
                Set.of(FaultProxy.Direction.S2C));
        try (FaultProxy proxy = new FaultProxy(peer.port(), spaced)) {
            long[] counts = readThrough(proxy, "o.bin", src);
            // batches held back for four places would make about four per refill
            assertTrue(counts[0] > 10 && counts[1] * 2 < 3 * counts[0], counts[1] + " Treads in " + counts[0] + " refills");
        }
    }

    /**
     * Reads the file through the proxy with 16 Treads in flight; each refill's Treads leave in one
     * sendmsg (counted). @return {refills, Treads they sent}
     */
    private long[] readThrough(FaultProxy proxy, String name, byte[] src) throws IOException {
        try (P9Client c = P9Client.connect(P9Options.builder(proxy.host(), proxy.port()).aname(peer.aname())
                .uname(PeerServer.attachUname()).nUname(PeerServer.attachUid()).build()); Netfs n = netfs();
             P9File f = new P9Netfs(c, n, null, "9p://proxy", 16).open(name, false)) {
            long sends = c.sendmsgCalls();
            assertArrayEquals(src, readAll(f));
            P9NetfsOps ops = (P9NetfsOps) f.netfs().inode().ops();
            assertTrue(ops.rpcsInFlightHighWater() <= 16, "Treads in flight at once: " + ops.rpcsInFlightHighWater());
            long[] refills = ops.refillCounts();
            // the reader's own runs are glued too (beginIssue/endIssue): fewer sendmsg calls than Treads
            long sendmsgs = c.sendmsgCalls() - sends;
            assertTrue(sendmsgs < n.stats().readRpcs(), sendmsgs + " sendmsg calls for " + n.stats().readRpcs() + " Treads");
            return refills;
        }
    }

    @Test
    void aFileKeepsAtMostItsInflightTreadsOutAndReadsRight() throws IOException {
        byte[] src = exportRandom("l.bin", 9 << 20, 6);
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs();
             P9File f = new P9Netfs(c, n, null, "9p://limit", 3).open("l.bin", false)) {
            assertArrayEquals(src, readAll(f));
            P9NetfsOps ops = (P9NetfsOps) f.netfs().inode().ops();
            int most = ops.rpcsInFlightHighWater();
            assertTrue(most >= 1 && most <= 3, "Treads in flight at once: " + most);
            assertTrue(n.stats().readRpcs() > 3 * 16, "a readahead window is far more than 3 Treads: " + n.stats());
            // read subrequests are whole pages (page-aligned Treads), the most that fit in one Tread
            int io = ops.ioSize();
            assertEquals(0, ops.transferSize() % 4096, "transfer size " + ops.transferSize());
            assertTrue(ops.transferSize() <= io && ops.transferSize() > io - 4096, ops.transferSize() + " for ioSize " + io);
            long atLeast = (src.length + ops.transferSize() - 1) / ops.transferSize();
            assertTrue(n.stats().readRpcs() >= atLeast, "Treads of transferSize: " + n.stats().readRpcs() + " < " + atLeast);
        }
    }

    @Test
    void aColdReadFillsTheCacheAndAWarmReadSendsZeroReadRpcs() throws IOException {
        byte[] src = exportRandom("c.bin", 20 << 20, 3);
        CacheFiles cache = new CacheFiles(tmp.resolve("cache"), 256 << 10, OccupancyMethod.AUTO, writer);
        Path cacheFile;
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).open("c.bin", false)) {
            assertArrayEquals(src, readAll(f));
            f.cacheFile().drain();
            assertEquals(src.length, n.stats().bytesFromServer());
            assertEquals(src.length, f.cacheFile().bytesWritten(), "cache: " + f.cacheFile().disabledReason() + " " + n.stats());
            cacheFile = f.cacheFile().path();
        }
        try (Fiemap fm = new Fiemap()) {
            Extents e = fm.query(cacheFile, 0, Fiemap.WHOLE_FILE, Fiemap.FIEMAP_FLAG_SYNC);
            assertTrue(e.count() > 0 && e.totalLength() >= src.length, "FIEMAP shows the cached extents: " + e.totalLength());
        }
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).open("c.bin", false)) {
            long before = c.repliesReceived();
            assertArrayEquals(src, readAll(f));
            assertEquals(0, n.stats().readRpcs(), "a warm read sends zero read RPCs");
            assertEquals(src.length, n.stats().bytesFromCache());
            assertTrue(c.repliesReceived() - before < 5, "no Tread went out: " + (c.repliesReceived() - before));
        }
    }

    @Test
    void aFileChangedOnTheServerInvalidatesTheCache() throws IOException {
        byte[] src = new byte[3 << 20];
        new Random(4).nextBytes(src);
        Path file = export.resolve("v.bin");
        Files.write(file, src);
        CacheFiles cache = new CacheFiles(tmp.resolve("cache"), 256 << 10, OccupancyMethod.AUTO, writer);
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).open("v.bin", false)) {
            readAll(f);
            f.cacheFile().drain();
        }
        new Random(5).nextBytes(src);
        Files.write(file, src);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5000));
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).open("v.bin", false)) {
            assertArrayEquals(src, readAll(f), "the new contents, not the cached old ones");
            assertEquals(0, n.stats().bytesFromCache());
        }
    }

    @Test
    void randomWritesMatchAModelOnTheServerThroughJnetfsAndItsOwnClient() throws Exception {
        Random r = new Random(6);
        byte[] model = new byte[0];
        CacheFiles cache = new CacheFiles(tmp.resolve("cache"), 256 << 10, OccupancyMethod.AUTO, writer);
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).create("w.bin", 0644)) {
            for (int op = 0; op < 80; op++) {
                int kind = r.nextInt(10);
                if (kind < 8) {
                    int pos = r.nextInt(model.length + (1 << 20));
                    byte[] d = new byte[1 + r.nextInt(400_000)];
                    r.nextBytes(d);
                    f.write(pos, d, 0, d.length);
                    if (pos + d.length > model.length) {
                        model = Arrays.copyOf(model, pos + d.length);
                    }
                    System.arraycopy(d, 0, model, pos, d.length);
                } else if (kind == 8) {
                    int size = r.nextInt(model.length + 1);
                    f.truncate(size);
                    model = Arrays.copyOf(model, size);
                } else {
                    f.flush();
                }
            }
            f.fsync();
            assertArrayEquals(model, Files.readAllBytes(export.resolve("w.bin")), "after fsync the server holds it");
            assertTrue(c.twritesSent() > 0);
            // every message went out, Twrites among them, in no more sendmsg calls than messages (plugged
            // runs glue several into one): a sendmsg per Twrite fragment would exceed it
            assertTrue(c.sendmsgCalls() > 0 && c.sendmsgCalls() <= c.messagesSent(),
                    "sendmsg calls " + c.sendmsgCalls() + " for " + c.messagesSent() + " messages ("
                            + c.twritesSent() + " Twrites)");
        }
        // read back through jnetfs (fresh engine, the cache file from the writes) and with the server's own client
        try (P9Client c = PeerOptions.connect(peer); Netfs n = netfs(); P9File f = mount(c, n, cache).open("w.bin", false)) {
            assertArrayEquals(model, readAll(f));
        }
        byte[] viaItsOwn = readWithItsOwnClient("w.bin");
        if (viaItsOwn != null) {
            assertArrayEquals(model, viaItsOwn, "the server's own client reads what jnetfs wrote");
        }
    }

    @Test
    void serverKilledDuringWritebackGivesAnErrorAndLosesNoAcknowledgedByte() throws IOException {
        byte[] first = new byte[4 << 20];
        new Random(7).nextBytes(first);
        // the client tries to reconnect for its timeout, which must end before the engine's (20 s) does
        try (P9Client c = P9Client.connect(PeerOptions.root(peer).timeout(java.time.Duration.ofSeconds(8)).build());
             Netfs n = netfs(); P9File f = mount(c, n, null).create("k.bin", 0644)) {
            f.write(0, first, 0, first.length);
            f.fsync(); // acknowledged
            byte[] more = new byte[8 << 20];
            new Random(8).nextBytes(more);
            f.write(first.length, more, 0, more.length);
            killsItsServer = true;
            peer.kill();
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, f::fsync);
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(30), "the error came within the timeout");
            assertTrue(f.netfs().inode().mapping().hasDirty(), "unacknowledged data stays dirty: " + e.getMessage());
            assertThrows(IOException.class, f::close);
        }
        byte[] onServer = Files.readAllBytes(export.resolve("k.bin"));
        assertTrue(onServer.length >= first.length);
        assertArrayEquals(first, Arrays.copyOf(onServer, first.length), "every acknowledged byte is on the server");
    }
}
