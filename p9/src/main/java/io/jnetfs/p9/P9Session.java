package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import java.lang.foreign.MemorySegment;

/**
 * The -errno layer: every 9P2000.L operation a file client needs, on fid numbers, returning its result
 * or {@code -errno} (the server's Rlerror, or the connection's failure), never throwing for a failure
 * of the operation. {@link P9Client} puts exceptions and {@link Fid} objects on top.
 *
 * <p>A blocking operation takes a tag, encodes into the tag's {@code tc}, submits, waits, reads the
 * reply out of {@code rc} and gives the tag back. Reads and writes also come asynchronous, with a
 * primitive callback, and allocate nothing.
 */
final class P9Session implements AutoCloseable {
    private final P9Connection conn;
    private final FidTable fids = new FidTable();
    private final int maxData;
    /** Folio size of the pool memory DIRECT appends grow a chain by. */
    private static final int APPEND_FOLIO = 64 << 10;

    P9Session(P9Connection conn) {
        this.conn = conn;
        this.maxData = conn.msize() - P9Descriptor.P9_IOHDRSZ;
        conn.fidRecycler(fids::release);
    }

    P9Connection connection() {
        return conn;
    }

    /** {@return {@code msize - P9_IOHDRSZ}: the most data one Tread/Twrite carries} */
    int maxData() {
        return maxData;
    }

    /** {@return live fid numbers (including ones the connection keeps until a flushed walk resolves)} */
    int liveFids() {
        return fids.live();
    }

    /** {@return a new fid number, or {@code -EMFILE}} */
    int allocateFid() {
        return fids.allocate();
    }

    void releaseFid(int fid) {
        fids.release(fid);
    }

    // ---- plumbing -------------------------------------------------------------------------------------

    /** Submits and waits. @return the result, or {@code -errno} */
    private long call(P9Request r) {
        if (conn.isReceiverThread()) {
            // only the receiving thread completes requests: waiting on it would wait forever
            throw new IllegalStateException("blocking 9P request " + P9Type.name(r.type)
                    + " from a completion callback; issue asynchronous requests there");
        }
        int s = conn.submit(r);
        if (s < 0) {
            return s;
        }
        return conn.await(r);
    }

    /** Encoded-size check shared by the blocking calls: a negative encode result is the errno. */
    private long encodedCall(P9Request r, int type, int tcLen) {
        if (tcLen < 0) {
            return tcLen;
        }
        if (tcLen > conn.msize()) {
            return -Errno.EMSGSIZE;
        }
        r.type = type;
        r.tcLen = tcLen;
        return call(r);
    }

    private static Qid replyQid(P9Request r, long off) {
        return P9Codec.qid(r.rc, off);
    }

    // ---- session setup --------------------------------------------------------------------------------

    /** Tattach: {@code fid} becomes the root of {@code aname}. @return 0 or -errno */
    int attach(int fid, String uname, String aname, int nUname, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            r.createsFid = fid;
            long res = encodedCall(r, P9Type.Tattach, P9Codec.tattach(r.tc, tag, fid, P9Descriptor.NOFID,
                    P9Codec.utf8(uname), P9Codec.utf8(aname), nUname));
            if (res == 0 && out != null) {
                out.qid = replyQid(r, 0);
            }
            if (r.cancelled && out != null) {
                out.fidKeptByConnection = true;
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    // ---- fids -----------------------------------------------------------------------------------------

    /**
     * Twalk of up to {@link P9Descriptor#MAXWELEM} names from {@code fid} to {@code newfid}. A partial
     * walk (fewer qids than names) makes no {@code newfid}: the result is {@code -ENOENT}, and a Tclunk
     * of {@code newfid} is sent in case the server made it anyway (diod does).
     *
     * @return 0 when {@code newfid} now names the last element, or {@code -errno}
     */
    int walk(int fid, int newfid, byte[][] names, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        int nwqid;
        int lastQidType;
        try {
            r.requested = names.length;
            r.createsFid = newfid != fid ? newfid : -1;
            long res = encodedCall(r, P9Type.Twalk, P9Codec.twalk(r.tc, tag, fid, newfid, names));
            if (res < 0) {
                if (r.cancelled && out != null && newfid != fid) {
                    out.fidKeptByConnection = true;
                }
                return (int) res;
            }
            nwqid = P9Codec.u16(r.rc, 0);
            lastQidType = nwqid > 0 ? P9Codec.u8(r.rc, 2 + (long) (nwqid - 1) * P9Descriptor.QID_SIZE) : 0;
            if (out != null) {
                out.qids = P9Codec.decodeWalkQids(r.rc, 0);
                out.qid = nwqid > 0 ? out.qids.get(nwqid - 1) : null;
            }
        } finally {
            conn.release(r);
        }
        if (nwqid < names.length) {
            if (newfid != fid && nwqid > 0) {
                clunk(newfid); // the spec says newfid is unaffected; diod keeps it, so give it back
            }
            // the walk stopped early: at a missing name, or at a name that is no directory
            boolean stoppedAtFile = nwqid > 0 && (lastQidType & P9Flags.P9_QTDIR) == 0;
            return stoppedAtFile ? -Errno.ENOTDIR : -Errno.ENOENT;
        }
        return 0;
    }

    /** Tclunk: the fid number is free on the server whatever the result. @return 0 or -errno */
    int clunk(int fid) {
        return fidOnly(P9Type.Tclunk, fid);
    }

    /** Tremove: removes the file and clunks the fid whatever the result. @return 0 or -errno */
    int remove(int fid) {
        return fidOnly(P9Type.Tremove, fid);
    }

    private int fidOnly(int type, int fid) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            int len = type == P9Type.Tclunk ? P9Codec.tclunk(r.tc, tag, fid) : P9Codec.tremove(r.tc, tag, fid);
            return (int) encodedCall(r, type, len);
        } finally {
            conn.release(r);
        }
    }

    // ---- files ----------------------------------------------------------------------------------------

    /** Tlopen. @return the iounit (0: no limit beyond msize), or -errno; the qid goes to {@code out} */
    int lopen(int fid, int flags, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tlopen, P9Codec.tlopen(r.tc, tag, fid, flags));
            if (res < 0) {
                return (int) res;
            }
            if (out != null) {
                out.qid = replyQid(r, 0);
            }
            return P9Codec.u32(r.rc, P9Descriptor.QID_SIZE) & 0x7FFFFFFF;
        } finally {
            conn.release(r);
        }
    }

    /** Tlcreate: {@code fid} (a directory) becomes the new file, open. @return the iounit, or -errno */
    int lcreate(int fid, String name, int flags, int mode, int gid, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tlcreate, P9Codec.tlcreate(r.tc, tag, fid, P9Codec.utf8(name), flags,
                    mode, gid));
            if (res < 0) {
                return (int) res;
            }
            if (out != null) {
                out.qid = replyQid(r, 0);
            }
            return P9Codec.u32(r.rc, P9Descriptor.QID_SIZE) & 0x7FFFFFFF;
        } finally {
            conn.release(r);
        }
    }

    /** Tgetattr into {@code out}. @return 0 or -errno */
    int getattr(int fid, long mask, P9Attr out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tgetattr, P9Codec.tgetattr(r.tc, tag, fid, mask));
            if (res == 0) {
                P9Codec.decodeAttr(r.rc, 0, out);
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    /** Tsetattr. @return 0 or -errno */
    int setattr(int fid, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec,
                long mtimeSec, long mtimeNsec) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Tsetattr, P9Codec.tsetattr(r.tc, tag, fid, valid, mode, uid, gid, size,
                    atimeSec, atimeNsec, mtimeSec, mtimeNsec));
        } finally {
            conn.release(r);
        }
    }

    /** Tfsync. @return 0 or -errno */
    int fsync(int fid, boolean datasync) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Tfsync, P9Codec.tfsync(r.tc, tag, fid, datasync));
        } finally {
            conn.release(r);
        }
    }

    /** Tstatfs into {@code out.statfs}. @return 0 or -errno */
    int statfs(int fid, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tstatfs, P9Codec.tstatfs(r.tc, tag, fid));
            if (res == 0) {
                out.statfs = P9Codec.decodeStatFs(r.rc, 0);
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    /** Treadlink into {@code out.text}. @return 0 or -errno */
    int readlink(int fid, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Treadlink, P9Codec.treadlink(r.tc, tag, fid));
            if (res == 0) {
                out.text = P9Codec.string(r.rc, 0);
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    // ---- directories ----------------------------------------------------------------------------------

    /**
     * Treaddir on an opened directory fid: the entries land in {@code dest} (checked on arrival).
     *
     * @param count the most bytes of entries, at most {@code msize - P9_READDIRHDRSZ} and dest's size
     * @return bytes of entries (0 at the end), or -errno
     */
    long readdir(int fid, long offset, int count, MemorySegment dest) {
        if (count <= 0 || count > conn.msize() - P9Descriptor.P9_READDIRHDRSZ || count > dest.byteSize()
                || !dest.isNative()) {
            throw new IllegalArgumentException("invalid count=" + count + " for msize=" + conn.msize()
                    + " and destination byteSize=" + dest.byteSize());
        }
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            r.dataKind = P9Request.DATA_DIRENTS;
            r.direntDest = dest;
            r.requested = count;
            return encodedCall(r, P9Type.Treaddir, P9Codec.treaddir(r.tc, tag, fid, offset, count));
        } finally {
            conn.release(r);
        }
    }

    /** Tmkdir. @return 0 or -errno; the qid goes to {@code out} */
    int mkdir(int dfid, String name, int mode, int gid, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tmkdir, P9Codec.tmkdir(r.tc, tag, dfid, P9Codec.utf8(name), mode, gid));
            if (res == 0 && out != null) {
                out.qid = replyQid(r, 0);
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    /** Tunlinkat. @return 0 or -errno */
    int unlinkat(int dfid, String name, int flags) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Tunlinkat, P9Codec.tunlinkat(r.tc, tag, dfid, P9Codec.utf8(name), flags));
        } finally {
            conn.release(r);
        }
    }

    /** Trenameat. @return 0 or -errno */
    int renameat(int oldDfid, String oldName, int newDfid, String newName) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Trenameat, P9Codec.trenameat(r.tc, tag, oldDfid, P9Codec.utf8(oldName),
                    newDfid, P9Codec.utf8(newName)));
        } finally {
            conn.release(r);
        }
    }

    /** Trename: the file of {@code fid} becomes {@code name} in {@code dfid}. @return 0 or -errno */
    int rename(int fid, int dfid, String name) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Trename, P9Codec.trename(r.tc, tag, fid, dfid, P9Codec.utf8(name)));
        } finally {
            conn.release(r);
        }
    }

    /** Tsymlink. @return 0 or -errno; the qid goes to {@code out} */
    int symlink(int dfid, String name, String target, int gid, P9Reply out) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            long res = encodedCall(r, P9Type.Tsymlink, P9Codec.tsymlink(r.tc, tag, dfid, P9Codec.utf8(name),
                    P9Codec.utf8(target), gid));
            if (res == 0 && out != null) {
                out.qid = replyQid(r, 0);
            }
            return (int) res;
        } finally {
            conn.release(r);
        }
    }

    /** Tlink: a hard link {@code name} in {@code dfid} to the file of {@code fid}. @return 0 or -errno */
    int link(int dfid, int fid, String name) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return (int) encodedCall(r, P9Type.Tlink, P9Codec.tlink(r.tc, tag, dfid, fid, P9Codec.utf8(name)));
        } finally {
            conn.release(r);
        }
    }

    // ---- data: asynchronous ---------------------------------------------------------------------------

    private static long handleOf(P9Request r) {
        return ((r.gen & 0x7FFFFFFFL) << 16) | r.tag;
    }

    private void checkCount(int count) {
        if (count < 0 || count > maxData) {
            throw new IllegalArgumentException("invalid count=" + count + " (0 .. msize - P9_IOHDRSZ = " + maxData + ")");
        }
    }

    /**
     * Tread of {@code count} bytes at {@code offset}; the data lands in {@code dest}, which is advanced
     * by what arrived. The callback gets the count (short at end of file) or -errno.
     *
     * @return a handle for {@link #cancel}, or -errno (the callback is then not called)
     */
    long readAsync(int fid, long offset, int count, BvecqIter dest, P9Callback cb, long cookie) {
        checkCount(count);
        if (dest.count() < count) {
            throw new IllegalArgumentException("invalid count=" + count + " for iterator count=" + dest.count());
        }
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        r.type = P9Type.Tread;
        r.tcLen = P9Codec.tread(r.tc, tag, fid, offset, count);
        r.dataKind = P9Request.DATA_READ;
        r.data = dest;
        r.requested = count;
        return submitAsync(r, cb, cookie);
    }

    /**
     * Tread of {@code count} bytes at {@code offset}, appended to {@code appendTo}: in BULK mode as
     * slices of the receive chunks (no copy), in DIRECT mode into pool memory appended first and
     * shortened to what arrived. {@code appendTo} is the connection's until the callback.
     *
     * @return a handle, or -errno
     */
    long readAsync(int fid, long offset, int count, BvecqBuffer appendTo, P9Callback cb, long cookie) {
        checkCount(count);
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        r.type = P9Type.Tread;
        r.tcLen = P9Codec.tread(r.tc, tag, fid, offset, count);
        r.dataKind = P9Request.DATA_READ;
        r.requested = count;
        r.appendTo = appendTo;
        if (conn.mode() == ReceiveMode.DIRECT && count > 0) {
            long at = appendTo.length();
            try {
                appendTo.expand(conn.pool(), count, APPEND_FOLIO);
            } catch (IllegalStateException e) {
                conn.release(r); // the pool is exhausted: a result, not an exception
                return -Errno.ENOMEM;
            }
            r.data = r.ownIter.init(appendTo, at, count);
        }
        return submitAsync(r, cb, cookie);
    }

    /**
     * Twrite of {@code count} bytes of {@code src} at {@code offset}, sent as ONE sendmsg of
     * [23-byte header, src's iovecs] (glued with other queued requests when plugged). The callback gets
     * the count the server wrote, or -errno; {@code src} is the connection's until then.
     *
     * @return a handle, or -errno
     */
    long writeAsync(int fid, long offset, int count, BvecqIter src, P9Callback cb, long cookie) {
        checkCount(count);
        if (src.count() < count) {
            throw new IllegalArgumentException("invalid count=" + count + " for iterator count=" + src.count());
        }
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        r.type = P9Type.Twrite;
        r.tcLen = P9Codec.twriteHeader(r.tc, tag, fid, offset, count);
        r.dataKind = P9Request.DATA_WRITE;
        r.data = src;
        r.requested = count;
        return submitAsync(r, cb, cookie);
    }

    private long submitAsync(P9Request r, P9Callback cb, long cookie) {
        r.callback = cb;
        r.cookie = cookie;
        r.waiter = null;
        long handle = handleOf(r);
        int s = conn.submit(r);
        if (s < 0) {
            if (r.appendTo != null && conn.mode() == ReceiveMode.DIRECT && r.requested > 0) {
                r.appendTo.shorten(r.requested);
            }
            conn.release(r);
            return s;
        }
        return handle;
    }

    /** Tflush of a request issued asynchronously. @return 0, -EALREADY, -ESRCH */
    int cancel(long handle) {
        return conn.cancel(handle, Errno.ECANCELED);
    }

    // ---- data: blocking -------------------------------------------------------------------------------

    /**
     * Reads {@code len} bytes at {@code offset} into {@code dest[destOff ..]} with up to {@code window}
     * Treads of {@code ioSize} in flight, sent together.
     *
     * @return bytes read (fewer at end of file), or -errno
     */
    long read(int fid, int ioSize, long offset, BvecqBuffer dest, long destOff, long len, int window) {
        return transfer(P9Type.Tread, fid, ioSize, offset, dest, destOff, len, window);
    }

    /**
     * Writes {@code len} bytes of {@code src[srcOff ..]} at {@code offset}, up to {@code window} Twrites
     * in flight.
     *
     * @return bytes written, or -errno
     */
    long write(int fid, int ioSize, long offset, BvecqBuffer src, long srcOff, long len, int window) {
        return transfer(P9Type.Twrite, fid, ioSize, offset, src, srcOff, len, window);
    }

    private long transfer(int type, int fid, int ioSize, long offset, BvecqBuffer buf, long bufOff, long len, int window) {
        if (conn.isReceiverThread()) {
            throw new IllegalStateException("blocking 9P " + P9Type.name(type) + " from a completion callback; "
                    + "issue asynchronous requests there");
        }
        if (ioSize <= 0 || ioSize > maxData || window <= 0 || len < 0 || bufOff < 0 || bufOff > buf.length() - len) {
            throw new IllegalArgumentException("invalid ioSize=" + ioSize + ", window=" + window + ", len=" + len
                    + ", offset=" + bufOff + " for buffer length=" + buf.length());
        }
        P9Request[] ring = new P9Request[Math.min(window, conn.maxTags() - 1)];
        int w = ring.length;
        int head = 0;
        int inFlight = 0;
        long issued = 0;
        long total = 0;
        long err = 0;
        boolean shortReply = false;
        while (true) {
            conn.plug();
            try {
                while (inFlight < w && issued < len && !shortReply && err == 0) {
                    int n = (int) Math.min(ioSize, len - issued);
                    int tag = conn.allocate();
                    if (tag < 0) {
                        err = tag;
                        break;
                    }
                    P9Request r = conn.slot(tag);
                    r.type = type;
                    r.requested = n;
                    r.data = r.ownIter.init(buf, bufOff + issued, n);
                    if (type == P9Type.Tread) {
                        r.tcLen = P9Codec.tread(r.tc, tag, fid, offset + issued, n);
                        r.dataKind = P9Request.DATA_READ;
                    } else {
                        r.tcLen = P9Codec.twriteHeader(r.tc, tag, fid, offset + issued, n);
                        r.dataKind = P9Request.DATA_WRITE;
                    }
                    int s = conn.submit(r);
                    if (s < 0) {
                        conn.release(r);
                        err = s;
                        break;
                    }
                    ring[(head + inFlight) % w] = r;
                    inFlight++;
                    issued += n;
                }
            } finally {
                conn.unplug();
            }
            if (inFlight == 0) {
                break;
            }
            P9Request r = ring[head];
            ring[head] = null;
            head = (head + 1) % w;
            inFlight--;
            long want = r.requested;
            long res = conn.await(r);
            conn.release(r);
            if (res < 0) {
                if (err == 0) {
                    err = res;
                }
            } else if (!shortReply && err == 0) {
                total += res;
                if (res < want) {
                    shortReply = true; // end of file (read) or a short write: later replies do not count
                }
            }
        }
        return err != 0 ? err : total;
    }

    /** Fails and closes the connection; in-flight requests complete with -ECONNABORTED. */
    @Override
    public void close() {
        conn.close();
    }
}
