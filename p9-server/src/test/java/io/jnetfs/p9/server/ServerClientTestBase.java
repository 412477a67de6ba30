package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.ClientScenarios;
import io.jnetfs.p9.Dirent;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The jnetfs client against this server (msize 1 MiB): the data path (one sendmsg per Rread, Twrite
 * payloads received into pooled buffers), many reads in flight, large files, directories, and that
 * every fid and buffer is given back. Once per execution model (the subclasses).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ServerClientTestBase {
    Path export;
    P9Server server;
    FolioPool pool;

    P9Client client;
    Fid dir;
    Path local;

    /** {@return the server's workers per connection} */
    abstract int workers();

    /** {@return whether the server's connections receive on io_uring (false: blocking recvmsg, the default)} */
    boolean ioUring() {
        return false;
    }

    /** {@return whether the server splices Rread data (its default); false: every Tread is copied} */
    boolean splice() {
        return true;
    }

    @BeforeAll
    void start() throws IOException {
        if (ioUring()) {
            io.jnetfs.testkit.Require.feature("io_uring/recv-multishot", P9Server.unavailableIoUringReason());
        }
        export = Files.createTempDirectory("p9-server-client-");
        server = ServerFixture.builder(export).workers(workers()).splice(splice()).ioUring(ioUring())
                .build().start();
        pool = new FolioPool(256L << 20);
    }

    @AfterAll
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (pool != null) {
            pool.close();
        }
        ServerFixture.deleteTree(export);
    }

    @BeforeEach
    void connect(TestInfo info) throws IOException {
        String name = info.getTestMethod().orElseThrow().getName() + info.getDisplayName().hashCode();
        local = Files.createDirectory(export.resolve(name));
        client = P9Client.connect(ServerFixture.options(server).pool(pool).build());
        dir = client.walk(name);
    }

    @AfterEach
    void noLeaks() {
        if (client != null) {
            if (client.failure() == null) {
                try {
                    dir.close();
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
                assertEquals(1, client.liveFids());
                assertEquals(0, client.tagsInUse());
            }
            client.close();
        }
        assertEquals(0, pool.leasedBytes());
    }

    @Test
    void msizeIsOneMebibyte() {
        assertEquals(1 << 20, client.msize());
        assertEquals((1 << 20) - 24, client.maxIoSize());
    }

    @Test
    void createWriteReadGetattr() throws IOException {
        ClientScenarios.createWriteReadGetattr(client, dir, local, ServerFixture.bytes(1, 3_000_000));
    }

    @ParameterizedTest
    @EnumSource(TransportKind.class)
    void sixtyFourReadsInFlightEachAnsweredByOneSendmsg(TransportKind transport) throws Exception {
        if (transport == TransportKind.IO_URING) {
            Require.feature("io_uring", IoUring.unavailableReason());
        }
        try (P9Client c = P9Client.connect(ServerFixture.options(server).pool(pool).transport(transport).build())) {
            int io = c.maxIoSize();
            int n = 64;
            byte[] data = ServerFixture.bytes(2, io * 8 - 777);
            Files.write(local.resolve("r"), data);
            try (Fid f = c.open(local.getFileName() + "/r", P9Flags.P9_DOTL_RDONLY);
                 BvecqBuffer dest = BvecqBuffer.allocate(pool, (long) io * n / 8, 1 << 20)) {
                ServerStats before = server.stats();
                BvecqIter[] its = new BvecqIter[n];
                AtomicLongArray results = new AtomicLongArray(n);
                CountDownLatch done = new CountDownLatch(n);
                c.plug();
                try {
                    for (int i = 0; i < n; i++) {
                        int slot = i % 8;
                        its[i] = new BvecqIter().init(dest, (long) slot * io, io);
                        long h = c.readAsync(f, (long) slot * io, io, its[i], (cookie, res) -> {
                            results.set((int) cookie, res);
                            done.countDown();
                        }, i);
                        assertTrue(h >= 0, "handle " + h);
                    }
                } finally {
                    c.unplug();
                }
                assertTrue(done.await(60, TimeUnit.SECONDS));
                for (int i = 0; i < n; i++) {
                    assertEquals(i % 8 == 7 ? io - 777 : io, results.get(i), "read " + i);
                    its[i].close();
                }
                ServerStats after = server.stats();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                while (after.rreads() - before.rreads() < n && System.nanoTime() < deadline) {
                    Thread.sleep(1); // the server counts an Rread once its sendmsg returned
                    after = server.stats();
                }
                assertEquals(n, after.rreads() - before.rreads());
                long spliced = after.rreadSplices() - before.rreadSplices();
                if (splice()) {
                    assertEquals(n, spliced, "every Rread of 1 MiB spliced from the file");
                } else {
                    assertEquals(0, spliced);
                    assertEquals(n, after.rreadSendmsgs() - before.rreadSendmsgs(), "one sendmsg per Rread");
                }
                byte[] back = new byte[data.length];
                dest.copyTo(0, back, 0, back.length);
                assertArrayEquals(data, back);
            }
        }
    }

    @Test
    void twritePayloadsLandInPooledBuffers() throws Exception {
        int n = 20;
        try (Fid f = client.create(dir, "w", P9Flags.P9_DOTL_WRONLY, 0644);
             BvecqBuffer src = BvecqBuffer.allocate(pool, (long) client.transferSize(f) * n, 1 << 20)) {
            int io = client.transferSize(f); // a transfer's Twrites carry whole pages each
            assertEquals(client.maxIoSize() & -4096, io);
            byte[] chunk = ServerFixture.bytes(3, io);
            for (int i = 0; i < n; i++) {
                src.copyFrom(chunk, 0, (long) i * io, io);
            }
            ServerStats before = server.stats();
            assertEquals(src.length(), client.write(f, 0, src, 0, src.length()));
            ServerStats after = server.stats();
            assertEquals(n, after.twrites() - before.twrites());
            assertEquals((long) io * n, after.bytesWritten() - before.bytesWritten());
            if (!ioUring()) { // on the ring, the payload is copied from the provided buffers
                assertEquals(n, after.twriteRecvmsgs() - before.twriteRecvmsgs(),
                        "one recvmsg (MSG_WAITALL) of [fields, data buffer] per Twrite");
            }
            CRC32C want = new CRC32C();
            for (int i = 0; i < n; i++) {
                want.update(chunk);
            }
            CRC32C got = new CRC32C();
            got.update(Files.readAllBytes(local.resolve("w")));
            assertEquals(want.getValue(), got.getValue());
        }
    }

    @Test
    void readdirOfFiveThousandEntries() throws IOException {
        Path big = Files.createDirectory(local.resolve("big"));
        Path one = Files.createFile(local.resolve("one"));
        Set<String> expected = new HashSet<>();
        for (int i = 0; i < 5_000; i++) {
            String n = "entry-" + i + "-" + "x".repeat(i % 40);
            Files.createLink(big.resolve(n), one);
            expected.add(n);
        }
        Files.createDirectory(big.resolve("sub"));
        Files.createSymbolicLink(big.resolve("ln"), Path.of("one"));
        expected.add("sub");
        expected.add("ln");
        try (Fid d = client.walk(dir, "big")) {
            List<Dirent> entries = client.readdir(d);
            Set<String> names = new HashSet<>();
            for (Dirent e : entries) {
                assertTrue(names.add(e.name()), "duplicate " + e.name());
                if (e.name().equals("sub")) {
                    assertTrue(e.qid().isDirectory());
                    assertEquals(4, e.type());
                } else if (e.name().equals("ln")) {
                    assertTrue(e.qid().isSymlink());
                    assertEquals(10, e.type());
                }
            }
            assertTrue(names.remove("."));
            assertTrue(names.remove(".."));
            assertEquals(expected, names);
        }
        // a small msize: many Treaddir rounds, each continuing from the last entry's offset
        try (P9Client c = P9Client.connect(ServerFixture.options(server).msize(8192).build());
             Fid d = c.walk(local.getFileName() + "/big")) {
            assertEquals(8192, c.msize());
            assertEquals(5_004, c.readdir(d).size());
        }
    }

    @Test
    void namesAndLinks() throws IOException {
        ClientScenarios.namesAndLinks(client, dir, local);
    }

    @Test
    void setattrAndStatfs() throws IOException {
        try (Fid f = client.create(dir, "t", P9Flags.P9_DOTL_RDWR, 0600)) {
            client.truncate(f, 12345);
            client.chmod(f, 0604);
            P9Attr a = client.getattr(f, P9Flags.P9_GETATTR_BASIC);
            assertEquals(12345, a.size());
            assertEquals(0604, a.mode() & 07777);
            client.setattr(f, P9Flags.P9_ATTR_MTIME | P9Flags.P9_ATTR_MTIME_SET | P9Flags.P9_ATTR_ATIME
                    | P9Flags.P9_ATTR_ATIME_SET, 0, 0, 0, 0, 5, 6, 1_000_000, 7);
            P9Attr b = client.getattr(f);
            assertEquals(1_000_000, b.mtimeSec());
            assertEquals(7, b.mtimeNsec());
            assertEquals(5, b.atimeSec());
        }
        try (Fid f = client.walk(dir, "t")) { // not open: truncated through /proc/self/fd
            client.truncate(f, 10);
        }
        assertEquals(10, Files.size(local.resolve("t")));
        var s = client.statfs(dir);
        assertTrue(s.bsize() > 0 && s.blocks() > 0 && s.namelen() == 255, s.toString());
    }

    @Test
    void errnos() throws IOException {
        Files.createDirectory(local.resolve("d"));
        Files.writeString(local.resolve("f"), "x");
        assertEquals("ENOENT", assertThrows(P9Exception.class, () -> client.walk(dir, "missing")).errnoName());
        try (Fid d = client.walk(dir, "d")) {
            assertEquals("EISDIR", assertThrows(P9Exception.class,
                    () -> client.lopen(d, P9Flags.P9_DOTL_WRONLY)).errnoName());
        }
        assertEquals("ENOTDIR", assertThrows(P9Exception.class, () -> client.walk(dir, "f", "x")).errnoName());
        assertEquals("EEXIST", assertThrows(P9Exception.class,
                () -> client.create(dir, "f", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_EXCL, 0644)).errnoName());
        assertEquals("EEXIST", assertThrows(P9Exception.class, () -> client.mkdir(dir, "d", 0755)).errnoName());
        assertEquals("ENOTEMPTY", assertThrows(P9Exception.class, () -> {
            Files.writeString(local.resolve("d/x"), "x");
            client.unlinkat(dir, "d", P9Flags.P9_DOTL_AT_REMOVEDIR);
        }).errnoName());
        assertEquals("EINVAL", assertThrows(P9Exception.class,
                () -> client.mkdir(dir, "..", 0755)).errnoName(), "dot names are never made");
        assertEquals("EINVAL", assertThrows(P9Exception.class,
                () -> client.walk(dir, "a/b")).errnoName(), "a name is one component");
        assertEquals(2, client.liveFids());
    }

    @Test
    void aQuarterGibibyteRoundTrips() throws Exception {
        long size = 256L << 20;
        int piece = 32 << 20;
        long[] crcs = new long[(int) (size / piece)];
        try (Fid f = client.create(dir, "big.bin", P9Flags.P9_DOTL_RDWR, 0644);
             BvecqBuffer buf = BvecqBuffer.allocate(pool, piece, 2 << 20)) {
            for (int p = 0; p < crcs.length; p++) {
                byte[] b = ServerFixture.bytes(100 + p, piece);
                buf.copyFrom(b, 0, 0, piece);
                CRC32C c = new CRC32C();
                c.update(b);
                crcs[p] = c.getValue();
                assertEquals(piece, client.write(f, (long) p * piece, buf, 0, piece));
            }
            assertEquals(size, client.getattr(f).size());
            for (int p = 0; p < crcs.length; p++) {
                buf.zero(0, piece);
                assertEquals(piece, client.read(f, (long) p * piece, buf, 0, piece));
                byte[] b = new byte[piece];
                buf.copyTo(0, b, 0, piece);
                CRC32C c = new CRC32C();
                c.update(b);
                assertEquals(crcs[p], c.getValue(), "piece " + p);
            }
        }
        Files.delete(local.resolve("big.bin"));
    }

    @Test
    void manyClientsAtOnce() throws Exception {
        byte[] data = ServerFixture.bytes(7, 5_000_000);
        Files.write(local.resolve("shared"), data);
        int n = 8;
        Thread[] ts = new Thread[n];
        Throwable[] errors = new Throwable[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                try (P9Client c = P9Client.connect(ServerFixture.options(server).window(4).build());
                     Fid f = c.open(local.getFileName() + "/shared", P9Flags.P9_DOTL_RDONLY);
                     Fid d = c.walk(local.getFileName().toString())) {
                    for (int round = 0; round < 3; round++) {
                        assertArrayEquals(data, c.read(f, 0, data.length));
                    }
                    try (Fid w = c.create(d, "w" + k, P9Flags.P9_DOTL_RDWR, 0644)) {
                        c.write(w, 0, data);
                    }
                } catch (Throwable t) {
                    errors[k] = t;
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join();
        }
        for (Throwable t : errors) {
            if (t != null) {
                throw new AssertionError(t);
            }
        }
        for (int i = 0; i < n; i++) {
            assertArrayEquals(data, Files.readAllBytes(local.resolve("w" + i)));
        }
    }

    /**
     * The data path allocates nothing on the server's threads once the JIT has compiled it: rounds of
     * 1024 Twrites and 1024 Treads of 64 KiB go on until one leaves the allocation counters of the
     * connection's threads where they were (at most 40 rounds).
     */
    @Test
    void theDataPathAllocatesNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (P9Client c = P9Client.connect(ServerFixture.options(server).msize(65536).pool(pool).build());
             Fid d = c.walk(local.getFileName().toString());
             Fid f = c.create(d, "alloc", P9Flags.P9_DOTL_RDWR, 0644);
             BvecqBuffer buf = BvecqBuffer.allocate(pool, 8L << 20, 1 << 20)) {
            long size = 64L << 20;
            long last = -1;
            List<Long> seen = new java.util.ArrayList<>();
            for (int round = 0; round < 40 && last != 0; round++) {
                List<Thread> mine = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("p9-server-127.0.0.1:")).toList();
                long[] before = mine.stream().mapToLong(t -> threads.getThreadAllocatedBytes(t.threadId())).toArray();
                for (long off = 0; off < size; off += buf.length()) {
                    assertEquals(buf.length(), c.write(f, off, buf, 0, buf.length()));
                }
                for (long off = 0; off < size; off += buf.length()) {
                    assertEquals(buf.length(), c.read(f, off, buf, 0, buf.length()));
                }
                last = 0;
                for (int i = 0; i < mine.size(); i++) {
                    last += threads.getThreadAllocatedBytes(mine.get(i).threadId()) - before[i];
                }
                seen.add(last);
            }
            assertEquals(0, last, "bytes the server's threads allocated per round of 2048 requests: " + seen);
        }
    }

    @Test
    void connectionsReceiveAsConfigured() throws IOException {
        long before = server.stats().ringConnections();
        try (P9Client c = ServerFixture.connect(server); Fid f = c.walk(local.getFileName().toString())) {
            assertTrue(c.getattr(f) != null);
        }
        assertEquals(ioUring() ? 1 : 0, server.stats().ringConnections() - before,
                ioUring() ? "the connection receives on io_uring" : "the blocking receive");
    }

    @Test
    void optionsOfTheClientAreHonoured() throws IOException {
        P9Options o = ServerFixture.options(server).msize(65536).build();
        try (P9Client c = P9Client.connect(o)) {
            assertEquals(65536, c.msize());
        }
    }
}
