package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** JFR events for requests and subrequests; a failing cache write switches the cache off, not the write. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TracingAndCacheFailureTest {
    @TempDir
    Path dir;

    @Test
    void requestsAndSubrequestsEmitJfrEvents() throws Exception {
        byte[] src = new byte[1 << 20];
        new Random(1).nextBytes(src);
        Files.write(dir.resolve("s.bin"), src);
        List<RecordedEvent> events = new CopyOnWriteArrayList<>();
        try (RecordingStream rs = new RecordingStream()) {
            rs.enable("io.jnetfs.netfs.Request");
            rs.enable("io.jnetfs.netfs.Subrequest");
            rs.onEvent(events::add);
            rs.startAsync();
            try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(32L << 20, 16L << 20).withFolioSize(65536));
                 LocalTestFs fs = new LocalTestFs(dir.resolve("s.bin"), 65536, 2); NetfsFile f = n.open(fs, src.length, null)) {
                fs.shortReadPercent = 50;
                fs.transientErrorPercent = 10; // some subrequests are retried: their events count it
                byte[] out = new byte[src.length];
                assertEquals(src.length, f.read(0, out, 0, out.length));
                assertArrayEquals(src, out);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (events.stream().noneMatch(e -> e.getEventType().getName().equals("io.jnetfs.netfs.Request"))
                    && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            rs.close();
        }
        RecordedEvent sub = events.stream().filter(e -> e.getEventType().getName().equals("io.jnetfs.netfs.Subrequest"))
                .findFirst().orElseThrow();
        assertEquals("NETFS_DOWNLOAD_FROM_SERVER", sub.getString("source"));
        assertTrue(sub.getLong("transferred") > 0);
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jnetfs.netfs.Subrequest")
                && e.getString("flags").contains("MADE_PROGRESS")), "a subrequest event says it made progress");
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().equals("io.jnetfs.netfs.Subrequest")
                && e.getInt("retries") > 0), "a retried subrequest's event counts its retries");
        RecordedEvent req = events.stream().filter(e -> e.getEventType().getName().equals("io.jnetfs.netfs.Request"))
                .findFirst().orElseThrow();
        assertEquals("NETFS_READAHEAD", req.getString("origin"));
        Duration elapsed = req.getDuration("elapsed");
        assertTrue(elapsed.compareTo(Duration.ZERO) > 0 && elapsed.compareTo(Duration.ofSeconds(60)) < 0,
                "the request event says how long the request took: " + elapsed);
    }

    @Test
    void aFailingCacheWriteSwitchesTheCacheOffAndTheWriteSucceeds() throws IOException {
        Path server = dir.resolve("w.bin");
        Files.write(server, new byte[0]);
        FailingCache cache = new FailingCache();
        try (Netfs n = new Netfs(Netfs.Config.defaults().withMemory(32L << 20, 16L << 20).withFolioSize(65536));
             LocalTestFs fs = new LocalTestFs(server, 65536, 3)) {
            NetfsFile f = n.open(fs, 0, cache);
            byte[] data = new byte[700_000];
            new Random(4).nextBytes(data);
            f.write(0, data, 0, data.length);
            f.fsync();
            f.close();
            assertArrayEquals(data, Files.readAllBytes(server), "the server got every byte");
            assertFalse(cache.enabled(), "the cache is off for the file");
            assertTrue(cache.why.contains("ENOSPC"), cache.why);
        }
    }

    /** A cache whose writes fail with ENOSPC. */
    private static final class FailingCache implements NetfsCache {
        volatile boolean on = true;
        volatile String why = "";

        @Override public boolean enabled() { return on; }
        @Override public void disable(String reason) { on = false; why = reason; }
        @Override public long granule() { return 65536; }
        @Override public int queryOccupancy(long start, long end, long[] out) { return 0; }
        @Override public void read(NetfsIoSubrequest s) { s.terminated(-Errno.EIO); }
        @Override public void write(long fpos, BvecqBuffer data) { data.release(); }
        @Override public void writeSubreq(NetfsIoSubrequest s) { s.terminated(-Errno.ENOSPC); }
        @Override public void invalidateRange(long start, long end) { }
        @Override public void drain() { }
        @Override public void invalidate() { }
    }
}
