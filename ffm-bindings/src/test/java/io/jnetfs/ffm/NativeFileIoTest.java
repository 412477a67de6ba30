package io.jnetfs.ffm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** System calls on real files on the test machine's filesystem. */
class NativeFileIoTest {

    @Test
    void writevOfThreeNativeIovecsReachesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("writev.bin");
        byte[][] parts = {"header:".getBytes(StandardCharsets.US_ASCII), new byte[8192], "trailer".getBytes(StandardCharsets.US_ASCII)};
        for (int i = 0; i < parts[1].length; i++) {
            parts[1][i] = (byte) (i * 31 + 7);
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = iovec.allocateArray(3, arena);
            long total = 0;
            for (int i = 0; i < 3; i++) {
                MemorySegment buf = arena.allocate(parts[i].length, 4096);
                MemorySegment.copy(parts[i], 0, buf, ValueLayout.JAVA_BYTE, 0, parts[i].length);
                MemorySegment e = iovec.asSlice(iov, i);
                iovec.iov_base(e, buf);
                iovec.iov_len(e, parts[i].length);
                total += parts[i].length;
            }
            int fd = Native.open(arena.allocateFrom(file.toString()), LibC.O_CREAT() | LibC.O_WRONLY() | LibC.O_TRUNC(), 0644);
            assertTrue(fd >= 0, "open: " + Errno.describe(fd));
            try {
                assertEquals(total, Native.writev(fd, iov, 3));
                assertEquals(0, Native.fsync(fd));
            } finally {
                assertEquals(0, Native.close(fd));
            }

            byte[] expected = new byte[(int) total];
            int at = 0;
            for (byte[] p : parts) {
                System.arraycopy(p, 0, expected, at, p.length);
                at += p.length;
            }
            assertArrayEquals(expected, Files.readAllBytes(file));

            // and back through preadv2 at an offset into one native buffer
            int rfd = Native.open(arena.allocateFrom(file.toString()), LibC.O_RDONLY(), 0);
            MemorySegment back = arena.allocate(8192, 4096);
            MemorySegment riov = iovec.allocate(arena);
            iovec.iov_base(riov, back);
            iovec.iov_len(riov, 8192);
            assertEquals(8192, Native.preadv2(rfd, riov, 1, parts[0].length, 0));
            assertArrayEquals(parts[1], back.toArray(ValueLayout.JAVA_BYTE));
            assertEquals(0, Native.close(rfd));
        }
    }

    @Test
    void lseekFindsDataAndHolesOfASparseFile(@TempDir Path dir) throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            int fd = Native.open(arena.allocateFrom(dir.resolve("sparse").toString()),
                    LibC.O_CREAT() | LibC.O_RDWR(), 0644);
            MemorySegment buf = arena.allocate(4096, 4096).fill((byte) 1);
            assertEquals(4096, Native.pwrite(fd, buf, 4096, 1 << 20));
            assertEquals(1 << 20, Native.lseek(fd, 0, LibC.SEEK_DATA()));
            assertEquals(0, Native.lseek(fd, 0, LibC.SEEK_HOLE()));
            assertEquals(-6 /* ENXIO */, Native.lseek(fd, (1 << 20) + 4096, LibC.SEEK_DATA()));
            Native.close(fd);
        }
    }

    @Test
    void mmapAndMunmapAnonymousMemory() {
        long addr = Native.mmap(MemorySegment.NULL, 1 << 16, LibC.PROT_READ() | LibC.PROT_WRITE(),
                LibC.MAP_PRIVATE() | LibC.MAP_ANONYMOUS(), -1, 0);
        assertTrue(addr > 0, "mmap: " + Errno.describe((int) addr));
        MemorySegment m = MemorySegment.ofAddress(addr).reinterpret(1 << 16);
        m.set(ValueLayout.JAVA_LONG, 8, 42L);
        assertEquals(42L, m.get(ValueLayout.JAVA_LONG, 8));
        assertEquals(0, Native.munmap(m, 1 << 16));
        assertEquals(-Errno.EINVAL, Native.munmap(MemorySegment.ofAddress(addr + 1), 4096));
    }
}
