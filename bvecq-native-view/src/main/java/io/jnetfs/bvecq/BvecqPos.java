package io.jnetfs.bvecq;

/**
 * A position in a bvecq chain: segment, slot and offset within the slot. A set position holds a
 * reference on its segment ({@link RefTrace#POS}), which keeps that segment and every later one
 * alive even after the chain's owner deleted or released the segments before it.
 *
 * <p>Not thread-safe: a position belongs to one cursor (load, dispatch or collect) at a time.
 */
public final class BvecqPos implements AutoCloseable {
    private Bvecq seg;
    private int slot;
    private long offset;

    /** An unset position. */
    public BvecqPos() {
    }

    /** @return the segment, or {@code null} if unset */
    public Bvecq segment() {
        return seg;
    }

    /** @return the slot index within the segment */
    public int slot() {
        return slot;
    }

    /** @return the byte offset within the slot */
    public long offset() {
        return offset;
    }

    /** @return whether the position points somewhere */
    public boolean isSet() {
        return seg != null;
    }

    /**
     * Points the position at {@code (seg, slot, offset)}, taking a reference on {@code seg} and putting
     * the one it held.
     *
     * @return this
     */
    public BvecqPos set(Bvecq seg, int slot, long offset) {
        if (slot < 0 || offset < 0) {
            throw new IllegalArgumentException("invalid slot=" + slot + ", offset=" + offset);
        }
        seg.get(RefTrace.POS);
        Bvecq old = this.seg;
        this.seg = seg;
        this.slot = slot;
        this.offset = offset;
        if (old != null) {
            old.put(RefTrace.POS);
        }
        return this;
    }

    /** Forgets the position, putting its reference. Idempotent. */
    public void unset() {
        Bvecq old = seg;
        seg = null;
        slot = 0;
        offset = 0;
        if (old != null) {
            old.put(RefTrace.POS);
        }
    }

    /**
     * Takes over {@code from}'s place and reference; {@code from} is left unset.
     *
     * @return this
     */
    public BvecqPos transfer(BvecqPos from) {
        if (from == this) {
            return this;
        }
        Bvecq old = seg;
        seg = from.seg;
        slot = from.slot;
        offset = from.offset;
        from.seg = null;
        from.slot = 0;
        from.offset = 0;
        if (old != null) {
            old.put(RefTrace.POS);
        }
        return this;
    }

    /**
     * Moves this position to where {@code other} is, with a reference of its own.
     *
     * @return this
     */
    public BvecqPos move(BvecqPos other) {
        if (!other.isSet()) {
            unset();
            return this;
        }
        return set(other.seg, other.slot, other.offset);
    }

    /**
     * Steps to the start of the next slot, into the next segment where this one ends.
     *
     * @return false (and unchanged) at the end of the chain's published slots
     */
    public boolean step() {
        checkSet();
        Bvecq s = seg;
        int next = slot + 1;
        while (next >= s.nrSlotsAcquire()) {
            s = s.next();
            next = 0;
            if (s == null) {
                return false;
            }
        }
        moveTo(s, next, 0);
        return true;
    }

    /**
     * Advances by {@code n} bytes across slots and segments.
     *
     * @return the bytes advanced: {@code n}, or fewer at the end of the chain
     */
    public long advance(long n) {
        if (n < 0) {
            throw new IllegalArgumentException("invalid n=" + n);
        }
        checkSet();
        Bvecq s = seg;
        int sl = slot;
        long off = offset;
        long left = n;
        while (left > 0) {
            if (sl >= s.nrSlotsAcquire()) {
                if (s.next() == null) {
                    break;
                }
                s = s.next();
                sl = 0;
                off = 0;
                continue;
            }
            long room = s.slotLen(sl) - off;
            if (left < room) {
                off += left;
                left = 0;
            } else {
                left -= room;
                sl++;
                off = 0;
            }
        }
        moveTo(s, sl, off);
        return n - left;
    }

    private void moveTo(Bvecq s, int sl, long off) {
        if (s != seg) {
            set(s, sl, off);
        } else {
            slot = sl;
            offset = off;
        }
    }

    private void checkSet() {
        if (seg == null) {
            throw new IllegalStateException("bvecq position is not set");
        }
    }

    /** Same as {@link #unset()}. */
    @Override
    public void close() {
        unset();
    }

    @Override
    public String toString() {
        return seg == null ? "BvecqPos[unset]" : "BvecqPos[seg=" + seg.id() + ", slot=" + slot + ", offset=" + offset + "]";
    }
}
