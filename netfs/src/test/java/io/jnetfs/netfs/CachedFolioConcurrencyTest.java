package io.jnetfs.netfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InterruptedIOException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The folio state word without a lock: an unlock racing a waiter's check is never lost, and the lock
 * bit excludes. Real threads; a lost wakeup shows as a waiter that times out.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CachedFolioConcurrencyTest {
    private static final long WAIT = TimeUnit.SECONDS.toNanos(10);

    private static CachedFolio folio(int state) {
        return new CachedFolio(null, 0, null, state); // the state word alone: no mapping, no memory
    }

    @Test
    void anUnlockRacingAWaiterIsNeverLost() throws Exception {
        int rounds = 20_000;
        BlockingQueue<CachedFolio> handoff = new ArrayBlockingQueue<>(1);
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        Thread waiter = Thread.ofPlatform().start(() -> {
            try {
                for (int i = 0; i < rounds; i++) {
                    CachedFolio f = handoff.take();
                    if (f.waitWhile(CachedFolio.LOCKED, WAIT)) {
                        woken.incrementAndGet();
                    } else {
                        timedOut.incrementAndGet();
                    }
                }
            } catch (InterruptedException | InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < rounds; i++) {
            CachedFolio f = folio(CachedFolio.LOCKED);
            handoff.put(f);
            for (int spin = ThreadLocalRandom.current().nextInt(2000); spin > 0; spin--) {
                Thread.onSpinWait(); // unlock before, during or after the waiter's check
            }
            f.unlock(true, 0);
        }
        waiter.join(TimeUnit.SECONDS.toMillis(50));
        assertFalse(waiter.isAlive(), "the waiter finished");
        assertEquals(0, timedOut.get(), "waiters that missed their unlock");
        assertEquals(rounds, woken.get());
    }

    @Test
    void theLockBitExcludesAndAFailedUnlockCarriesItsErrno() throws Exception {
        CachedFolio f = folio(0);
        int perThread = 50_000;
        int[] counter = {0}; // plain field: only the lock bit protects it
        Runnable worker = () -> {
            try {
                for (int i = 0; i < perThread; i++) {
                    assertTrue(f.lock(WAIT), "lock within 10 s");
                    counter[0]++;
                    f.clear(CachedFolio.LOCKED);
                }
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
            }
        };
        Thread a = Thread.ofPlatform().start(worker);
        Thread b = Thread.ofPlatform().start(worker);
        a.join();
        b.join();
        assertEquals(2 * perThread, counter[0]);

        assertTrue(f.lock(WAIT));
        assertFalse(f.tryDetach(), "a locked folio is not evictable");
        f.unlock(false, -5);
        assertTrue(f.test(CachedFolio.ERROR));
        assertEquals(-5, f.error());
        assertTrue(f.tryDetach());
        assertTrue(f.detached());
        assertFalse(f.lock(WAIT), "a detached folio cannot be locked: look it up again");
        assertEquals(CachedFolio.ERROR, f.state(), "the internal detached bit is not part of the state");
    }
}
