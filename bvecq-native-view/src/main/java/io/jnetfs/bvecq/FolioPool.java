package io.jnetfs.bvecq;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A pool of page-aligned native buffers ("folios") in power-of-two sizes from 4 KiB to 2 MiB,
 * reused rather than freed.
 *
 * <pre>
 *   slab 0 (2 MiB, 2 MiB aligned)   slab 1                     ...
 *   +--------+--------+-- ... --+   +------------------------+
 *   | 64 KiB | 64 KiB |         |   |         2 MiB          |
 *   +--------+--------+-- ... --+   +------------------------+
 *   order 4 free list               order 9 free list
 * </pre>
 *
 * Memory comes in 2 MiB slabs, each carved into folios of one order the first time that order needs
 * room. A slab is one contiguous, page-aligned range, so the pool's memory can be registered with
 * io_uring as fixed buffers, one per slab ({@link #slabs()}; a folio's {@link Folio#slab()} is its
 * buffer index). Page alignment matters: user buffers at odd offsets copy at a quarter of the speed.
 *
 * <p>The pool is thread-safe. It never gives memory back to the system before {@link #close()};
 * {@code maxBytes} bounds how much it may hold. Closing the pool frees every slab: a folio still
 * referenced then fails on {@link Folio#segment()} access through the closed arena.
 */
public final class FolioPool implements AutoCloseable {
    /** The page size the pool aligns to. */
    public static final int PAGE_SIZE = 4096;
    /** The smallest folio: 4 KiB. */
    public static final int MIN_FOLIO = PAGE_SIZE;
    /** The largest folio and the slab size: 2 MiB. */
    public static final int MAX_FOLIO = 2 << 20;
    /** Number of folio orders: 4 KiB &lt;&lt; 0 .. 4 KiB &lt;&lt; 9. */
    public static final int ORDERS = 10;

    /** Slab memory mapped by every pool in the process and not yet unmapped (NMT does not see mmap). */
    private static final AtomicLong MAPPED = new AtomicLong();

    private final Arena arena = Arena.ofShared();
    private final long maxBytes;
    private final List<MemorySegment> slabs = new ArrayList<>();
    @SuppressWarnings("unchecked")
    private final ArrayDeque<Folio>[] free = new ArrayDeque[ORDERS];
    private long leased;
    private long leaseCount;
    private boolean closed;

    /**
     * @param maxBytes the most native memory the pool may hold, a multiple of 2 MiB
     */
    public FolioPool(long maxBytes) {
        if (maxBytes < MAX_FOLIO || maxBytes % MAX_FOLIO != 0) {
            throw new IllegalArgumentException("invalid maxBytes=" + maxBytes + " (a multiple of 2 MiB)");
        }
        this.maxBytes = maxBytes;
        for (int i = 0; i < ORDERS; i++) {
            free[i] = new ArrayDeque<>();
        }
    }

    /**
     * The order of the smallest folio holding {@code size} bytes.
     *
     * @param size 1 .. 2 MiB
     * @return 0 for 4 KiB .. 9 for 2 MiB
     */
    public static int orderFor(long size) {
        if (size <= 0 || size > MAX_FOLIO) {
            throw new IllegalArgumentException("invalid folio size=" + size + " (1 .. " + MAX_FOLIO + ")");
        }
        int pages = (int) ((size + PAGE_SIZE - 1) / PAGE_SIZE);
        return 32 - Integer.numberOfLeadingZeros(pages - 1);
    }

    /**
     * Takes a folio of at least {@code size} bytes (rounded up to a power of two, 4 KiB .. 2 MiB), or
     * says that the pool has none to give: an empty pool is an expected outcome under memory pressure,
     * for the caller to wait, evict or fall back on, not an error.
     *
     * @param size bytes wanted
     * @return a folio holding one reference, which the caller puts; {@code null} when the pool would
     *     exceed {@code maxBytes}
     * @throws IllegalStateException if the pool is closed (misuse: the owner closed it under its users)
     */
    public synchronized Folio tryAllocate(long size) {
        int order = orderFor(size);
        if (closed) {
            throw new IllegalStateException("folio pool is closed");
        }
        Folio f = free[order].pollFirst();
        if (f == null) {
            if (!tryCarveSlab(order)) {
                return null;
            }
            f = free[order].pollFirst();
        }
        leased += (long) PAGE_SIZE << order;
        leaseCount++;
        f.lease();
        return f;
    }

    /**
     * Takes a folio where running out is a configuration error (buffers sized once at start-up, tests):
     * {@link #tryAllocate(long)} for everything that must cope with an empty pool.
     *
     * @param size bytes wanted
     * @return a folio holding one reference, which the caller puts
     * @throws IllegalStateException if the pool is closed or would exceed {@code maxBytes}
     */
    public Folio allocate(long size) {
        Folio f = tryAllocate(size);
        if (f == null) {
            throw new IllegalStateException("folio pool exhausted: maxBytes=" + maxBytes + ", leased=" + leasedBytes());
        }
        return f;
    }

    private boolean tryCarveSlab(int order) {
        if ((long) (slabs.size() + 1) * MAX_FOLIO > maxBytes) {
            return false;
        }
        MemorySegment slab = mapSlab();
        int index = slabs.size();
        slabs.add(slab);
        long size = (long) PAGE_SIZE << order;
        for (long off = 0; off < MAX_FOLIO; off += size) {
            free[order].addLast(new Folio(slab.asSlice(off, size), this, index, order));
        }
        return true;
    }

    /**
     * Maps one 2 MiB-aligned slab of anonymous memory, asks for a transparent huge page and touches it
     * in, and ties it to the pool's arena (closing the pool unmaps it).
     *
     * <p>Not {@code Arena.allocate}: that zeroes the memory in user space after the kernel has zeroed
     * every page on its first touch, and takes 4 KiB faults one by one (measured: half the reader's CPU
     * in a 1 GiB cold read through a fresh page cache). A huge page is zeroed once by the kernel and
     * faulted in once, and its one TLB entry covers the whole slab. Without transparent huge pages the
     * slab is the same memory in 4 KiB pages.
     */
    private MemorySegment mapSlab() {
        // map twice the size, then unmap the unaligned head and tail: what stays is 2 MiB aligned
        long span = 2L * MAX_FOLIO;
        long at = Native.mmap(MemorySegment.NULL, span, LibC.PROT_READ() | LibC.PROT_WRITE(),
                LibC.MAP_PRIVATE() | LibC.MAP_ANONYMOUS(), -1, 0);
        if (at < 0) {
            throw new IllegalStateException("folio pool: mmap(length=" + span + ") failed: " + Errno.describe((int) -at));
        }
        long aligned = (at + MAX_FOLIO - 1) & -(long) MAX_FOLIO;
        unmap(at, aligned - at);
        unmap(aligned + MAX_FOLIO, at + span - (aligned + MAX_FOLIO));
        MemorySegment slab = MemorySegment.ofAddress(aligned)
                .reinterpret(MAX_FOLIO, arena, FolioPool::unmapSlab);
        MAPPED.addAndGet(MAX_FOLIO);
        Native.madvise(slab, MAX_FOLIO, LibC.MADV_HUGEPAGE()); // advice: EINVAL without THP is fine
        for (long off = 0; off < MAX_FOLIO; off += PAGE_SIZE) {
            slab.set(ValueLayout.JAVA_BYTE, off, (byte) 0); // fault in now (once, with a huge page)
        }
        return slab;
    }

    /** The arena's cleanup at close: nothing to report a failure to, so an unmapped slab is not counted. */
    private static void unmapSlab(MemorySegment slab) {
        if (Native.munmap(slab, MAX_FOLIO) == 0) {
            MAPPED.addAndGet(-MAX_FOLIO);
        }
    }

    /**
     * @return bytes of slab memory that all pools in this process have mapped and not unmapped yet
     *     (for leak checks: Native Memory Tracking does not count memory mapped with {@code mmap})
     */
    public static long mappedBytes() {
        return MAPPED.get();
    }

    private static void unmap(long address, long length) {
        if (length > 0) {
            int r = Native.munmap(MemorySegment.ofAddress(address), length);
            if (r < 0) {
                throw new IllegalStateException("folio pool: munmap(length=" + length + ") failed: " + Errno.describe(-r));
            }
        }
    }

    synchronized void recycle(Folio f) {
        leased -= f.size();
        if (!closed) {
            free[f.order()].addFirst(f); // LIFO: the most recently used memory is the warmest in cache
        }
    }

    /** @return the most native memory the pool may hold */
    public long maxBytes() {
        return maxBytes;
    }

    /** @return the bytes of folios handed out and not yet returned */
    public synchronized long leasedBytes() {
        return leased;
    }

    /** @return how many folios have been handed out in all */
    public synchronized long leaseCount() {
        return leaseCount;
    }

    /** @return the bytes of native memory the pool holds (slabs) */
    public synchronized long capacityBytes() {
        return (long) slabs.size() * MAX_FOLIO;
    }

    /**
     * The pool's slabs, in slab-index order: what to register as io_uring fixed buffers.
     *
     * @return a snapshot of the slabs
     */
    public synchronized List<MemorySegment> slabs() {
        return List.copyOf(slabs);
    }

    /** Frees every slab. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            for (ArrayDeque<Folio> q : free) {
                q.clear();
            }
            arena.close();
        }
    }
}
