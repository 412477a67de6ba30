package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import java.io.RandomAccessFile;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk data both ways on one connection: a netfs reader with 64 Treads of 1 MiB out and a writer whose
 * writeback keeps Twrites of 1 MiB out, against a server that stops reading at 8 requests or 8 MiB in
 * flight. Each side's requests wait behind the other's replies; the client's receiving thread must keep
 * receiving (it never waits in sendmsg) and neither side may time out. Both sides keep going until each
 * has moved 64 MiB while the other was still moving, so the two directions overlap whatever the
 * machine's speed; a stall ends in the engine's and the client's timeouts (bounded: 60 seconds in all).
 * No throughput floor: how fast is the benchmarks' business, not this test's.
 */
class BothWaysTest {
    @Test
    void bulkReadsAndWritesOnOneConnectionKeepFlowing(@TempDir Path dir) throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("r.bin").toFile(), "rw")) {
            f.setLength(256L << 20);
        }
        try (P9Server s = ServerFixture.builder(dir).maxRequests(8).maxInFlightBytes(8L << 20)
                .messageTimeout(Duration.ofSeconds(3)).build().start();
             P9Client c = P9Client.connect(ServerFixture.options(s).timeout(Duration.ofSeconds(10)).build());
             Netfs n = new Netfs(Netfs.Config.defaults().withMemory(512L << 20, 256L << 20).withFolioSize(256 << 10)
                     .withTimeout(20, TimeUnit.SECONDS))) {
            P9Netfs mount = new P9Netfs(c, n, null, "9p://both", 64);
            long goal = 64L << 20;
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            AtomicLong readSoFar = new AtomicLong();
            AtomicLong writtenSoFar = new AtomicLong();
            var pool = java.util.concurrent.Executors.newFixedThreadPool(2); // not the common pool: 1 thread on 2 cores
            try {
                CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                    long total = 0;
                    try (P9File f = mount.open("r.bin", false); Arena a = Arena.ofConfined()) {
                        MemorySegment buf = a.allocate(8 << 20, 4096);
                        while ((total < goal || writtenSoFar.get() < goal) && System.nanoTime() < end) {
                            for (long off = 0; off < (256L << 20) && System.nanoTime() < end; off += buf.byteSize()) {
                                total += f.read(off, buf, NetfsFile.READ_DONTCACHE);
                                readSoFar.set(total);
                            }
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    return total;
                }, pool);
                CompletableFuture<Long> writer = CompletableFuture.supplyAsync(() -> {
                    long total = 0;
                    try (P9File f = mount.create("w.bin", 0644); Arena a = Arena.ofConfined()) {
                        MemorySegment buf = a.allocate(8 << 20, 4096);
                        while ((total < goal || readSoFar.get() < goal) && System.nanoTime() < end) {
                            for (long off = 0; off < (256L << 20) && System.nanoTime() < end; off += buf.byteSize()) {
                                f.write(off, buf);
                                total += buf.byteSize();
                                writtenSoFar.set(total);
                            }
                            f.fsync();
                        }
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                    return total;
                }, pool);
                long read = reader.get(60, TimeUnit.SECONDS);
                long written = writer.get(60, TimeUnit.SECONDS);
                assertEquals(null, c.failure());
                assertTrue(read >= goal && written >= goal,
                        "both directions moved 64 MiB within 60 s: read " + (read >> 20) + " MiB, wrote " + (written >> 20) + " MiB");
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
