package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The same tests over both {@link FileIo} implementations (io_uring and the blocking fallback), on
 * real files and loopback sockets: they must give the same results.
 */
@Timeout(60)
class FileIoTest {
    @TempDir
    Path dir;

    static Stream<String> kinds() {
        return Stream.of("io_uring", "blocking");
    }

    private static FileIo open(String kind) throws Exception {
        if (kind.equals("blocking")) {
            return FileIo.blocking();
        }
        assumeTrue(IoUring.isAvailable(), IoUring::unavailableReason);
        return FileIo.uring(8);
    }

    private static byte[] bytes(MemorySegment m) {
        return m.toArray(ValueLayout.JAVA_BYTE);
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void positionalWritesAndReadsIncludingShortReadsAtEof(String kind) throws Exception {
        Path f = dir.resolve("data");
        try (FileIo io = open(kind); Arena a = Arena.ofConfined()) {
            assertEquals(kind, io.kind());
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            MemorySegment out = Fixtures.pattern(a, 5000, 11);
            assertEquals(5000, io.pwrite(fd, out, 0));
            MemorySegment in = a.allocate(8192);
            assertEquals(5000, io.pread(fd, in, 0));
            assertArrayEquals(bytes(out), bytes(in.asSlice(0, 5000)));
            assertEquals(904, io.pread(fd, in, 4096));
            assertEquals(0, io.pread(fd, in, 5000));
            assertEquals(0, io.pread(fd, in, 1 << 30));

            MemorySegment[] parts = {Fixtures.pattern(a, 10, 1), Fixtures.pattern(a, 20, 2)};
            assertEquals(30, io.pwritev(fd, Fixtures.iovecs(a, parts), 2, 5000));
            MemorySegment[] back = {a.allocate(15), a.allocate(15)};
            assertEquals(30, io.preadv(fd, Fixtures.iovecs(a, back), 2, 5000));
            byte[] joined = new byte[30];
            System.arraycopy(bytes(back[0]), 0, joined, 0, 15);
            System.arraycopy(bytes(back[1]), 0, joined, 15, 15);
            byte[] expected = new byte[30];
            System.arraycopy(bytes(parts[0]), 0, expected, 0, 10);
            System.arraycopy(bytes(parts[1]), 0, expected, 10, 20);
            assertArrayEquals(expected, joined);
            assertEquals(5030, Files.size(f));
            Fixtures.close(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void syncsAndFallocate(String kind) throws Exception {
        Path f = dir.resolve("sync");
        try (FileIo io = open(kind); Arena a = Arena.ofConfined()) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            assertEquals(4096, io.pwriteSync(fd, Fixtures.pattern(a, 4096, 5), 0, false));
            assertEquals(4096, io.pwriteSync(fd, Fixtures.pattern(a, 4096, 6), 4096, true));
            io.fsync(fd, false);
            io.fsync(fd, true);
            io.fallocate(fd, 0, 0, 1 << 20);
            assertEquals(1 << 20, Files.size(f));
            byte[] file = Files.readAllBytes(f);
            assertArrayEquals(bytes(Fixtures.pattern(a, 4096, 6)), java.util.Arrays.copyOfRange(file, 4096, 8192));
            Fixtures.close(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void batchReadsReportPerEntry(String kind) throws Exception {
        Path f = dir.resolve("batch");
        byte[] content = new byte[100_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 13);
        }
        Files.write(f, content);
        try (FileIo io = open(kind); Arena a = Arena.ofConfined()) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            int n = 40;
            MemorySegment[] bufs = new MemorySegment[n];
            long[] offsets = new long[n];
            long[] results = new long[n];
            for (int i = 0; i < n; i++) {
                bufs[i] = a.allocate(4096);
                offsets[i] = i * 2500L;
            }
            assertEquals(0, io.preadBatch(fd, bufs, offsets, results, n));
            for (int i = 0; i < n; i++) {
                long expect = Math.max(0, Math.min(4096, content.length - offsets[i]));
                assertEquals(expect, results[i], "entry " + i);
                assertArrayEquals(java.util.Arrays.copyOfRange(content, (int) offsets[i], (int) (offsets[i] + expect)),
                        bytes(bufs[i].asSlice(0, expect)));
            }
            assertEquals(n, io.preadBatch(-1, bufs, offsets, results, n));
            for (long r : results) {
                assertEquals(-Errno.EBADF, r);
            }
            Fixtures.close(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void failuresCarryTheSameErrno(String kind) throws Exception {
        Path f = dir.resolve("ro");
        Files.write(f, new byte[10]);
        try (FileIo io = open(kind); Arena a = Arena.ofConfined()) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            NativeIoException e = assertThrows(NativeIoException.class, () -> io.pwrite(fd, a.allocate(4), 0));
            assertEquals(Errno.EBADF, e.errno());
            e = assertThrows(NativeIoException.class, () -> io.pread(1_000_000, a.allocate(4), 0));
            assertEquals(Errno.EBADF, e.errno());
            e = assertThrows(NativeIoException.class, () -> io.fallocate(fd, 0, -1, 10));
            assertEquals(Errno.EINVAL, e.errno());
            if (kind.equals("io_uring")) {
                assertInstanceOf(IoUringException.class, e);
                assertTrue(e.getMessage().startsWith("IORING_OP_FALLOCATE(fd=" + fd), e.getMessage());
            } else {
                assertTrue(e.getMessage().startsWith("fallocate(fd=" + fd), e.getMessage());
            }
            Fixtures.close(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void sendmsgAndRecvmsgOverLoopback(String kind) throws Exception {
        try (FileIo io = open(kind); Arena a = Arena.ofConfined(); Fixtures.Loopback tcp = Fixtures.Loopback.open()) {
            MemorySegment out = Fixtures.pattern(a, 3000, 9);
            assertEquals(3000, io.sendmsg(tcp.client(), Fixtures.msghdr(a, Fixtures.iovecs(a, out), 1), 0));
            MemorySegment in = a.allocate(3000);
            assertEquals(3000, io.recvmsg(tcp.server(), Fixtures.msghdr(a, Fixtures.iovecs(a, in), 1), LibC.MSG_WAITALL()));
            assertArrayEquals(bytes(out), bytes(in));
        }
    }

    @Test
    void openPicksIoUringWhereAvailable() throws Exception {
        try (FileIo io = FileIo.open()) {
            assertEquals(IoUring.isAvailable() ? "io_uring" : "blocking", io.kind());
        }
    }
}
