package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.testkit.Require;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * READ replies that point straight at the filesystem's memory: a 256 MiB file whose every MiB is the same
 * native buffer, read with {@code dd} through the kernel's page cache and with {@code direct_io}, checked
 * with {@code md5sum} against the same bytes hashed in Java. Prints the throughput (informative; the
 * benchmarks measure for real).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseZeroCopyReadTest {
    private static final long FILE_SIZE = 256L << 20;
    private static final int PATTERN = 1 << 20;

    @TempDir
    Path tmp;

    /** One file, "big", served from {@code pattern} without a copy. */
    static final class PatternFs implements FuseFilesystem {
        final MemorySegment pattern;

        PatternFs(MemorySegment pattern) {
            this.pattern = pattern;
        }

        @Override
        public int lookup(FuseRequest req, long parent, String name, FuseEntry out) {
            if (parent != ROOT_ID || !name.equals("big")) {
                return -Errno.ENOENT;
            }
            out.nodeId(2);
            return getattr(req, 2, NO_FH, out.attr());
        }

        @Override
        public int getattr(FuseRequest req, long nodeId, long fh, FuseAttr out) {
            if (nodeId == ROOT_ID) {
                out.ino(1).mode(FuseAttr.S_IFDIR | 0755).nlink(2);
            } else {
                out.ino(2).mode(FuseAttr.S_IFREG | 0444).nlink(1).size(FILE_SIZE).blocks(FILE_SIZE / 512);
            }
            return 0;
        }

        @Override
        public int read(FuseRequest req, long nodeId, long fh, long offset, int size, int flags, FuseDataReply out) {
            long end = Math.min(FILE_SIZE, offset + size);
            for (long at = offset; at < end; ) {
                long in = at % PATTERN;
                long n = Math.min(end - at, PATTERN - in);
                out.add(pattern.asSlice(in, n)); // zero copy: the reply's iovec points here
                at += n;
            }
            return 0;
        }
    }

    @ParameterizedTest(name = "direct_io={0}")
    @ValueSource(booleans = {false, true})
    void readsStraightFromTheFilesystemsMemory(boolean directIo) throws Exception {
        Require.feature("fuse", FuseSession.unavailableReason(FuseOptions.MountMethod.AUTO));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment pattern = arena.allocate(PATTERN, 4096);
            byte[] bytes = new byte[PATTERN];
            new Random(1).nextBytes(bytes);
            MemorySegment.copy(bytes, 0, pattern, ValueLayout.JAVA_BYTE, 0, PATTERN);
            MessageDigest md5 = MessageDigest.getInstance("MD5");
            for (long i = 0; i < FILE_SIZE / PATTERN; i++) {
                md5.update(bytes);
            }
            String expected = HexFormat.of().formatHex(md5.digest());

            Path mnt = Files.createDirectories(tmp.resolve("mnt")).toRealPath();
            FuseSession s = FuseSession.mount(mnt, new PatternFs(pattern), new FuseOptions().directIo(directIo).threads(2));
            try {
                long t0 = System.nanoTime();
                FuseKernelMountTest.run(60, "dd", "if=" + mnt.resolve("big"), "of=/dev/null", "bs=1M", "status=none");
                double secs = (System.nanoTime() - t0) / 1e9;
                System.out.printf("fuse zero-copy read, direct_io=%s: %d MiB in %.2f s = %.0f MB/s (%d READs)%n", directIo,
                        FILE_SIZE >> 20, secs, FILE_SIZE / secs / 1e6, s.stats().requests(FuseOpcode.FUSE_READ));
                String sum = FuseKernelMountTest.run(60, "md5sum", mnt.resolve("big").toString()).split(" ")[0];
                assertEquals(expected, sum, "the bytes read through the mount");
                assertTrue(s.stats().requests(FuseOpcode.FUSE_READ) > 0);
            } finally {
                s.close();
                if (FuseMount.isMounted(mnt)) {
                    FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
                }
            }
            assertFalse(FuseMount.isMounted(mnt));
        }
    }
}
