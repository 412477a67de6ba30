package io.jnetfs.bvecq.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jnetfs.bvecq.Bvecq;
import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.bvecq.MemType;
import io.jnetfs.bvecq.RefTrace;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Reference counts raced across threads: gets and puts on one segment from several threads leave it
 * live until the owner's last put, which frees it exactly once; slices of one pooled chain taken and
 * released on other threads return every folio to the pool.
 */
class RefCountStressTest {
    private static final int THREADS = 4;

    private static void runAll(List<Runnable> work) throws Exception {
        CyclicBarrier start = new CyclicBarrier(work.size());
        AtomicReference<Throwable> failure = new AtomicReference<>();
        List<Thread> ts = new ArrayList<>();
        for (Runnable w : work) {
            ts.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    w.run();
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }));
        }
        for (Thread t : ts) {
            t.join(60_000);
        }
        if (failure.get() != null) {
            throw new AssertionError(failure.get());
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void racedGetsAndPutsFreeASegmentExactlyOnce() throws Exception {
        int iterations = Integer.getInteger("jnetfs.stress.rounds", 200_000);
        for (int round = 0; round < 20; round++) {
            Bvecq s = Bvecq.allocate(4, MemType.EXTERNAL);
            s.append(4096, 10, null);
            List<Runnable> work = new ArrayList<>();
            for (int k = 0; k < THREADS; k++) {
                work.add(() -> {
                    for (int i = 0; i < iterations / 20; i++) {
                        s.get(RefTrace.POS);
                        if (s.slotLen(0) != 10) {
                            throw new AssertionError("a referenced segment changed: len=" + s.slotLen(0));
                        }
                        s.put(RefTrace.POS);
                    }
                });
            }
            runAll(work);
            assertEquals(1, s.refs(), "only the owner's reference is left");
            s.put(RefTrace.NEW);
            assertFalse(s.isLive());
            assertThrows(IllegalStateException.class, () -> s.get(RefTrace.POS), "no get after the last put");
            assertThrows(IllegalStateException.class, () -> s.put(RefTrace.NEW), "a double release is refused");
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void slicesReleasedOnOtherThreadsReturnEveryFolio() throws Exception {
        int rounds = Integer.getInteger("jnetfs.stress.rounds", 200_000) / 100;
        try (FolioPool pool = new FolioPool(64L << 20)) {
            AtomicReference<String> mismatch = new AtomicReference<>();
            for (int r = 0; r < rounds; r++) {
                BvecqBuffer chain = BvecqBuffer.allocate(pool, 1 << 20, 64 << 10);
                byte[] mark = {(byte) r};
                chain.copyFrom(mark, 0, 100_000, 1);
                List<Runnable> work = new ArrayList<>();
                for (int k = 0; k < THREADS; k++) {
                    int me = k;
                    List<BvecqBuffer> mine = new ArrayList<>();
                    for (int i = 0; i < 8; i++) {
                        mine.add(chain.slice(me * 1000L + i, 200_000)); // slices share the chain's folios
                    }
                    work.add(() -> {
                        for (int i = 0; i < mine.size(); i++) {
                            try (BvecqBuffer s = mine.get(i)) {
                                if (s.byteAt(100_000 - me * 1000L - i) != mark[0]) {
                                    mismatch.compareAndSet(null, "slice " + me + "/" + i + " sees other bytes");
                                }
                                // a slice of a slice, released on this thread too
                                s.slice(0, 4096).close();
                            }
                        }
                    });
                }
                // the owner releases its chain while the other threads still read and release their slices
                work.add(chain::close);
                runAll(work);
                assertNull(mismatch.get());
            }
            assertEquals(0, pool.leasedBytes(), "every folio came back");
        }
    }
}
