package io.jnetfs.uring;

import static io.jnetfs.uring.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bytes that never enter user space: SPLICE from a real file through a pipe to a loopback socket and
 * back, and SEND_ZC from a registered buffer with its notification.
 */
@Timeout(60)
class IoUringZeroCopyTest {
    private static final int CHUNK = 64 * 1024;

    @TempDir
    Path dir;

    @BeforeEach
    void uring() {
        Fixtures.requireUring();
    }

    /** A pipe: read end, write end. */
    private static int[] pipe(Arena a) {
        MemorySegment fds = a.allocate(8);
        assertEquals(0, Native.pipe2(fds, LibC.O_CLOEXEC()));
        return new int[] {fds.get(ValueLayout.JAVA_INT, 0), fds.get(ValueLayout.JAVA_INT, 4)};
    }

    /** Reads exactly {@code n} bytes with plain read(2). */
    private static byte[] readFully(int fd, int n, Arena a) {
        MemorySegment m = a.allocate(n);
        int got = 0;
        while (got < n) {
            long r = Native.read(fd, m.asSlice(got), n - got);
            assertTrue(r > 0, "read: " + (r == 0 ? "end of stream" : Errno.describe((int) -r)));
            got += (int) r;
        }
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void spliceMovesAFileToASocketThroughAPipe() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SPLICE);
        byte[] content = new byte[4 * CHUNK + 1234];
        new Random(11).nextBytes(content);
        Path f = dir.resolve("payload");
        Files.write(f, content);
        int fd = Fixtures.open(f, LibC.O_RDONLY());
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            int[] p = pipe(a);
            Fixtures.Recorder rec = new Fixtures.Recorder(64);
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            long off = 0;
            int n = 0;
            while (off < content.length) {
                int len = (int) Math.min(CHUNK, content.length - off);
                // file -> pipe, then (linked: only after it succeeded) pipe -> socket
                ring.prepSplice(fd, off, p[1], -1, len, 0, SqeFlags.IOSQE_IO_LINK, 2L * n);
                ring.prepSplice(p[0], -1, tcp.client(), -1, len, LibC.SPLICE_F_MORE(), 0, 2L * n + 1);
                await(ring, rec, rec.count + 2);
                assertEquals(len, rec.resultOf(2L * n), "file -> pipe");
                assertEquals(len, rec.resultOf(2L * n + 1), "pipe -> socket");
                got.write(readFully(tcp.server(), len, a));
                off += len;
                n++;
            }
            assertArrayEquals(content, got.toByteArray());
            // at the end of the file the splice moves nothing
            ring.prepSplice(fd, content.length, p[1], -1, CHUNK, 0, 0, 1000);
            await(ring, rec, rec.count + 1);
            assertEquals(0, rec.resultOf(1000));
            Native.close(p[0]);
            Native.close(p[1]);
        } finally {
            Fixtures.close(fd);
        }
    }

    @Test
    void spliceMovesASocketIntoAFileThroughAPipe() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SPLICE);
        byte[] content = new byte[CHUNK];
        new Random(12).nextBytes(content);
        Path f = dir.resolve("landed");
        int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            int[] p = pipe(a);
            MemorySegment out = a.allocate(content.length);
            MemorySegment.copy(content, 0, out, ValueLayout.JAVA_BYTE, 0, content.length);
            assertEquals(content.length, Native.write(tcp.client(), out, content.length));
            Fixtures.Recorder rec = new Fixtures.Recorder(64);
            int landed = 0;
            for (int i = 0; landed < content.length; i++) {
                // socket -> pipe (what has arrived, up to the rest), then pipe -> file at its offset
                ring.prepSplice(tcp.server(), -1, p[1], -1, content.length - landed, 0, 0, 2L * i);
                await(ring, rec, rec.count + 1);
                int moved = rec.resultOf(2L * i);
                assertTrue(moved > 0, "socket -> pipe: " + Errno.describe(-moved));
                ring.prepSplice(p[0], -1, fd, landed, moved, 0, 0, 2L * i + 1);
                await(ring, rec, rec.count + 1);
                assertEquals(moved, rec.resultOf(2L * i + 1), "pipe -> file");
                landed += moved;
            }
            assertArrayEquals(content, Files.readAllBytes(f));
            Native.close(p[0]);
            Native.close(p[1]);
        } finally {
            Fixtures.close(fd);
        }
    }

    @Test
    void sendZcFromARegisteredBufferCompletesThenNotifies() throws Exception {
        // SEND_ZC took IORING_RECVSEND_FIXED_BUF from its first release (Linux 6.0)
        Fixtures.requireOps(Opcode.IORING_OP_SEND_ZC, Opcode.IORING_OP_RECV);
        try (Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open(); IoUring ring = IoUring.open(8)) {
            MemorySegment region = Fixtures.pattern(a, 4 * CHUNK, 9);
            ring.registerBuffers(region);
            MemorySegment out = region.asSlice(CHUNK, CHUNK);
            MemorySegment in = a.allocate(CHUNK);
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepRecv(tcp.server(), in, LibC.MSG_WAITALL(), 0, 2);
            ring.prepSendZcFixed(tcp.client(), out, 0, 0, 0, 0, 1);
            await(ring, rec, 3);
            int[] ones = IntStream.range(0, rec.count).filter(i -> rec.userData[i] == 1).toArray();
            assertEquals(2, ones.length, "SEND_ZC completes twice");
            assertEquals(CHUNK, rec.res[ones[0]]);
            assertTrue((rec.flags[ones[0]] & LibC.IORING_CQE_F_MORE()) != 0, "the result carries IORING_CQE_F_MORE");
            assertTrue((rec.flags[ones[1]] & LibC.IORING_CQE_F_NOTIF()) != 0, "then IORING_CQE_F_NOTIF");
            assertEquals(CHUNK, rec.resultOf(2));
            assertArrayEquals(out.toArray(ValueLayout.JAVA_BYTE), in.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, ring.inFlight());
        }
    }

    @Test
    void aSendZcFixedOutsideItsRegisteredBufferIsRefused() throws Exception {
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(4)) {
            MemorySegment region = a.allocate(8192, 4096);
            ring.registerBuffers(region);
            var e = assertThrows(IllegalArgumentException.class,
                    () -> ring.prepSendZcFixed(0, a.allocate(16), 0, 0, 0, 0, 1));
            assertTrue(e.getMessage().contains("not inside registered buffer 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ring.prepSendZcFixed(0, region.asSlice(0, 16), 1, 0, 0, 0, 1));
            assertTrue(e.getMessage().contains("bufIndex=1"), e.getMessage());
            assertEquals(0, ring.inFlight());
        }
    }
}
