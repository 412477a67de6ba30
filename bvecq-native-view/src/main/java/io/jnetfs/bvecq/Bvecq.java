package io.jnetfs.bvecq;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One segment of a bvecq chain: a native {@code struct iovec[max_slots]} whose first
 * {@code nr_slots} entries describe memory that is contiguous in the file from {@code fpos} on.
 *
 * <pre>
 *   chain:   NULL &lt;- prev [Bvecq A] next -&gt; [Bvecq B] next -&gt; [Bvecq C] -&gt; NULL
 *                    fpos=0              fpos=192K           fpos=1M, discontig
 *   A.bv:    +-------------+-------------+-------------+------ - - -+
 *            | base,len=64K| base,len=64K| base,len=64K|  (unused)   |   nr_slots=3, max_slots=8
 *            +-------------+-------------+-------------+------ - - -+
 *   folios:  [ folio 0    ][ folio 1    ][ folio 2    ]                 one reference per slot
 * </pre>
 *
 * <p>The native array <em>is</em> the buffer description: {@link #bv()} goes to
 * {@code writev}/{@code sendmsg}/io_uring as it is. A chain is NULL-terminated and linear, not
 * circular, so pieces can be glued on the front. Each segment holds a reference on the next; the
 * last put on a segment frees its array and puts its slots' folio references ({@link MemType}) and
 * its reference on the next segment.
 *
 * <p>The iovec array of an inline segment comes from a recycling pool ({@code IovecArrayPool}): after
 * the last put, {@link #bv()} and every slot accessor refuse access.
 *
 * <p>Slot publication: one loader appends slots ({@link #append}) while other threads read the
 * slots already published: the loader writes the entry, then publishes {@code nr_slots} with a
 * release store; readers load {@code nr_slots} with acquire ({@link #nrSlotsAcquire()}) and then may
 * read every entry below it. Only one thread may append to a segment at a time.
 */
public final class Bvecq {
    /** The most slots one segment may have: the kernel's {@code u16 max_slots}. */
    public static final int MAX_SLOTS_LIMIT = 65535;

    private static final VarHandle NR_SLOTS;
    private static final VarHandle REFS;
    private static final AtomicLong IDS = new AtomicLong();

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            NR_SLOTS = l.findVarHandle(Bvecq.class, "nrSlots", int.class);
            REFS = l.findVarHandle(Bvecq.class, "refs", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final long id = IDS.incrementAndGet();
    private final MemorySegment bv;
    private final long bvAddress;
    private final int maxSlots;
    private final boolean inlineBv;
    private final MemType memType;
    private final Folio[] folios;
    @SuppressWarnings("unused") // accessed through NR_SLOTS
    private int nrSlots;
    @SuppressWarnings("unused") // accessed through REFS
    private volatile int refs = 1;
    private long bytes;
    private long fpos;
    private boolean discontig;
    private long priv;
    Bvecq next;
    Bvecq prev;

    private Bvecq(int maxSlots, MemType memType, MemorySegment externalBv) {
        if (maxSlots <= 0 || maxSlots > MAX_SLOTS_LIMIT) {
            throw new IllegalArgumentException("invalid max_slots=" + maxSlots + " (1 .. " + MAX_SLOTS_LIMIT + ")");
        }
        this.maxSlots = maxSlots;
        this.memType = memType;
        this.folios = memType == MemType.EXTERNAL ? null : new Folio[maxSlots];
        if (externalBv == null) {
            this.bv = IovecArrayPool.take(maxSlots);
            this.inlineBv = true;
        } else {
            if (externalBv.byteSize() < maxSlots * IovecDescriptor.SIZE) {
                throw new IllegalArgumentException("iovec array too small: byteSize=" + externalBv.byteSize()
                        + " for max_slots=" + maxSlots);
            }
            this.bv = externalBv;
            this.inlineBv = false;
        }
        this.bvAddress = bv.address();
        if (BvecqRefEvent.TRACE) {
            BvecqRefEvent.emit(this, RefTrace.NEW, 1, 1);
        }
    }

    /**
     * Allocates a segment whose iovec array is its own (inline).
     *
     * @param maxSlots 1 .. 65535
     * @param memType what releasing does to the memory its slots point at
     * @return a segment holding one reference ({@link RefTrace#NEW}), owned by the caller
     */
    public static Bvecq allocate(int maxSlots, MemType memType) {
        return new Bvecq(maxSlots, memType, null);
    }

    /**
     * Makes a segment over a caller-supplied iovec array (not inline: the caller keeps it alive for as
     * long as the segment lives and frees it afterwards).
     *
     * @param bv at least {@code maxSlots * 16} bytes
     * @param maxSlots 1 .. 65535
     * @param memType what releasing does to the memory its slots point at
     * @return a segment holding one reference
     */
    public static Bvecq wrap(MemorySegment bv, int maxSlots, MemType memType) {
        return new Bvecq(maxSlots, memType, bv);
    }

    // ---- accessors ------------------------------------------------------------------------------

    /** @return a process-unique id, for tracing */
    public long id() {
        return id;
    }

    /**
     * The native iovec array.
     *
     * @return all {@code max_slots} entries (only {@code nr_slots} are meaningful)
     * @throws IllegalStateException if the segment has been freed
     */
    public MemorySegment bv() {
        checkLive();
        return bv;
    }

    /** @return the native address of the iovec array (valid while a reference is held) */
    public long bvAddress() {
        return bvAddress;
    }

    /** @return {@code nr_slots}, read plainly: for the thread that appends */
    public int nrSlots() {
        return (int) NR_SLOTS.get(this);
    }

    /** @return {@code nr_slots}, read with acquire: every entry below it is then visible */
    public int nrSlotsAcquire() {
        // pairs with the release store in publish(): the entries below nr_slots are visible
        return (int) NR_SLOTS.getAcquire(this);
    }

    /** @return {@code max_slots} */
    public int maxSlots() {
        return maxSlots;
    }

    /** @return whether all slots are used */
    public boolean isFull() {
        return nrSlots() == maxSlots;
    }

    /** @return the file position of the segment's first byte */
    public long fpos() {
        return fpos;
    }

    /** @return whether this segment does not follow the previous one in the file */
    public boolean discontig() {
        return discontig;
    }

    /** @return the owner's private word */
    public long priv() {
        return priv;
    }

    /** @param priv the owner's private word */
    public void priv(long priv) {
        this.priv = priv;
    }

    /** @return what releasing does to the memory the slots point at */
    public MemType memType() {
        return memType;
    }

    /** @return whether the iovec array was allocated with the segment */
    public boolean inlineBv() {
        return inlineBv;
    }

    /** @return the next segment, or {@code null} at the end of the chain */
    public Bvecq next() {
        return next;
    }

    /** @return the previous segment, or {@code null} at the front of the chain */
    public Bvecq prev() {
        return prev;
    }

    /** @return the bytes described by the published slots (for the appending thread) */
    public long bytes() {
        return bytes;
    }

    /** @return the references held now */
    public int refs() {
        return (int) REFS.getAcquire(this);
    }

    /** @return the address slot {@code slot} points at */
    public long slotBase(int slot) {
        return IovecDescriptor.base(bv, slot);
    }

    /** @return the length of slot {@code slot} */
    public long slotLen(int slot) {
        return IovecDescriptor.len(bv, slot);
    }

    /** @return the folio slot {@code slot} holds a reference on, or {@code null} for external memory */
    public Folio slotFolio(int slot) {
        return folios == null ? null : folios[slot];
    }

    void fpos(long fpos, boolean discontig) {
        this.fpos = fpos;
        this.discontig = discontig;
    }

    // ---- slots ----------------------------------------------------------------------------------

    /**
     * Appends a slot and publishes it (release).
     *
     * @param base the address of the memory
     * @param len its length, at least 1
     * @param folio the folio the memory lies in, whose reference the slot takes over; {@code null} for
     *     caller-owned memory (the only kind an {@link MemType#EXTERNAL} segment holds; a
     *     {@link MemType#POOLED} or {@link MemType#OWNED} segment may hold such slots too, such as the
     *     header and trailer of an RPC message)
     * @return the slot's index
     * @throws IllegalStateException if the segment is full or freed
     */
    public int append(long base, long len, Folio folio) {
        checkLive();
        int n = (int) NR_SLOTS.get(this);
        if (n == maxSlots) {
            throw new IllegalStateException("bvecq segment full: max_slots=" + maxSlots);
        }
        if (len <= 0) {
            throw new IllegalArgumentException("invalid len=" + len);
        }
        if (folio != null && (memType == MemType.EXTERNAL || (folio.pool() != null) != (memType == MemType.POOLED))) {
            throw new IllegalArgumentException("folio=" + folio + " does not fit mem_type=" + memType);
        }
        IovecDescriptor.set(bv, n, base, len);
        if (folios != null) {
            folios[n] = folio;
        }
        bytes += len;
        // release: the entry written above is visible to any reader that acquires nr_slots
        NR_SLOTS.setRelease(this, n + 1);
        return n;
    }

    /** Changes the length of a published slot (only the appending thread, only when no reader uses it). */
    void setSlotLen(int slot, long len) {
        bytes += len - IovecDescriptor.len(bv, slot);
        IovecDescriptor.set(bv, slot, IovecDescriptor.base(bv, slot), len);
    }

    /** Removes the last slot, putting its folio reference. */
    void dropLastSlot() {
        int n = (int) NR_SLOTS.get(this) - 1;
        bytes -= IovecDescriptor.len(bv, n);
        NR_SLOTS.setRelease(this, n);
        if (folios != null) {
            Folio f = folios[n];
            folios[n] = null;
            if (f != null) {
                f.put(FolioRef.SLOT);
            }
        }
    }

    // ---- references -----------------------------------------------------------------------------

    /**
     * Takes a reference.
     *
     * @param why the reason, for tracing
     * @return this
     * @throws IllegalStateException if the segment was already freed
     */
    public Bvecq get(RefTrace why) {
        int r;
        do {
            r = (int) REFS.getAcquire(this);
            if (r <= 0) {
                throw new IllegalStateException("bvecq segment used after release: id=" + id);
            }
        } while (!REFS.weakCompareAndSetRelease(this, r, r + 1));
        if (BvecqRefEvent.TRACE) {
            BvecqRefEvent.emit(this, why, 1, r + 1);
        }
        return this;
    }

    /**
     * Puts a reference. The last put frees the iovec array, puts the slots' folio references and the
     * reference on the next segment (iteratively, so a long chain cannot overflow the stack).
     *
     * @param why the reason, for tracing
     * @throws IllegalStateException on a put without a matching get (a double release)
     */
    public void put(RefTrace why) {
        Bvecq s = this;
        RefTrace reason = why;
        while (s != null) {
            int r = (int) REFS.getAndAdd(s, -1) - 1;
            if (BvecqRefEvent.TRACE) {
                BvecqRefEvent.emit(s, reason, -1, r);
            }
            if (r > 0) {
                return;
            }
            if (r < 0) {
                REFS.getAndAdd(s, 1);
                throw new IllegalStateException("bvecq segment released twice: id=" + s.id);
            }
            Bvecq n = s.free();
            s = n;
            reason = RefTrace.NEXT;
        }
    }

    private Bvecq free() {
        int n = (int) NR_SLOTS.get(this);
        if (folios != null) {
            for (int i = 0; i < n; i++) {
                Folio f = folios[i];
                folios[i] = null;
                if (f != null) {
                    f.put(FolioRef.SLOT);
                }
            }
        }
        NR_SLOTS.setRelease(this, 0);
        if (inlineBv) {
            IovecArrayPool.give(bv); // bv() refuses access from now on: refs is 0
        }
        Bvecq n2 = next;
        next = null;
        if (n2 != null && n2.prev == this) {
            n2.prev = null;
        }
        prev = null;
        return n2;
    }

    void checkLive() {
        if ((int) REFS.getAcquire(this) <= 0) {
            throw new IllegalStateException("bvecq segment used after release: id=" + id);
        }
    }

    /** @return whether at least one reference is held */
    public boolean isLive() {
        return (int) REFS.getAcquire(this) > 0;
    }

    @Override
    public String toString() {
        return "Bvecq[id=" + id + ", nr_slots=" + nrSlotsAcquire() + ", max_slots=" + maxSlots + ", fpos=" + fpos
                + (discontig ? ", discontig" : "") + ", " + memType + ", refs=" + refs() + "]";
    }
}
