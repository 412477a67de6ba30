package io.jnetfs.uring;

import static io.jnetfs.uring.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Socket operations, timeouts, cancellation and lifetime, over real loopback TCP connections. */
@Timeout(60)
class IoUringSocketOpsTest {

    @BeforeEach
    void uring() {
        Fixtures.requireUring();
    }

    private static byte[] bytes(MemorySegment m) {
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void sendmsgAndRecvmsgOverLoopbackTcp() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SENDMSG, Opcode.IORING_OP_RECVMSG);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            MemorySegment[] out = {Fixtures.pattern(a, 300, 1), Fixtures.pattern(a, 5000, 2)};
            MemorySegment in = a.allocate(5300);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepRecvmsg(tcp.server(), Fixtures.msghdr(a, Fixtures.iovecs(a, in), 1), LibC.MSG_WAITALL(), 0, 2);
            ring.prepSendmsg(tcp.client(), Fixtures.msghdr(a, Fixtures.iovecs(a, out), 2), 0, 0, 1);
            await(ring, rec, 2);
            assertEquals(5300, rec.resultOf(1));
            assertEquals(5300, rec.resultOf(2));
            assertArrayEquals(bytes(out[0]), bytes(in.asSlice(0, 300)));
            assertArrayEquals(bytes(out[1]), bytes(in.asSlice(300)));
        }
    }

    @Test
    void sendAndRecvOverLoopbackTcp() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SEND, Opcode.IORING_OP_RECV);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            MemorySegment out = Fixtures.pattern(a, 1000, 7);
            MemorySegment in = a.allocate(1000);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepRecv(tcp.server(), in, LibC.MSG_WAITALL(), 0, 2);
            ring.prepSend(tcp.client(), out, 0, 0, 1);
            await(ring, rec, 2);
            assertEquals(1000, rec.resultOf(1));
            assertEquals(1000, rec.resultOf(2));
            assertArrayEquals(bytes(out), bytes(in));

            // end of stream: recv completes with 0
            Native.shutdown(tcp.client(), LibC.SHUT_WR());
            ring.prepRecv(tcp.server(), in, 0, 0, 3);
            await(ring, rec, 3);
            assertEquals(0, rec.resultOf(3));
        }
    }

    @Test
    void sendZcCompletesTwiceResultThenNotification() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SEND_ZC, Opcode.IORING_OP_RECV);
        Fixtures.require("op/SEND_ZC/REPORT_USAGE", IoUringFeatures.missingSendZcReportUsage());
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            MemorySegment out = Fixtures.pattern(a, 64 * 1024, 3);
            MemorySegment in = a.allocate(64 * 1024);
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepRecv(tcp.server(), in, LibC.MSG_WAITALL(), 0, 2);
            ring.prepSendZc(tcp.client(), out, 0, LibC.IORING_SEND_ZC_REPORT_USAGE(), 0, 1);
            await(ring, rec, 3);
            assertEquals(0, ring.inFlight());
            int first = rec.indexOf(1);
            int[] ones = java.util.stream.IntStream.range(0, rec.count).filter(i -> rec.userData[i] == 1).toArray();
            assertEquals(2, ones.length, "SEND_ZC completes twice");
            assertEquals(first, ones[0]);
            assertEquals(64 * 1024, rec.res[ones[0]]);
            assertTrue((rec.flags[ones[0]] & LibC.IORING_CQE_F_MORE()) != 0, "result carries IORING_CQE_F_MORE");
            assertTrue((rec.flags[ones[1]] & LibC.IORING_CQE_F_NOTIF()) != 0, "then IORING_CQE_F_NOTIF");
            assertEquals(0, rec.flags[ones[1]] & LibC.IORING_CQE_F_MORE());
            // with REPORT_USAGE the notification says whether the kernel copied after all (loopback does)
            assertEquals(0, rec.res[ones[1]] & ~LibC.IORING_NOTIF_USAGE_ZC_COPIED());
            assertEquals(64 * 1024, rec.resultOf(2));
            assertArrayEquals(bytes(out), bytes(in));
        }
    }

    @Test
    void sendmsgZcCompletesTwice() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SENDMSG_ZC, Opcode.IORING_OP_RECV);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            MemorySegment out = Fixtures.pattern(a, 8192, 4);
            MemorySegment in = a.allocate(8192);
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepRecv(tcp.server(), in, LibC.MSG_WAITALL(), 0, 2);
            ring.prepSendmsgZc(tcp.client(), Fixtures.msghdr(a, Fixtures.iovecs(a, out), 1), 0, 0, 1);
            await(ring, rec, 3);
            int[] ones = java.util.stream.IntStream.range(0, rec.count).filter(i -> rec.userData[i] == 1).toArray();
            assertEquals(2, ones.length);
            assertEquals(8192, rec.res[ones[0]]);
            assertTrue((rec.flags[ones[0]] & LibC.IORING_CQE_F_MORE()) != 0);
            assertTrue((rec.flags[ones[1]] & LibC.IORING_CQE_F_NOTIF()) != 0);
            assertArrayEquals(bytes(out), bytes(in));
        }
    }

    @Test
    void timeoutFiresWithEtimeOrEndsOnCount() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_TIMEOUT, Opcode.IORING_OP_NOP);
        try (IoUring ring = IoUring.open(8)) {
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            long t0 = System.nanoTime();
            ring.prepTimeout(30_000_000L, 0, 0, 0, 1);
            await(ring, rec, 1);
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(-Errno.ETIME, rec.resultOf(1));
            assertTrue(ms >= 25, "fired after " + ms + " ms");

            // a count of 2: two NOPs end it before its 10 s
            ring.prepTimeout(10_000_000_000L, 2, 0, 0, 2);
            ring.prepNop(0, 3);
            ring.prepNop(0, 4);
            await(ring, rec, 4);
            assertEquals(0, rec.resultOf(2));
        }
    }

    @Test
    void linkTimeoutCancelsARecvThatNeverCompletes() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECV, Opcode.IORING_OP_LINK_TIMEOUT);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepRecv(tcp.server(), a.allocate(100), 0, SqeFlags.IOSQE_IO_LINK, 1);
            ring.prepLinkTimeout(20_000_000L, 0, 0, 2);
            await(ring, rec, 2);
            int recv = rec.resultOf(1);
            assertTrue(recv == -Errno.ECANCELED || recv == -Errno.EINTR, Errno.describe(recv));
            assertEquals(-Errno.ETIME, rec.resultOf(2));

            // and a recv that completes in time cancels its link timeout instead
            MemorySegment one = Fixtures.pattern(a, 1, 0);
            assertEquals(1, Native.write(tcp.client(), one, 1));
            ring.prepRecv(tcp.server(), a.allocate(100), 0, SqeFlags.IOSQE_IO_LINK, 3);
            ring.prepLinkTimeout(5_000_000_000L, 0, 0, 4);
            await(ring, rec, 4);
            assertEquals(1, rec.resultOf(3));
            assertEquals(-Errno.ECANCELED, rec.resultOf(4));
        }
    }

    @Test
    void asyncCancelOfAPendingRecv() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECV, Opcode.IORING_OP_ASYNC_CANCEL);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            long token = ring.prepRecv(tcp.server(), a.allocate(100), 0, 0, 1);
            ring.submit();
            assertEquals(0, ring.submitAndWait(1, 20, TimeUnit.MILLISECONDS), "recv pending");
            ring.prepCancel(token, 0, 0, 2);
            await(ring, rec, 2);
            assertEquals(-Errno.ECANCELED, rec.resultOf(1));
            assertEquals(0, rec.resultOf(2));
            // the token is stale now: a second cancel finds nothing
            ring.prepCancel(token, 0, 0, 3);
            await(ring, rec, 3);
            assertEquals(-Errno.ENOENT, rec.resultOf(3));
        }
    }

    @Test
    void closingARingCancelsWhatIsInFlightAndWaitsForIt() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECV, Opcode.IORING_OP_TIMEOUT, Opcode.IORING_OP_ASYNC_CANCEL);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open()) {
            IoUring ring = IoUring.builder().entries(8).closeTimeout(Duration.ofSeconds(5)).build();
            for (int i = 0; i < 5; i++) {
                ring.prepRecv(tcp.server(), a.allocate(100), 0, 0, i);
            }
            ring.prepTimeout(60_000_000_000L, 0, 0, 0, 9);
            ring.submit();
            assertEquals(6, ring.inFlight());
            long t0 = System.nanoTime();
            ring.close();
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(0, ring.inFlight(), "every operation completed before close returned");
            assertTrue(ms < 2000, "close took " + ms + " ms");
            // the socket is untouched: data sent now is still there for a plain read
            assertEquals(3, Native.write(tcp.client(), Fixtures.pattern(a, 3, 1), 3));
            MemorySegment got = a.allocate(3);
            assertEquals(3, Native.read(tcp.server(), got, 3));
        }
    }

    @Test
    void memoryOfAnInFlightSqeStaysReachableUntilItsCompletion() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECV);
        try (Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            WeakReference<MemorySegment> ref = prepRecvIntoGarbage(ring, tcp.server());
            ring.submit();
            for (int i = 0; i < 3; i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertNotNull(ref.get(), "the recv buffer is still referenced by the ring");
            try (Arena a = Arena.ofConfined()) {
                assertEquals(4, Native.write(tcp.client(), Fixtures.pattern(a, 4, 1), 4));
            }
            Fixtures.Recorder rec = new Fixtures.Recorder(2);
            await(ring, rec, 1);
            assertEquals(4, rec.resultOf(5));
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (ref.get() != null && System.nanoTime() < deadline) {
                System.gc();
                Thread.sleep(10);
            }
            assertEquals(null, ref.get(), "released after the completion");
        }
    }

    private static WeakReference<MemorySegment> prepRecvIntoGarbage(IoUring ring, int fd) {
        MemorySegment buf = Arena.ofAuto().allocate(64);
        ring.prepRecv(fd, buf, 0, 0, 5);
        return new WeakReference<>(buf);
    }
}
