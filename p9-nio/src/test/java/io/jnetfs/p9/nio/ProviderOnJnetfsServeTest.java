package io.jnetfs.p9.nio;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.ClosedFileSystemException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.nio.file.spi.FileSystemProvider;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What only the p9 provider has, against {@code jnetfs serve} in this JVM: the ServiceLoader, URIs and
 * the registry of open file systems, the environment, closing (everything written back and released),
 * the errno kept as the cause, what a FileChannel refuses, the zero-copy extension, io_uring and the
 * disk cache, and many threads at once.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProviderOnJnetfsServeTest {
    @TempDir
    Path tmp;
    private Path export;
    private Peers.Peer peer;

    @BeforeEach
    void start() throws IOException {
        export = Files.createDirectory(tmp.resolve("export"));
        peer = Peers.jnetfsServe(export);
    }

    @AfterEach
    void stop() {
        if (peer != null) {
            peer.close();
        }
    }

    private P9FileSystem open() throws IOException {
        return peer.open(Map.of("pageCacheSize", "16m"));
    }

    @Test
    void theServiceLoaderFindsTheProvider() {
        FileSystemProvider p = FileSystemProvider.installedProviders().stream()
                .filter(x -> x.getScheme().equals("p9")).findFirst().orElseThrow();
        assertInstanceOf(P9FileSystemProvider.class, p);
    }

    @Test
    void newFileSystemThenPathOfUriWhileItIsOpen() throws IOException {
        Files.writeString(export.resolve("a file ü%.txt"), "x");
        URI uri = peer.uri();
        try (P9FileSystem fs = open()) {
            assertSame(FileSystemProvider.installedProviders().stream().filter(x -> x.getScheme().equals("p9"))
                    .findFirst().orElseThrow(), fs.provider());
            assertSame(fs, FileSystems.getFileSystem(uri));
            Path p = Path.of(URI.create("p9://127.0.0.1:" + peer.port() + "/a%20file%20%C3%BC%25.txt"));
            assertSame(fs, p.getFileSystem());
            assertEquals("/a file ü%.txt", p.toString());
            assertEquals("x", Files.readString(p));
            assertEquals(p, Path.of(p.toUri()), "toUri round trip");
            assertEquals("p9", p.toUri().getScheme());
            assertEquals(fs.getPath("/"), Path.of(URI.create("p9://localhost:" + peer.port())), "by name or address");
            assertThrows(FileSystemAlreadyExistsException.class, () -> FileSystems.newFileSystem(uri, peer.env()));
            assertEquals(fs.getPath("/d/x"), fs.getPath("d", "", "x").toAbsolutePath());
        }
        assertThrows(FileSystemNotFoundException.class, () -> Path.of(URI.create("p9://127.0.0.1:" + peer.port() + "/x")));
        try (P9FileSystem again = open()) {
            assertTrue(again.isOpen(), "a closed file system's server can be opened again");
        }
    }

    @Test
    void badUrisAndEnvironmentsAreRefusedByName() throws IOException {
        Map<String, Object> env = new HashMap<>(peer.env());
        String base = "p9://127.0.0.1:" + peer.port();
        assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(URI.create(base + "/srv"), env));
        assertThrows(IllegalArgumentException.class, () -> FileSystems.newFileSystem(URI.create(base + "/?x=1"), env));
        assertThrows(IllegalArgumentException.class,
                () -> new P9FileSystemProvider().newFileSystem(URI.create("file:///"), env));
        assertThrows(IllegalArgumentException.class, () -> URI.create("9p://127.0.0.1/"), "9p is no URI scheme");
        List<Map.Entry<String, Object>> bads = List.of(Map.entry("nosuchkey", "1"), Map.entry("msize", "lots"),
                Map.entry("msize", 100), Map.entry("inflight", "0"), Map.entry("timeout", "forever"),
                Map.entry("ioUring", "maybe"), Map.entry("pageCacheSize", "1k"), Map.entry("pool", "a pool"));
        for (Map.Entry<String, Object> bad : bads) {
            Map<String, Object> e = new HashMap<>(env);
            e.put(bad.getKey(), bad.getValue());
            IllegalArgumentException x = assertThrows(IllegalArgumentException.class,
                    () -> FileSystems.newFileSystem(URI.create(base + "/"), e), bad.toString());
            assertTrue(x.getMessage().contains(bad.getKey()), x.getMessage());
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertThrows(ConnectException.class,
                () -> FileSystems.newFileSystem(URI.create("p9://127.0.0.1:" + closed + "/"), env));
        Map<String, Object> typed = new HashMap<>(env);
        typed.putAll(Map.of("msize", 65536, "inflight", 4, "timeout", Duration.ofSeconds(5), "ioUring", false,
                "pageCacheSize", 8L << 20));
        try (P9FileSystem fs = (P9FileSystem) FileSystems.newFileSystem(URI.create(base + "/"), typed)) {
            assertEquals(65536, fs.client().msize());
        }
    }

    @Test
    void afterCloseTheFileSystemAndItsChannelsAreClosed() throws IOException {
        Files.writeString(export.resolve("f"), "data");
        P9FileSystem fs = open();
        Path f = fs.getPath("/f");
        FileChannel ch = FileChannel.open(f);
        fs.close();
        fs.close(); // idempotent
        assertFalse(fs.isOpen());
        assertFalse(ch.isOpen());
        assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
        assertThrows(ClosedFileSystemException.class, () -> Files.readAllBytes(f));
        assertThrows(ClosedFileSystemException.class, () -> Files.createDirectory(fs.getPath("/d")));
        assertThrows(ClosedFileSystemException.class, () -> Files.newDirectoryStream(fs.getPath("/")));
        assertEquals("/f", f.toString(), "paths stay usable as values");
    }

    @Test
    void closingWritesBackAndGivesBackEveryFidAndFolio() throws IOException {
        byte[] data = Scenarios.random(1, 3_000_000);
        try (FolioPool pool = new FolioPool(64L << 20)) {
            long before = pool.leasedBytes();
            P9FileSystem fs = peer.open(Map.of("pool", pool, "pageCacheSize", "16m"));
            Files.write(fs.getPath("/r.bin"), data);
            Files.createDirectory(fs.getPath("/d"));
            OutputStream out = Files.newOutputStream(fs.getPath("/left-open.bin"));
            out.write(data); // in the page cache, not all written back
            FileChannel reader = FileChannel.open(fs.getPath("/r.bin"));
            reader.read(ByteBuffer.allocate(100_000));
            DirectoryStream<Path> ds = Files.newDirectoryStream(fs.getPath("/d"));
            assertTrue(fs.client().liveFids() > 1, "the open files hold fids");
            assertEquals(2, fs.openFiles());
            assertTrue(pool.leasedBytes() > before, "the page cache and the client hold folios");
            fs.close();
            assertArrayEquals(data, Files.readAllBytes(export.resolve("left-open.bin")), "written back by close");
            assertEquals(0, fs.client().liveFids(), "every fid clunked, the root too");
            assertEquals(0, fs.openFiles());
            assertEquals(before, pool.leasedBytes(), "every folio back in the pool");
            assertThrows(IllegalStateException.class, ds::iterator);
            assertFalse(reader.isOpen());
        }
    }

    @Test
    void closingEveryChannelLeavesTheRootFidOnly() throws IOException {
        try (P9FileSystem fs = open()) {
            for (int i = 0; i < 20; i++) {
                Path p = fs.getPath("/f" + i);
                try (FileChannel a = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                     FileChannel b = FileChannel.open(p, StandardOpenOption.READ)) {
                    a.write(ByteBuffer.wrap(new byte[] {(byte) i}));
                    assertEquals(1, fs.openFiles(), "two channels share one open file");
                    assertEquals(1, b.size());
                }
            }
            assertEquals(1, fs.client().liveFids());
            assertEquals(0, fs.openFiles());
        }
    }

    @Test
    void theErrnoIsKeptAsTheCause() throws IOException {
        try (P9FileSystem fs = open()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class, () -> Files.size(fs.getPath("/none")));
            P9Exception cause = assertInstanceOf(P9Exception.class, e.getCause());
            assertEquals(Errno.ENOENT, cause.errno());
            assertTrue(e.getMessage().contains("/none") && e.getMessage().contains("Twalk")
                    && e.getMessage().contains("ENOENT"), e.getMessage());
            Files.createDirectories(fs.getPath("/d/e"));
            var full = assertThrows(java.nio.file.DirectoryNotEmptyException.class, () -> Files.delete(fs.getPath("/d")));
            assertEquals(Errno.ENOTEMPTY, assertInstanceOf(P9Exception.class, full.getCause()).errno());
        }
    }

    @Test
    void aFileChannelRefusesMapAndLocks() throws IOException {
        Files.writeString(export.resolve("f"), "data");
        try (P9FileSystem fs = open(); FileChannel ch = FileChannel.open(fs.getPath("/f"))) {
            assertThrows(UnsupportedOperationException.class, () -> ch.map(FileChannel.MapMode.READ_ONLY, 0, 4));
            assertThrows(UnsupportedOperationException.class, () -> ch.lock());
            assertThrows(UnsupportedOperationException.class, () -> ch.tryLock());
            assertThrows(UnsupportedOperationException.class, () -> fs.newWatchService());
        }
    }

    @Test
    void theZeroCopyReadHandsOutPageCacheFolios() throws IOException {
        byte[] data = Scenarios.random(2, 3_000_017);
        Files.write(export.resolve("z.bin"), data);
        try (P9FileSystem fs = open(); P9FileChannel ch = P9FileChannel.open(fs.getPath("/z.bin"))) {
            byte[] got = new byte[data.length];
            List<Long> lengths = new ArrayList<>();
            long n = ch.read(0, data.length + 100, (folio, offset, length) -> {
                assertTrue(folio.isNative(), "page-cache memory, not a copy on the heap");
                MemorySegment.copy(folio, offset, MemorySegment.ofArray(got), lengths.stream().mapToLong(x -> x).sum(),
                        length);
                lengths.add(length);
            });
            assertEquals(data.length, n);
            assertArrayEquals(data, got);
            int folio = fs.netfs().config().folioSize();
            assertEquals((data.length + folio - 1) / folio, lengths.size(), "one call per folio");
            assertEquals(-1, ch.read(data.length, 10, (f, o, l) -> { }));
            assertThrows(IOException.class, () -> ch.read(0, 10, (f, o, l) -> {
                throw new IOException("the reader stops it");
            }));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment dst = a.allocate(1000);
                assertEquals(1000, ch.read(5000, dst));
                assertArrayEquals(java.util.Arrays.copyOfRange(data, 5000, 6000), dst.toArray(
                        java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void writeDirectSendsNativeMemoryAndKeepsThePageCacheCoherent() throws IOException {
        byte[] data = Scenarios.random(3, 2_000_000);
        Files.write(export.resolve("w.bin"), data);
        byte[] patch = Scenarios.random(4, 300_000);
        try (P9FileSystem fs = open();
             P9FileChannel ch = P9FileChannel.open(fs.getPath("/w.bin"), StandardOpenOption.READ,
                     StandardOpenOption.WRITE);
             Arena a = Arena.ofConfined()) {
            ByteBuffer warm = ByteBuffer.allocate(data.length);
            ch.read(warm, 0); // the range is in the page cache now
            MemorySegment src = a.allocate(patch.length, 4096);
            MemorySegment.copy(MemorySegment.ofArray(patch), 0, src, 0, patch.length);
            long sent = fs.netfs().stats().bytesToServer();
            assertEquals(patch.length, ch.writeDirect(700_000, src));
            assertEquals(patch.length, fs.netfs().stats().bytesToServer() - sent, "went to the server at once");
            System.arraycopy(patch, 0, data, 700_000, patch.length);
            assertArrayEquals(data, Files.readAllBytes(export.resolve("w.bin")), "the server has it");
            ByteBuffer back = ByteBuffer.allocate(data.length);
            ch.read(back, 0);
            assertArrayEquals(data, back.array(), "the page cache does not hold the old bytes");
            assertEquals(10, ch.write(data.length, MemorySegment.ofArray(new byte[10])));
            assertEquals(data.length + 10, ch.size());
        }
    }

    @Test
    void movesBetweenTwoFileSystemsCopyAndAtomicMovesAreRefused() throws IOException {
        Path export2 = Files.createDirectory(tmp.resolve("export2"));
        Files.writeString(export.resolve("a"), "across");
        try (Peers.Peer other = Peers.jnetfsServe(export2); P9FileSystem one = open();
             P9FileSystem two = other.open(Map.of())) {
            assertNotEquals(one, two);
            assertThrows(AtomicMoveNotSupportedException.class,
                    () -> Files.move(one.getPath("/a"), two.getPath("/b"), StandardCopyOption.ATOMIC_MOVE));
            Files.copy(one.getPath("/a"), two.getPath("/copy"), StandardCopyOption.COPY_ATTRIBUTES);
            assertEquals(Files.getLastModifiedTime(export.resolve("a")), Files.getLastModifiedTime(export2.resolve("copy")));
            Files.move(one.getPath("/a"), two.getPath("/b"));
            assertFalse(Files.exists(export.resolve("a")));
            assertEquals("across", Files.readString(export2.resolve("b")));
            assertThrows(java.nio.file.FileSystemException.class,
                    () -> Files.createLink(one.getPath("/l"), two.getPath("/b")), "a hard link across servers");
        }
    }

    @Test
    void principalsAreLocalNamesOrNumbers() throws IOException {
        try (P9FileSystem fs = open()) {
            UserPrincipalLookupService s = fs.getUserPrincipalLookupService();
            assertEquals(s.lookupPrincipalByName("root"), s.lookupPrincipalByName("0"));
            assertEquals("12345", s.lookupPrincipalByName("12345").getName());
            assertThrows(UserPrincipalNotFoundException.class, () -> s.lookupPrincipalByName("no-such-user-p9-nio"));
            assertThrows(UserPrincipalNotFoundException.class, () -> s.lookupPrincipalByGroupName("no-such-group-p9"));
            assertThrows(IllegalArgumentException.class, () -> Files.setOwner(fs.getPath("/"),
                    s.lookupPrincipalByGroupName("0")), "a group is not an owner");
        }
    }

    @Test
    void ioUringCarriesTheMessagesWhenAsked() throws IOException {
        Require.feature("io_uring", IoUring.isAvailable(), IoUring::unavailableReason);
        byte[] data = Scenarios.random(5, 1_500_000);
        try (P9FileSystem fs = peer.open(Map.of("ioUring", "true"))) {
            assertEquals(io.jnetfs.p9.TransportKind.IO_URING, fs.client().transportKind());
            Files.write(fs.getPath("/u.bin"), data);
            assertArrayEquals(data, Files.readAllBytes(fs.getPath("/u.bin")));
        }
        assertArrayEquals(data, Files.readAllBytes(export.resolve("u.bin")));
    }

    @Test
    void aSecondOpenReadsFromTheDiskCache() throws IOException {
        byte[] data = Scenarios.random(6, 2_000_000);
        Files.write(export.resolve("c.bin"), data);
        Path cache = tmp.resolve("cache");
        try (P9FileSystem fs = peer.open(Map.of("cacheDirectory", cache.toString()))) {
            assertArrayEquals(data, Files.readAllBytes(fs.getPath("/c.bin")));
            long fromServer = fs.netfs().stats().bytesFromServer();
            assertEquals(data.length, fromServer);
            awaitCacheWrites(fs, data.length);
            assertArrayEquals(data, Files.readAllBytes(fs.getPath("/c.bin")));
            assertEquals(fromServer, fs.netfs().stats().bytesFromServer(), "nothing more from the server");
            assertTrue(fs.netfs().stats().bytesFromCache() >= data.length, fs.netfs().stats().toString());
        }
        assertTrue(Files.list(cache).findAny().isPresent(), "cache files");
    }

    private static void awaitCacheWrites(P9FileSystem fs, long bytes) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (fs.netfs().stats().bytesToCache() < bytes && System.nanoTime() < deadline) {
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Test
    void manyThreadsReadAndWriteAtOnce() throws Exception {
        int threads = 6;
        try (P9FileSystem fs = open()) {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    done.add(pool.submit(() -> {
                        for (int round = 0; round < 15; round++) {
                            byte[] data = Scenarios.random(id * 100L + round, 50_000 + id * 7_000 + round);
                            Path own = fs.getPath("/t" + id + "-" + round);
                            Files.write(own, data);
                            assertArrayEquals(data, Files.readAllBytes(own));
                            try (FileChannel shared = FileChannel.open(fs.getPath("/shared"), StandardOpenOption.CREATE,
                                    StandardOpenOption.WRITE)) {
                                shared.write(ByteBuffer.wrap(data, 0, 4096), id * 4096L);
                            }
                            Files.move(own, fs.getPath("/moved-" + id + "-" + round));
                        }
                        return null;
                    }));
                }
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(threads * 4096L, Files.size(fs.getPath("/shared")));
            try (var s = Files.list(fs.getPath("/"))) {
                assertEquals(threads * 15 + 1, s.count());
            }
            assertEquals(1, fs.client().liveFids());
            assertEquals(0, fs.openFiles());
        }
    }
}
