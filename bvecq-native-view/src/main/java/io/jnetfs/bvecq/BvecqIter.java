package io.jnetfs.bvecq;

import java.lang.foreign.MemorySegment;

/**
 * An iterator over a byte range of a bvecq chain (the kernel's {@code ITER_BVECQ}): count, advance,
 * revert, and the iovec array for the next bytes, handed to the kernel without copying data.
 *
 * <pre>
 *   segment A bv: [ 0 ][ 1 ][ 2 ][ 3 ]      segment B bv: [ 0 ][ 1 ] ...
 *                       ^cursor (slot 1, offset 0)
 *   nextIov(3 slots' worth) inside A, whole entries -&gt; iovAddress() = &amp;A.bv[1], iovCount() = 3  (direct)
 *   a partial first/last entry, or a range crossing into B -&gt; entries copied into the iterator's
 *   scratch array (at most IOV_MAX = 1024 a call), the first and last trimmed               (gather)
 * </pre>
 *
 * <p>The iterator takes no references: whoever iterates keeps the chain alive until the kernel is done
 * with the memory. Every method is allocation-free; one iterator is reused with {@link #init}. Not
 * thread-safe. {@link #close()} gives its scratch array back to the segments' array pool
 * ({@link IovecArrayPool}): an arena of its own would make every close a handshake with all threads,
 * and a client or engine closes hundreds of iterators (one per request slot) when it shuts down.
 */
public final class BvecqIter implements AutoCloseable {
    private final MemorySegment scratch = IovecArrayPool.take(IovecDescriptor.IOV_MAX);
    private final long scratchAddress = scratch.address();

    private Bvecq seg;
    private int slot;
    private long offset;
    private long count;
    private long advanced;

    private long iovAddress;
    private int iovCount;
    private long iovBytes;
    private boolean closed;

    /** A new iterator, not yet over anything; {@link #init} it. */
    public BvecqIter() {
    }

    /**
     * Points the iterator at {@code len} bytes of {@code buffer} from byte {@code off}.
     *
     * @return this
     */
    public BvecqIter init(BvecqBuffer buffer, long off, long len) {
        checkOpen();
        if (off < 0 || len < 0 || off > buffer.length() - len) {
            throw new IndexOutOfBoundsException("invalid range offset=" + off + ", len=" + len + " for length="
                    + buffer.length());
        }
        seg = buffer.head();
        slot = 0;
        offset = 0;
        count = off + len;
        advanced = 0;
        if (seg != null) {
            advance(off);
        }
        advanced = 0;
        count = len;
        return this;
    }

    /**
     * Points the iterator at {@code len} bytes from a position (which the caller keeps set).
     *
     * @return this
     */
    public BvecqIter init(BvecqPos pos, long len) {
        checkOpen();
        if (!pos.isSet()) {
            throw new IllegalArgumentException("position is not set");
        }
        if (len < 0) {
            throw new IllegalArgumentException("invalid len=" + len);
        }
        seg = pos.segment();
        seg.checkLive();
        slot = pos.slot();
        offset = pos.offset();
        count = len;
        advanced = 0;
        return this;
    }

    /** @return the segment the cursor is in (for taking a reference on exactly it), or {@code null} */
    public Bvecq segment() {
        return seg;
    }

    /** @return the bytes left */
    public long count() {
        return count;
    }

    /** @return the bytes advanced since {@link #init} (the most {@link #revert} can go back) */
    public long advanced() {
        return advanced;
    }

    /**
     * Advances by {@code n} bytes.
     *
     * @throws IllegalArgumentException if {@code n} exceeds {@link #count()}
     */
    public void advance(long n) {
        if (n < 0 || n > count) {
            throw new IllegalArgumentException("invalid advance n=" + n + " for count=" + count);
        }
        long left = n;
        Bvecq s = seg;
        int sl = slot;
        long off = offset;
        while (left > 0) {
            int nr = s.nrSlotsAcquire();
            if (sl >= nr) {
                s = nextLive(s);
                sl = 0;
                off = 0;
                continue;
            }
            if (sl == 0 && off == 0 && (nr == s.maxSlots() || s.next() != null) && left >= s.bytes()) {
                left -= s.bytes(); // a whole sealed segment: its byte count is known, skip its slots
                sl = nr;
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
        seg = s;
        slot = sl;
        offset = off;
        count -= n;
        advanced += n;
    }

    /**
     * Goes back {@code n} bytes, never past where {@link #init} put it.
     *
     * @throws IllegalArgumentException if {@code n} exceeds {@link #advanced()}
     */
    public void revert(long n) {
        if (n < 0 || n > advanced) {
            throw new IllegalArgumentException("invalid revert n=" + n + ": only " + advanced + " bytes were advanced");
        }
        long left = n;
        Bvecq s = seg;
        int sl = slot;
        long off = offset;
        while (left > 0) {
            if (off == 0) {
                if (sl == 0) {
                    Bvecq p = s.prev();
                    if (p == null) {
                        throw new IllegalStateException("revert past the front of the chain (segments deleted?)");
                    }
                    s = p;
                    s.checkLive();
                    sl = s.nrSlotsAcquire();
                    continue;
                }
                sl--;
                off = s.slotLen(sl);
            }
            long back = Math.min(left, off);
            off -= back;
            left -= back;
        }
        seg = s;
        slot = sl;
        offset = off;
        count += n;
        advanced -= n;
    }

    /**
     * Describes up to {@code maxBytes} of the next bytes as an iovec array for the kernel, without
     * advancing. Inside one segment, with whole entries, the array is the segment's own; otherwise
     * the entries are copied into the scratch array (at most {@link IovecDescriptor#IOV_MAX}).
     *
     * @return the number of entries (0 when {@link #count()} is 0); see {@link #iovAddress()},
     *     {@link #iovBytes()}
     */
    public int nextIov(long maxBytes) {
        long want = Math.min(maxBytes, count);
        if (want <= 0) {
            return noIov();
        }
        if (offset == 0 && slot == 0) {
            // fast path: the whole of a sealed segment (full, or followed by another: no appends can
            // race), whose byte count is known without summing its slots
            Bvecq s = seg;
            int n = s.nrSlotsAcquire();
            if (n > 0 && n <= IovecDescriptor.IOV_MAX && (n == s.maxSlots() || s.next() != null)) {
                long bytes = s.bytes();
                if (bytes <= want) {
                    iovAddress = s.bvAddress();
                    iovCount = n;
                    iovBytes = bytes;
                    return n;
                }
            }
        }
        if (offset == 0) {
            // direct: the range is whole entries of this segment (or IOV_MAX of them)
            Bvecq s = seg;
            int sl = slot;
            int n = s.nrSlotsAcquire();
            int limit = Math.min(n, sl + IovecDescriptor.IOV_MAX);
            long bytes = 0;
            int i = sl;
            while (i < limit && bytes < want) {
                long l = s.slotLen(i);
                if (bytes + l > want) {
                    break;
                }
                bytes += l;
                i++;
            }
            if (i > sl && (bytes == want || i - sl == IovecDescriptor.IOV_MAX)) {
                iovAddress = s.bvAddress() + IovecDescriptor.slotOffset(sl);
                iovCount = i - sl;
                iovBytes = bytes;
                return iovCount;
            }
        }
        int n = gather(scratch, 0, IovecDescriptor.IOV_MAX, want);
        iovAddress = scratchAddress;
        return n;
    }

    /**
     * Copies the entries for up to {@code maxBytes} of the next bytes into {@code dst} from entry
     * {@code dstIndex} on, trimming a partial first and last entry, without advancing.
     *
     * @param dst an iovec array
     * @param dstIndex the first entry of {@code dst} to fill
     * @param maxEntries the most entries to fill
     * @param maxBytes the most bytes to describe
     * @return the number of entries filled; {@link #iovBytes()} gives their bytes
     */
    public int gather(MemorySegment dst, int dstIndex, int maxEntries, long maxBytes) {
        long want = Math.min(maxBytes, count);
        if (maxEntries <= 0 || dstIndex < 0 || (dstIndex + (long) maxEntries) * IovecDescriptor.SIZE > dst.byteSize()) {
            throw new IllegalArgumentException("invalid dstIndex=" + dstIndex + ", maxEntries=" + maxEntries
                    + " for iovec array byteSize=" + dst.byteSize());
        }
        Bvecq s = seg;
        int sl = slot;
        long off = offset;
        long bytes = 0;
        int e = 0;
        while (bytes < want && e < maxEntries) {
            if (sl >= s.nrSlotsAcquire()) {
                s = nextLive(s);
                sl = 0;
                off = 0;
                continue;
            }
            long l = Math.min(s.slotLen(sl) - off, want - bytes);
            IovecDescriptor.set(dst, dstIndex + e, s.slotBase(sl) + off, l);
            bytes += l;
            e++;
            sl++;
            off = 0;
        }
        iovCount = e;
        iovBytes = bytes;
        return e;
    }

    private int noIov() {
        iovAddress = scratchAddress;
        iovCount = 0;
        iovBytes = 0;
        return 0;
    }

    private static Bvecq nextLive(Bvecq s) {
        Bvecq n = s.next();
        if (n == null) {
            throw new IllegalStateException("bvecq chain ended before the iterator's count");
        }
        n.checkLive();
        return n;
    }

    /** @return the address of the iovec array from the last {@link #nextIov} */
    public long iovAddress() {
        return iovAddress;
    }

    /** @return the entries from the last {@link #nextIov} or {@link #gather} */
    public int iovCount() {
        return iovCount;
    }

    /** @return the bytes those entries describe */
    public long iovBytes() {
        return iovBytes;
    }

    /** @return whether the last {@link #nextIov} pointed at a segment's own array (no entry copied) */
    public boolean iovDirect() {
        return iovAddress != scratchAddress;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("bvecq iterator is closed");
        }
    }

    /**
     * Gives the scratch array back to the pool: the owner closes the iterator only once the kernel is
     * done with the array its last {@link #nextIov} handed out. Idempotent.
     */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            seg = null;
            IovecArrayPool.give(scratch);
        }
    }
}
