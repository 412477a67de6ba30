package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.peers.Diod;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.ConnectException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Faults of the real diod: killed mid-transfer, stopped (SIGSTOP), refusing; each test its own diod. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DiodFaultTest {
    @BeforeAll
    static void needDiod() {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
    }

    static Stream<TransportKind> transports() {
        return Stream.of(TransportKind.values());
    }

    /** A test on io_uring needs a ring: skipped (or failed where the run requires it) with the reason. */
    private static void need(TransportKind transport) {
        if (transport == TransportKind.IO_URING) {
            Require.feature("io_uring", IoUring.unavailableReason());
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void diodKilledMidTransferFailsTheReadWithinTheTimeout(TransportKind transport, @TempDir Path dir) throws Exception {
        need(transport);
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big").toFile(), "rw")) {
            f.setLength(4L << 30); // sparse: diod reads zeros quickly, longer than the test waits
        }
        Duration timeout = Duration.ofSeconds(5);
        try (Diod d = Diod.start(dir);
             P9Client c = P9Client.connect(PeerOptions.root(d).transport(transport).timeout(timeout).window(16)
                     .reconnect(false).build()); // how a lost connection fails, without recovery
             Fid f = c.open("big", P9Flags.P9_DOTL_RDONLY)) {
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                try (var a = java.lang.foreign.Arena.ofShared()) {
                    var buf = a.allocate(64L << 20, 4096);
                    long total = 0;
                    for (long off = 0; off < (4L << 30); off += buf.byteSize()) {
                        total += c.read(f, off, buf);
                    }
                    return total;
                } catch (IOException e) {
                    throw new java.util.concurrent.CompletionException(e);
                }
            });
            Thread.sleep(300); // some hundreds of MiB in
            assertTrue(!reader.isDone(), "still reading when diod is killed");
            long killed = System.nanoTime();
            d.kill();
            ExecutionException e = assertThrows(ExecutionException.class, () -> reader.get(20, TimeUnit.SECONDS));
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killed);
            P9Exception p = assertInstanceOf(P9Exception.class, e.getCause().getCause() != null
                    ? e.getCause().getCause() : e.getCause(), String.valueOf(e.getCause()));
            assertTrue(tookMs < timeout.toMillis(), "failed after " + tookMs + " ms");
            // the receiving thread sees the reset (ECONNRESET), or a sender writes into the closed
            // socket first (EPIPE): which one comes first depends on where the transfer was
            String errno = p.errnoName();
            assertTrue(errno.equals("ECONNRESET") || errno.equals("EPIPE"), p.getMessage());
            assertTrue(p.getMessage().startsWith("Tread(fid=" + f.number() + ", offset="), p.getMessage());
            assertTrue(p.getMessage().contains("failed: " + errno + " (") && p.getMessage().contains(
                    "): 9P connection to 127.0.0.1:" + d.port() + " failed: "), p.getMessage());
            assertNotNull(c.failure());
            // everything after fails at once, with the same clear reason
            long t0 = System.nanoTime();
            P9Exception again = assertThrows(P9Exception.class, () -> c.getattr(f));
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals(errno, again.errnoName());
            assertEquals(0, c.tagsInUse());
        }
    }

    /**
     * Twrites issued from a completion callback while diod is stopped: the socket fills, and the
     * receiving thread, which must not wait in sendmsg, leaves the rest to the sender thread. Once diod
     * runs again, every Twrite completes and the file holds the bytes.
     */
    @ParameterizedTest
    @MethodSource("transports")
    void whatTheSocketRefusesTheReceivingThreadLeavesToTheSender(TransportKind transport, @TempDir Path dir)
            throws Exception {
        need(transport);
        try (Diod d = Diod.start(dir);
             P9Client c = P9Client.connect(PeerOptions.root(d).transport(transport).timeout(Duration.ofSeconds(20))
                     .maxTags(256).build());
             Fid f = c.create(c.root(), "w", P9Flags.P9_DOTL_RDWR, 0644)) {
            int io = c.transferSize(f);
            int n = 200; // about 12 MiB: more than the socket buffers hold with diod stopped
            try (FolioPool pool = new FolioPool(64L << 20);
                 BvecqBuffer src = BvecqBuffer.allocate(pool, (long) io * n, 65536);
                 BvecqBuffer one = BvecqBuffer.allocate(pool, 4096, 4096)) {
                TestData.fill(src, 0, src.length(), 11);
                BvecqIter[] its = new BvecqIter[n];
                for (int i = 0; i < n; i++) {
                    its[i] = new BvecqIter();
                }
                java.util.concurrent.atomic.AtomicLongArray res = new java.util.concurrent.atomic.AtomicLongArray(n);
                java.util.concurrent.CountDownLatch done = new java.util.concurrent.CountDownLatch(n);
                long handedOff = c.sendsHandedOff();
                try (BvecqIter it = new BvecqIter()) {
                    // the Twrites go out from the callback, on the receiving thread, with diod stopped
                    long h = c.readAsync(f, 0, 1, it.init(one, 0, 1), (cookie, r) -> {
                        try {
                            d.suspend();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                        for (int i = 0; i < n; i++) {
                            int k = i;
                            long w = c.writeAsync(f, (long) i * io, io, its[i].init(src, (long) i * io, io), (ck, wr) -> {
                                res.set(k, wr);
                                done.countDown();
                            }, i);
                            if (w < 0) {
                                res.set(i, w);
                                done.countDown();
                            }
                        }
                    }, 0);
                    assertTrue(h >= 0, "handle " + h);
                    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                    while (c.sendsHandedOff() == handedOff && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                    assertTrue(c.sendsHandedOff() > handedOff, "the receiving thread left the rest to the sender");
                    d.resume();
                    assertTrue(done.await(20, TimeUnit.SECONDS), "every Twrite completed");
                }
                for (int i = 0; i < n; i++) {
                    assertEquals(io, res.get(i), "Twrite " + i);
                    its[i].close();
                }
                byte[] want = new byte[(int) src.length()];
                src.copyTo(0, want, 0, want.length);
                assertArrayEquals(want, java.nio.file.Files.readAllBytes(dir.resolve("w")));
                assertEquals(null, c.failure());
            }
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void stoppedDiodTimesOutThenTheUnansweredTflushFailsTheConnection(TransportKind transport, @TempDir Path dir)
            throws Exception {
        need(transport);
        try (Diod d = Diod.start(dir);
             P9Client c = P9Client.connect(PeerOptions.root(d).transport(transport).timeout(Duration.ofMillis(400))
                     .reconnect(false).build())) {
            d.suspend();
            try {
                long t0 = System.nanoTime();
                P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
                assertEquals(Errno.ETIMEDOUT, e.errno(), e.getMessage());
                assertTrue(ms >= 400 && ms < 2000, "timed out after " + ms + " ms");
                assertTrue(e.getMessage().contains("no reply within 400 ms from 127.0.0.1:" + d.port()
                        + "; the request was flushed (Tflush)"), e.getMessage());
                // the Tflush is not answered either: the connection fails
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (c.failure() == null && System.nanoTime() < deadline) {
                    Thread.sleep(10);
                }
                assertNotNull(c.failure());
                assertTrue(c.failure().contains("Tflush(oldtag=") && c.failure().contains("not answered within 400 ms"),
                        c.failure());
                P9Exception after = assertThrows(P9Exception.class, () -> c.statfs(c.root()));
                assertEquals(Errno.ETIMEDOUT, after.errno());
                // the failure is published first, then the failing thread releases the tags: wait for it
                long tagsDeadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                while (c.tagsInUse() != 0 && System.nanoTime() < tagsDeadline) {
                    Thread.sleep(10);
                }
                assertEquals(0, c.tagsInUse(), "the failure frees every tag");
            } finally {
                d.resume();
            }
        }
    }

    @Test
    void refusedConnectionAndBadAnameAreClearErrors(@TempDir Path dir) throws Exception {
        int port;
        try (Diod d = Diod.start(dir)) {
            port = d.port();
            // the plain connect: a uname ("root", or the user an unprivileged diod serves), n_uname NONUNAME
            // (the server looks the name up)
            try (P9Client c = P9Client.connect(PeerServer.HOST, port, d.aname(), d.uname())) {
                assertTrue(c.root().qid().isDirectory());
                assertEquals(65536, c.msize(), "Debian's diod answers 65536 whatever is asked");
                assertEquals(65536 - 24, c.maxIoSize());
            }
            P9Exception e = assertThrows(P9Exception.class,
                    () -> P9Client.connect(PeerOptions.root(d).aname(dir.resolve("not-exported").toString()).build()));
            assertTrue(e.getMessage().startsWith("Tattach(fid=0, uname=" + d.uname() + ", aname=" + dir.resolve("not-exported")),
                    e.getMessage());
        }
        ConnectException ce = assertThrows(ConnectException.class,
                () -> P9Client.connect(P9Options.builder(PeerServer.HOST, port).build()));
        assertTrue(ce.getMessage().contains("ECONNREFUSED"), ce.getMessage());
    }
}
