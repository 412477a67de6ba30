package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.ffm.gen.statfs;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/** Real files shaped with real system calls (through the same native gateway) for the tests. */
final class TestFiles {
    /** ext4's block size on the test machine, and the page size. */
    static final long BLOCK = 4096;
    static final long EXT4_SUPER_MAGIC = 0xEF53;
    static final long TMPFS_MAGIC = 0x01021994;
    static final int KEEP_SIZE = LibC.FALLOC_FL_KEEP_SIZE();
    static final int PUNCH_HOLE = LibC.FALLOC_FL_PUNCH_HOLE() | LibC.FALLOC_FL_KEEP_SIZE();

    private static final int CHUNK = 1 << 20;

    private TestFiles() {
    }

    /** Creates (or truncates) {@code file} for reading and writing. */
    static int create(Path file) {
        return open(file, LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_TRUNC());
    }

    static int open(Path file, int flags) {
        try (Arena a = Arena.ofConfined()) {
            int fd = Native.open(a.allocateFrom(file.toString()), flags | LibC.O_CLOEXEC(), 0644);
            assertTrue(fd >= 0, "open(" + file + "): " + Errno.describe(fd));
            return fd;
        }
    }

    static void close(int fd) {
        assertEquals(0, Native.close(fd), "close(" + fd + ")");
    }

    /** Writes {@code length} bytes of a non-zero pattern at {@code offset}. */
    static void write(int fd, long offset, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.min(length, CHUNK), 4096);
            for (long i = 0; i < buf.byteSize(); i++) {
                buf.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + 7 | 1));
            }
            long done = 0;
            while (done < length) {
                long n = Native.pwrite(fd, buf, Math.min(length - done, buf.byteSize()), offset + done);
                assertTrue(n > 0, "pwrite(fd=" + fd + ", offset=" + (offset + done) + "): " + Errno.describe((int) n));
                done += n;
            }
        }
    }

    /** Reads {@code length} bytes at {@code offset} and throws them away (fills the page cache). */
    static void read(int fd, long offset, long length) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(Math.min(length, CHUNK), 4096);
            long done = 0;
            while (done < length) {
                long n = Native.pread(fd, buf, Math.min(length - done, buf.byteSize()), offset + done);
                assertTrue(n >= 0, "pread: " + Errno.describe((int) n));
                if (n == 0) {
                    return;
                }
                done += n;
            }
        }
    }

    static void fallocate(int fd, int mode, long offset, long length) {
        int r = Native.fallocate(fd, mode, offset, length);
        assertEquals(0, r, "fallocate(mode=" + mode + ", offset=" + offset + ", len=" + length + "): "
                + (r < 0 ? Errno.describe(r) : ""));
    }

    static void punchHole(int fd, long offset, long length) {
        fallocate(fd, PUNCH_HOLE, offset, length);
    }

    static void truncate(int fd, long length) {
        assertEquals(0, Native.ftruncate(fd, length), "ftruncate");
    }

    static void fsync(int fd) {
        assertEquals(0, Native.fsync(fd), "fsync");
    }

    static long size(int fd) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = stat.allocate(a);
            assertEquals(0, Native.fstat(fd, st), "fstat");
            return stat.st_size(st);
        }
    }

    /** {@code statfs.f_type} of the filesystem holding {@code path}. */
    static long fsType(Path path) {
        int fd = open(path, LibC.O_RDONLY());
        try (Arena a = Arena.ofConfined()) {
            MemorySegment sf = statfs.allocate(a);
            assertEquals(0, Native.fstatfs(fd, sf), "fstatfs");
            return statfs.f_type(sf) & 0xFFFF_FFFFL;
        } finally {
            close(fd);
        }
    }

    static boolean onExt4(Path path) {
        return fsType(path) == EXT4_SUPER_MAGIC;
    }

    /**
     * The "ext4-tmpdir" feature: the tests' temporary directory is on ext4, whose FIEMAP answers they check.
     *
     * @return null where {@code dir} is on ext4, else why not
     */
    static String notOnExt4(Path dir) {
        long type = fsType(dir);
        return type == EXT4_SUPER_MAGIC ? null
                : "the temporary directory " + dir + " is on a file system of type 0x" + Long.toHexString(type)
                        + ", not ext4 (point java.io.tmpdir at a directory on ext4)";
    }

    /**
     * The "ext4-tmpdir/delalloc" feature: ext4 delays the allocation of freshly written data (not with the
     * mount options {@code nodelalloc} or {@code data=journal}).
     *
     * @return null where the file system holding {@code dir} delays allocation, else why not
     */
    static String noDelayedAllocation(Path dir) throws IOException {
        String real = dir.toRealPath().toString();
        String best = null;
        String options = "";
        // mountinfo: ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTS
        for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
            String[] f = line.split(" ");
            String mountPoint = f[4].replace("\\040", " ");
            boolean under = real.equals(mountPoint) || real.startsWith(mountPoint.endsWith("/") ? mountPoint : mountPoint + "/");
            if (under && (best == null || mountPoint.length() >= best.length())) {
                int dash = line.indexOf(" - ");
                String[] tail = line.substring(dash + 3).split(" ");
                best = mountPoint;
                options = f[5] + "," + (tail.length > 2 ? tail[2] : "");
            }
        }
        for (String o : options.split(",")) {
            if (o.equals("nodelalloc") || o.equals("data=journal")) {
                return "the file system at " + best + " is mounted with " + o + ": ext4 allocates at once";
            }
        }
        return null;
    }

    /**
     * The "tmpfs" feature: {@code /dev/shm} is a tmpfs, a file system without FIEMAP.
     *
     * @return null where it is, else why not
     */
    static String noTmpfsAtDevShm() {
        Path shm = Path.of("/dev/shm");
        if (!Files.isDirectory(shm)) {
            return "/dev/shm does not exist";
        }
        long type = fsType(shm);
        return type == TMPFS_MAGIC ? null
                : "/dev/shm is a file system of type 0x" + Long.toHexString(type) + ", not tmpfs";
    }
}
