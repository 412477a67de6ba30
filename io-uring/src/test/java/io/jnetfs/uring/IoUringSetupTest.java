package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Ring setup, setup flags, the probe, availability and ownership, on the running kernel. */
@Timeout(30)
class IoUringSetupTest {

    @BeforeAll
    static void uring() {
        assumeTrue(IoUring.isAvailable(), IoUring::unavailableReason);
    }

    @Test
    void availableMeansNoReason() {
        assertTrue(IoUring.isAvailable());
        assertNull(IoUring.unavailableReason());
    }

    @Test
    void unavailableReasonsNameTheErrnoAndTheCause() {
        assertTrue(IoUringFeatures.describeUnavailable(Errno.ENOSYS, null, "0").startsWith(
                "io_uring_setup failed: ENOSYS (Function not implemented)"));
        String seccomp = IoUringFeatures.describeUnavailable(Errno.EPERM, "0", "2");
        assertTrue(seccomp.contains("EPERM") && seccomp.contains("seccomp") && seccomp.contains("Docker"), seccomp);
        String sysctl = IoUringFeatures.describeUnavailable(Errno.EPERM, "2", "0");
        assertTrue(sysctl.contains("kernel.io_uring_disabled=2"), sysctl);
        String group = IoUringFeatures.describeUnavailable(Errno.EPERM, "1", "0");
        assertTrue(group.contains("io_uring_group"), group);
    }

    @Test
    void defaultRingMapsBothRingsAndCompletesANop() throws Exception {
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

    @Test
    void everySetupFlagGivesAWorkingRing() throws Exception {
        IoUring.Builder[] builders = {
            IoUring.builder().sqPoll(100),
            IoUring.builder().singleIssuer(),
            IoUring.builder().singleIssuer().deferTaskrun(),
            IoUring.builder().coopTaskrun(),
            IoUring.builder().submitAll(),
            IoUring.builder().clamp(),
        };
        for (IoUring.Builder b : builders) {
            try (IoUring ring = b.entries(8).build()) {
                Fixtures.Recorder rec = new Fixtures.Recorder(32);
                for (int i = 0; i < 20; i++) {
                    ring.prepNop(0, i);
                }
                Fixtures.await(ring, rec, 20);
                assertEquals(20, rec.count, ring.toString());
                assertEquals(0, ring.inFlight(), ring.toString());
            }
        }
    }

    @Test
    void deferTaskrunCompletionsArriveThroughPollingComplete() throws Exception {
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
    void probeReportsTheOperationsWeUse() throws Exception {
        try (IoUring ring = IoUring.open(2)) {
            Probe p = ring.probe();
            assertTrue(p.lastOp() >= Opcode.IORING_OP_SENDMSG_ZC, p.toString());
            int[] ops = {Opcode.IORING_OP_NOP, Opcode.IORING_OP_READV, Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_READ,
                Opcode.IORING_OP_WRITE, Opcode.IORING_OP_READ_FIXED, Opcode.IORING_OP_WRITE_FIXED, Opcode.IORING_OP_FSYNC,
                Opcode.IORING_OP_FALLOCATE, Opcode.IORING_OP_OPENAT, Opcode.IORING_OP_CLOSE, Opcode.IORING_OP_SENDMSG,
                Opcode.IORING_OP_RECVMSG, Opcode.IORING_OP_SEND, Opcode.IORING_OP_RECV, Opcode.IORING_OP_SEND_ZC,
                Opcode.IORING_OP_SENDMSG_ZC, Opcode.IORING_OP_TIMEOUT, Opcode.IORING_OP_LINK_TIMEOUT,
                Opcode.IORING_OP_ASYNC_CANCEL};
            for (int op : ops) {
                assertTrue(p.isSupported(op), Opcode.name(op) + " in " + p);
            }
            assertFalse(p.isSupported(255));
            assertTrue(p.toString().contains("IORING_OP_SEND_ZC"));
        }
    }

    @Test
    void closeIsIdempotentAndUseAfterCloseIsAnError() throws Exception {
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
