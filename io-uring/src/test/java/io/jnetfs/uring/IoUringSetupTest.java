package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Ring setup, setup flags, the probe, availability and ownership, on the running kernel. */
@Timeout(30)
class IoUringSetupTest {

    @BeforeEach
    void uring() {
        Fixtures.requireUring();
    }

    @Test
    void availableMeansNoReason() {
        assertTrue(IoUring.isAvailable());
        assertNull(IoUring.unavailableReason());
    }

    @Test
    void defaultRingMapsBothRingsAndCompletesANop() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        try (IoUring ring = IoUring.open(8)) {
            assertEquals(8, ring.sqEntries());
            assertEquals(16, ring.cqEntries());
            assertTrue(ring.hasFeature(LibC.IORING_FEAT_SINGLE_MMAP()));
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepNop(0, 77L);
            assertEquals(1, ring.inFlight());
            assertEquals(1, ring.submitAndWait(1));
            assertEquals(1, ring.complete(rec));
            assertEquals(0, rec.res[0]);
            assertEquals(77L, rec.userData[0]);
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void cqSizeAndClamp() throws Exception {
        try (IoUring ring = IoUring.builder().entries(4).cqEntries(64).build()) {
            assertEquals(4, ring.sqEntries());
            assertEquals(64, ring.cqEntries());
            assertTrue((ring.setupFlags() & LibC.IORING_SETUP_CQSIZE()) != 0);
        }
        try (IoUring ring = IoUring.builder().entries(1 << 20).clamp().build()) {
            assertEquals(32768, ring.sqEntries());
        }
        var e = assertThrows(java.io.IOException.class, () -> IoUring.builder().entries(1 << 20).build());
        assertTrue(e.getMessage().startsWith("io_uring_setup(entries=1048576, flags=0) failed: EINVAL"), e.getMessage());
    }

    static Stream<Arguments> setupFlags() {
        return Stream.of(
            Arguments.of("SQPOLL", LibC.IORING_SETUP_SQPOLL(), (Supplier<IoUring.Builder>) () -> IoUring.builder().sqPoll(100)),
            Arguments.of("SINGLE_ISSUER", LibC.IORING_SETUP_SINGLE_ISSUER(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().singleIssuer()),
            Arguments.of("SINGLE_ISSUER+DEFER_TASKRUN", LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().singleIssuer().deferTaskrun()),
            Arguments.of("COOP_TASKRUN", LibC.IORING_SETUP_COOP_TASKRUN(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().coopTaskrun()),
            Arguments.of("SUBMIT_ALL", LibC.IORING_SETUP_SUBMIT_ALL(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().submitAll()),
            Arguments.of("CLAMP", LibC.IORING_SETUP_CLAMP(), (Supplier<IoUring.Builder>) () -> IoUring.builder().clamp()),
            Arguments.of("COOP_TASKRUN+TASKRUN_FLAG", LibC.IORING_SETUP_COOP_TASKRUN() | LibC.IORING_SETUP_TASKRUN_FLAG(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().coopTaskrun().taskrunFlag()),
            Arguments.of("SINGLE_ISSUER+DEFER_TASKRUN+TASKRUN_FLAG", LibC.IORING_SETUP_SINGLE_ISSUER()
                    | LibC.IORING_SETUP_DEFER_TASKRUN() | LibC.IORING_SETUP_TASKRUN_FLAG(),
                    (Supplier<IoUring.Builder>) () -> IoUring.builder().singleIssuer().deferTaskrun().taskrunFlag()),
            Arguments.of("SQE128", LibC.IORING_SETUP_SQE128(), (Supplier<IoUring.Builder>) () -> IoUring.builder().sqe128()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("setupFlags")
    void everySetupFlagGivesAWorkingRing(String name, int flags, Supplier<IoUring.Builder> builder) throws Exception {
        Fixtures.requireSetup(flags);
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        try (IoUring ring = builder.get().entries(8).build()) {
            assertEquals(flags, ring.setupFlags() & flags, ring.toString());
            Fixtures.Recorder rec = new Fixtures.Recorder(32);
            for (int i = 0; i < 20; i++) {
                ring.prepNop(0, i);
            }
            Fixtures.await(ring, rec, 20);
            assertEquals(20, rec.count, ring.toString());
            assertEquals(0, ring.inFlight(), ring.toString());
        }
    }

    @Test
    void deferTaskrunCompletionsArriveThroughPollingComplete() throws Exception {
        Fixtures.requireSetup(LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN());
        Fixtures.requireOps(Opcode.IORING_OP_RECV);
        try (IoUring ring = IoUring.builder().entries(4).singleIssuer().deferTaskrun().build();
             Fixtures.Loopback tcp = Fixtures.Loopback.open();
             java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            ring.prepRecv(tcp.server(), a.allocate(8), 0, 0, 5);
            ring.submit();
            assertEquals(3, Native.write(tcp.client(), Fixtures.pattern(a, 3, 0), 3));
            Fixtures.Recorder rec = new Fixtures.Recorder(2);
            long deadline = System.nanoTime() + 5_000_000_000L;
            // never waiting in io_uring_enter: complete() itself must run the deferred completion work
            while (rec.count == 0 && System.nanoTime() < deadline) {
                ring.complete(rec);
                Thread.sleep(1);
            }
            assertEquals(3, rec.resultOf(5));
        }
    }

    @Test
    void aCallbackMayCloseTheRing() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        IoUring ring = IoUring.open(4);
        for (int i = 0; i < 3; i++) {
            ring.prepNop(0, i);
        }
        assertEquals(3, ring.submitAndWait(3));
        int[] calls = {0};
        assertEquals(1, ring.complete((res, flags, userData) -> {
            calls[0]++;
            ring.close();
        }));
        assertEquals(1, calls[0]);
        assertTrue(ring.isClosed());
        assertEquals(0, ring.inFlight());
    }

    @Test
    void deferTaskrunNeedsSingleIssuer() {
        var e = assertThrows(IllegalArgumentException.class, () -> IoUring.builder().deferTaskrun().build());
        assertTrue(e.getMessage().contains("IORING_SETUP_SINGLE_ISSUER"), e.getMessage());
    }

    @Test
    void singleIssuerRingUsedFromASecondThreadIsAClearError() throws Exception {
        Fixtures.requireSetup(LibC.IORING_SETUP_SINGLE_ISSUER());
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        try (IoUring ring = IoUring.builder().singleIssuer().entries(4).build()) {
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            Thread t = Thread.ofPlatform().name("intruder").start(() -> {
                try {
                    ring.prepNop(0, 1);
                } catch (Throwable e) {
                    thrown.set(e);
                }
            });
            t.join();
            assertTrue(thrown.get() instanceof IllegalStateException, String.valueOf(thrown.get()));
            String m = thrown.get().getMessage();
            assertTrue(m.contains("IORING_SETUP_SINGLE_ISSUER") && m.contains("'intruder'")
                    && m.contains("'" + Thread.currentThread().getName() + "'"), m);
            // the owner still works
            ring.prepNop(0, 2);
            assertEquals(1, ring.submitAndWait(1));
        }
    }

    @Test
    void probeReportsTheOperationsOfTheKernelFloorAndAgreesWithTheFeatureProbe() throws Exception {
        try (IoUring ring = IoUring.open(2)) {
            Probe p = ring.probe();
            // README's floor is Linux 5.15: every opcode it has is supported wherever io_uring is
            assertTrue(p.lastOp() >= Opcode.IORING_OP_LINKAT, p.toString());
            int[] floor = {Opcode.IORING_OP_NOP, Opcode.IORING_OP_READV, Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_READ,
                Opcode.IORING_OP_WRITE, Opcode.IORING_OP_READ_FIXED, Opcode.IORING_OP_WRITE_FIXED, Opcode.IORING_OP_FSYNC,
                Opcode.IORING_OP_FALLOCATE, Opcode.IORING_OP_OPENAT, Opcode.IORING_OP_CLOSE, Opcode.IORING_OP_SENDMSG,
                Opcode.IORING_OP_RECVMSG, Opcode.IORING_OP_SEND, Opcode.IORING_OP_RECV, Opcode.IORING_OP_TIMEOUT,
                Opcode.IORING_OP_LINK_TIMEOUT, Opcode.IORING_OP_ASYNC_CANCEL, Opcode.IORING_OP_SPLICE,
                Opcode.IORING_OP_LINKAT};
            for (int op : floor) {
                assertTrue(p.isSupported(op), Opcode.name(op) + " in " + p);
            }
            // newer ones are reported the same way by the ring's probe and by IoUringFeatures
            for (int op = 0; op <= p.lastOp() + 1; op++) {
                assertEquals(p.isSupported(op), IoUringFeatures.missingOpcode(op) == null, Opcode.name(op));
            }
            assertFalse(p.isSupported(255));
            assertTrue(p.toString().contains("IORING_OP_READV"), p.toString());
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAnError() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        IoUring ring = IoUring.open(4);
        int fd = ring.fd();
        ring.close();
        ring.close();
        assertTrue(ring.isClosed());
        assertEquals(-Errno.EBADF, Native.fcntl(fd, LibC.F_GETFD(), 0), "ring fd closed");
        var e = assertThrows(IllegalStateException.class, () -> ring.prepNop(0, 1));
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        assertThrows(IllegalStateException.class, ring::submit);
    }

    @Test
    void timedWaitWithNothingInFlightReturnsAfterTheTimeout() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            long t0 = System.nanoTime();
            assertEquals(0, ring.submitAndWait(1, 50, TimeUnit.MILLISECONDS));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms >= 45 && ms < 5000, "waited " + ms + " ms");
        }
    }

    @Test
    void badArgumentsAreNamed() throws Exception {
        try (IoUring ring = IoUring.open(4)) {
            var e = assertThrows(IllegalArgumentException.class, () -> ring.prepNop(0x40, 1));
            assertTrue(e.getMessage().contains("sqeFlags="), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ring.prepRead(0, java.lang.foreign.MemorySegment.ofArray(new byte[8]), 0, 0, 1));
            assertTrue(e.getMessage().startsWith("buf must be native memory"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> ring.submitAndWait(ring.cqEntries() + 1));
            assertTrue(e.getMessage().contains("minComplete="), e.getMessage());
            assertEquals(0, ring.inFlight());
        }
    }
}
