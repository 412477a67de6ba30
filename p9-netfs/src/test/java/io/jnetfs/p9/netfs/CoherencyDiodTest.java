package io.jnetfs.p9.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.PeerOptions;
import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The disk cache stays coherent with the real diod (issue 20): this client's own writes are kept
 * across opens (the coherency record follows the server after writeback), and a change made by
 * another client is noticed within the attribute timeout and on open.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class CoherencyDiodTest {
    @TempDir
    Path tmp;
    private Path export;
    private Diod diod;
    private ExecutorService writer;
    private CacheFiles cache;

    @BeforeEach
    void start() throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createDirectory(tmp.resolve("export"));
        diod = Diod.start(export);
        writer = Executors.newSingleThreadExecutor();
        cache = new CacheFiles(tmp.resolve("cache"), 256 << 10, OccupancyMethod.AUTO, writer);
    }

    @AfterEach
    void stop() {
        if (diod != null) {
            diod.close();
        }
        if (writer != null) {
            writer.shutdownNow();
        }
    }

    private static Netfs netfs() {
        return new Netfs(Netfs.Config.defaults().withMemory(64L << 20, 32L << 20).withFolioSize(256 << 10)
                .withTimeout(20, TimeUnit.SECONDS));
    }

    private P9Netfs mount(P9Client c, Netfs n, Duration attrTimeout) {
        return new P9Netfs(c, n, cache, "9p://" + diod.host() + ":" + diod.port() + diod.aname(), 16, attrTimeout);
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] readAll(P9File f) throws IOException {
        byte[] out = new byte[(int) f.size()];
        int pos = 0;
        while (pos < out.length) {
            int n = f.read(pos, out, pos, Math.min(1 << 20, out.length - pos));
            if (n <= 0) {
                break;
            }
            pos += n;
        }
        return out;
    }

    @Test
    void aWarmReadAfterThisClientsOwnWriteComesFromTheCache() throws IOException {
        byte[] data = random(5 << 20, 1);
        try (P9Client c = PeerOptions.connect(diod); Netfs n = netfs();
             P9File f = mount(c, n, Duration.ofSeconds(3)).create("mine.bin", 0644)) {
            f.write(0, data, 0, data.length);
        } // close: writeback (to the server and the cache file), then the record follows the server
        try (P9Client c = PeerOptions.connect(diod); Netfs n = netfs();
             P9File f = mount(c, n, Duration.ofSeconds(3)).open("mine.bin", false)) {
            assertArrayEquals(data, readAll(f));
            assertEquals(0, n.stats().readRpcs(), "served from the disk cache: no Tread");
            assertEquals(data.length, n.stats().bytesFromCache());
        }
    }

    /**
     * An upload whose server is killed (SIGKILL) ends with the connection's error, within the timeout,
     * through a page cache much smaller than the upload: never "folio pool exhausted", never a hang.
     */
    @Test
    void anUploadWhoseServerIsKilledEndsWithTheConnectionsError() throws Exception {
        byte[] chunk = random(4 << 20, 5);
        IOException failure = null;
        long written = 0;
        // without recovery (P9Options.reconnect): the connection's own error is what the engine must pass on;
        // the reliability suite covers a client that connects again
        try (P9Client c = P9Client.connect(PeerOptions.root(diod).reconnect(false).build());
             Netfs n = new Netfs(Netfs.Config.defaults().withMemory(16L << 20, 8L << 20).withFolioSize(256 << 10)
                     .withTimeout(20, TimeUnit.SECONDS))) {
            P9File f = mount(c, n, Duration.ofSeconds(3)).create("killed.bin", 0644);
            try {
                for (; written < (1L << 30); written += chunk.length) {
                    if (written == (32L << 20)) {
                        diod.kill();
                    }
                    f.write(written, chunk, 0, chunk.length);
                }
                f.close();
            } catch (IOException e) {
                failure = e;
            } finally {
                try {
                    f.close();
                } catch (IOException again) {
                    // the file's own close after the failure: reported already
                }
            }
        }
        assertTrue(failure != null, "the upload failed (wrote " + written + " bytes)");
        io.jnetfs.ffm.NativeIoException e = org.junit.jupiter.api.Assertions.assertInstanceOf(
                io.jnetfs.ffm.NativeIoException.class, failure, String.valueOf(failure));
        int errno = e.errno();
        assertTrue(errno == io.jnetfs.ffm.Errno.ECONNRESET || errno == io.jnetfs.ffm.Errno.EPIPE
                || errno == io.jnetfs.ffm.Errno.ENOTCONN || errno == io.jnetfs.ffm.Errno.ECONNABORTED,
                "a connection error: " + e.getMessage());
        assertTrue(written < (1L << 30), "stopped at the failure, not after the whole upload");
    }

    @Test
    void aChangeByAnotherClientIsNoticedWithinTheAttrTimeoutAndOnOpen() throws Exception {
        Path file = export.resolve("shared.bin");
        byte[] v1 = random(3 << 20, 2);
        Files.write(file, v1);
        byte[] v2 = random(3 << 20, 3);
        try (P9Client c = PeerOptions.connect(diod); Netfs n = netfs();
             P9File f = mount(c, n, Duration.ofMillis(300)).open("shared.bin", false)) {
            assertArrayEquals(v1, readAll(f));
            cache.dir(); // the cache file holds v1 now (written in the background)
            Files.write(file, v2); // another client: a write straight into the export
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));
            Thread.sleep(400); // past the attribute timeout
            assertArrayEquals(v2, readAll(f), "the change is seen once the attributes time out");
        }
        byte[] v3 = random(2 << 20, 4); // and on open: the cache file of v2 is stale
        Files.write(file, v3);
        Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 10_000));
        try (P9Client c = PeerOptions.connect(diod); Netfs n = netfs();
             P9File f = mount(c, n, Duration.ofSeconds(60)).open("shared.bin", false)) {
            assertArrayEquals(v3, readAll(f), "a stale cache file is dropped on open");
            assertTrue(n.stats().readRpcs() > 0);
        }
    }
}
