package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.io_uring_buf;
import io.jnetfs.ffm.gen.io_uring_buf_reg;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

/**
 * A provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19): a group of equal buffers the
 * kernel picks from when a receive carries IOSQE_BUFFER_SELECT, such as a multishot receive
 * ({@link IoUring#prepRecvMultishot}) that completes once per arrival, each time in a buffer of the
 * kernel's choosing. Netty's {@code IoUringBufferRing} plays the same part.
 *
 * <pre>
 *   ring (entries x struct io_uring_buf, shared with the kernel; ours or mmapped with IOU_PBUF_RING_MMAP)
 *   +------------------+------------------+-----+
 *   | addr len bid  .. | addr len bid  .. | ... |      the u16 at offset 14 (bufs[0].resv) is the tail
 *   +------------------+------------------+-----+
 *       ^ kernel's head (private): next buffer it takes      ^ our tail: where recycle() writes
 *
 *   buffers (ours): [ bid 0 | bid 1 | ... | bid entries-1 ]   each bufferSize bytes
 *
 *   CQE: flags = IORING_CQE_F_BUFFER | bid &lt;&lt; IORING_CQE_BUFFER_SHIFT [| IORING_CQE_F_MORE]
 *        [| IORING_CQE_F_BUF_MORE], res = bytes
 *   use(res, flags) --&gt; offset of the bytes in buffers()
 *   recycle(bid)    --&gt; entry written at our tail, tail published with release
 * </pre>
 *
 * <p>Ownership of each buffer goes back and forth: in the ring (the kernel may fill it), or the
 * caller's (from the completion that finished it until {@link #recycle(int)}). With
 * {@link #IOU_PBUF_RING_INC} (incremental consumption, Linux 6.12) the kernel fills one buffer over
 * several completions, each at the next bytes, and marks all but the last with
 * {@code IORING_CQE_F_BUF_MORE}: the buffer stays the kernel's until a completion without it; this
 * class keeps how much of each buffer was used, so {@link #use} says where each completion's bytes
 * are. Without it every completion finishes its buffer.
 *
 * <p>A recycle writes the entry, then publishes the tail with a release store, so the kernel never sees
 * an entry before its fields. Recycling a buffer that is already in the ring is refused (the kernel
 * would hand it to two receives). Not thread-safe: used on the ring's thread. {@link #use} and
 * {@link #recycle} allocate nothing.
 *
 * <p>Created by {@link IoUring#registerBufferRing}; belongs to that ring: {@link #close()} unregisters it
 * (refused while a receive that picks from it is in flight), and the ring's own close closes those
 * still open.
 */
public final class BufferRing implements AutoCloseable {
    /** {@code IOU_PBUF_RING_MMAP} (Linux 6.4): the kernel allocates the ring, which is then mmapped. */
    public static final int IOU_PBUF_RING_MMAP = LibC.IOU_PBUF_RING_MMAP();
    /** {@code IOU_PBUF_RING_INC} (Linux 6.12): buffers are consumed incrementally (see the class comment). */
    public static final int IOU_PBUF_RING_INC = LibC.IOU_PBUF_RING_INC();
    /** The most entries a ring may have ({@code 32768}, the kernel's limit). */
    public static final int MAX_ENTRIES = 1 << 15;

    private static final VarHandle SHORT = ValueLayout.JAVA_SHORT.varHandle();
    private static final int CQE_F_BUFFER = LibC.IORING_CQE_F_BUFFER();
    private static final int CQE_F_BUF_MORE = LibC.IORING_CQE_F_BUF_MORE();
    private static final int BUFFER_SHIFT = LibC.IORING_CQE_BUFFER_SHIFT();
    private static final long ENTRY = io_uring_buf.sizeof();
    private static final long ADDR = io_uring_buf.addr$offset();
    private static final long LEN = io_uring_buf.len$offset();
    private static final long BID = io_uring_buf.bid$offset();
    /** The ring's tail: {@code struct io_uring_buf_ring.tail}, over {@code bufs[0].resv}. */
    private static final long TAIL = io_uring_buf.resv$offset();
    private static final long PAGE = 4096;

    private final IoUring ring;
    private final Registrations reg;
    private final int groupId;
    private final int entries;
    private final int mask;
    private final int bufferSize;
    private final int flags;
    private final boolean incremental;
    private final Arena arena;
    private final MemorySegment entriesMem;
    private final MemorySegment buffers;
    private final long base;
    /** Per buffer: whether the caller holds it (used and not yet recycled). */
    private final boolean[] held;
    /** Incremental: bytes of each buffer the kernel has filled so far. */
    private final int[] used;
    private int heldCount;
    private int tail;
    private boolean closed;

    /**
     * Registers the ring; called by {@link IoUring#registerBufferRing}.
     *
     * @param buffers the buffers' memory (entries x bufferSize), or null to allocate it here
     */
    BufferRing(IoUring ring, Registrations reg, int ringFd, int groupId, int entries, int bufferSize, int flags,
               MemorySegment buffers) throws IOException {
        if (groupId < 0 || groupId > 0xFFFF) {
            throw new IllegalArgumentException("buffer group out of 0..65535: groupId=" + groupId);
        }
        if (entries < 1 || entries > MAX_ENTRIES || Integer.bitCount(entries) != 1) {
            throw new IllegalArgumentException("entries must be a power of two in 1.." + MAX_ENTRIES + ": entries="
                    + entries);
        }
        if (bufferSize < 1) {
            throw new IllegalArgumentException("bufferSize must be positive: bufferSize=" + bufferSize);
        }
        if ((flags & ~(IOU_PBUF_RING_MMAP | IOU_PBUF_RING_INC)) != 0) {
            throw new IllegalArgumentException("unknown flags: flags=0x" + Integer.toHexString(flags));
        }
        if (buffers != null) {
            SqeArgs.checkNative(buffers, "buffers");
            if (buffers.byteSize() < (long) entries * bufferSize) {
                throw new IllegalArgumentException("buffers hold less than entries x bufferSize: buffers.byteSize()="
                        + buffers.byteSize() + ", entries=" + entries + ", bufferSize=" + bufferSize);
            }
        }
        this.ring = ring;
        this.reg = reg;
        this.groupId = groupId;
        this.entries = entries;
        this.mask = entries - 1;
        this.bufferSize = bufferSize;
        this.flags = flags;
        this.incremental = (flags & IOU_PBUF_RING_INC) != 0;
        this.held = new boolean[entries];
        this.used = new int[entries];
        Arena a = Arena.ofShared();
        boolean done = false;
        try {
            boolean mmap = (flags & IOU_PBUF_RING_MMAP) != 0;
            long ringBytes = entries * ENTRY;
            MemorySegment mem = mmap ? null : a.allocate(ringBytes, PAGE);
            try (Arena tmp = Arena.ofConfined()) {
                MemorySegment r = io_uring_buf_reg.allocate(tmp);
                io_uring_buf_reg.ring_addr(r, mmap ? 0 : mem.address());
                io_uring_buf_reg.ring_entries(r, entries);
                io_uring_buf_reg.bgid(r, (short) groupId);
                // the u16 after bgid: "pad" in the 6.1 headers, "flags" since Linux 6.4
                io_uring_buf_reg.pad(r, (short) flags);
                reg.register(LibC.IORING_REGISTER_PBUF_RING(), r, 1, "IORING_REGISTER_PBUF_RING, bgid=" + groupId
                        + ", ring_entries=" + entries + ", flags=" + flagNames(flags));
            }
            try {
                if (mmap) {
                    long off = LibC.IORING_OFF_PBUF_RING() | ((long) groupId << LibC.IORING_OFF_PBUF_SHIFT());
                    mem = RingSetup.map(ringFd, ringBytes, off, "IORING_OFF_PBUF_RING|bgid=" + groupId, a);
                }
                this.buffers = buffers != null ? buffers : a.allocate((long) entries * bufferSize, PAGE);
            } catch (IOException | RuntimeException e) {
                unregister(reg, groupId);
                throw e;
            }
            this.entriesMem = mem;
            this.arena = a;
            this.base = this.buffers.address();
            tail = Short.toUnsignedInt((short) SHORT.getAcquire(entriesMem, TAIL));
            for (int bid = 0; bid < entries; bid++) {
                put(bid);
            }
            publish();
            done = true;
        } finally {
            if (!done) {
                a.close();
            }
        }
    }

    private static String flagNames(int flags) {
        if (flags == 0) {
            return "0";
        }
        StringBuilder sb = new StringBuilder();
        if ((flags & IOU_PBUF_RING_MMAP) != 0) {
            sb.append("IOU_PBUF_RING_MMAP");
        }
        if ((flags & IOU_PBUF_RING_INC) != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("IOU_PBUF_RING_INC");
        }
        return sb.toString();
    }

    private static void unregister(Registrations reg, int groupId) throws IOException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment r = io_uring_buf_reg.allocate(tmp);
            io_uring_buf_reg.bgid(r, (short) groupId);
            reg.register(LibC.IORING_UNREGISTER_PBUF_RING(), r, 1, "IORING_UNREGISTER_PBUF_RING, bgid=" + groupId);
        }
    }

    // ---- completions ------------------------------------------------------------------------------

    /**
     * @param cqeFlags a CQE's flags
     * @return whether the completion used a provided buffer ({@code IORING_CQE_F_BUFFER})
     */
    public static boolean hasBuffer(int cqeFlags) {
        return (cqeFlags & CQE_F_BUFFER) != 0;
    }

    /**
     * @param cqeFlags a CQE's flags with {@code IORING_CQE_F_BUFFER}
     * @return the buffer id ({@code flags >> IORING_CQE_BUFFER_SHIFT})
     */
    public static int bufferId(int cqeFlags) {
        return cqeFlags >>> BUFFER_SHIFT;
    }

    /**
     * @param cqeFlags a CQE's flags
     * @return whether the kernel goes on filling the completion's buffer ({@code IORING_CQE_F_BUF_MORE},
     *     incremental rings only): the buffer is not the caller's yet
     */
    public static boolean bufferMore(int cqeFlags) {
        return (cqeFlags & CQE_F_BUF_MORE) != 0;
    }

    /**
     * Takes note of a completion that used a buffer of this ring, and says where its bytes are. Call it
     * once per such completion, in completion order. When the completion finishes its buffer (always,
     * unless incremental and {@code IORING_CQE_F_BUF_MORE}), the buffer becomes the caller's until
     * {@link #recycle(int)}.
     *
     * @param res the completion's {@code res}: the bytes received (&ge; 0)
     * @param cqeFlags its flags, with {@code IORING_CQE_F_BUFFER}
     * @return the offset in {@link #buffers()} of its first byte
     * @throws IllegalArgumentException if the completion used no buffer, or names one not in the ring
     */
    public long use(int res, int cqeFlags) {
        if ((cqeFlags & CQE_F_BUFFER) == 0 || res < 0) {
            throw new IllegalArgumentException("completion used no provided buffer: res=" + res + ", flags=0x"
                    + Integer.toHexString(cqeFlags));
        }
        int bid = cqeFlags >>> BUFFER_SHIFT;
        if (bid >= entries || held[bid]) {
            throw new IllegalArgumentException("buffer id not in ring bgid=" + groupId + ": bid=" + bid
                    + (bid < entries ? " (held by the caller)" : ", entries=" + entries));
        }
        long at = (long) bid * bufferSize;
        if (!incremental) {
            take(bid);
            return at;
        }
        int before = used[bid];
        if ((cqeFlags & CQE_F_BUF_MORE) != 0) {
            used[bid] = before + res;
        } else {
            used[bid] = 0;
            take(bid);
        }
        return at + before;
    }

    private void take(int bid) {
        held[bid] = true;
        heldCount++;
    }

    /**
     * Gives buffer {@code bid} back to the kernel: its entry is written at the tail and the tail
     * published.
     *
     * @param bid a buffer the caller holds (from {@link #use})
     * @throws IllegalStateException if the buffer is already in the ring, or this ring is closed
     */
    public void recycle(int bid) {
        if (closed) {
            throw new IllegalStateException("buffer ring bgid=" + groupId + " is closed");
        }
        if (bid < 0 || bid >= entries || !held[bid]) {
            throw new IllegalStateException("buffer not held by the caller: bgid=" + groupId + ", bid=" + bid);
        }
        held[bid] = false;
        heldCount--;
        put(bid);
        publish();
    }

    private void put(int bid) {
        long e = (tail & mask) * ENTRY;
        MemorySegment m = entriesMem;
        m.set(ValueLayout.JAVA_LONG, e + ADDR, base + (long) bid * bufferSize);
        m.set(ValueLayout.JAVA_INT, e + LEN, bufferSize);
        m.set(ValueLayout.JAVA_SHORT, e + BID, (short) bid);
        tail++;
    }

    private void publish() {
        // release: the entry's fields are visible to the kernel before the tail that covers them
        SHORT.setRelease(entriesMem, TAIL, (short) tail);
    }

    // ---- properties -------------------------------------------------------------------------------

    /** @return the buffer group id ({@code bgid}) receives name to pick from this ring */
    public int groupId() {
        return groupId;
    }

    /** @return the number of buffers (and ring entries), a power of two */
    public int entries() {
        return entries;
    }

    /** @return the size of each buffer */
    public int bufferSize() {
        return bufferSize;
    }

    /** @return the {@code IOU_PBUF_RING_*} flags it was registered with */
    public int flags() {
        return flags;
    }

    /** @return the buffers: buffer {@code bid} at {@code bid * bufferSize()} */
    public MemorySegment buffers() {
        return buffers;
    }

    /** @return buffers the caller holds (used and not recycled) */
    public int held() {
        return heldCount;
    }

    /** @return the ring this buffer ring is registered with */
    IoUring ring() {
        return ring;
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Unregisters the ring ({@code IORING_UNREGISTER_PBUF_RING}) and frees its memory. Idempotent.
     *
     * @throws IOException if io_uring_register fails
     * @throws IllegalStateException if a receive that picks from this ring is still in flight (cancel it
     *     and wait for its last completion first)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        ring.checkBufferRingIdle(this);
        closed = true;
        try {
            unregister(reg, groupId);
        } finally {
            arena.close();
            ring.forget(this);
        }
    }

    /** Frees the memory after the ring itself closed (its descriptor gone, the kernel's reference with it). */
    void closeWithRing(boolean abandoned) {
        if (!closed) {
            closed = true;
            if (!abandoned) {
                arena.close();
            }
        }
    }

    @Override
    public String toString() {
        return "BufferRing[bgid=" + groupId + ", entries=" + entries + ", bufferSize=" + bufferSize + ", flags="
                + flagNames(flags) + ", held=" + heldCount + (closed ? ", closed" : "") + "]";
    }
}
