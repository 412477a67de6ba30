package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.ThreadMXBean;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.testkit.Require;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The submit and complete path allocates nothing per operation: measured with the JVM's per-thread
 * allocation counter over rounds of 320,000 operations (the JMH benchmark shows the same with
 * {@code -prof gc}).
 *
 * <p>Only code C2 compiled allocates nothing: every FFM downcall that captures errno slices its
 * call-state segment ({@code SharedUtils.checkCaptureSegment}, 40 bytes), which only C2's escape
 * analysis removes; the interpreter and C1 allocate it on every io_uring_enter (run with
 * {@code -XX:TieredStopAtLevel=3}: 400,000 bytes in every round). On a busy machine C2 may reach this
 * path only after many rounds, so the test runs rounds until one allocates (almost) nothing, for at
 * most {@link #WARM_UP_LIMIT_NANOS}: a path that allocates per operation never has such a round and
 * fails once the time is up.
 */
@Timeout(180)
class IoUringAllocationTest {
    /** How long the JIT gets to compile the path before a round that allocates nothing must have come. */
    private static final long WARM_UP_LIMIT_NANOS = 60_000_000_000L;
    /** What a round may allocate and still count as allocating nothing (a one-off event, not 320,000). */
    private static final long CLEAN_ROUND_BYTES = 1024;

    @BeforeEach
    void uring() {
        Fixtures.requireOps(Opcode.IORING_OP_NOP, Opcode.IORING_OP_READ, Opcode.IORING_OP_READV,
                Opcode.IORING_OP_READ_FIXED);
    }

    private static final class Counter implements CompletionCallback {
        long sum;
        long count;

        @Override
        public void complete(int res, int flags, long userData) {
            sum += res + userData;
            count++;
        }
    }

    /**
     * Runs {@code round} at least six times, then until one run allocates under
     * {@link #CLEAN_ROUND_BYTES} or {@link #WARM_UP_LIMIT_NANOS} has passed, and fails if none did.
     *
     * @return how many rounds ran
     */
    private static int assertARoundAllocatesNothing(String what, Runnable round) {
        ThreadMXBean mx = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        Require.feature("jvm/thread-allocated-bytes", mx.isThreadAllocatedMemorySupported() ? null
                : "this JVM does not count the bytes a thread allocates (ThreadMXBean.isThreadAllocatedMemorySupported)");
        long deadline = System.nanoTime() + WARM_UP_LIMIT_NANOS;
        long least = Long.MAX_VALUE;
        int rounds = 0;
        StringBuilder perRound = new StringBuilder();
        // at least 6 rounds; then until one is clean (the JIT has compiled the path) or the time is up
        while (rounds < 6 || (least >= CLEAN_ROUND_BYTES && System.nanoTime() < deadline)) {
            long before = mx.getCurrentThreadAllocatedBytes();
            round.run();
            long allocated = mx.getCurrentThreadAllocatedBytes() - before;
            least = Math.min(least, allocated);
            if (rounds < 40) {
                perRound.append(rounds == 0 ? "" : " ").append(allocated);
            }
            rounds++;
        }
        assertTrue(least < CLEAN_ROUND_BYTES, "least allocated in a round of " + what + ": " + least + " bytes, in "
                + rounds + " rounds (bytes per round: " + perRound + ")");
        return rounds;
    }

    @Test
    void readsAndNopsAllocateNothingPerOperation(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, new byte[1 << 20]);
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
            int rounds = assertARoundAllocatesNothing(batches * 32 + " operations", () -> {
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
            });
            assertEquals((long) rounds * batches * 32, c.count);
        } finally {
            Fixtures.close(fd);
        }
    }

    /** Takes each received message out of its provided buffer and gives the buffer back at once. */
    private static final class Receiver implements CompletionCallback {
        final BufferRing buffers;
        long received;
        long sum;
        long other;

        Receiver(BufferRing buffers) {
            this.buffers = buffers;
        }

        @Override
        public void complete(int res, int flags, long userData) {
            if (userData == 1 && res > 0) {
                long at = buffers.use(res, flags);
                sum += buffers.buffers().get(ValueLayout.JAVA_BYTE, at);
                received += res;
                buffers.recycle(BufferRing.bufferId(flags));
            } else {
                other++;
            }
        }
    }

    @Test
    void multishotReceivesIntoProvidedBuffersAndUringCmdsAllocateNothingPerOperation() throws Exception {
        Fixtures.require("recv/MULTISHOT", IoUringFeatures.missingRecvMultishot());
        Fixtures.requireOps(Opcode.IORING_OP_URING_CMD);
        try (Arena a = Arena.ofConfined(); IoUring ring = IoUring.builder().entries(32).build()) {
            MemorySegment fds = a.allocate(8);
            assertEquals(0, Native.socketpair(LibC.AF_UNIX(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0, fds));
            int rx = fds.get(ValueLayout.JAVA_INT, 0);
            int tx = fds.get(ValueLayout.JAVA_INT, 4);
            try {
                BufferRing b = ring.registerBufferRing(1, 16, 256, 0);
                MemorySegment msg = Fixtures.pattern(a, 100, 1);
                Receiver r = new Receiver(b);
                ring.prepRecvMultishot(rx, b, 0, 0, 1);
                int perRound = 5_000;
                int rounds = assertARoundAllocatesNothing(perRound + " messages and URING_CMDs", () -> {
                    for (int i = 0; i < perRound; i++) {
                        assertEquals(100, Native.write(tx, msg, 100));
                        // a command the socket does not carry out (AF_UNIX): the prep and completion path all the same
                        ring.prepUringCmd(rx, 0, null, 0, 2);
                        ring.submitAndWait(2);
                        ring.complete(r);
                    }
                });
                long sent = (long) rounds * perRound * 100;
                long deadline = System.nanoTime() + 5_000_000_000L;
                while (r.received < sent && System.nanoTime() < deadline) {
                    ring.submitAndWait(1, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
                    ring.complete(r);
                }
                assertEquals(sent, r.received, "every byte came through the provided buffers");
                assertEquals(0, b.held());
            } finally {
                Native.close(rx);
                Native.close(tx);
            }
        }
    }
}
