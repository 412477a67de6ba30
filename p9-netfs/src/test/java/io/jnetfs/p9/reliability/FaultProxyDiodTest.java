package io.jnetfs.p9.reliability;

import io.jnetfs.peers.PeerServer;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.p9.netfs.P9File;
import io.jnetfs.p9.netfs.P9Netfs;
import io.jnetfs.p9.netfs.P9NetfsOps;
import io.jnetfs.p9.reliability.FaultProxy.Direction;
import io.jnetfs.p9.reliability.FaultProxy.Fault;
import io.jnetfs.p9.reliability.FaultProxy.Schedule;
import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 9P client against the real diod through the {@link FaultProxy}: every fault the proxy injects
 * (a cut after N bytes, a truncated reply, a reset, a stall) fails the requests in flight with a clear
 * error within the timeout, frees every tag and every pooled byte, and never corrupts what was
 * acknowledged; delays change nothing but the time.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultProxyDiodTest {
    private static final Set<String> CONNECTION_ERRNOS = Set.of("ECONNRESET", "EPIPE", "ECONNABORTED", "EPROTO",
            "ETIMEDOUT");
    @TempDir
    Path export;
    private Diod diod;
    private FaultProxy proxy;
    private FolioPool pool;

    @BeforeEach
    void start() throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        diod = Diod.start(export);
        pool = new FolioPool(64L << 20);
    }

    @AfterEach
    void stop() {
        if (proxy != null) {
            proxy.close();
        }
        if (diod != null) {
            diod.close();
        }
        if (pool != null) {
            assertEquals(0, pool.leasedBytes(), "every pooled byte came back");
            pool.close();
        }
    }

    static Stream<TransportKind> transports() {
        return Stream.of(TransportKind.values());
    }

    /** A client through the proxy; on io_uring only where this kernel allows a ring (else skipped or failed with the reason). */
    private P9Client connect(TransportKind t, Duration timeout) throws IOException {
        if (t == TransportKind.IO_URING) {
            Require.feature("io_uring", IoUring.unavailableReason());
        }
        return P9Client.connect(P9Options.builder(proxy.host(), proxy.port()).aname(diod.aname()).uname(PeerServer.attachUname()).nUname(PeerServer.attachUid())
                .transport(t).timeout(timeout).pool(pool).reconnect(false).build()); // how a fault fails requests
    }

    private static Schedule only(long seed, double delay, double stall, double truncate, double reset, Direction... d) {
        return new Schedule(seed, delay, stall, truncate, reset, 1, Long.MAX_VALUE, 5, 1500, Set.of(d));
    }

    /** The failed call: a P9Exception with a connection errno, in bounded time; the client stays failed. */
    private static P9Exception assertConnectionFailure(P9Client c, ThrowingCall call, long maxMillis) {
        long t0 = System.nanoTime();
        P9Exception e = assertThrows(P9Exception.class, call::run);
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertTrue(ms < maxMillis, "failed after " + ms + " ms: " + e.getMessage());
        assertTrue(CONNECTION_ERRNOS.contains(e.errnoName()), e.getMessage());
        assertNotNull(c.failure(), "the connection is marked failed");
        assertEquals(0, c.tagsInUse(), "the failure frees every tag");
        P9Exception again = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
        assertTrue(CONNECTION_ERRNOS.contains(again.errnoName()), again.getMessage());
        return e;
    }

    @FunctionalInterface
    interface ThrowingCall {
        void run() throws Exception;
    }

    @ParameterizedTest
    @MethodSource("transports")
    void passThroughAndDelaysKeepEveryByte(TransportKind t) throws IOException {
        proxy = new FaultProxy(diod.port(), only(1, 1.0, 0, 0, 0, Direction.C2S, Direction.S2C));
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        try (P9Client c = connect(t, Duration.ofSeconds(10));
             Fid f = c.create(c.root(), "d.bin", P9Flags.P9_DOTL_RDWR, 0644)) {
            assertEquals(data.length, c.write(f, 0, data));
            c.fsync(f, false);
            assertArrayEquals(data, c.read(f, 0, data.length));
        }
        assertArrayEquals(data, Files.readAllBytes(export.resolve("d.bin")));
        assertTrue(proxy.faults(Fault.DELAY) > 10, proxy.toString());
        assertEquals(0, proxy.connectionFaults(), proxy.toString());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void cutAfterNBytesMidTwriteFailsTheWriteAndKeepsWhatWasAcknowledged(TransportKind t) throws Exception {
        proxy = new FaultProxy(diod.port(), new Schedule(2, 0, 0, 0, 0, 1_500_000, 1_600_000, 1, 0,
                Set.of(Direction.C2S)));
        byte[] first = new byte[1 << 20];
        new Random(2).nextBytes(first);
        try (P9Client c = connect(t, Duration.ofSeconds(5));
             Fid f = c.create(c.root(), "c.bin", P9Flags.P9_DOTL_RDWR, 0644)) {
            c.write(f, 0, first);
            c.fsync(f, false); // acknowledged: about 1 MiB of the budget spent
            byte[] more = new byte[2 << 20];
            P9Exception e = assertConnectionFailure(c, () -> c.write(f, first.length, more), 5_000);
            assertTrue(e.getMessage().startsWith("Twrite(fid=" + f.number()), e.getMessage());
        }
        assertEquals(1, proxy.faults(Fault.CUT), proxy.toString());
        byte[] onServer = Files.readAllBytes(export.resolve("c.bin"));
        assertArrayEquals(first, Arrays.copyOf(onServer, first.length), "the acknowledged bytes are intact");
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aCutMidReadFailsTheEngineReadWithReadsStillWaitingAndReturnsEveryFolio(TransportKind t) throws Exception {
        byte[] data = new byte[24 << 20];
        new Random(7).nextBytes(data);
        Files.write(export.resolve("big.bin"), data);
        // the cut comes 3-4 MiB into the replies, while most of a 16 MiB readahead waits behind 2 Treads
        proxy = new FaultProxy(diod.port(), new Schedule(7, 0, 0, 0, 0, 3_000_000, 4_000_000, 1, 0,
                Set.of(Direction.S2C)));
        Netfs.Config config = Netfs.Config.defaults().withMemory(64L << 20, 48L << 20).withFolioSize(256 << 10)
                .withReadahead(16 << 20, 16 << 20).withTimeout(10, TimeUnit.SECONDS);
        try (P9Client c = connect(t, Duration.ofSeconds(5)); Netfs n = new Netfs(config, pool);
             P9File f = new P9Netfs(c, n, null, "9p://cut", 2).open("big.bin", false)) {
            byte[] out = new byte[data.length];
            long t0 = System.nanoTime();
            IOException e = assertThrows(IOException.class, () -> f.read(0, out, 0, out.length));
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertTrue(ms < 8_000, "failed after " + ms + " ms, not at the 10 s timeout: " + e);
            assertNotNull(c.failure(), "the connection is marked failed");
            assertTrue(((P9NetfsOps) f.netfs().inode().ops()).rpcsInFlightHighWater() <= 2);
        }
        assertEquals(1, proxy.faults(Fault.CUT), proxy.toString());
        // stop() checks that every pooled byte came back: page-cache folios, receive buffers, chains
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aTruncatedReplyFailsTheCall(TransportKind t) throws Exception {
        proxy = new FaultProxy(diod.port(), only(3, 0, 0, 1.0, 0, Direction.S2C));
        proxy.enabled(false); // let Tversion and Tattach through
        try (P9Client c = connect(t, Duration.ofSeconds(2))) {
            proxy.enabled(true);
            assertConnectionFailure(c, () -> c.getattr(c.root()), 3_000);
        }
        assertEquals(1, proxy.faults(Fault.TRUNCATE), proxy.toString());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aTruncatedRequestFailsTheCall(TransportKind t) throws Exception {
        proxy = new FaultProxy(diod.port(), only(4, 0, 0, 1.0, 0, Direction.C2S));
        proxy.enabled(false);
        try (P9Client c = connect(t, Duration.ofSeconds(2))) {
            proxy.enabled(true);
            assertConnectionFailure(c, () -> c.walk("nothing-here"), 3_000);
        }
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aResetFailsTheCall(TransportKind t) throws Exception {
        proxy = new FaultProxy(diod.port(), only(5, 0, 0, 0, 1.0, Direction.C2S));
        proxy.enabled(false);
        try (P9Client c = connect(t, Duration.ofSeconds(2))) {
            proxy.enabled(true);
            P9Exception e = assertConnectionFailure(c, () -> c.statfs(c.root()), 3_000);
            assertTrue(Set.of("ECONNRESET", "EPIPE").contains(e.errnoName()), e.getMessage());
        }
        assertEquals(1, proxy.faults(Fault.RESET), proxy.toString());
    }

    @ParameterizedTest
    @MethodSource("transports")
    void aStallLongerThanTheTimeoutTimesOutThenFailsTheConnection(TransportKind t) throws Exception {
        proxy = new FaultProxy(diod.port(), only(6, 0, 1.0, 0, 0, Direction.S2C));
        proxy.enabled(false);
        try (P9Client c = connect(t, Duration.ofMillis(300))) {
            proxy.enabled(true);
            long t0 = System.nanoTime();
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals("ETIMEDOUT", e.errnoName(), e.getMessage());
            // the failure is recorded first; the receiving thread then completes what was in flight and
            // frees the tags (P9Connection.failAll): wait for both, within the same bound
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            while ((c.failure() == null || c.tagsInUse() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertNotNull(c.failure(), "the unanswered Tflush fails the connection");
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(3));
            assertEquals(0, c.tagsInUse(), "the failed connection frees every tag");
        }
        assertTrue(proxy.faults(Fault.STALL) >= 1, proxy.toString());
    }

    @Test
    void aServerThatIsDownIsAClearConnectError() throws Exception {
        proxy = new FaultProxy(diod.port(), Schedule.none());
        diod.kill();
        IOException e = assertThrows(IOException.class, () -> connect(TransportKind.SOCKET, Duration.ofSeconds(2)));
        assertTrue(e.getMessage().startsWith("Tversion("), e.getMessage());
        assertTrue(proxy.awaitIdle(2_000));
    }
}
