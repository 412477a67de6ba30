package io.jnetfs.p9;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;
import static io.jnetfs.p9.P9Descriptor.MAXWELEM;
import static io.jnetfs.p9.P9Descriptor.MAX_STRING;
import static io.jnetfs.p9.P9Descriptor.MIN_DIRENT;
import static io.jnetfs.p9.P9Descriptor.QID_SIZE;

import io.jnetfs.ffm.Errno;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes 9P2000.L requests into native buffers and checks and decodes replies.
 *
 * <p>Encoders write a whole T-message (or, for Twrite, its 23-byte header) at offset 0 of a buffer and
 * return its size, or {@code -EMSGSIZE} when it does not fit, or {@code -ENAMETOOLONG} for a string
 * longer than 9P can carry. Strings are passed as UTF-8 byte arrays so the caller converts once.
 *
 * <p>Replies are decoded in two steps. {@link #checkReply} runs on the receiving thread and validates
 * the whole body strictly (exact sizes, strings and counts inside the message, qid counts within the
 * request's); it returns a description of what is wrong, which the connection turns into a protocol
 * error that closes it. The getters ({@link #u32}, {@link #qid}, {@link #string}, ...) then read fields
 * of a body that passed the check and cannot fail.
 */
final class P9Codec {
    static final ValueLayout.OfByte U8 = ValueLayout.JAVA_BYTE;
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private P9Codec() {
    }

    // ---- primitive access -------------------------------------------------------------------------

    /** {@return the unsigned byte at {@code off}} */
    public static int u8(MemorySegment b, long off) {
        return b.get(U8, off) & 0xFF;
    }

    /** {@return the unsigned little-endian 16-bit value at {@code off}} */
    public static int u16(MemorySegment b, long off) {
        return b.get(U16, off) & 0xFFFF;
    }

    /** {@return the little-endian 32-bit value at {@code off} (as the int of the same bits)} */
    public static int u32(MemorySegment b, long off) {
        return b.get(U32, off);
    }

    /** {@return the little-endian 64-bit value at {@code off}} */
    public static long u64(MemorySegment b, long off) {
        return b.get(U64, off);
    }

    /** {@return the qid at {@code off}} */
    public static Qid qid(MemorySegment b, long off) {
        return new Qid(u8(b, off), u32(b, off + 1), u64(b, off + 5));
    }

    /** {@return the string ({@code len[2]} and UTF-8 bytes) at {@code off}, which a check has bounded} */
    public static String string(MemorySegment b, long off) {
        int len = u16(b, off);
        byte[] bytes = new byte[len];
        MemorySegment.copy(b, U8, off + 2, bytes, 0, len);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /** {@return the UTF-8 bytes of {@code s}} */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static long putString(MemorySegment b, long off, byte[] s) {
        b.set(U16, off, (short) s.length);
        MemorySegment.copy(s, 0, b, U8, off + 2, s.length);
        return off + 2 + s.length;
    }

    private static int header(MemorySegment b, int size, int type, int tag) {
        b.set(U32, 0, size);
        b.set(U8, 4, (byte) type);
        b.set(U16, 5, (short) tag);
        return HEADER_SIZE;
    }

    /** The size check shared by the encoders: -ENAMETOOLONG for an overlong string, -EMSGSIZE if too big. */
    private static int fits(MemorySegment b, long size, byte[]... strings) {
        for (byte[] s : strings) {
            if (s.length > MAX_STRING) {
                return -Errno.ENAMETOOLONG;
            }
        }
        return size > b.byteSize() ? -Errno.EMSGSIZE : 0;
    }

    // ---- requests -----------------------------------------------------------------------------------

    /** {@code Tversion tag=NOTAG msize[4] version[s]}. */
    public static int tversion(MemorySegment b, int msize, byte[] version) {
        int size = HEADER_SIZE + 4 + 2 + version.length;
        int r = fits(b, size, version);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tversion, P9Descriptor.NOTAG);
        b.set(U32, 7, msize);
        putString(b, 11, version);
        return size;
    }

    /** {@code Tattach fid[4] afid[4] uname[s] aname[s] n_uname[4]}. */
    public static int tattach(MemorySegment b, int tag, int fid, int afid, byte[] uname, byte[] aname, int nUname) {
        int size = HEADER_SIZE + 4 + 4 + 2 + uname.length + 2 + aname.length + 4;
        int r = fits(b, size, uname, aname);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tattach, tag);
        b.set(U32, 7, fid);
        b.set(U32, 11, afid);
        long off = putString(b, 15, uname);
        off = putString(b, off, aname);
        b.set(U32, off, nUname);
        return size;
    }

    /** {@code Twalk fid[4] newfid[4] nwname[2] nwname*(wname[s])}, at most {@link P9Descriptor#MAXWELEM} names. */
    public static int twalk(MemorySegment b, int tag, int fid, int newfid, byte[][] names) {
        if (names.length > MAXWELEM) {
            return -Errno.EINVAL;
        }
        long size = HEADER_SIZE + 4 + 4 + 2;
        for (byte[] n : names) {
            size += 2 + n.length;
        }
        int r = fits(b, size, names);
        if (r < 0) {
            return r;
        }
        header(b, (int) size, P9Type.Twalk, tag);
        b.set(U32, 7, fid);
        b.set(U32, 11, newfid);
        b.set(U16, 15, (short) names.length);
        long off = 17;
        for (byte[] n : names) {
            off = putString(b, off, n);
        }
        return (int) size;
    }

    /** {@code Tlopen fid[4] flags[4]}. */
    public static int tlopen(MemorySegment b, int tag, int fid, int flags) {
        return fidInt(b, P9Type.Tlopen, tag, fid, flags);
    }

    /** {@code Tlcreate fid[4] name[s] flags[4] mode[4] gid[4]}. */
    public static int tlcreate(MemorySegment b, int tag, int fid, byte[] name, int flags, int mode, int gid) {
        int size = HEADER_SIZE + 4 + 2 + name.length + 12;
        int r = fits(b, size, name);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tlcreate, tag);
        b.set(U32, 7, fid);
        long off = putString(b, 11, name);
        b.set(U32, off, flags);
        b.set(U32, off + 4, mode);
        b.set(U32, off + 8, gid);
        return size;
    }

    /** {@code Tread fid[4] offset[8] count[4]}. */
    public static int tread(MemorySegment b, int tag, int fid, long offset, int count) {
        return fidOffsetCount(b, P9Type.Tread, tag, fid, offset, count, HEADER_SIZE + 16);
    }

    /**
     * The 23-byte header of {@code Twrite fid[4] offset[8] count[4] data[count]}; its size field counts
     * the data that follows.
     */
    public static int twriteHeader(MemorySegment b, int tag, int fid, long offset, int count) {
        int r = fidOffsetCount(b, P9Type.Twrite, tag, fid, offset, count, P9Descriptor.TWRITE_HEADER_SIZE);
        if (r > 0) {
            b.set(U32, 0, P9Descriptor.TWRITE_HEADER_SIZE + count);
        }
        return r;
    }

    /** {@code Treaddir fid[4] offset[8] count[4]}. */
    public static int treaddir(MemorySegment b, int tag, int fid, long offset, int count) {
        return fidOffsetCount(b, P9Type.Treaddir, tag, fid, offset, count, HEADER_SIZE + 16);
    }

    private static int fidOffsetCount(MemorySegment b, int type, int tag, int fid, long offset, int count, int size) {
        if (size > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, size, type, tag);
        b.set(U32, 7, fid);
        b.set(U64, 11, offset);
        b.set(U32, 19, count);
        return size;
    }

    /** {@code Tclunk fid[4]}. */
    public static int tclunk(MemorySegment b, int tag, int fid) {
        return fidOnly(b, P9Type.Tclunk, tag, fid);
    }

    /** {@code Tremove fid[4]}. */
    public static int tremove(MemorySegment b, int tag, int fid) {
        return fidOnly(b, P9Type.Tremove, tag, fid);
    }

    /** {@code Tstatfs fid[4]}. */
    public static int tstatfs(MemorySegment b, int tag, int fid) {
        return fidOnly(b, P9Type.Tstatfs, tag, fid);
    }

    /** {@code Treadlink fid[4]}. */
    public static int treadlink(MemorySegment b, int tag, int fid) {
        return fidOnly(b, P9Type.Treadlink, tag, fid);
    }

    /** {@code Tfsync fid[4] datasync[4]}. */
    public static int tfsync(MemorySegment b, int tag, int fid, boolean datasync) {
        return fidInt(b, P9Type.Tfsync, tag, fid, datasync ? 1 : 0);
    }

    private static int fidOnly(MemorySegment b, int type, int tag, int fid) {
        int size = HEADER_SIZE + 4;
        if (size > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, size, type, tag);
        b.set(U32, 7, fid);
        return size;
    }

    private static int fidInt(MemorySegment b, int type, int tag, int fid, int value) {
        int size = HEADER_SIZE + 8;
        if (size > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, size, type, tag);
        b.set(U32, 7, fid);
        b.set(U32, 11, value);
        return size;
    }

    /** {@code Tgetattr fid[4] request_mask[8]}. */
    public static int tgetattr(MemorySegment b, int tag, int fid, long requestMask) {
        int size = HEADER_SIZE + 12;
        if (size > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, size, P9Type.Tgetattr, tag);
        b.set(U32, 7, fid);
        b.set(U64, 11, requestMask);
        return size;
    }

    /**
     * {@code Tsetattr fid[4] valid[4] mode[4] uid[4] gid[4] size[8] atime_sec[8] atime_nsec[8] mtime_sec[8]
     * mtime_nsec[8]}.
     */
    public static int tsetattr(MemorySegment b, int tag, int fid, int valid, int mode, int uid, int gid, long size,
                               long atimeSec, long atimeNsec, long mtimeSec, long mtimeNsec) {
        int msgSize = HEADER_SIZE + 5 * 4 + 5 * 8;
        if (msgSize > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, msgSize, P9Type.Tsetattr, tag);
        b.set(U32, 7, fid);
        b.set(U32, 11, valid);
        b.set(U32, 15, mode);
        b.set(U32, 19, uid);
        b.set(U32, 23, gid);
        b.set(U64, 27, size);
        b.set(U64, 35, atimeSec);
        b.set(U64, 43, atimeNsec);
        b.set(U64, 51, mtimeSec);
        b.set(U64, 59, mtimeNsec);
        return msgSize;
    }

    /** {@code Tmkdir dfid[4] name[s] mode[4] gid[4]}. */
    public static int tmkdir(MemorySegment b, int tag, int dfid, byte[] name, int mode, int gid) {
        int size = HEADER_SIZE + 4 + 2 + name.length + 8;
        int r = fits(b, size, name);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tmkdir, tag);
        b.set(U32, 7, dfid);
        long off = putString(b, 11, name);
        b.set(U32, off, mode);
        b.set(U32, off + 4, gid);
        return size;
    }

    /** {@code Tunlinkat dirfd[4] name[s] flags[4]}. */
    public static int tunlinkat(MemorySegment b, int tag, int dfid, byte[] name, int flags) {
        int size = HEADER_SIZE + 4 + 2 + name.length + 4;
        int r = fits(b, size, name);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tunlinkat, tag);
        b.set(U32, 7, dfid);
        long off = putString(b, 11, name);
        b.set(U32, off, flags);
        return size;
    }

    /** {@code Trenameat olddirfid[4] oldname[s] newdirfid[4] newname[s]}. */
    public static int trenameat(MemorySegment b, int tag, int oldDfid, byte[] oldName, int newDfid, byte[] newName) {
        int size = HEADER_SIZE + 4 + 2 + oldName.length + 4 + 2 + newName.length;
        int r = fits(b, size, oldName, newName);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Trenameat, tag);
        b.set(U32, 7, oldDfid);
        long off = putString(b, 11, oldName);
        b.set(U32, off, newDfid);
        putString(b, off + 4, newName);
        return size;
    }

    /** {@code Trename fid[4] dfid[4] name[s]}. */
    public static int trename(MemorySegment b, int tag, int fid, int dfid, byte[] name) {
        int size = HEADER_SIZE + 8 + 2 + name.length;
        int r = fits(b, size, name);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Trename, tag);
        b.set(U32, 7, fid);
        b.set(U32, 11, dfid);
        putString(b, 15, name);
        return size;
    }

    /** {@code Tsymlink fid[4] name[s] symtgt[s] gid[4]}. */
    public static int tsymlink(MemorySegment b, int tag, int dfid, byte[] name, byte[] target, int gid) {
        int size = HEADER_SIZE + 4 + 2 + name.length + 2 + target.length + 4;
        int r = fits(b, size, name, target);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tsymlink, tag);
        b.set(U32, 7, dfid);
        long off = putString(b, 11, name);
        off = putString(b, off, target);
        b.set(U32, off, gid);
        return size;
    }

    /** {@code Tlink dfid[4] fid[4] name[s]}. */
    public static int tlink(MemorySegment b, int tag, int dfid, int fid, byte[] name) {
        int size = HEADER_SIZE + 8 + 2 + name.length;
        int r = fits(b, size, name);
        if (r < 0) {
            return r;
        }
        header(b, size, P9Type.Tlink, tag);
        b.set(U32, 7, dfid);
        b.set(U32, 11, fid);
        putString(b, 15, name);
        return size;
    }

    /** {@code Tflush oldtag[2]}. */
    public static int tflush(MemorySegment b, int tag, int oldTag) {
        int size = HEADER_SIZE + 2;
        if (size > b.byteSize()) {
            return -Errno.EMSGSIZE;
        }
        header(b, size, P9Type.Tflush, tag);
        b.set(U16, 7, (short) oldTag);
        return size;
    }

    // ---- replies --------------------------------------------------------------------------------------

    /**
     * Checks a reply header against what may arrive at all: {@code 7 <= size <= msize} and a reply type
     * this client knows.
     *
     * @return {@code null} when acceptable, else what is wrong
     */
    public static String checkHeader(long size, int type, int msize) {
        if (size < HEADER_SIZE || size > msize) {
            return "reply size=" + size + " outside " + HEADER_SIZE + " .. msize=" + msize;
        }
        if (!P9Type.isKnownReply(type)) {
            return "unknown reply " + P9Type.name(type);
        }
        return null;
    }

    /**
     * Checks the body of a reply that is not Rread (whose data never passes through here) against the
     * request it answers.
     *
     * @param requestType the T-type of the request
     * @param replyType the R-type received
     * @param body the body (after the 7-byte header)
     * @param len the body's length
     * @param requested for Twalk the number of names, for Treaddir and Twrite the count asked for
     * @return {@code null} when the reply is well formed, else what is wrong
     */
    public static String checkReply(int requestType, int replyType, MemorySegment body, long len, long requested) {
        if (replyType == P9Type.Rlerror) {
            return exact(replyType, len, 4);
        }
        if (replyType != requestType + 1) {
            return P9Type.name(replyType) + " in reply to " + P9Type.name(requestType);
        }
        return switch (replyType) {
            case P9Type.Rversion -> len < 6 ? truncated(replyType, len, 6) : stringsExact(replyType, body, 4, len, 1);
            case P9Type.Rattach, P9Type.Rsymlink, P9Type.Rmkdir -> exact(replyType, len, QID_SIZE);
            case P9Type.Rlopen, P9Type.Rlcreate -> exact(replyType, len, P9Descriptor.RLOPEN_BODY);
            case P9Type.Rgetattr -> exact(replyType, len, P9Descriptor.RGETATTR_BODY);
            case P9Type.Rstatfs -> exact(replyType, len, P9Descriptor.RSTATFS_BODY);
            case P9Type.Rwrite -> {
                String e = exact(replyType, len, 4);
                if (e == null && Integer.toUnsignedLong(u32(body, 0)) > requested) {
                    e = "Rwrite count=" + Integer.toUnsignedLong(u32(body, 0)) + " larger than requested=" + requested;
                }
                yield e;
            }
            case P9Type.Rwalk -> {
                if (len < 2) {
                    yield truncated(replyType, len, 2);
                }
                int n = u16(body, 0);
                if (n > MAXWELEM || n > requested) {
                    yield "Rwalk nwqid=" + n + " larger than requested nwname=" + requested;
                }
                yield exact(replyType, len, 2 + (long) n * QID_SIZE);
            }
            case P9Type.Rreadlink -> len < 2 ? truncated(replyType, len, 2) : stringsExact(replyType, body, 0, len, 1);
            case P9Type.Rreaddir -> "Rreaddir data is checked by checkDirents";
            case P9Type.Rclunk, P9Type.Rremove, P9Type.Rflush, P9Type.Rsetattr, P9Type.Rfsync, P9Type.Rlink,
                 P9Type.Rrenameat, P9Type.Runlinkat, P9Type.Rrename -> exact(replyType, len, 0);
            default -> "unexpected " + P9Type.name(replyType);
        };
    }

    private static String exact(int type, long len, long want) {
        if (len < want) {
            return truncated(type, len, want);
        }
        return len == want ? null : P9Type.name(type) + " body of " + len + " bytes, expected " + want;
    }

    private static String truncated(int type, long len, long want) {
        return "truncated " + P9Type.name(type) + ": body of " + len + " bytes, at least " + want + " needed";
    }

    /** {@code n} strings from {@code off} must end exactly at {@code len}. */
    private static String stringsExact(int type, MemorySegment body, long off, long len, int n) {
        long at = off;
        for (int i = 0; i < n; i++) {
            if (at + 2 > len) {
                return "truncated string in " + P9Type.name(type) + " at offset " + at;
            }
            long sl = u16(body, at);
            if (at + 2 + sl > len) {
                return "truncated string in " + P9Type.name(type) + ": len=" + sl + " at offset " + at
                        + " runs past the body of " + len + " bytes";
            }
            at += 2 + sl;
        }
        return at == len ? null : P9Type.name(type) + " body of " + len + " bytes has " + (len - at) + " bytes after its strings";
    }

    /**
     * Checks the entries of an Rreaddir: each {@code qid[13] offset[8] type[1] name[s]} lies wholly in
     * {@code [0, len)} and they end exactly at {@code len}.
     *
     * @return {@code null} when well formed, else what is wrong
     */
    public static String checkDirents(MemorySegment data, long len) {
        long at = 0;
        while (at < len) {
            if (len - at < MIN_DIRENT) {
                return "truncated dirent at offset " + at + " of Rreaddir data of " + len + " bytes";
            }
            long nameLen = u16(data, at + QID_SIZE + 8 + 1);
            if (at + MIN_DIRENT + nameLen > len) {
                return "truncated dirent name: len=" + nameLen + " at offset " + at + " runs past Rreaddir data of "
                        + len + " bytes";
            }
            at += MIN_DIRENT + nameLen;
        }
        return null;
    }

    /**
     * Decodes the entries of checked Rreaddir data.
     *
     * @param out where the entries are added
     * @return the offset to continue from (the last entry's), or {@code -1} if there was none
     */
    public static long decodeDirents(MemorySegment data, long len, List<Dirent> out) {
        long at = 0;
        long next = -1;
        while (at < len) {
            Qid q = qid(data, at);
            long off = u64(data, at + QID_SIZE);
            int type = u8(data, at + QID_SIZE + 8);
            String name = string(data, at + QID_SIZE + 9);
            out.add(new Dirent(q, off, type, name));
            next = off;
            at += MIN_DIRENT + u16(data, at + QID_SIZE + 9);
        }
        return next;
    }

    /** Decodes a checked Rgetattr body into {@code a}. */
    static void decodeAttr(MemorySegment b, long off, P9Attr a) {
        a.valid = u64(b, off);
        a.qidType = u8(b, off + 8);
        a.qidVersion = u32(b, off + 9);
        a.qidPath = u64(b, off + 13);
        long p = off + 8 + QID_SIZE;
        a.mode = u32(b, p);
        a.uid = u32(b, p + 4);
        a.gid = u32(b, p + 8);
        p += 12;
        a.nlink = u64(b, p);
        a.rdev = u64(b, p + 8);
        a.size = u64(b, p + 16);
        a.blksize = u64(b, p + 24);
        a.blocks = u64(b, p + 32);
        a.atimeSec = u64(b, p + 40);
        a.atimeNsec = u64(b, p + 48);
        a.mtimeSec = u64(b, p + 56);
        a.mtimeNsec = u64(b, p + 64);
        a.ctimeSec = u64(b, p + 72);
        a.ctimeNsec = u64(b, p + 80);
        a.btimeSec = u64(b, p + 88);
        a.btimeNsec = u64(b, p + 96);
        a.gen = u64(b, p + 104);
        a.dataVersion = u64(b, p + 112);
    }

    /** Decodes a checked Rstatfs body. */
    static P9StatFs decodeStatFs(MemorySegment b, long off) {
        return new P9StatFs(u32(b, off), u32(b, off + 4), u64(b, off + 8), u64(b, off + 16), u64(b, off + 24),
                u64(b, off + 32), u64(b, off + 40), u64(b, off + 48), u32(b, off + 56));
    }

    /** Decodes the qids of a checked Rwalk body. */
    static List<Qid> decodeWalkQids(MemorySegment b, long off) {
        int n = u16(b, off);
        List<Qid> qids = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            qids.add(qid(b, off + 2 + (long) i * QID_SIZE));
        }
        return qids;
    }
}
