package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How the ring enters the kernel: through a registered ring descriptor (IORING_REGISTER_RING_FDS) from
 * the thread that registered it, and, on SINGLE_ISSUER + DEFER_TASKRUN rings, with
 * IORING_ENTER_GETEVENTS only when completion work is pending (IORING_SETUP_TASKRUN_FLAG).
 */
@Timeout(30)
class RingEnterTest {
    private static final int GETEVENTS_REGISTERED = LibC.IORING_ENTER_GETEVENTS() | LibC.IORING_ENTER_REGISTERED_RING();

    @BeforeEach
    void uring() {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
    }

    @Test
    void theRegisteredDescriptorIsUsedByItsThreadAndUnregisteredAtClose() throws Exception {
        Fixtures.require("register/RING_FDS", IoUringFeatures.missingRegisteredRingFd());
        IoUring ring = IoUring.open(8);
        int index;
        try {
            index = ring.registerRingFd();
            assertTrue(index >= 0);
            assertEquals(index, ring.registeredRingFd());
            assertThrows(IllegalStateException.class, ring::registerRingFd);
            Fixtures.Recorder rec = new Fixtures.Recorder(16);
            for (int i = 0; i < 4; i++) {
                ring.prepNop(0, i);
            }
            Fixtures.await(ring, rec, 4);
            long registered = ring.registeredEnters();
            assertTrue(registered > 0 && registered == ring.enters(), "every enter of this thread used the index: "
                    + registered + " of " + ring.enters());
            // the index works for this thread's raw io_uring_enter as well
            assertEquals(0, Native.ioUringEnter(index, 0, 0, GETEVENTS_REGISTERED, MemorySegment.NULL, 0));
            // another thread has no such index in its task: the ring enters with the descriptor there
            AtomicReference<Throwable> failed = new AtomicReference<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    ring.prepNop(0, 9);
                    assertEquals(1, ring.submitAndWait(1));
                    ring.complete((res, flags, userData) -> assertEquals(9, userData));
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            t.join();
            assertEquals(null, failed.get());
            assertEquals(registered, ring.registeredEnters(), "the other thread used the descriptor");
            assertTrue(ring.enters() > registered);
        } finally {
            ring.close();
        }
        assertEquals(-1, ring.registeredRingFd());
        int r = Native.ioUringEnter(index, 0, 0, GETEVENTS_REGISTERED, MemorySegment.NULL, 0);
        assertTrue(r == -Errno.EBADF || r == -Errno.EINVAL, "the index is gone after close: " + Errno.describe(-r));
    }

    @Test
    void withTaskrunFlagPollingAnIdleDeferTaskrunRingMakesNoSystemCall() throws Exception {
        int flags = LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN()
                | LibC.IORING_SETUP_TASKRUN_FLAG();
        Fixtures.requireSetup(flags);
        Fixtures.requireOps(Opcode.IORING_OP_RECV);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open();
             IoUring ring = IoUring.builder().entries(4).singleIssuer().deferTaskrun().taskrunFlag().build()) {
            ring.prepRecv(tcp.server(), a.allocate(64), 0, 0, 5);
            ring.submit();
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            long before = ring.enters();
            for (int i = 0; i < 100; i++) {
                assertEquals(0, ring.complete(rec));
            }
            assertEquals(before, ring.enters(), "nothing pending: IORING_SQ_TASKRUN down, no io_uring_enter");
            assertEquals(7, Native.write(tcp.client(), Fixtures.pattern(a, 7, 1), 7));
            long deadline = System.nanoTime() + 5_000_000_000L;
            // only complete(), never a wait: the raised IORING_SQ_TASKRUN makes it run the deferred work
            while (rec.count == 0 && System.nanoTime() < deadline) {
                ring.complete(rec);
                Thread.onSpinWait();
            }
            assertEquals(7, rec.resultOf(5));
            assertTrue(ring.enters() > before, "the completion was posted by an io_uring_enter with GETEVENTS");
        }
    }

    @Test
    void withoutTaskrunFlagPollingADeferTaskrunRingEntersEachTime() throws Exception {
        Fixtures.requireSetup(LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN());
        Fixtures.requireOps(Opcode.IORING_OP_RECV);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open();
             IoUring ring = IoUring.builder().entries(4).singleIssuer().deferTaskrun().build()) {
            ring.prepRecv(tcp.server(), a.allocate(64), 0, 0, 5);
            ring.submit();
            long before = ring.enters();
            for (int i = 0; i < 100; i++) {
                assertEquals(0, ring.complete((res, f, u) -> { }));
            }
            // the kernel does not say whether work is pending, so complete() has to ask every time
            assertEquals(before + 100, ring.enters());
        }
    }

    @Test
    void taskrunFlagWithoutCoopOrDeferTaskrunIsRefusedByTheBuilder() {
        var e = assertThrows(IllegalArgumentException.class, () -> IoUring.builder().taskrunFlag().build());
        assertTrue(e.getMessage().contains("IORING_SETUP_TASKRUN_FLAG requires"), e.getMessage());
    }
}
