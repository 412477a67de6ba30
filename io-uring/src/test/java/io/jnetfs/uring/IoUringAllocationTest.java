package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.management.ThreadMXBean;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit and complete path allocates nothing per operation: measured with the JVM's per-thread
 * allocation counter over rounds of 320,000 operations (the JMH benchmark shows the same with
 * {@code -prof gc}).
 */
@Timeout(120)
class IoUringAllocationTest {

    @BeforeAll
    static void uring() {
        assumeTrue(IoUring.isAvailable(), IoUring::unavailableReason);
    }

    private static final class Counter implements CompletionCallback {
        long sum;
        int count;

        @Override
        public void complete(int res, int flags, long userData) {
            sum += res + userData;
            count++;
        }
    }

    @Test
    void readsAndNopsAllocateNothingPerOperation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, new byte[1 << 20]);
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeTrue(mx.isThreadAllocatedMemorySupported());
        int fd = Fixtures.open(f, LibC.O_RDONLY());
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.builder().entries(32).build()) {
            MemorySegment pool = a.allocate(32 * 4096, 4096);
            MemorySegment[] bufs = new MemorySegment[32];
            for (int i = 0; i < 32; i++) {
                bufs[i] = pool.asSlice(i * 4096L, 4096);
            }
            ring.registerBuffers(pool);
            ring.registerFiles(fd);
            Counter c = new Counter();
            int batches = 10_000;
            int rounds = 6;
            long least = Long.MAX_VALUE;
            for (int round = 0; round < rounds; round++) {
                long before = mx.getCurrentThreadAllocatedBytes();
                for (int b = 0; b < batches; b++) {
                    for (int i = 0; i < 32; i++) {
                        long off = ((b * 32L + i) * 7919 % 256) * 4096;
                        switch (i % 4) {
                            case 0 -> ring.prepRead(fd, bufs[i], off, 0, i);
                            case 1 -> ring.prepReadFixed(0, bufs[i], off, 0, SqeFlags.IOSQE_FIXED_FILE, i);
                            case 2 -> ring.prepReadv(fd, bufs[i], 0, off, 0, i);
                            default -> ring.prepNop(0, i);
                        }
                    }
                    ring.submitAndWait(32);
                    ring.complete(c);
                }
                // the first rounds include warm-up (interpreter, compilation); one-off events such as a
                // deoptimisation may allocate in any round, but an allocation per operation shows in all
                least = Math.min(least, mx.getCurrentThreadAllocatedBytes() - before);
            }
            assertEquals(rounds * batches * 32, c.count);
            assertTrue(least < 1024, "least allocated in a round of " + batches * 32 + " operations: " + least + " bytes");
        } finally {
            Fixtures.close(fd);
        }
    }
}
