package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
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
        // what UringFileIo and its BvecqUring prepare
        Fixtures.requireOps(Opcode.IORING_OP_READ, Opcode.IORING_OP_WRITE, Opcode.IORING_OP_READV,
                Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_FSYNC, Opcode.IORING_OP_FALLOCATE, Opcode.IORING_OP_SENDMSG,
                Opcode.IORING_OP_RECVMSG);
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

    @ParameterizedTest
    @MethodSource("kinds")
    void chainRangesToAFileAndBackIncludingEndOfFile(String kind) throws Exception {
        Path f = dir.resolve("chain");
        byte[] content = new byte[300 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 17 + (i >>> 10));
        }
        try (FileIo io = open(kind); FolioPool pool = new FolioPool(8 << 20);
             BvecqBuffer out = BvecqBuffer.allocate(pool, content.length, 16 * 1024);
             BvecqBuffer in = BvecqBuffer.allocate(pool, 400 * 1024, 64 * 1024); BvecqIter it = new BvecqIter()) {
            out.copyFrom(content, 0, 0, content.length);
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            // from a mid-entry offset: the range is gathered, not whole entries
            it.init(out, 1000, content.length - 1000);
            assertEquals(content.length - 1000, io.pwritev(fd, out, it, it.count(), 0));
            assertEquals(0, it.count());
            assertEquals(content.length - 1000, Files.size(f));
            // read more than the file holds: stops at end of file, iterator moved by what was read
            it.init(in, 3, 400 * 1024 - 3);
            assertEquals(content.length - 1000, io.preadv(fd, in, it, it.count(), 0));
            assertEquals(400 * 1024 - 3 - (content.length - 1000), it.count());
            byte[] back = new byte[content.length - 1000];
            in.copyTo(3, back, 0, back.length);
            assertArrayEquals(java.util.Arrays.copyOfRange(content, 1000, content.length), back);
            // a failing read names its call and keeps the iterator where it was
            it.init(in, 0, 4096);
            NativeIoException e = assertThrows(NativeIoException.class, () -> io.preadv(1_000_000, in, it, 4096, 0));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals(4096, it.count());
            Fixtures.close(fd);
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    void chainSendmsgAndRecvmsgOverLoopback(String kind) throws Exception {
        byte[] content = new byte[200 * 1024];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 5);
        }
        try (FileIo io = open(kind); FolioPool pool = new FolioPool(8 << 20);
             Fixtures.Loopback tcp = Fixtures.Loopback.open();
             BvecqBuffer out = BvecqBuffer.allocate(pool, content.length, 64 * 1024);
             BvecqBuffer in = BvecqBuffer.allocate(pool, content.length, 16 * 1024);
             BvecqIter wi = new BvecqIter(); BvecqIter ri = new BvecqIter()) {
            out.copyFrom(content, 0, 0, content.length);
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    wi.init(out, 0, content.length);
                    io.sendmsg(tcp.client(), out, wi, content.length, 0);
                } catch (java.io.IOException ex) {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            ri.init(in, 0, content.length);
            assertEquals(content.length, io.recvmsg(tcp.server(), in, ri, content.length, 0));
            sender.join();
            byte[] back = new byte[content.length];
            in.copyTo(0, back, 0, back.length);
            assertArrayEquals(content, back);
            // end of stream: fewer bytes than asked
            Native.shutdown(tcp.client(), LibC.SHUT_WR());
            ri.init(in, 0, 1000);
            assertEquals(0, io.recvmsg(tcp.server(), in, ri, 1000, 0));
            assertEquals(1000, ri.count());
        }
    }

    @ParameterizedTest
    @MethodSource("kinds")
    @Timeout(20)
    void aBlockedReceiveDoesNotHoldUpASendOnAnotherThread(String kind) throws Exception {
        try (FileIo io = open(kind); Arena a = Arena.ofShared(); Fixtures.Loopback tcp = Fixtures.Loopback.open()) {
            MemorySegment in = a.allocate(5);
            java.util.concurrent.CompletableFuture<Long> received = new java.util.concurrent.CompletableFuture<>();
            Thread receiver = Thread.ofPlatform().start(() -> {
                try {
                    received.complete(io.recvmsg(tcp.server(), Fixtures.msghdr(a, Fixtures.iovecs(a, in), 1),
                            LibC.MSG_WAITALL()));
                } catch (Throwable t) {
                    received.completeExceptionally(t);
                }
            });
            Thread.sleep(100); // let the receive block first
            MemorySegment out = Fixtures.pattern(a, 5, 3);
            assertEquals(5, io.sendmsg(tcp.client(), Fixtures.msghdr(a, Fixtures.iovecs(a, out), 1), 0));
            assertEquals(5L, received.get(10, java.util.concurrent.TimeUnit.SECONDS));
            receiver.join();
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
