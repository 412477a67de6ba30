package io.jnetfs.bvecq;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A loader appends slots while a reader on another thread reads the slots already published: every
 * slot the reader sees through an acquire of {@code nr_slots} is complete (base and length written).
 */
class SlotPublicationTest {

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void readerSeesOnlyCompleteSlots() throws Exception {
        int rounds = 200;
        int slots = 4096;
        try (Arena arena = Arena.ofShared()) {
            // slot i describes 1 + (i % 4000) bytes at base + i * 8, so a torn entry is detectable
            MemorySegment mem = arena.allocate(slots * 8L + 8192, 4096);
            long base = mem.address();
            for (int r = 0; r < rounds; r++) {
                Bvecq seg = Bvecq.allocate(slots, MemType.EXTERNAL);
                AtomicReference<Throwable> failure = new AtomicReference<>();
                Thread reader = new Thread(() -> {
                    try {
                        int seen = 0;
                        while (seen < slots) {
                            int n = seg.nrSlotsAcquire();
                            for (int i = seen; i < n; i++) {
                                long b = seg.slotBase(i);
                                long l = seg.slotLen(i);
                                if (b != base + i * 8L || l != 1 + (i % 4000)) {
                                    throw new AssertionError("slot " + i + " seen half-written: base=" + b + " len=" + l);
                                }
                            }
                            seen = n;
                            Thread.onSpinWait();
                        }
                    } catch (Throwable t) {
                        failure.set(t);
                    }
                });
                reader.start();
                for (int i = 0; i < slots; i++) {
                    seg.append(base + i * 8L, 1 + (i % 4000), null);
                }
                reader.join(30_000);
                if (reader.isAlive()) {
                    reader.interrupt();
                    throw new AssertionError("round " + r + ": the reader never saw all " + slots + " slots published");
                }
                if (failure.get() != null) {
                    throw new AssertionError(failure.get());
                }
                assertEquals(slots, seg.nrSlotsAcquire());
                seg.put(RefTrace.NEW);
            }
            mem.get(ValueLayout.JAVA_BYTE, 0);
        }
    }
}
