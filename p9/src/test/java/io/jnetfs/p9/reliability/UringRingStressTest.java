package io.jnetfs.p9.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import io.jnetfs.uring.SqeFlags;
import java.io.IOException;
import java.util.BitSet;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The io_uring ring head/tail protocol under stress (the jcstress-style equivalent for rings, whose other
 * party is the kernel): hundreds of thousands of operations through tiny rings that wrap around
 * constantly, with more operations in flight than the CQ holds (the kernel's overflow list and its
 * flush), completions posted concurrently by io-wq workers ({@code IOSQE_ASYNC}) while this thread moves
 * the CQ head, and an SQPOLL kernel thread reading the SQ tail while this thread writes SQEs. Every
 * operation must complete exactly once, with its own {@code user_data}, and nothing may stay in flight.
 * Operations per variant: {@code -Djnetfs.stress.ringOps} (default 250,000).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UringRingStressTest {

    @ParameterizedTest(name = "sq={0} cq={1} async={2} sqpoll={3}")
    @CsvSource({"2, 4, true, false", "8, 16, true, false", "4, 8, false, false", "8, 16, false, true"})
    void everyOperationCompletesExactlyOnce(int sq, int cq, boolean async, boolean sqPoll) throws IOException {
        Require.feature("io_uring", IoUring.isAvailable(), IoUring::unavailableReason);
        int total = Integer.getInteger("jnetfs.stress.ringOps", 250_000);
        IoUring.Builder b = IoUring.builder().entries(sq).cqEntries(cq);
        if (sqPoll) {
            b.sqPoll(100);
        }
        BitSet seen = new BitSet(total);
        long[] dup = {-1};
        long[] badRes = {0};
        long t0 = System.nanoTime();
        int maxInFlight = 0;
        try (IoUring ring = b.build()) {
            Random r = new Random(sq * 31L + cq);
            int flags = async ? SqeFlags.IOSQE_ASYNC : 0;
            int issued = 0;
            io.jnetfs.uring.CompletionCallback cb = (res, f, ud) -> {
                if (res != 0) {
                    badRes[0]++;
                }
                if (seen.get((int) ud)) {
                    dup[0] = ud;
                }
                seen.set((int) ud);
            };
            while (issued < total) {
                int batch = Math.min(total - issued, 1 + r.nextInt(3 * cq));
                for (int i = 0; i < batch; i++) {
                    ring.prepNop(flags, issued++); // a full SQ ring is submitted by prep itself
                }
                ring.submit();
                maxInFlight = Math.max(maxInFlight, ring.inFlight());
                if (ring.inFlight() > 2 * cq || r.nextInt(4) == 0) {
                    ring.submitAndWait(Math.min(cq, ring.inFlight()));
                    ring.complete(cb);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (ring.inFlight() > 0 && System.nanoTime() < deadline) {
                ring.submitAndWait(Math.min(cq, ring.inFlight()), 100, TimeUnit.MILLISECONDS);
                ring.complete(cb);
            }
            assertEquals(0, ring.inFlight(), "nothing stays in flight");
        }
        System.out.printf("ring stress sq=%d cq=%d async=%b sqpoll=%b: %d operations in %.1f s, up to %d in flight "
                + "(CQ holds %d)%n", sq, cq, async, sqPoll, total, (System.nanoTime() - t0) / 1e9, maxInFlight, cq);
        assertEquals(-1, dup[0], "an operation completed twice");
        assertEquals(0, badRes[0], "NOPs complete with res 0");
        assertEquals(total, seen.cardinality(), "every operation completed");
    }
}
