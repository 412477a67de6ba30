package io.jnetfs.bvecq;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * A bvecq chain with its owner's handle: the head segment (on which the handle holds a reference), the
 * tail where slots are appended, the total length and the file position of the first byte.
 *
 * <pre>
 *   BvecqBuffer ──CHAIN_HEAD──&gt; [seg 0] ──NEXT──&gt; [seg 1] ──NEXT──&gt; [seg 2] ──&gt; NULL
 *                                                                 ^ tail: appends go here
 *   offsets: 0 ............................................... length()
 * </pre>
 *
 * Byte offsets given to the methods are relative to the current head ({@link #deleteSpent} moves it).
 * Operations that describe memory again ({@link #slice}, {@link #copyWithHeaderTrailer}) copy iovec
 * entries and take folio references, never the data. The handle is not thread-safe; other threads may
 * read the published slots through their own positions and iterators (see {@link Bvecq}).
 *
 * <p>Ownership: whoever makes a buffer releases it ({@link #release()}, also {@link #close()}); a
 * released buffer refuses every use with {@link IllegalStateException}.
 */
public final class BvecqBuffer implements AutoCloseable {
    /** The default {@code max_slots} of the segments a buffer allocates. */
    public static final int DEFAULT_SLOTS = 128;

    private final int slotsPerSegment;
    private Bvecq head;
    private Bvecq tail;
    private long length;
    private long fpos;
    private boolean copied;
    private boolean released;

    /**
     * An empty buffer.
     *
     * @param slotsPerSegment {@code max_slots} of the segments it allocates, 1 .. 65535
     */
    public BvecqBuffer(int slotsPerSegment) {
        if (slotsPerSegment <= 0 || slotsPerSegment > Bvecq.MAX_SLOTS_LIMIT) {
            throw new IllegalArgumentException("invalid max_slots=" + slotsPerSegment + " (1 .. " + Bvecq.MAX_SLOTS_LIMIT + ")");
        }
        this.slotsPerSegment = slotsPerSegment;
    }

    /** An empty buffer with {@link #DEFAULT_SLOTS} slots per segment. */
    public BvecqBuffer() {
        this(DEFAULT_SLOTS);
    }

    // ---- making buffers -----------------------------------------------------------------------------

    /**
     * Allocates a buffer of {@code n} bytes of pool memory.
     *
     * @param pool where the folios come from
     * @param n bytes, at least 1
     * @param folioSize the folio size to use, a power of two 4 KiB .. 2 MiB
     * @return a new buffer the caller releases
     */
    public static BvecqBuffer allocate(FolioPool pool, long n, int folioSize) {
        BvecqBuffer b = new BvecqBuffer();
        try {
            b.expand(pool, n, folioSize);
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return b;
    }

    /**
     * Describes caller memory: native {@link MemorySegment}s are referenced as they are; heap segments
     * are copied into pool memory (see {@link #copied()}).
     *
     * @param pool where copies of heap memory go; may be {@code null} when every segment is native
     * @param segments the memory, in order
     * @return a new buffer the caller releases; the caller keeps native memory alive until then
     */
    public static BvecqBuffer extract(FolioPool pool, MemorySegment... segments) {
        BvecqBuffer b = new BvecqBuffer();
        try {
            for (MemorySegment m : segments) {
                if (m.byteSize() == 0) {
                    continue;
                }
                if (m.isNative()) {
                    b.appendExternal(m);
                } else {
                    b.appendCopy(pool, m);
                }
            }
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return b;
    }

    /**
     * Describes the remaining bytes of {@link ByteBuffer}s: direct buffers are referenced, heap buffers
     * copied into pool memory (see {@link #copied()}). Buffer positions are not changed.
     *
     * @return a new buffer the caller releases
     */
    public static BvecqBuffer extract(FolioPool pool, ByteBuffer... buffers) {
        MemorySegment[] segs = new MemorySegment[buffers.length];
        for (int i = 0; i < buffers.length; i++) {
            segs[i] = MemorySegment.ofBuffer(buffers[i]);
        }
        return extract(pool, segs);
    }

    /**
     * Copies {@code len} bytes of a heap array into pool memory ({@link #copied()} is then true).
     *
     * @return a new buffer the caller releases
     */
    public static BvecqBuffer extract(FolioPool pool, byte[] array, int off, int len) {
        return extract(pool, MemorySegment.ofArray(array).asSlice(off, len));
    }

    /** @return whether making this buffer copied data (heap memory has no stable native address) */
    public boolean copied() {
        return copied;
    }

    // ---- accessors ----------------------------------------------------------------------------------

    /** @return the bytes the buffer describes */
    public long length() {
        checkLive();
        return length;
    }

    /** @return the head segment, or {@code null} if empty */
    public Bvecq head() {
        checkLive();
        return head;
    }

    /** @return the tail segment, or {@code null} if empty */
    public Bvecq tail() {
        checkLive();
        return tail;
    }

    /** @return the file position of the first byte */
    public long fpos() {
        return fpos;
    }

    /**
     * Sets the file position of the first byte (and so of every segment that follows contiguously).
     *
     * @param fpos a file position, at least 0
     */
    public void fpos(long fpos) {
        checkLive();
        if (fpos < 0) {
            throw new IllegalArgumentException("invalid fpos=" + fpos);
        }
        long delta = fpos - this.fpos;
        this.fpos = fpos;
        for (Bvecq s = head; s != null; s = s.next) {
            s.fpos(s.fpos() + delta, s.discontig());
        }
    }

    /** @return the number of segments */
    public int segmentCount() {
        checkLive();
        int n = 0;
        for (Bvecq s = head; s != null; s = s.next) {
            n++;
        }
        return n;
    }

    /** @return the number of published slots over all segments */
    public int slotCount() {
        checkLive();
        int n = 0;
        for (Bvecq s = head; s != null; s = s.next) {
            n += s.nrSlotsAcquire();
        }
        return n;
    }

    /** @return whether the buffer has been released */
    public boolean isReleased() {
        return released;
    }

    // ---- appending ----------------------------------------------------------------------------------

    /**
     * Appends a slot over part of a folio, taking over one reference the caller holds on it.
     *
     * @return this
     */
    public BvecqBuffer appendFolio(Folio folio, long off, long len) {
        checkLive();
        if (off < 0 || len <= 0 || off + len > folio.size()) {
            folio.put(FolioRef.SLOT);
            throw new IllegalArgumentException("invalid off=" + off + ", len=" + len + " for folio size=" + folio.size());
        }
        MemType t = folio.pool() != null ? MemType.POOLED : MemType.OWNED;
        tailFor(t).append(folio.address() + off, len, folio);
        length += len;
        return this;
    }

    /**
     * Appends caller memory, which must stay alive until every chain describing it is released.
     *
     * @param memory native memory
     * @return this
     */
    public BvecqBuffer appendExternal(MemorySegment memory) {
        checkLive();
        if (!memory.isNative()) {
            throw new IllegalArgumentException("heap memory has no stable address; use extract(pool, ...) to copy it");
        }
        if (memory.byteSize() == 0) {
            return this;
        }
        tailFor(MemType.EXTERNAL).append(memory.address(), memory.byteSize(), null);
        length += memory.byteSize();
        return this;
    }

    /**
     * Appends memory allocated for this chain alone, freed when the last reference to it goes.
     *
     * @param size bytes
     * @return the new memory (zeroed), valid while the buffer or a slice of it lives
     */
    public MemorySegment appendOwned(long size) {
        Folio f = Folio.allocateOwned(size);
        appendFolio(f, 0, size);
        return f.segment();
    }

    /**
     * Starts a new segment for a piece that does not follow the previous one in the file.
     *
     * @param fpos the file position of the next byte appended
     * @return this
     */
    public BvecqBuffer appendDiscontig(long fpos) {
        checkLive();
        Bvecq s = Bvecq.allocate(slotsPerSegment, MemType.EXTERNAL);
        link(s, fpos, true);
        return this;
    }

    /**
     * Adds {@code n} bytes of pool memory at the end.
     *
     * @return this
     */
    public BvecqBuffer expand(FolioPool pool, long n, int folioSize) {
        checkLive();
        if (n <= 0) {
            throw new IllegalArgumentException("invalid n=" + n);
        }
        if (Integer.bitCount(folioSize) != 1 || folioSize < FolioPool.MIN_FOLIO || folioSize > FolioPool.MAX_FOLIO) {
            throw new IllegalArgumentException("invalid folioSize=" + folioSize);
        }
        long left = n;
        while (left > 0) {
            long len = Math.min(left, folioSize);
            Folio f = pool.allocate(folioSize);
            appendFolio(f, 0, len);
            left -= len;
        }
        return this;
    }

    private void appendCopy(FolioPool pool, MemorySegment heap) {
        if (pool == null) {
            throw new IllegalArgumentException("heap memory must be copied, but no folio pool was given");
        }
        long done = 0;
        while (done < heap.byteSize()) {
            long len = Math.min(heap.byteSize() - done, FolioPool.MAX_FOLIO);
            Folio f = pool.allocate(len);
            MemorySegment.copy(heap, done, f.segment(), 0, len);
            appendFolio(f, 0, len);
            done += len;
        }
        copied = true;
    }

    /** The tail segment if a slot of kind {@code t} may go there, else a new (or retyped empty) one. */
    private Bvecq tailFor(MemType t) {
        Bvecq s = tail;
        if (s != null && !s.isFull() && fits(s.memType(), t)) {
            return s;
        }
        Bvecq n = Bvecq.allocate(slotsPerSegment, t);
        if (s != null && s.nrSlots() == 0) {
            // an empty segment started by appendDiscontig() but of another type: take its place
            n.fpos(s.fpos(), s.discontig());
            replaceTail(n);
        } else {
            link(n, endFpos(), false);
        }
        return n;
    }

    /** Caller memory (no folio) may sit in any segment; folio memory only in a segment of its type. */
    private static boolean fits(MemType segment, MemType slot) {
        return segment == slot || slot == MemType.EXTERNAL;
    }

    private long endFpos() {
        return tail == null ? fpos : tail.fpos() + tail.bytes();
    }

    /** Links {@code s} (holding its NEW reference, which becomes the CHAIN_HEAD or NEXT one) at the end. */
    private void link(Bvecq s, long segFpos, boolean discontig) {
        if (tail == null) {
            head = s;
            if (!discontig) {
                segFpos = fpos;
            } else {
                fpos = segFpos;
            }
        } else {
            tail.next = s;
            s.prev = tail;
        }
        s.fpos(segFpos, discontig);
        tail = s;
    }

    private void replaceTail(Bvecq n) {
        Bvecq old = tail;
        Bvecq p = old.prev;
        if (p == null) {
            head = n;
        } else {
            p.next = n;
            n.prev = p;
        }
        tail = n;
        old.prev = null;
        old.put(p == null ? RefTrace.CHAIN_HEAD : RefTrace.NEXT);
    }

    // ---- trimming -----------------------------------------------------------------------------------

    /**
     * Removes {@code n} bytes from the end, putting the references of slots and segments left empty.
     *
     * @return this
     */
    public BvecqBuffer shorten(long n) {
        checkLive();
        if (n < 0 || n > length) {
            throw new IllegalArgumentException("invalid n=" + n + " for length=" + length);
        }
        long left = n;
        while (left > 0) {
            Bvecq s = tail;
            int last = s.nrSlots() - 1;
            if (last < 0) {
                dropTailSegment();
                continue;
            }
            long len = s.slotLen(last);
            if (len > left) {
                s.setSlotLen(last, len - left);
                length -= left;
                left = 0;
            } else {
                s.dropLastSlot();
                length -= len;
                left -= len;
            }
        }
        while (tail != null && tail.nrSlots() == 0) {
            dropTailSegment();
        }
        return this;
    }

    private void dropTailSegment() {
        Bvecq s = tail;
        Bvecq p = s.prev;
        if (p == null) {
            head = null;
            tail = null;
            s.put(RefTrace.CHAIN_HEAD);
        } else {
            p.next = null;
            s.prev = null;
            tail = p;
            s.put(RefTrace.NEXT);
        }
    }

    /**
     * Deletes the head segments that lie wholly before {@code pos} (spent: fully consumed), putting
     * the buffer's references on them. Memory still referenced elsewhere (positions, slices) lives on.
     *
     * @param pos a position in this buffer
     * @return the bytes deleted from the front
     */
    public long deleteSpent(BvecqPos pos) {
        checkLive();
        Bvecq stop = pos.segment();
        if (stop == null) {
            throw new IllegalArgumentException("position is not set");
        }
        boolean found = false;
        for (Bvecq s = head; s != null; s = s.next) {
            if (s == stop) {
                found = true;
                break;
            }
        }
        if (!found) {
            throw new IllegalArgumentException("position is not in this buffer: " + pos);
        }
        long deleted = 0;
        while (head != stop) {
            Bvecq old = head;
            Bvecq nh = old.next;
            nh.get(RefTrace.CHAIN_HEAD);
            deleted += old.bytes();
            head = nh;
            old.put(RefTrace.DELETE_SPENT); // frees old, which puts its NEXT reference on nh
            nh.prev = null;
        }
        length -= deleted;
        fpos = head.fpos();
        return deleted;
    }

    // ---- data ---------------------------------------------------------------------------------------

    /** Zeroes {@code len} bytes from {@code off}. */
    public void zero(long off, long len) {
        forEachPiece(off, len, (m, at) -> m.fill((byte) 0));
    }

    /** Copies {@code len} bytes from {@code off} into {@code dst[dstOff..]}. */
    public void copyTo(long off, byte[] dst, int dstOff, int len) {
        java.util.Objects.checkFromIndexSize(dstOff, len, dst.length);
        MemorySegment d = MemorySegment.ofArray(dst);
        forEachPiece(off, len, (m, at) -> MemorySegment.copy(m, 0, d, dstOff + at, m.byteSize()));
    }

    /** Copies {@code len} bytes from {@code off} into {@code dst} from its start. */
    public void copyTo(long off, MemorySegment dst, long len) {
        if (len > dst.byteSize()) {
            throw new IllegalArgumentException("invalid len=" + len + " for destination byteSize=" + dst.byteSize());
        }
        forEachPiece(off, len, (m, at) -> MemorySegment.copy(m, 0, dst, at, m.byteSize()));
    }

    /** Copies {@code src[srcOff..srcOff+len)} into the buffer at {@code off}. */
    public void copyFrom(byte[] src, int srcOff, long off, int len) {
        java.util.Objects.checkFromIndexSize(srcOff, len, src.length);
        MemorySegment s = MemorySegment.ofArray(src);
        forEachPiece(off, len, (m, at) -> MemorySegment.copy(s, srcOff + at, m, 0, m.byteSize()));
    }

    /** Copies {@code src} into the buffer at {@code off}. */
    public void copyFrom(MemorySegment src, long off) {
        forEachPiece(off, src.byteSize(), (m, at) -> MemorySegment.copy(src, at, m, 0, m.byteSize()));
    }

    /** @return the byte at {@code off} */
    public byte byteAt(long off) {
        byte[] b = new byte[1];
        copyTo(off, b, 0, 1);
        return b[0];
    }

    // ---- describing again -----------------------------------------------------------------------------

    /**
     * A new buffer describing {@code len} bytes from {@code off} of the same memory: iovec entries are
     * copied (partial first and last entries trimmed) and folio references taken; no data is copied.
     *
     * @return a new buffer the caller releases
     * @throws IndexOutOfBoundsException if the range lies beyond the buffer
     */
    public BvecqBuffer slice(long off, long len) {
        return describe(off, len, null, null);
    }

    /**
     * A new buffer {@code [header][len bytes from off][trailer]}: how a filesystem forms a whole RPC
     * message around data it does not own. The data's entries are copied with folio references taken;
     * header and trailer are caller memory (kept alive by the caller) and may be empty or {@code null}.
     * When the result fits one segment its iovec array is the whole message, ready for one
     * {@code sendmsg}.
     *
     * @return a new buffer the caller releases
     */
    public BvecqBuffer copyWithHeaderTrailer(long off, long len, MemorySegment header, MemorySegment trailer) {
        return describe(off, len, header, trailer);
    }

    private BvecqBuffer describe(long off, long len, MemorySegment header, MemorySegment trailer) {
        checkLive();
        checkRange(off, len);
        int slots = (header != null && header.byteSize() > 0 ? 1 : 0) + (trailer != null && trailer.byteSize() > 0 ? 1 : 0);
        slots += countSlots(off, len);
        BvecqBuffer b = new BvecqBuffer(Math.min(Bvecq.MAX_SLOTS_LIMIT, Math.max(1, Math.max(slots, slotsPerSegment))));
        try {
            b.fpos = fposAt(off) - (header == null ? 0 : header.byteSize());
            MemType kind = head == null ? MemType.EXTERNAL : kindOf(off, len);
            if (header != null && header.byteSize() > 0) {
                b.tailFor(kind).append(requireNative(header).address(), header.byteSize(), null);
                b.length += header.byteSize();
            }
            walk(off, len, (s, slot, base, n) -> {
                Folio f = s.slotFolio(slot);
                if (f == null) {
                    b.tailFor(b.tail == null ? kind : MemType.EXTERNAL).append(base, n, null);
                } else {
                    f.get(FolioRef.SLICE);
                    b.tailFor(f.pool() != null ? MemType.POOLED : MemType.OWNED).append(base, n, f);
                }
                b.length += n;
            });
            if (trailer != null && trailer.byteSize() > 0) {
                b.tailFor(MemType.EXTERNAL).append(requireNative(trailer).address(), trailer.byteSize(), null);
                b.length += trailer.byteSize();
            }
        } catch (RuntimeException e) {
            b.release();
            throw e;
        }
        return b;
    }

    private MemType kindOf(long off, long len) {
        MemType[] k = {MemType.EXTERNAL};
        walk(off, len, (s, slot, base, n) -> {
            if (k[0] == MemType.EXTERNAL && s.slotFolio(slot) != null) {
                k[0] = s.slotFolio(slot).pool() != null ? MemType.POOLED : MemType.OWNED;
            }
        });
        return k[0];
    }

    private int countSlots(long off, long len) {
        int[] n = {0};
        walk(off, len, (s, slot, base, l) -> n[0]++);
        return n[0];
    }

    private static MemorySegment requireNative(MemorySegment m) {
        if (!m.isNative()) {
            throw new IllegalArgumentException("header and trailer must be native memory");
        }
        return m;
    }

    /**
     * A new position at byte {@code off}.
     *
     * @return a set position the caller closes
     */
    public BvecqPos pos(long off) {
        checkLive();
        if (off < 0 || off > length) {
            throw new IndexOutOfBoundsException("invalid offset=" + off + " for length=" + length);
        }
        BvecqPos p = new BvecqPos();
        if (head == null) {
            return p;
        }
        p.set(head, 0, 0);
        p.advance(off);
        return p;
    }

    /** @return the file position of byte {@code off} (following discontiguous segments) */
    public long fposAt(long off) {
        checkLive();
        long at = 0;
        for (Bvecq s = head; s != null; s = s.next) {
            if (off < at + s.bytes() || s.next == null) {
                return s.fpos() + (off - at);
            }
            at += s.bytes();
        }
        return fpos + off;
    }

    // ---- release --------------------------------------------------------------------------------------

    /**
     * Releases the buffer: puts its reference on the head segment, which frees every segment no
     * position or iterator still holds. Using the buffer afterwards throws.
     *
     * @throws IllegalStateException if already released (a double release)
     */
    public void release() {
        if (released) {
            throw new IllegalStateException("bvecq buffer released twice");
        }
        released = true;
        Bvecq h = head;
        head = null;
        tail = null;
        length = 0;
        if (h != null) {
            h.put(RefTrace.RELEASE);
        }
    }

    /** Releases the buffer if not yet released (for try-with-resources). */
    @Override
    public void close() {
        if (!released) {
            release();
        }
    }

    void checkLive() {
        if (released) {
            throw new IllegalStateException("bvecq buffer used after release");
        }
    }

    private void checkRange(long off, long len) {
        if (off < 0 || len < 0 || off > length - len) {
            throw new IndexOutOfBoundsException("invalid range offset=" + off + ", len=" + len + " for length=" + length);
        }
    }

    // ---- walking ----------------------------------------------------------------------------------------

    @FunctionalInterface
    interface SlotVisitor {
        void visit(Bvecq seg, int slot, long base, long len);
    }

    @FunctionalInterface
    interface PieceVisitor {
        /** @param at the piece's offset from the start of the walked range */
        void visit(MemorySegment piece, long at);
    }

    /** Visits the (partial) slots covering {@code [off, off+len)}. */
    void walk(long off, long len, SlotVisitor v) {
        checkLive();
        checkRange(off, len);
        if (len == 0) {
            return;
        }
        long at = 0;
        long end = off + len;
        for (Bvecq s = head; s != null && at < end; s = s.next) {
            int n = s.nrSlotsAcquire();
            for (int i = 0; i < n && at < end; i++) {
                long l = s.slotLen(i);
                long from = Math.max(off, at);
                long to = Math.min(end, at + l);
                if (from < to) {
                    v.visit(s, i, s.slotBase(i) + (from - at), to - from);
                }
                at += l;
            }
        }
    }

    private void forEachPiece(long off, long len, PieceVisitor v) {
        long[] at = {0};
        walk(off, len, (s, slot, base, n) -> {
            v.visit(view(s.slotFolio(slot), base, n), at[0]);
            at[0] += n;
        });
    }

    /** A bounds- and liveness-checked view of slot memory: through the folio where there is one. */
    private static MemorySegment view(Folio f, long base, long len) {
        if (f != null) {
            return f.segment().asSlice(base - f.address(), len);
        }
        return MemorySegment.ofAddress(base).reinterpret(len);
    }

    @Override
    public String toString() {
        return released ? "BvecqBuffer[released]" : "BvecqBuffer[length=" + length + ", fpos=" + fpos + ", segments="
                + segmentCount() + ", slots=" + slotCount() + "]";
    }
}
