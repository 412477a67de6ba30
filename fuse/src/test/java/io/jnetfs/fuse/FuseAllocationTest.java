package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.testkit.Require;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The READ path allocates nothing per request once warm: receive, decode, dispatch, a zero-copy reply
 * and its writev, measured with the JVM's per-thread allocation counters on the workers while
 * {@code dd iflag=direct} makes tens of thousands of 4 KiB READs through the kernel.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseAllocationTest {
    private static final long SIZE = 64L << 20;

    @TempDir
    Path tmp;

    @Test
    void warmReadsAllocateNothingInTheWorkers() throws Exception {
        Require.feature("fuse", FuseSession.unavailableReason(FuseOptions.MountMethod.AUTO));
        try (Arena arena = Arena.ofShared()) {
            MemorySegment page = arena.allocate(4096, 4096);
            FuseFilesystem fs = new FuseFilesystem() {
                @Override
                public int lookup(FuseRequest req, long parent, String name, FuseEntry out) {
                    if (!name.equals("f")) {
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
                        out.ino(2).mode(FuseAttr.S_IFREG | 0644).nlink(1).size(SIZE);
                    }
                    return 0;
                }

                @Override
                public int write(FuseRequest req, long nodeId, long fh, long offset, MemorySegment data, int writeFlags,
                        int flags) {
                    MemorySegment.copy(data, 0, page, 0, Math.min(4096, data.byteSize())); // the one copy
                    return (int) data.byteSize();
                }

                @Override
                public int read(FuseRequest req, long nodeId, long fh, long offset, int size, int flags, FuseDataReply out) {
                    if (size == 4096 && offset + 4096 <= SIZE) {
                        out.add(page);
                    }
                    return 0;
                }
            };
            Path mnt = Files.createDirectories(tmp.resolve("mnt")).toRealPath();
            FuseSession s = FuseSession.mount(mnt, fs, configure(new FuseOptions().directIo(true).threads(2)));
            try {
                String[] dd = {"dd", "if=" + mnt.resolve("f"), "of=/dev/null", "bs=4k", "iflag=direct", "status=none"};
                // six passes: in a fresh JVM the io_uring transport's reply path was still being compiled after
                // three (15 bytes per READ in a fresh clone's CI run), not allocating per request
                for (int warm = 0; warm < 6; warm++) {
                    FuseKernelMountTest.run(60, dd);
                }
                List<Thread> workers = Thread.getAllStackTraces().keySet().stream()
                        .filter(t -> t.getName().startsWith("fuse-jnetfs-")).toList();
                assertTrue(workers.size() >= 2, "worker threads: " + workers);
                com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
                long[] ids = workers.stream().mapToLong(Thread::threadId).toArray();
                long reads0 = s.stats().requests(FuseOpcode.FUSE_READ);
                long bytes0 = sum(mx.getThreadAllocatedBytes(ids));
                FuseKernelMountTest.run(60, dd);
                long reads = s.stats().requests(FuseOpcode.FUSE_READ) - reads0;
                long bytes = sum(mx.getThreadAllocatedBytes(ids)) - bytes0;
                double perRead = (double) bytes / reads;
                System.out.printf("fuse workers: %d bytes allocated over %d READs = %.2f bytes/READ%n", bytes, reads, perRead);
                assertTrue(reads >= SIZE / 4096, "READs: " + reads);
                assertTrue(perRead < 8, "the READ path allocates " + perRead + " bytes per request");

                // WRITE: the same, 4 KiB direct writes; the data is handed over as a slice of the request buffer
                String[] ddw = {"dd", "if=/dev/zero", "of=" + mnt.resolve("f"), "bs=4k", "count=16384", "oflag=direct",
                    "conv=notrunc", "status=none"};
                for (int warm = 0; warm < 3; warm++) {
                    FuseKernelMountTest.run(60, ddw);
                }
                long writes0 = s.stats().requests(FuseOpcode.FUSE_WRITE);
                long wbytes0 = sum(mx.getThreadAllocatedBytes(ids));
                FuseKernelMountTest.run(60, ddw);
                long writes = s.stats().requests(FuseOpcode.FUSE_WRITE) - writes0;
                double perWrite = (double) (sum(mx.getThreadAllocatedBytes(ids)) - wbytes0) / writes;
                System.out.printf("fuse workers: %.2f bytes/WRITE over %d WRITEs%n", perWrite, writes);
                assertTrue(writes >= 16384, "WRITEs: " + writes);
                assertTrue(perWrite < 8, "the WRITE path allocates " + perWrite + " bytes per request");
            } finally {
                s.close();
                if (FuseMount.isMounted(mnt)) {
                    FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
                }
            }
        }
    }

    /** The transport measured: /dev/fuse here, io_uring in {@link FuseAllocationUringTest}. */
    FuseOptions configure(FuseOptions o) {
        return o.transport(FuseOptions.Transport.DEV);
    }

    private static long sum(long[] a) {
        long n = 0;
        for (long v : a) {
            n += Math.max(0, v);
        }
        return n;
    }
}
