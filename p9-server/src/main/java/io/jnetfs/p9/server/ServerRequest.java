package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;

import io.jnetfs.p9.P9Descriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/**
 * One request slot of a connection: the native buffer a T-message is received into and its reply
 * encoded in, the strict decoding cursor over its body, the data buffer it holds (Tread, Treaddir,
 * Twrite), and its place in flight.
 *
 * <pre>
 *   mem (SMALL bytes):  [size type tag | body ...........................]   a received T-message
 *                       [size type tag | reply body .....]                    then its reply, encoded over it
 *   rreadHeader:        [size type tag count]  = mem[0, 11): sent before the data iovecs of an Rread
 * </pre>
 *
 * <p>The cursor never reads outside {@code [HEADER_SIZE, end)}: a field that does not fit sets
 * {@link #malformed} and reads as zero, and the request is answered with {@code Rlerror(EPROTO)}.
 * Slots are reused; the connection's monitor guards the flight fields.
 */
final class ServerRequest {
    /** Size of a slot's buffer: the largest non-Twrite message read into it, and every non-data reply. */
    static final int SMALL = 8192;

    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    /** Not in flight: on the free list. */
    static final int FREE = 0;
    /** Read, waiting for a worker. */
    static final int QUEUED = 1;
    /** Being executed. */
    static final int RUNNING = 2;

    final MemorySegment mem;
    final long address;
    final MemorySegment rreadHeader;
    /** {@code fid[4] offset[8] count[4]} of a Twrite, received with its payload in one {@code recvmsg}. */
    final MemorySegment twriteFields;

    int size;
    int type;
    int tag;
    /** The body did not fit {@link #SMALL} and was discarded; the reply is an error. */
    boolean oversize;
    /** The data buffer held (Tread, Treaddir, Twrite), or null. */
    DataBuffer data;

    // The decoded fields of the T-message (as the kernel's struct p9_fcall holds them), filled by the
    // dispatcher's decoder (Twrite's by the receiver, with the payload) and read by the operation.
    /** The fid the request names first. */
    int fid;
    /** A second fid: Twalk's newfid, Trenameat's newdirfid, Trename's dfid, Tlink's fid. */
    int fid2;
    /** Tread, Twrite, Treaddir: the file offset. */
    long offset;
    /** Tread, Twrite, Treaddir: the byte count (Tread and Treaddir: already capped at what msize allows). */
    int count;
    /** Tlopen, Tlcreate: the 9P open flags; Tunlinkat: its flags; Tfsync: datasync. */
    int flags;
    /** Tlcreate, Tmkdir, Tsetattr: the mode. */
    int mode;
    /** Tlcreate, Tmkdir, Tsymlink, Tsetattr: the gid; Tsetattr: uid too. */
    int gid;
    int uid;
    /** Tgetattr: the request mask. */
    long mask;
    /** Tsetattr: the valid mask, size and times. */
    int valid;
    long attrSize;
    long atimeSec;
    long atimeNsec;
    long mtimeSec;
    long mtimeNsec;
    /** Trenameat, Trename, Tlink: the first fid, held while the second is looked up. */
    ServerFid first;
    /** The length of the (checked, copied) name in {@link Scratch#name}. */
    int nameLen;

    long pos;
    long end;
    boolean malformed;

    int state = FREE;
    /** Tflush tags to answer with Rflush once this request's reply has left. */
    int[] flushTags = new int[2];
    int flushCount;

    /** The connection's requests in flight, whose data buffers this slot takes ({@link InFlightRequests#takeData()}). */
    final InFlightRequests owner;

    ServerRequest(MemorySegment mem, InFlightRequests owner) {
        this.owner = owner;
        this.mem = mem;
        this.address = mem.address();
        this.rreadHeader = mem.asSlice(0, P9Descriptor.RREAD_HEADER_SIZE);
        this.twriteFields = mem.asSlice(HEADER_SIZE, P9Descriptor.TWRITE_HEADER_SIZE - HEADER_SIZE);
    }

    /** Starts decoding the body just received. */
    void startBody() {
        pos = HEADER_SIZE;
        end = size;
        malformed = false;
    }

    private boolean need(int n) {
        if (end - pos < n) {
            malformed = true;
            pos = end;
            return false;
        }
        return true;
    }

    int u8() {
        if (!need(1)) {
            return 0;
        }
        return mem.get(U8, pos++) & 0xFF;
    }

    int u16() {
        if (!need(2)) {
            return 0;
        }
        int v = mem.get(U16, pos) & 0xFFFF;
        pos += 2;
        return v;
    }

    int u32() {
        if (!need(4)) {
            return 0;
        }
        int v = mem.get(U32, pos);
        pos += 4;
        return v;
    }

    long u64() {
        if (!need(8)) {
            return 0;
        }
        long v = mem.get(U64, pos);
        pos += 8;
        return v;
    }

    /**
     * Skips over a string {@code len[2] bytes[len]}.
     *
     * @return the offset of its bytes in {@link #mem} (its length is at offset - 2), or -1 if it runs
     *     past the message
     */
    long string() {
        int len = u16();
        if (malformed || !need(len)) {
            return -1;
        }
        long at = pos;
        pos += len;
        return at;
    }

    /** {@return the length of the string whose bytes start at {@code at}} */
    int stringLength(long at) {
        return mem.get(U16, at - 2) & 0xFFFF;
    }

    /** {@return whether the body was decoded exactly: every field present, nothing after them} */
    boolean exact() {
        return !malformed && pos == end;
    }

    /** Remembers a Tflush to answer after this request's reply. */
    void addFlush(int flushTag) {
        if (flushCount == flushTags.length) {
            flushTags = java.util.Arrays.copyOf(flushTags, flushCount * 2);
        }
        flushTags[flushCount++] = flushTag;
    }

    // ---- reply encoding -----------------------------------------------------------------------------

    /** Writes a reply header; {@code size} is the whole reply. */
    void header(int replySize, int replyType) {
        mem.set(U32, 0, replySize);
        mem.set(U8, 4, (byte) replyType);
        mem.set(U16, 5, (short) tag);
    }

    void put8(long off, int v) {
        mem.set(U8, off, (byte) v);
    }

    void put16(long off, int v) {
        mem.set(U16, off, (short) v);
    }

    void put32(long off, int v) {
        mem.set(U32, off, v);
    }

    void put64(long off, long v) {
        mem.set(U64, off, v);
    }

    /** Writes a qid at {@code off}. */
    void putQid(long off, int qidType, int version, long path) {
        mem.set(U8, off, (byte) qidType);
        mem.set(U32, off + 1, version);
        mem.set(U64, off + 5, path);
    }
}
