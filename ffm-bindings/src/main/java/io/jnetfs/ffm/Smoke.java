package io.jnetfs.ffm;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A smoke run of the bindings against the running kernel: a gathering {@code writev} of three native
 * iovecs to a temporary file, a {@code preadv2} back, and the error path of a bad descriptor.
 * {@code make demo} runs it until the jnetfs command exists.
 */
public final class Smoke {
    private Smoke() {
    }

    /**
     * @param args ignored
     * @throws IOException if a call that should succeed fails
     */
    public static void main(String[] args) throws IOException {
        Path dir = Files.createTempDirectory("jnetfs-smoke");
        Path file = dir.resolve("smoke.bin");
        try (Arena arena = Arena.ofConfined()) {
            int n = 3;
            long size = 1 << 20;
            MemorySegment iov = iovec.allocateArray(n, arena);
            for (int i = 0; i < n; i++) {
                MemorySegment buf = arena.allocate(size, 4096).fill((byte) ('a' + i));
                iovec.iov_base(iovec.asSlice(iov, i), buf);
                iovec.iov_len(iovec.asSlice(iov, i), size);
            }
            String path = file.toString();
            int fd = Native.open(arena.allocateFrom(path), LibC.O_CREAT() | LibC.O_RDWR() | LibC.O_TRUNC(), 0600);
            if (fd < 0) {
                throw Errors.pathException("open(path=" + path + ")", path, -fd);
            }
            long t0 = System.nanoTime();
            long w = Errors.check(Native.writev(fd, iov, n), "writev(fd=" + fd + ", iovcnt=" + n + ")");
            long t1 = System.nanoTime();
            long r = Errors.check(Native.preadv2(fd, iov, n, 0, 0), "preadv2(fd=" + fd + ", iovcnt=" + n + ")");
            long t2 = System.nanoTime();
            Native.close(fd);
            System.out.printf("writev  %d iovecs, %d bytes to %s in %.1f us%n", n, w, path, (t1 - t0) / 1e3);
            System.out.printf("preadv2 %d iovecs, %d bytes back in %.1f us%n", n, r, (t2 - t1) / 1e3);

            long bad = Native.writev(1_000_000, iov, n);
            System.out.println("bad fd  -> " + Errors.ioException("writev(fd=1000000, iovcnt=" + n + ")", (int) -bad)
                    .getMessage());
            System.out.println("io_uring syscalls: setup=" + Native.NR_IO_URING_SETUP + " enter="
                    + Native.NR_IO_URING_ENTER + " register=" + Native.NR_IO_URING_REGISTER);
        } finally {
            Files.deleteIfExists(file);
            Files.deleteIfExists(dir);
        }
    }
}
