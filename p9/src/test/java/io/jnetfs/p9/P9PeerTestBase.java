package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.peers.Diod;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The client against a real server, once per server, transport and receive mode (the subclasses): diod
 * ({@code *DiodTest}, a process or a container, {@link io.jnetfs.peers.PeerMode}) and NFS-Ganesha over a
 * directory ({@code *GaneshaTest}, FSAL_VFS, in a loopback-only network namespace). One server per class;
 * each test works in a directory of its own and checks that it leaks no fid.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class P9PeerTestBase {
    PeerServer peer;
    Path export;
    FolioPool pool;

    P9Client client;
    Fid dir;
    Path local;

    /** The transport and receive mode under test. */
    abstract P9Options.Builder configure(P9Options.Builder b);

    /**
     * Starts the server under test; diod unless a subclass says otherwise.
     *
     * @param dir the directory to export
     * @return the running server
     */
    PeerServer startPeer(Path dir) throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        return Diod.start(dir);
    }

    /** {@return whether the server survives a Tremove (NFS-Ganesha 4.3 does not: SIGSEGV)} */
    boolean survivesTremove() {
        return true;
    }

    /** {@return the Rgetattr valid mask the server answers (NFS-Ganesha: P9_GETATTR_BASIC)} */
    long getattrValid() {
        return P9Flags.P9_GETATTR_ALL;
    }

    /** {@return whether Tlopen of a directory for writing succeeds (NFS-Ganesha) instead of failing with EISDIR} */
    boolean opensADirectoryForWriting() {
        return false;
    }

    /** {@return whether Tlcreate with O_EXCL of an existing name succeeds (NFS-Ganesha) instead of EEXIST} */
    boolean ignoresExclusiveCreate() {
        return false;
    }

    /** {@return whether the server sends its errors as Rerror (107) with an errno body (NFS-Ganesha)} */
    boolean answersWithRerror() {
        return false;
    }

    @BeforeAll
    void startServer() throws IOException {
        export = Files.createTempDirectory("p9-peer-export-");
        peer = startPeer(export);
        pool = new FolioPool(512L << 20);
    }

    @AfterAll
    void stopServer() throws IOException {
        if (peer != null) {
            boolean died = !peer.isAlive();
            String name = peer.toString();
            peer.close();
            if (died) {
                System.out.println(name + " died during the tests; its log:\n" + peer.log());
            }
        }
        if (pool != null) {
            pool.close();
        }
        if (export != null) {
            try (var s = Files.walk(export)) {
                s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
            }
        }
    }

    @BeforeEach
    void connect(TestInfo info) throws IOException {
        String name = info.getTestMethod().orElseThrow().getName();
        local = Files.createDirectory(export.resolve(name));
        client = P9Client.connect(configure(PeerOptions.root(peer).pool(pool)).build());
        dir = client.walk(name);
        assertEquals(2, client.liveFids());
        P9Options o = configure(PeerOptions.root(peer)).build();
        assertEquals(o.transport() == TransportKind.IO_URING ? "io_uring fd=" : "socket fd=",
                client.connection().transport().describe().replaceAll("[0-9]+$", ""));
        assertEquals(o.receiveMode(), client.receiveMode());
    }

    @AfterEach
    void noLeaks() throws IOException {
        if (client != null) {
            if (client.failure() == null) {
                dir.close();
                assertEquals(1, client.liveFids(), "live fids after the test: only the root");
                assertEquals(0, client.tagsInUse(), "tags after the test");
            }
            client.close();
            assertEquals(0, client.liveFids(), "live fids after close");
        }
        assertEquals(0, pool.leasedBytes(), "pool memory still leased");
    }

    @Test
    void createWriteReadGetattr() throws IOException {
        ClientScenarios.createWriteReadGetattr(client, dir, local, TestData.bytes(1, 300_000), // several Twrites
                getattrValid());
    }

    @Test
    void readdirOfTenThousandEntries() throws IOException {
        Path big = Files.createDirectory(local.resolve("big"));
        Path one = Files.createFile(local.resolve("one"));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            String n = "entry-" + i + "-" + "x".repeat(i % 40);
            // hard links: creating 10,000 inodes costs ~1 ms each on the CI disk, a link 30 us
            Files.createLink(big.resolve(n), one);
            expected.add(n);
        }
        try (Fid d = client.walk(dir, "big")) {
            List<Dirent> entries = client.readdir(d);
            Set<String> names = new HashSet<>();
            for (Dirent e : entries) {
                assertTrue(names.add(e.name()), "duplicate " + e.name());
            }
            assertTrue(names.remove("."));
            assertTrue(names.remove(".."));
            assertEquals(expected, names);
            assertEquals(10_002, entries.size());
            long ino = (long) Files.getAttribute(one, "unix:ino");
            assertEquals(10_000, entries.stream().filter(e -> e.qid().path() == ino).count());
        }
    }

    @Test
    void renameUnlinkMkdirSymlinkLink() throws IOException {
        ClientScenarios.namesAndLinks(client, dir, local, survivesTremove());
    }

    @Test
    void setattrStatfsAndWalkOfManyNames() throws IOException {
        try (Fid f = client.create(dir, "t", P9Flags.P9_DOTL_RDWR, 0600)) {
            client.truncate(f, 12345);
            client.chmod(f, 0604);
            P9Attr a = client.getattr(f, P9Flags.P9_GETATTR_BASIC);
            assertEquals(12345, a.size());
            assertEquals(0604, a.mode() & 07777);
            client.setattr(f, P9Flags.P9_ATTR_MTIME | P9Flags.P9_ATTR_MTIME_SET, 0, 0, 0, 0, 0, 0, 1_000_000, 7);
            assertEquals(1_000_000, client.getattr(f).mtimeSec());
        }
        assertEquals(12345, Files.size(local.resolve("t")));
        P9StatFs s = client.statfs(dir);
        assertTrue(s.bsize() > 0 && s.blocks() > 0, s.toString());

        Path deep = local;
        String[] names = new String[20]; // more than MAXWELEM: two Twalks
        for (int i = 0; i < names.length; i++) {
            names[i] = "d" + i;
            deep = Files.createDirectory(deep.resolve(names[i]));
        }
        Files.writeString(deep.resolve("leaf"), "deep");
        String[] path = Arrays.copyOf(names, names.length + 1);
        path[names.length] = "leaf";
        try (Fid leaf = client.walk(dir, path)) {
            client.lopen(leaf, P9Flags.P9_DOTL_RDONLY);
            assertEquals("deep", new String(client.read(leaf, 0, 100)));
        }
        String[] bad = Arrays.copyOf(names, 18);
        bad[17] = "nope"; // fails in the second Twalk
        P9Exception e = assertThrows(P9Exception.class, () -> client.walk(dir, bad));
        assertEquals("ENOENT", e.errnoName());
    }

    @Test
    void errnosAreMapped() throws IOException {
        Files.createDirectory(local.resolve("d"));
        Files.writeString(local.resolve("f"), "x");

        P9Exception noent = assertThrows(P9Exception.class, () -> client.walk(dir, "missing"));
        assertEquals(Errno.ENOENT, noent.errno());
        assertTrue(noent.getMessage().startsWith("Twalk(fid=" + dir.number() + ", newfid="), noent.getMessage());
        assertTrue(noent.getMessage().endsWith("names=[missing]) failed: ENOENT (No such file or directory)"),
                noent.getMessage());

        try (Fid d = client.walk(dir, "d")) {
            if (opensADirectoryForWriting()) {
                client.lopen(d, P9Flags.P9_DOTL_WRONLY); // NFS-Ganesha's answer: no EISDIR
            } else {
                P9Exception isdir = assertThrows(P9Exception.class, () -> client.lopen(d, P9Flags.P9_DOTL_WRONLY));
                assertEquals("EISDIR", isdir.errnoName());
            }
        }
        P9Exception notdir = assertThrows(P9Exception.class, () -> client.walk(dir, "f", "x"));
        assertEquals("ENOTDIR", notdir.errnoName(), notdir.getMessage());
        if (ignoresExclusiveCreate()) {
            // NFS-Ganesha's answer: Tlcreate with O_EXCL of an existing name opens it
            try (Fid again = client.create(dir, "f", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_EXCL, 0644)) {
                assertTrue(again.isOpen());
            }
            assertEquals("x", Files.readString(local.resolve("f")), "the existing file is not truncated");
        } else {
            P9Exception exist = assertThrows(P9Exception.class,
                    () -> client.create(dir, "f", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_EXCL, 0644));
            assertEquals("EEXIST", exist.errnoName());
        }
        P9Exception exist2 = assertThrows(P9Exception.class, () -> client.mkdir(dir, "d", 0755));
        assertEquals("EEXIST", exist2.errnoName());
        assertTrue(exist2.getMessage().contains("Tmkdir(dfid=" + dir.number() + ", name=d, mode=0755) failed: EEXIST"),
                exist2.getMessage());
        P9Exception notempty = assertThrows(P9Exception.class,
                () -> client.unlinkat(dir, "..", P9Flags.P9_DOTL_AT_REMOVEDIR));
        assertTrue(notempty.errno() > 0);
        assertEquals(2, client.liveFids(), "failed walks and creates leave no fid behind");
        assertEquals(answersWithRerror(), client.rerrorsReceived() > 0,
                "errors as Rerror (107) instead of Rlerror: " + client.rerrorsReceived());
    }

    @Test
    void sixtyFourReadsInFlightLeaveInOneSendmsg() throws Exception {
        int io = client.maxIoSize();
        int n = 64;
        byte[] data = TestData.bytes(2, io * n - 777);
        Files.write(local.resolve("r"), data);
        try (Fid f = client.open(local.getFileName() + "/r", P9Flags.P9_DOTL_RDONLY);
             BvecqBuffer dest = BvecqBuffer.allocate(pool, (long) io * n, 65536)) {
            BvecqIter[] its = new BvecqIter[n];
            AtomicLongArray results = new AtomicLongArray(n);
            CountDownLatch done = new CountDownLatch(n);
            long sendsBefore = client.sendmsgCalls();
            long msgsBefore = client.messagesSent();
            client.plug();
            try {
                for (int i = 0; i < n; i++) {
                    its[i] = new BvecqIter().init(dest, (long) i * io, io);
                    long h = client.readAsync(f, (long) i * io, io, its[i], (cookie, res) -> {
                        results.set((int) cookie, res);
                        done.countDown();
                    }, i);
                    assertTrue(h >= 0, "handle " + h);
                }
                assertEquals(n, client.tagsInUse(), "64 requests issued, none sent yet");
            } finally {
                client.unplug();
            }
            assertTrue(done.await(30, TimeUnit.SECONDS));
            assertEquals(1, client.sendmsgCalls() - sendsBefore, "64 Treads glued into one sendmsg");
            assertEquals(n, client.messagesSent() - msgsBefore);
            for (int i = 0; i < n; i++) {
                assertEquals(i == n - 1 ? io - 777 : io, results.get(i), "read " + i);
                assertEquals(0, its[i].count() - (i == n - 1 ? 777 : 0), "iterator advanced by what arrived");
                its[i].close();
            }
            byte[] back = new byte[data.length];
            dest.copyTo(0, back, 0, back.length);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void aTransferOfSeveralMessagesSendsWholePages() throws Exception {
        int n = 10;
        try (Fid f = client.create(dir, "pages", P9Flags.P9_DOTL_RDWR, 0644)) {
            int io = client.transferSize(f);
            assertEquals(client.ioSize(f) & -4096, io, "msize - 24 rounded down to whole pages");
            long len = (long) io * n + 5; // n whole-page messages and a 5-byte tail
            try (BvecqBuffer src = BvecqBuffer.allocate(pool, len, 65536);
                 BvecqBuffer back = BvecqBuffer.allocate(pool, len, 65536)) {
                TestData.fill(src, 0, len, 9);
                long w = client.twritesSent();
                assertEquals(len, client.write(f, 0, src, 0, len));
                assertEquals(n + 1, client.twritesSent() - w, "Twrites of " + io + " bytes, then the tail");
                long m = client.messagesSent();
                assertEquals(len, client.read(f, 0, back, 0, len));
                assertEquals(n + 1, client.messagesSent() - m, "Treads of " + io + " bytes, then the tail");
                byte[] a = new byte[(int) len];
                byte[] b = new byte[(int) len];
                src.copyTo(0, a, 0, a.length);
                back.copyTo(0, b, 0, b.length);
                assertArrayEquals(a, b);
            }
        }
    }

    @Test
    void everyTwriteIsOneSendmsg() throws Exception {
        int io = client.maxIoSize();
        int n = 40;
        try (Fid f = client.create(dir, "w", P9Flags.P9_DOTL_WRONLY, 0644);
             BvecqBuffer src = BvecqBuffer.allocate(pool, (long) io * n, 4096); // 16 slots per Twrite
             BvecqIter it = new BvecqIter()) {
            TestData.fill(src, 0, src.length(), 3);
            for (int i = 0; i < n; i++) {
                long sends = client.sendmsgCalls();
                long twrites = client.twritesSent();
                CountDownLatch done = new CountDownLatch(1);
                long[] res = new long[1];
                it.init(src, (long) i * io, io);
                long h = client.writeAsync(f, (long) i * io, io, it, (cookie, r) -> {
                    res[0] = r;
                    done.countDown();
                }, 0);
                assertTrue(h >= 0);
                assertTrue(done.await(10, TimeUnit.SECONDS));
                assertEquals(io, res[0]);
                assertEquals(1, client.sendmsgCalls() - sends, "sendmsg calls for Twrite " + i);
                assertEquals(1, client.twritesSent() - twrites);
            }
            CRC32C c = new CRC32C();
            c.update(Files.readAllBytes(local.resolve("w")));
            assertEquals(TestData.crc(src, 0, src.length()), c.getValue());
        }
    }

    @Test
    void appendedReadsFillAChain() throws Exception {
        int io = client.maxIoSize();
        byte[] data = TestData.bytes(4, io * 5 + 99);
        Files.write(local.resolve("ap"), data);
        try (Fid f = client.walk(dir, "ap"); BvecqBuffer out = new BvecqBuffer()) {
            client.lopen(f, P9Flags.P9_DOTL_RDONLY);
            CountDownLatch done = new CountDownLatch(7);
            long[] res = new long[7];
            // one at a time: the chain is the connection's until each callback
            for (int i = 0; i < 7; i++) {
                CountDownLatch one = new CountDownLatch(1);
                long h = client.readAsync(f, (long) i * io, io, out, (cookie, r) -> {
                    res[(int) cookie] = r;
                    one.countDown();
                    done.countDown();
                }, i);
                assertTrue(h >= 0);
                assertTrue(one.await(10, TimeUnit.SECONDS));
            }
            assertEquals(io, res[0]);
            assertEquals(99, res[5]);
            assertEquals(0, res[6]);
            assertEquals(data.length, out.length());
            byte[] back = new byte[data.length];
            out.copyTo(0, back, 0, back.length);
            assertArrayEquals(data, back);
        }
    }

    @Test
    void blockingCallsFromACallbackAreRefused() throws Exception {
        Files.write(local.resolve("cb"), new byte[100]);
        try (Fid f = client.open(local.getFileName() + "/cb", P9Flags.P9_DOTL_RDONLY);
             BvecqBuffer dest = BvecqBuffer.allocate(pool, 4096, 4096);
             BvecqIter it = new BvecqIter().init(dest, 0, 4096)) {
            CountDownLatch done = new CountDownLatch(1);
            Throwable[] seen = new Throwable[1];
            long[] next = {Long.MIN_VALUE};
            client.readAsync(f, 0, 4096, it, (cookie, r) -> {
                try {
                    client.getattr(f);
                } catch (IllegalStateException | IOException e) {
                    seen[0] = e;
                }
                // asynchronous requests are fine from here
                next[0] = client.readAsync(f, 50, 10, it.init(dest, 0, 10), (c2, r2) -> done.countDown(), 0);
            }, 0);
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertTrue(seen[0] instanceof IllegalStateException, String.valueOf(seen[0]));
            assertTrue(seen[0].getMessage().contains("blocking 9P request Tgetattr from a completion callback"),
                    seen[0].getMessage());
            assertTrue(next[0] >= 0);
        }
    }

    @Test
    void cancelSendsTflushAndTheTagComesBack() throws Exception {
        Files.write(local.resolve("c"), TestData.bytes(5, 100_000));
        try (Fid f = client.open(local.getFileName() + "/c", P9Flags.P9_DOTL_RDONLY);
             BvecqBuffer dest = BvecqBuffer.allocate(pool, client.maxIoSize(), 65536);
             BvecqIter it = new BvecqIter().init(dest, 0, dest.length())) {
            peer.suspend();
            long[] res = {1};
            long h;
            try {
                h = client.readAsync(f, 0, client.maxIoSize(), it, (cookie, r) -> res[0] = r, 0);
                assertTrue(h >= 0);
                Thread.sleep(50);
                assertEquals(0, client.cancel(h), () -> "callback result " + res[0] + ", " + client);
                assertEquals(-Errno.ECANCELED, res[0], "the callback ran on the cancelling thread");
                assertEquals(2, client.tagsInUse(), "the flushed tag and the Tflush's, until Rflush");
                assertEquals(P9Connection.ESRCH, -client.cancel(h + (1 << 16)), "stale handle");
            } finally {
                peer.resume();
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (client.tagsInUse() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertEquals(0, client.tagsInUse(), "Rflush frees both tags");
            assertEquals(100_000, client.getattr(f).size(), "the connection works on");
        }
    }

    @Test
    void aTwoHundredFiftySixMegabyteFileRoundTripsWithChecksums() throws Exception {
        long size = 256L << 20;
        int piece = 32 << 20;
        CRC32C written = new CRC32C();
        long[] pieceCrc = new long[(int) (size / piece)];
        try (Fid f = client.create(dir, "big.bin", P9Flags.P9_DOTL_RDWR, 0644);
             BvecqBuffer buf = BvecqBuffer.allocate(pool, piece, 2 << 20)) {
            for (int p = 0; p < pieceCrc.length; p++) {
                TestData.fill(buf, 0, piece, 100 + p);
                pieceCrc[p] = TestData.crc(buf, 0, piece);
                TestData.update(written, buf, 0, piece);
                assertEquals(piece, client.write(f, (long) p * piece, buf, 0, piece));
            }
            assertEquals(size, client.getattr(f).size());
            for (int p = 0; p < pieceCrc.length; p++) {
                buf.zero(0, piece);
                assertEquals(piece, client.read(f, (long) p * piece, buf, 0, piece));
                assertEquals(pieceCrc[p], TestData.crc(buf, 0, piece), "piece " + p);
            }
        }
        CRC32C local = new CRC32C();
        try (var ch = java.nio.channels.FileChannel.open(this.local.resolve("big.bin"))) {
            java.nio.ByteBuffer bb = java.nio.ByteBuffer.allocateDirect(1 << 20);
            while (ch.read(bb) > 0) {
                bb.flip();
                local.update(bb);
                bb.clear();
            }
        }
        assertEquals(written.getValue(), local.getValue(), "the file the server wrote");
        Files.delete(this.local.resolve("big.bin"));
    }
}
