package io.jnetfs.bvecq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Recycles the native iovec arrays of bvecq segments, in power-of-two slot counts.
 *
 * <p>Why not an arena per segment: closing a shared {@link Arena} makes the JVM handshake with every
 * thread (to be sure none is inside an access to it), which costs tens of microseconds of the VM
 * thread per close; a chain per 64 KiB read turned that into the dominant cost. Arrays are therefore
 * allocated once from a process-lifetime arena and reused; a segment refuses access to its array
 * once released ({@link Bvecq#bv()}), and the kernel only ever sees arrays of live segments.
 */
final class IovecArrayPool {
    private static final int CLASSES = 17; // 1 .. 65536 slots
    @SuppressWarnings("unchecked")
    private static final ConcurrentLinkedQueue<MemorySegment>[] FREE = new ConcurrentLinkedQueue[CLASSES];
    private static final Arena ARENA = Arena.ofShared(); // lives as long as the process: never closed

    static {
        for (int i = 0; i < CLASSES; i++) {
            FREE[i] = new ConcurrentLinkedQueue<>();
        }
    }

    private IovecArrayPool() {
    }

    /** @return the size class holding {@code slots} slots */
    static int classFor(int slots) {
        return 32 - Integer.numberOfLeadingZeros(Math.max(1, slots) - 1);
    }

    /** @return an array of at least {@code slots} entries (its contents are stale) */
    static MemorySegment take(int slots) {
        int c = classFor(slots);
        MemorySegment m = FREE[c].poll();
        return m != null ? m : ARENA.allocate((1L << c) * IovecDescriptor.SIZE, 64);
    }

    /** @return how many arrays of {@code slots}' size class wait to be reused (for tests) */
    static int freeCount(int slots) {
        return FREE[classFor(slots)].size();
    }

    /** Returns an array taken with {@link #take}. */
    static void give(MemorySegment array) {
        int slots = (int) (array.byteSize() / IovecDescriptor.SIZE);
        FREE[classFor(slots)].offer(array);
    }
}
