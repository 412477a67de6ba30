package io.jnetfs.bvecq;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A refcounted piece of native memory that bvecq slots point into: either a page-aligned buffer
 * of a {@link FolioPool} (returned to its pool when the last reference goes) or memory allocated for
 * one chain in an arena of its own (freed, arena closed, when the last reference goes).
 *
 * <p>A chain slot holds one reference on the folio it points into; a slice of the chain takes another,
 * so the memory lives as long as any chain describes it. {@link #segment()} fails once the last
 * reference is gone: the memory may then belong to someone else.
 */
public final class Folio {
    private static final VarHandle REFS;

    static {
        try {
            REFS = MethodHandles.lookup().findVarHandle(Folio.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final MemorySegment memory;
    private final FolioPool pool;
    private final Arena ownArena;
    private final int slab;
    private final int order;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs;

    Folio(MemorySegment memory, FolioPool pool, int slab, int order) {
        this.memory = memory;
        this.pool = pool;
        this.ownArena = null;
        this.slab = slab;
        this.order = order;
    }

    private Folio(MemorySegment memory, Arena ownArena) {
        this.memory = memory;
        this.pool = null;
        this.ownArena = ownArena;
        this.slab = -1;
        this.order = -1;
        this.refs = 1;
    }

    /**
     * Allocates {@code size} bytes for one chain, page aligned, in an arena of their own that closes
     * when the last reference is put.
     *
     * @param size bytes, at least 1
     * @return a folio holding one reference
     */
    public static Folio allocateOwned(long size) {
        if (size <= 0) {
            throw new IllegalArgumentException("invalid size=" + size);
        }
        Arena arena = Arena.ofShared();
        return new Folio(arena.allocate(size, FolioPool.PAGE_SIZE), arena);
    }

    /** Called by the pool when it hands the folio out: one reference, owned by the caller. */
    void lease() {
        REFS.setRelease(this, 1);
    }

    /**
     * The folio's memory.
     *
     * @return the whole folio
     * @throws IllegalStateException if no reference is held any more
     */
    public MemorySegment segment() {
        if ((int) REFS.getAcquire(this) <= 0) {
            throw new IllegalStateException("folio used after its last reference was put: " + this);
        }
        return memory;
    }

    /** @return the folio's first address (valid while a reference is held) */
    public long address() {
        return memory.address();
    }

    /** @return the folio's size in bytes */
    public long size() {
        return memory.byteSize();
    }

    /** @return the pool it came from, or {@code null} for memory owned by one chain */
    public FolioPool pool() {
        return pool;
    }

    /** @return the index of the pool slab holding it (the io_uring fixed-buffer index), or -1 */
    public int slab() {
        return slab;
    }

    /** @return log2(size / 4 KiB) for pooled folios, or -1 */
    public int order() {
        return order;
    }

    /** @return the references held now */
    public int refs() {
        return (int) REFS.getAcquire(this);
    }

    /**
     * Takes another reference, for no named reason ({@link FolioRef#UNNAMED}); prefer
     * {@link #get(FolioRef)}.
     *
     * @return this
     * @throws IllegalStateException if the last reference was already put
     */
    public Folio get() {
        return get(FolioRef.UNNAMED);
    }

    /**
     * Takes another reference.
     *
     * @param why the reason, traced
     * @return this
     * @throws IllegalStateException if the last reference was already put (misuse: the caller held none)
     */
    public Folio get(FolioRef why) {
        if (!tryGet(why)) {
            throw new IllegalStateException("folio get(" + why + ") after its last reference was put: " + this);
        }
        return this;
    }

    /**
     * Takes another reference unless the last one is already gone: for a caller that found the folio
     * without holding a reference (a page-cache lookup racing an eviction), where a freed folio is an
     * expected outcome, not misuse.
     *
     * @param why the reason, traced
     * @return true if a reference was taken; false if the folio was freed (look it up again)
     */
    public boolean tryGet(FolioRef why) {
        int r;
        do {
            r = (int) REFS.getAcquire(this);
            if (r <= 0) {
                return false;
            }
        } while (!REFS.weakCompareAndSetRelease(this, r, r + 1));
        if (BvecqRefEvent.TRACE) {
            FolioRefEvent.emit(this, why, 1, r + 1);
        }
        return true;
    }

    /**
     * Puts a reference for no named reason ({@link FolioRef#UNNAMED}); prefer {@link #put(FolioRef)}.
     *
     * @throws IllegalStateException on a put without a matching get
     */
    public void put() {
        put(FolioRef.UNNAMED);
    }

    /**
     * Puts a reference; the last one returns the folio to its pool or frees its memory.
     *
     * @param why the reason, traced
     * @throws IllegalStateException on a put without a matching get
     */
    public void put(FolioRef why) {
        int r = (int) REFS.getAndAdd(this, -1) - 1;
        if (BvecqRefEvent.TRACE) {
            FolioRefEvent.emit(this, why, -1, r);
        }
        if (r > 0) {
            return;
        }
        if (r < 0) {
            REFS.getAndAdd(this, 1);
            throw new IllegalStateException("folio put(" + why + ") more often than got: " + this);
        }
        if (pool != null) {
            pool.recycle(this);
        } else {
            ownArena.close();
        }
    }

    @Override
    public String toString() {
        return "Folio[address=0x" + Long.toHexString(memory.address()) + ", size=" + memory.byteSize()
                + (pool != null ? ", slab=" + slab : ", owned") + ", refs=" + refs() + "]";
    }
}
