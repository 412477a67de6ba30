package io.jnetfs.bvecq.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.MemType;
import io.jnetfs.bvecq.RefTrace;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Slot publication raced round by round, as a jcstress test would: in each round the appender fills a
 * fresh small segment (its iovec array recycled, so the memory still holds the previous round's entries)
 * while a reader acquires {@code nr_slots} and check every entry below it. The entries carry the round
 * number, so a stale or half-written entry seen through the acquire is caught.
 *
 * <p>Outcomes counted per read: "none yet", "some", "all" (allowed) and "torn" (forbidden: an entry
 * below the published {@code nr_slots} that is not this round's). Rounds: {@code -Djnetfs.stress.rounds}
 * (default 300,000).
 */
class SlotPublicationStressTest {
    private static final int SLOTS = 8;
    private static final int READERS = 1; // the machine has 2 cores: one appender, one reader

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void readersSeeOnlyThisRoundsCompleteEntries() throws Exception {
        int rounds = Integer.getInteger("jnetfs.stress.rounds", 300_000);
        AtomicReference<Bvecq> current = new AtomicReference<>();
        AtomicLong round = new AtomicLong(-1);
        AtomicLong[] done = {new AtomicLong(-1)};
        long[][] outcomes = new long[READERS][4]; // none, some, all, torn
        AtomicReference<String> torn = new AtomicReference<>();
        Thread[] readers = new Thread[READERS];
        for (int k = 0; k < READERS; k++) {
            int me = k;
            readers[k] = Thread.ofPlatform().daemon().name("slot-reader-" + k).start(() -> {
                long seen = -1;
                long idle = 0;
                while (seen < rounds - 1) {
                    long r = round.get();
                    if (r == seen) {
                        if (++idle % 1024 == 0) {
                            Thread.yield();
                        }
                        Thread.onSpinWait();
                        continue;
                    }
                    Bvecq s = current.get();
                    int n = s.nrSlotsAcquire(); // pairs with the release store in append()
                    int last = n;
                    // keep reading while the appender fills the segment: observe intermediate states
                    for (int spin = 0; spin < 64 && last < SLOTS; spin++) {
                        last = s.nrSlotsAcquire();
                        check(s, last, r, outcomes[me], torn);
                    }
                    check(s, n, r, outcomes[me], torn);
                    outcomes[me][n == 0 ? 0 : n < SLOTS ? 1 : 2]++;
                    seen = r;
                    done[me].set(r);
                }
            });
        }
        long t0 = System.nanoTime();
        for (long r = 0; r < rounds; r++) {
            Bvecq s = Bvecq.allocate(SLOTS, MemType.EXTERNAL);
            current.set(s);
            round.set(r); // readers start on this segment now
            for (int i = 0; i < SLOTS; i++) {
                s.append(base(r, i), len(r, i), null);
            }
            for (AtomicLong d : done) {
                for (int spin = 0; d.get() < r; spin++) {
                    if ((spin & 1023) == 1023) {
                        Thread.yield();
                    }
                    Thread.onSpinWait();
                    if (torn.get() != null) {
                        break;
                    }
                }
            }
            s.put(RefTrace.NEW); // the array goes back to the pool: the next round reuses its stale entries
            if (torn.get() != null) {
                break;
            }
        }
        for (Thread t : readers) {
            t.join(10_000);
        }
        long none = 0;
        long some = 0;
        long all = 0;
        long bad = 0;
        for (long[] o : outcomes) {
            none += o[0];
            some += o[1];
            all += o[2];
            bad += o[3];
        }
        System.out.printf("slot publication: %d rounds x %d readers in %.1f s: first look saw none %d, some %d, all %d; "
                + "torn %d%n", rounds, READERS, (System.nanoTime() - t0) / 1e9, none, some, all, bad);
        assertEquals(null, torn.get());
        assertEquals(0, bad);
        assertEquals((long) rounds * READERS, none + some + all, "every round was observed by every reader");
        assertTrue(none + some > 0, "some reads raced the appender (else the test observes nothing concurrent)");
    }

    private static long base(long round, int slot) {
        return (round << 8) | slot;
    }

    private static long len(long round, int slot) {
        return 1 + (round % 100_000) * SLOTS + slot;
    }

    private static void check(Bvecq s, int n, long r, long[] outcomes, AtomicReference<String> torn) {
        for (int i = 0; i < n; i++) {
            long b = s.slotBase(i);
            long l = s.slotLen(i);
            if (b != base(r, i) || l != len(r, i)) {
                outcomes[3]++;
                torn.compareAndSet(null, "round " + r + " slot " + i + " of nr_slots=" + n + ": base=" + b + " len=" + l);
            }
        }
    }
}
