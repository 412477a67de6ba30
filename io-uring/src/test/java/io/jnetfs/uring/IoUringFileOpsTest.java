package io.jnetfs.uring;

import static io.jnetfs.uring.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Each file operation against real files in a temporary directory on the test machine's filesystem. */
@Timeout(60)
class IoUringFileOpsTest {
    @TempDir
    Path dir;

    @BeforeEach
    void uring() {
        Fixtures.requireUring();
    }

    private static byte[] bytes(MemorySegment m) {
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    @Test
    void writeThenReadBack() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_WRITE, Opcode.IORING_OP_READ);
        Path f = dir.resolve("rw");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            MemorySegment out = Fixtures.pattern(a, 10000, 3);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepWrite(fd, out, 0, 0, 1);
            await(ring, rec, 1);
            assertEquals(10000, rec.resultOf(1));
            MemorySegment in = a.allocate(10000);
            ring.prepRead(fd, in, 0, 0, 2);
            await(ring, rec, 2);
            assertEquals(10000, rec.resultOf(2));
            assertArrayEquals(bytes(out), bytes(in));
            assertArrayEquals(bytes(out), Files.readAllBytes(f));
            Fixtures.close(fd);
        }
    }

    @Test
    void writevThenReadvThreeSegments() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_READV);
        Path f = dir.resolve("vec");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            MemorySegment[] parts = {Fixtures.pattern(a, 100, 1), Fixtures.pattern(a, 8192, 2), Fixtures.pattern(a, 7, 3)};
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepWritev(fd, Fixtures.iovecs(a, parts), 3, 4096, 0, 10);
            await(ring, rec, 1);
            assertEquals(8299, rec.resultOf(10));
            MemorySegment[] back = {a.allocate(7), a.allocate(8192), a.allocate(100)};
            ring.prepReadv(fd, Fixtures.iovecs(a, back), 3, 4096, 0, 11);
            await(ring, rec, 2);
            assertEquals(8299, rec.resultOf(11));
            byte[] file = Files.readAllBytes(f);
            assertEquals(4096 + 8299, file.length);
            byte[] expected = new byte[8299];
            int at = 0;
            for (MemorySegment p : parts) {
                System.arraycopy(bytes(p), 0, expected, at, (int) p.byteSize());
                at += (int) p.byteSize();
            }
            byte[] got = new byte[8299];
            at = 0;
            for (MemorySegment b : back) {
                System.arraycopy(bytes(b), 0, got, at, (int) b.byteSize());
                at += (int) b.byteSize();
            }
            assertArrayEquals(expected, got);
            assertArrayEquals(expected, java.util.Arrays.copyOfRange(file, 4096, file.length));
            Fixtures.close(fd);
        }
    }

    @Test
    void shortReadsAtEndOfFile() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READ, Opcode.IORING_OP_READV);
        Path f = dir.resolve("short");
        Files.write(f, new byte[5000]);
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            MemorySegment buf = a.allocate(8192);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepRead(fd, buf, 4096, 0, 1);
            ring.prepRead(fd, buf, 5000, 0, 2);
            ring.prepReadv(fd, Fixtures.iovecs(a, a.allocate(4000), a.allocate(4000)), 2, 1000, 0, 3);
            ring.prepRead(fd, buf, 1 << 20, 0, 4);
            await(ring, rec, 4);
            assertEquals(904, rec.resultOf(1));
            assertEquals(0, rec.resultOf(2));
            assertEquals(4000, rec.resultOf(3));
            assertEquals(0, rec.resultOf(4));
            Fixtures.close(fd);
        }
    }

    @Test
    void readAtFilePositionWithOffsetMinusOne() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READ);
        Path f = dir.resolve("pos");
        Files.write(f, "0123456789".getBytes());
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            MemorySegment buf = a.allocate(4);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepRead(fd, buf, -1, 0, 1);
            await(ring, rec, 1);
            ring.prepRead(fd, buf, -1, 0, 2);
            await(ring, rec, 2);
            assertEquals("4567", new String(bytes(buf)));
            Fixtures.close(fd);
        }
    }

    @Test
    void linkedWriteThenFsyncCompleteInOrder() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_WRITE, Opcode.IORING_OP_FSYNC);
        Path f = dir.resolve("linked");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_WRONLY());
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepWrite(fd, Fixtures.pattern(a, 65536, 9), 0, SqeFlags.IOSQE_IO_LINK, 1);
            ring.prepFsync(fd, 0, 0, 2);
            await(ring, rec, 2);
            assertEquals(1, rec.userData[0]);
            assertEquals(65536, rec.res[0]);
            assertEquals(2, rec.userData[1]);
            assertEquals(0, rec.res[1]);
            assertEquals(65536, Files.size(f));

            // a failing head cancels the rest of the chain; a hard link does not
            ring.prepWrite(-1, a.allocate(16), 0, SqeFlags.IOSQE_IO_LINK, 3);
            ring.prepFsync(fd, LibC.IORING_FSYNC_DATASYNC(), 0, 4);
            ring.prepWrite(-1, a.allocate(16), 0, SqeFlags.IOSQE_IO_HARDLINK, 5);
            ring.prepFsync(fd, LibC.IORING_FSYNC_DATASYNC(), 0, 6);
            await(ring, rec, 6);
            assertEquals(-Errno.EBADF, rec.resultOf(3));
            assertEquals(-Errno.ECANCELED, rec.resultOf(4));
            assertEquals(-Errno.EBADF, rec.resultOf(5));
            assertEquals(0, rec.resultOf(6));
            Fixtures.close(fd);
        }
    }

    @Test
    void drainWaitsForEverythingBefore() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_WRITE, Opcode.IORING_OP_FSYNC);
        Path f = dir.resolve("drain");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(16)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            Fixtures.Recorder rec = new Fixtures.Recorder(16);
            for (int i = 0; i < 4; i++) {
                ring.prepWrite(fd, Fixtures.pattern(a, 4096, i), i * 4096L, SqeFlags.IOSQE_ASYNC, i);
            }
            ring.prepFsync(fd, 0, SqeFlags.IOSQE_IO_DRAIN, 100);
            await(ring, rec, 5);
            assertEquals(100, rec.userData[4], "the drained fsync completes last");
            assertEquals(16384, Files.size(f));
            Fixtures.close(fd);
        }
    }

    @Test
    void fallocateReservesSpace() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_FALLOCATE);
        Path f = dir.resolve("falloc");
        try (IoUring ring = IoUring.open(4)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            ring.prepFallocate(fd, 0, 0, 1 << 20, 0, 1);
            ring.prepFallocate(fd, LibC.FALLOC_FL_KEEP_SIZE(), 1 << 20, 1 << 20, 0, 2);
            await(ring, rec, 2);
            assertEquals(0, rec.resultOf(1));
            assertEquals(0, rec.resultOf(2));
            assertEquals(1 << 20, Files.size(f));
            Fixtures.close(fd);
        }
    }

    @Test
    void openatThenCloseThroughTheRing() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_OPENAT, Opcode.IORING_OP_CLOSE);
        Path f = dir.resolve("opened");
        Files.writeString(f, "hello");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(4)) {
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepOpenat(LibC.AT_FDCWD(), a.allocateFrom(f.toString()), LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0, 0, 1);
            ring.prepOpenat(LibC.AT_FDCWD(), a.allocateFrom(dir.resolve("missing").toString()), LibC.O_RDONLY(), 0, 0, 2);
            await(ring, rec, 2);
            int fd = rec.resultOf(1);
            assertTrue(fd >= 0, Errno.describe(fd));
            assertEquals(-Errno.ENOENT, rec.resultOf(2));
            MemorySegment buf = a.allocate(5);
            assertEquals(5, Native.pread(fd, buf, 5, 0));
            assertEquals("hello", new String(bytes(buf)));
            ring.prepClose(fd, 0, 3);
            await(ring, rec, 3);
            assertEquals(0, rec.resultOf(3));
            assertEquals(-Errno.EBADF, Native.fcntl(fd, LibC.F_GETFD(), 0));
        }
    }

    @Test
    void fixedBuffersAndFixedFiles() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READ, Opcode.IORING_OP_READ_FIXED, Opcode.IORING_OP_WRITE_FIXED);
        Path f = dir.resolve("fixed");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            MemorySegment pool = a.allocate(1 << 16, 4096);
            MemorySegment other = a.allocate(4096, 4096);
            ring.registerBuffers(pool, other);
            ring.registerFiles(-1, fd);
            assertEquals(2, ring.registeredBuffers());
            assertEquals(2, ring.registeredFiles());
            MemorySegment src = pool.asSlice(8192, 8192);
            MemorySegment.copy(Fixtures.pattern(a, 8192, 5), 0, src, 0, 8192);
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepWriteFixed(1, src, 0, 0, SqeFlags.IOSQE_FIXED_FILE, 1);
            await(ring, rec, 1);
            assertEquals(8192, rec.resultOf(1));
            MemorySegment dst = pool.asSlice(32768, 8192);
            ring.prepReadFixed(fd, dst, 0, 0, 0, 2);
            await(ring, rec, 2);
            assertEquals(8192, rec.resultOf(2));
            assertArrayEquals(bytes(src), bytes(dst));

            var e = assertThrows(IllegalArgumentException.class, () -> ring.prepReadFixed(fd, a.allocate(16), 0, 0, 0, 3));
            assertTrue(e.getMessage().startsWith("buf is not inside registered buffer 0"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class,
                    () -> ring.prepRead(2, dst, 0, SqeFlags.IOSQE_FIXED_FILE, 3));
            assertTrue(e.getMessage().contains("registered files: fd=2"), e.getMessage());

            // update: slot 1 now holds a new buffer, file slot 0 gets the descriptor too
            MemorySegment fresh = a.allocate(4096, 4096);
            ring.updateBuffers(1, fresh);
            assertEquals(1, ring.updateFiles(0, fd));
            ring.prepReadFixed(0, fresh, 0, 1, SqeFlags.IOSQE_FIXED_FILE, 4);
            await(ring, rec, 3);
            assertEquals(4096, rec.resultOf(4));
            assertArrayEquals(java.util.Arrays.copyOfRange(bytes(src), 0, 4096), bytes(fresh));

            ring.unregisterBuffers();
            ring.unregisterFiles();
            assertEquals(0, ring.registeredBuffers());
            assertEquals(0, ring.registeredFiles());
            Fixtures.close(fd);
        }
    }

    @Test
    void errorsComeBackAsNegativeErrnoAndNameTheOpcode() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READV, Opcode.IORING_OP_FSYNC);
        Path f = dir.resolve("err");
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.open(8)) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            int badFd = 1_000_000;
            MemorySegment iov = iovec.allocateArray(1025, a);
            for (int i = 0; i < 1025; i++) {
                iovec.iov_base(iovec.asSlice(iov, i), a.allocate(1));
                iovec.iov_len(iovec.asSlice(iov, i), 1);
            }
            Fixtures.Recorder rec = new Fixtures.Recorder(8);
            ring.prepReadv(badFd, Fixtures.iovecs(a, a.allocate(8)), 1, 0, 0,
                    UserData.encode(Opcode.IORING_OP_READV, badFd, 0));
            ring.prepReadv(fd, iov, 1025, 0, 0, UserData.encode(Opcode.IORING_OP_READV, fd, 1));
            ring.prepFsync(fd, ~LibC.IORING_FSYNC_DATASYNC(), 0, UserData.encode(Opcode.IORING_OP_FSYNC, fd, 2));
            await(ring, rec, 3);
            for (int i = 0; i < 3; i++) {
                long u = rec.userData[i];
                int expected = UserData.data(u) == 0 ? Errno.EBADF : Errno.EINVAL;
                assertEquals(-expected, rec.res[i], Opcode.name(UserData.op(u)));
                IoUringException e = new IoUringException(UserData.op(u), UserData.id(u), rec.res[i]);
                assertEquals(expected, e.errno());
                assertEquals(UserData.op(u), e.opcode());
            }
            IoUringException e = new IoUringException(Opcode.IORING_OP_READV, 7, -Errno.EBADF);
            assertEquals("IORING_OP_READV(fd=7) failed: EBADF (Bad file descriptor)", e.getMessage());
            e = new IoUringException(Opcode.IORING_OP_FSYNC, "fd=3, fsync_flags=0xfffffffe", -Errno.EINVAL);
            assertEquals("IORING_OP_FSYNC(fd=3, fsync_flags=0xfffffffe) failed: EINVAL (Invalid argument)", e.getMessage());
            Fixtures.close(fd);
        }
    }

    @Test
    void moreSqesThanTheRingHoldsAreAllSubmittedAndCompleted() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP, Opcode.IORING_OP_READ);
        Path f = dir.resolve("many");
        Files.write(f, new byte[4096]);
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.builder().entries(8).cqEntries(1024).build()) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            MemorySegment buf = a.allocate(4096);
            int n = 1000;
            for (int i = 0; i < n; i++) {
                if (i % 2 == 0) {
                    ring.prepNop(0, i);
                } else {
                    ring.prepRead(fd, buf, 0, 0, i);
                }
            }
            Fixtures.Recorder rec = new Fixtures.Recorder(n);
            await(ring, rec, n);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < n; i++) {
                assertTrue(seen.add(rec.userData[i]));
                assertEquals(rec.userData[i] % 2 == 0 ? 0 : 4096, rec.res[i]);
            }
            assertEquals(n, seen.size());
            assertEquals(0, ring.inFlight());
            Fixtures.close(fd);
        }
    }

    @Test
    void cqOverflowLosesNoCompletion() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        try (IoUring ring = IoUring.builder().entries(4).cqEntries(8).build()) {
            int n = 500;
            for (int i = 0; i < n; i++) {
                ring.prepNop(0, i);
            }
            ring.submit();
            // 500 completions posted into an 8-entry CQ: the kernel keeps the rest on its overflow list
            assertTrue((ring.ready()) <= 8);
            Fixtures.Recorder rec = new Fixtures.Recorder(n);
            assertEquals(n, ring.complete(rec));
            assertTrue(ring.overflowFlushes() > 0, "IORING_SQ_CQ_OVERFLOW was seen and flushed");
            boolean[] seen = new boolean[n];
            for (int i = 0; i < n; i++) {
                seen[(int) rec.userData[i]] = true;
            }
            for (int i = 0; i < n; i++) {
                assertTrue(seen[i], "completion " + i);
            }
            assertEquals(0, ring.inFlight());
            assertEquals(0, ring.strayCompletions());
        }
    }

    @Test
    void spilledCompletionsAfterEbusyAreDeliveredFirstAndInOrder() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        // the -EBUSY path of older kernels: CQEs are moved out of the ring to let the kernel flush
        try (IoUring ring = IoUring.builder().entries(4).cqEntries(8).build()) {
            for (int i = 0; i < 6; i++) {
                ring.prepNop(0, i);
            }
            ring.submit();
            assertEquals(6, ring.ready());
            ring.spillForTest();
            assertEquals(6, ring.ready());
            for (int i = 6; i < 9; i++) {
                ring.prepNop(0, i);
            }
            ring.submitAndWait(9);
            Fixtures.Recorder rec = new Fixtures.Recorder(16);
            assertEquals(9, ring.complete(rec));
            for (int i = 0; i < 9; i++) {
                assertEquals(i, rec.userData[i]);
            }
            assertEquals(1, ring.spills());
        }
    }

    @Test
    void linkChainThatDoesNotFitIsRefused() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_NOP);
        try (IoUring ring = IoUring.open(2)) {
            ring.prepNop(SqeFlags.IOSQE_IO_LINK, 1);
            ring.prepNop(SqeFlags.IOSQE_IO_LINK, 2);
            var e = assertThrows(IllegalStateException.class, () -> ring.prepNop(0, 3));
            assertTrue(e.getMessage().contains("link chain"), e.getMessage());
        }
    }
}
