package io.jnetfs.uring;

import static io.jnetfs.uring.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * IORING_OP_URING_CMD on 128-byte SQEs (IORING_SETUP_SQE128), the ring side of FUSE over io_uring,
 * tried with the commands a plain socket carries out ({@code SOCKET_URING_OP_SIOCINQ/SIOCOUTQ}).
 */
@Timeout(30)
class UringCmdTest {

    @BeforeEach
    void uring() {
        Fixtures.requireSetup(LibC.IORING_SETUP_SQE128());
        Fixtures.requireOps(Opcode.IORING_OP_URING_CMD);
    }

    @Test
    void siocinqAndSiocoutqOnALoopbackSocketThroughAnSqe128Ring() throws Exception {
        Fixtures.require("op/URING_CMD/SOCKET", IoUringFeatures.missingSocketUringCmd());
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open();
             IoUring ring = IoUring.builder().entries(4).sqe128().build()) {
            assertTrue((ring.setupFlags() & LibC.IORING_SETUP_SQE128()) != 0);
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepUringCmd(tcp.server(), LibC.SOCKET_URING_OP_SIOCINQ(), null, 0, 1);
            await(ring, rec, 1);
            assertEquals(0, rec.resultOf(1), "nothing queued yet");
            assertEquals(123, Native.write(tcp.client(), Fixtures.pattern(a, 123, 5), 123));
            // the loopback delivers at once; allow the receiver a moment all the same
            long deadline = System.nanoTime() + 5_000_000_000L;
            int queued;
            int round = 0;
            do {
                round++;
                ring.prepUringCmd(tcp.server(), LibC.SOCKET_URING_OP_SIOCINQ(), null, 0, 10 + round);
                await(ring, rec, rec.count + 1);
                queued = rec.resultOf(10 + round);
            } while (queued < 123 && System.nanoTime() < deadline);
            assertEquals(123, queued, "SIOCINQ: bytes queued for reading");
            ring.prepUringCmd(tcp.client(), LibC.SOCKET_URING_OP_SIOCOUTQ(), null, 0, 2);
            await(ring, rec, rec.count + 1);
            int unsent = rec.resultOf(2);
            assertTrue(unsent >= 0 && unsent <= 123, "SIOCOUTQ: bytes not yet acknowledged: " + unsent);
        }
    }

    @Test
    void theCommandBytesFillTheSqesCommandAreaAndTheRestIsZeroed() throws Exception {
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.builder().entries(4).sqe128().build()) {
            MemorySegment cmd = a.allocate(80);
            for (int i = 0; i < 80; i++) {
                cmd.set(ValueLayout.JAVA_BYTE, i, (byte) (0xA0 + i));
            }
            ring.prepUringCmd(-1, 0x12345678, cmd, 0, 1); // fd -1: EBADF when close() submits it
            MemorySegment sqe = ring.lastSqeForTest();
            assertEquals(128, sqe.byteSize());
            assertEquals(Opcode.IORING_OP_URING_CMD, sqe.get(ValueLayout.JAVA_BYTE, 0) & 0xFF);
            assertEquals(-1, sqe.get(ValueLayout.JAVA_INT, 4), "fd");
            assertEquals(0x12345678, sqe.get(ValueLayout.JAVA_INT, 8), "cmd_op");
            for (int i = 0; i < 80; i++) {
                assertEquals((byte) (0xA0 + i), sqe.get(ValueLayout.JAVA_BYTE, 48 + i), "cmd[" + i + "]");
            }
            // a shorter command on the next SQE: its area is zeroed past the command, not left over
            ring.prepUringCmd(-1, 1, cmd.asSlice(0, 24), 0, 2);
            MemorySegment next = ring.lastSqeForTest();
            for (int i = 0; i < 80; i++) {
                assertEquals(i < 24 ? (byte) (0xA0 + i) : 0, next.get(ValueLayout.JAVA_BYTE, 48 + i), "cmd[" + i + "]");
            }
        }
    }

    @Test
    void aCommandTooLongForA64ByteSqeNamesSqe128() throws Exception {
        try (Arena a = Arena.ofConfined(); IoUring plain = IoUring.open(4);
             IoUring big = IoUring.builder().entries(4).sqe128().build()) {
            var e = assertThrows(IllegalArgumentException.class, () -> plain.prepUringCmd(0, 0, a.allocate(24), 0, 1));
            assertTrue(e.getMessage().contains("16-byte command area of a 64-byte SQE")
                    && e.getMessage().contains("IORING_SETUP_SQE128"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> big.prepUringCmd(0, 0, a.allocate(81), 0, 1));
            assertTrue(e.getMessage().contains("80-byte command area of a 128-byte SQE"), e.getMessage());
            assertEquals(0, plain.inFlight());
            assertEquals(0, big.inFlight());
        }
    }
}
