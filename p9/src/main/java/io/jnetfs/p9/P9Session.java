package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
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
    private final FidTable fids;
    private final int maxData;
    /** Which of the client's successive connections this is (0: the first; +1 per recovery attempt). */
    private final int gen;
    /** Folio size of the pool memory DIRECT appends grow a chain by. */
    private static final int APPEND_FOLIO = 64 << 10;

    /**
     * @param conn the connection, owned from now on
     * @param fids the fid numbers, shared by the client's successive sessions (a recovered connection
     *     walks the same numbers again)
     * @param gen which of the client's connections this is
     */
    P9Session(P9Connection conn, FidTable fids, int gen) {
        this.conn = conn;
        this.fids = fids;
        this.gen = gen;
        this.maxData = conn.msize() - P9Descriptor.P9_IOHDRSZ;
        conn.fidRecycler(fids::release);
    }

    /** {@return which of the client's connections this is} */
    int gen() {
        return gen;
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

    // ---- one blocking request --------------------------------------------------------------------------

    /** Fills a request's slot: the T-message into {@code tc}, and what the receiver must know about it. */
    @FunctionalInterface
    private interface Encoder {
        /** @return the T-message's length, or {@code -errno} */
        int encode(P9Request r, int tag);
    }

    /** Reads what the caller wants out of a completed request's {@code rc}. */
    @FunctionalInterface
    private interface Decoder {
        /**
         * @param result the call's result: 0, a count, or {@code -errno}
         * @return the operation's result
         */
        long decode(P9Request r, long result);
    }

    private static final Decoder RESULT = (r, result) -> result;

    /**
     * One blocking request, the kernel's {@code p9_client_rpc}: takes a tag, encodes into its slot,
     * submits, waits for the reply, decodes it, and gives the tag back whatever happened.
     *
     * @return the decoder's result, or {@code -errno} when no tag could be had
     */
    private long rpc(int type, Encoder encoder, Decoder decoder) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        try {
            return decoder.decode(r, call(r, type, encoder.encode(r, tag)));
        } finally {
            conn.release(r);
        }
    }

    /** Submits an encoded request and waits. @return the result, or {@code -errno} */
    private long call(P9Request r, int type, int tcLen) {
        if (tcLen < 0) {
            return tcLen;
        }
        if (tcLen > conn.msize()) {
            return -Errno.EMSGSIZE;
        }
        r.type = type;
        r.tcLen = tcLen;
        if (conn.isReceiverThread()) {
            // only the receiving thread completes requests: waiting on it would wait forever
            throw new IllegalStateException("blocking 9P request " + P9Type.name(type)
                    + " from a completion callback; issue asynchronous requests there");
        }
        int s = conn.submit(r);
        if (s < 0) {
            return s;
        }
        return conn.await(r);
    }

    /** A decoder that puts the reply's qid into {@code out} on success. */
    private static Decoder qidTo(P9Reply out) {
        return (r, res) -> {
            if (res == 0 && out != null) {
                out.qid = P9Codec.qid(r.rc, 0);
            }
            return res;
        };
    }

    /** Tlopen's and Tlcreate's reply: the qid to {@code out}; the iounit is the result. */
    private static Decoder openedTo(P9Reply out) {
        return (r, res) -> {
            if (res < 0) {
                return res;
            }
            if (out != null) {
                out.qid = P9Codec.qid(r.rc, 0);
            }
            return P9Codec.u32(r.rc, P9Descriptor.QID_SIZE) & 0x7FFFFFFF;
        };
    }

    // ---- session setup --------------------------------------------------------------------------------

    /** Tattach: {@code fid} becomes the root of {@code aname}. @return 0 or -errno */
    int attach(int fid, String uname, String aname, int nUname, P9Reply out) {
        return (int) rpc(P9Type.Tattach, (r, tag) -> {
            r.createsFid = fid;
            return P9Codec.tattach(r.tc, tag, fid, P9Descriptor.NOFID, P9Codec.utf8(uname), P9Codec.utf8(aname),
                    nUname);
        }, (r, res) -> {
            if (res == 0 && out != null) {
                out.qid = P9Codec.qid(r.rc, 0);
            }
            if (r.cancelled && out != null) {
                out.fidKeptByConnection = true;
            }
            return res;
        });
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
        long walked = rpc(P9Type.Twalk, (r, tag) -> {
            r.requested = names.length;
            r.createsFid = newfid != fid ? newfid : -1;
            return P9Codec.twalk(r.tc, tag, fid, newfid, names);
        }, (r, res) -> {
            if (res < 0) {
                if (r.cancelled && out != null && newfid != fid) {
                    out.fidKeptByConnection = true;
                }
                return res;
            }
            int nwqid = P9Codec.u16(r.rc, 0);
            int lastQidType = nwqid > 0 ? P9Codec.u8(r.rc, 2 + (long) (nwqid - 1) * P9Descriptor.QID_SIZE) : 0;
            if (out != null) {
                out.qids = P9Codec.decodeWalkQids(r.rc, 0);
                out.qid = nwqid > 0 ? out.qids.get(nwqid - 1) : null;
            }
            return (long) lastQidType << 16 | nwqid;
        });
        if (walked < 0) {
            return (int) walked;
        }
        int nwqid = (int) (walked & 0xFFFF);
        int lastQidType = (int) (walked >>> 16);
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
        return (int) rpc(P9Type.Tclunk, (r, tag) -> P9Codec.tclunk(r.tc, tag, fid), RESULT);
    }

    /** Tremove: removes the file and clunks the fid whatever the result. @return 0 or -errno */
    int remove(int fid) {
        return (int) rpc(P9Type.Tremove, (r, tag) -> P9Codec.tremove(r.tc, tag, fid), RESULT);
    }

    // ---- files ----------------------------------------------------------------------------------------

    /** Tlopen. @return the iounit (0: no limit beyond msize), or -errno; the qid goes to {@code out} */
    int lopen(int fid, int flags, P9Reply out) {
        return (int) rpc(P9Type.Tlopen, (r, tag) -> P9Codec.tlopen(r.tc, tag, fid, flags), openedTo(out));
    }

    /** Tlcreate: {@code fid} (a directory) becomes the new file, open. @return the iounit, or -errno */
    int lcreate(int fid, String name, int flags, int mode, int gid, P9Reply out) {
        return (int) rpc(P9Type.Tlcreate, (r, tag) -> P9Codec.tlcreate(r.tc, tag, fid, P9Codec.utf8(name), flags,
                mode, gid), openedTo(out));
    }

    /** Tgetattr into {@code out}. @return 0 or -errno */
    int getattr(int fid, long mask, P9Attr out) {
        return (int) rpc(P9Type.Tgetattr, (r, tag) -> P9Codec.tgetattr(r.tc, tag, fid, mask), (r, res) -> {
            if (res == 0) {
                P9Codec.decodeAttr(r.rc, 0, out);
            }
            return res;
        });
    }

    /** Tsetattr. @return 0 or -errno */
    int setattr(int fid, int valid, int mode, int uid, int gid, long size, long atimeSec, long atimeNsec,
                long mtimeSec, long mtimeNsec) {
        return (int) rpc(P9Type.Tsetattr, (r, tag) -> P9Codec.tsetattr(r.tc, tag, fid, valid, mode, uid, gid, size,
                atimeSec, atimeNsec, mtimeSec, mtimeNsec), RESULT);
    }

    /** Tfsync. @return 0 or -errno */
    int fsync(int fid, boolean datasync) {
        return (int) rpc(P9Type.Tfsync, (r, tag) -> P9Codec.tfsync(r.tc, tag, fid, datasync), RESULT);
    }

    /** Tstatfs into {@code out.statfs}. @return 0 or -errno */
    int statfs(int fid, P9Reply out) {
        return (int) rpc(P9Type.Tstatfs, (r, tag) -> P9Codec.tstatfs(r.tc, tag, fid), (r, res) -> {
            if (res == 0) {
                out.statfs = P9Codec.decodeStatFs(r.rc, 0);
            }
            return res;
        });
    }

    /** Treadlink into {@code out.text}. @return 0 or -errno */
    int readlink(int fid, P9Reply out) {
        return (int) rpc(P9Type.Treadlink, (r, tag) -> P9Codec.treadlink(r.tc, tag, fid), (r, res) -> {
            if (res == 0) {
                out.text = P9Codec.string(r.rc, 0);
            }
            return res;
        });
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
        return rpc(P9Type.Treaddir, (r, tag) -> {
            r.dataKind = P9Request.DATA_DIRENTS;
            r.direntDest = dest;
            r.requested = count;
            return P9Codec.treaddir(r.tc, tag, fid, offset, count);
        }, RESULT);
    }

    /** Tmkdir. @return 0 or -errno; the qid goes to {@code out} */
    int mkdir(int dfid, String name, int mode, int gid, P9Reply out) {
        return (int) rpc(P9Type.Tmkdir, (r, tag) -> P9Codec.tmkdir(r.tc, tag, dfid, P9Codec.utf8(name), mode, gid),
                qidTo(out));
    }

    /**
     * Tunlinkat; where the server does not know it (Debian's diod 1.0.24 answers EOPNOTSUPP), the walk and
     * Tremove the kernel's v9fs falls back on, after checking the entry is (with
     * {@link P9Flags#P9_DOTL_AT_REMOVEDIR}) or is not a directory.
     *
     * @return 0 or -errno
     */
    int unlinkat(int dfid, String name, int flags) {
        int r = (int) rpc(P9Type.Tunlinkat, (q, tag) -> P9Codec.tunlinkat(q.tc, tag, dfid, P9Codec.utf8(name),
                flags), RESULT);
        return r == -Errno.EOPNOTSUPP ? unlinkFallback(dfid, name, flags) : r;
    }

    private int unlinkFallback(int dfid, String name, int flags) {
        int fid = allocateFid();
        if (fid < 0) {
            return fid;
        }
        P9Reply rep = new P9Reply();
        int r = walk(dfid, fid, new byte[][] {P9Codec.utf8(name)}, rep);
        if (r < 0) {
            if (!rep.fidKeptByConnection) {
                releaseFid(fid);
            }
            return r;
        }
        boolean isDir = rep.qid != null && rep.qid.isDirectory();
        boolean wantDir = (flags & P9Flags.P9_DOTL_AT_REMOVEDIR) != 0;
        if (isDir != wantDir) {
            clunk(fid);
            releaseFid(fid);
            return isDir ? -Errno.EISDIR : -Errno.ENOTDIR;
        }
        r = remove(fid); // Tremove clunks the fid whatever the result
        releaseFid(fid);
        return r;
    }

    /**
     * Trenameat; where the server does not know it, as the kernel's v9fs does: walk to the file and
     * Trename it.
     *
     * @return 0 or -errno
     */
    int renameat(int oldDfid, String oldName, int newDfid, String newName) {
        int r = (int) rpc(P9Type.Trenameat, (q, tag) -> P9Codec.trenameat(q.tc, tag, oldDfid, P9Codec.utf8(oldName),
                newDfid, P9Codec.utf8(newName)), RESULT);
        return r == -Errno.EOPNOTSUPP ? renameFallback(oldDfid, oldName, newDfid, newName) : r;
    }

    private int renameFallback(int oldDfid, String oldName, int newDfid, String newName) {
        int fid = allocateFid();
        if (fid < 0) {
            return fid;
        }
        P9Reply rep = new P9Reply();
        int r = walk(oldDfid, fid, new byte[][] {P9Codec.utf8(oldName)}, rep);
        if (r < 0) {
            if (!rep.fidKeptByConnection) {
                releaseFid(fid);
            }
            return r;
        }
        r = rename(fid, newDfid, newName);
        clunk(fid);
        releaseFid(fid);
        return r;
    }

    /** Trename: the file of {@code fid} becomes {@code name} in {@code dfid}. @return 0 or -errno */
    int rename(int fid, int dfid, String name) {
        return (int) rpc(P9Type.Trename, (r, tag) -> P9Codec.trename(r.tc, tag, fid, dfid, P9Codec.utf8(name)),
                RESULT);
    }

    /** Tsymlink. @return 0 or -errno; the qid goes to {@code out} */
    int symlink(int dfid, String name, String target, int gid, P9Reply out) {
        return (int) rpc(P9Type.Tsymlink, (r, tag) -> P9Codec.tsymlink(r.tc, tag, dfid, P9Codec.utf8(name),
                P9Codec.utf8(target), gid), qidTo(out));
    }

    /** Tlink: a hard link {@code name} in {@code dfid} to the file of {@code fid}. @return 0 or -errno */
    int link(int dfid, int fid, String name) {
        return (int) rpc(P9Type.Tlink, (r, tag) -> P9Codec.tlink(r.tc, tag, dfid, fid, P9Codec.utf8(name)), RESULT);
    }

    // ---- data: asynchronous ---------------------------------------------------------------------------

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
        return issueAsync(P9Type.Tread, fid, offset, count, dest, null, cb, cookie);
    }

    /**
     * Tread of {@code count} bytes at {@code offset}, appended to {@code appendTo}: in BULK mode as
     * slices of the receive chunks (no copy), in DIRECT mode into pool memory appended first and
     * shortened to what arrived. {@code appendTo} is the connection's until the callback.
     *
     * @return a handle, or -errno ({@code -ENOMEM} when the pool has no memory to append)
     */
    long readAsync(int fid, long offset, int count, BvecqBuffer appendTo, P9Callback cb, long cookie) {
        checkCount(count);
        if (appendTo.isReleased()) {
            throw new IllegalArgumentException("appendTo is released");
        }
        return issueAsync(P9Type.Tread, fid, offset, count, null, appendTo, cb, cookie);
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
        return issueAsync(P9Type.Twrite, fid, offset, count, src, null, cb, cookie);
    }

    /** Encodes a Tread or a Twrite's header into a slot, its data {@code data}. */
    private static void encodeData(P9Request r, int tag, int type, int fid, long offset, int count, BvecqIter data) {
        r.type = type;
        r.requested = count;
        r.data = data;
        if (type == P9Type.Tread) {
            r.tcLen = P9Codec.tread(r.tc, tag, fid, offset, count);
            r.dataKind = P9Request.DATA_READ;
        } else {
            r.tcLen = P9Codec.twriteHeader(r.tc, tag, fid, offset, count);
            r.dataKind = P9Request.DATA_WRITE;
        }
    }

    /**
     * Takes a tag, encodes, submits; completion goes to the callback. Allocates nothing.
     *
     * @param data the read's destination or the write's source, or {@code null} with {@code appendTo}
     * @return a handle, or -errno (the callback is then not called)
     */
    private long issueAsync(int type, int fid, long offset, int count, BvecqIter data, BvecqBuffer appendTo,
                            P9Callback cb, long cookie) {
        int tag = conn.allocate();
        if (tag < 0) {
            return tag;
        }
        P9Request r = conn.slot(tag);
        encodeData(r, tag, type, fid, offset, count, data);
        if (appendTo != null) {
            r.appendTo = appendTo;
            if (conn.mode() == ReceiveMode.DIRECT && count > 0) {
                long at = appendTo.length();
                boolean grown;
                try {
                    grown = tryExpand(appendTo, count);
                } catch (RuntimeException | Error e) {
                    conn.release(r); // misuse (a closed pool): the tag goes back before the exception does
                    throw e;
                }
                if (!grown) {
                    conn.release(r); // the pool is exhausted: a result, not an exception
                    return -Errno.ENOMEM;
                }
                r.data = r.ownIter.init(appendTo, at, count);
            }
        }
        r.callback = cb;
        r.cookie = cookie;
        r.waiter = null;
        long handle = r.handle();
        int s = conn.submit(r);
        if (s < 0) {
            if (appendTo != null && conn.mode() == ReceiveMode.DIRECT && count > 0) {
                appendTo.shorten(count);
            }
            conn.release(r);
            return s;
        }
        return handle;
    }

    /**
     * Appends {@code n} bytes of pool memory to a chain for a DIRECT read to land in.
     *
     * @return false, with the chain as it was, when the pool has not enough memory
     */
    private boolean tryExpand(BvecqBuffer b, long n) {
        FolioPool pool = conn.pool();
        long left = n;
        while (left > 0) {
            Folio f = pool.tryAllocate(APPEND_FOLIO);
            if (f == null) {
                if (left < n) {
                    b.shorten(n - left);
                }
                return false;
            }
            long len = Math.min(left, APPEND_FOLIO);
            b.appendFolio(f, 0, len);
            left -= len;
        }
        return true;
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
     * @param done if not {@code null}, {@code done[0]} gets the bytes done from the start in order before the
     *     first failure (what a transfer sent again after a lost connection need not do again)
     * @return bytes read (fewer at end of file), or -errno
     */
    long read(int fid, int ioSize, long offset, BvecqBuffer dest, long destOff, long len, int window, long[] done) {
        return transfer(P9Type.Tread, fid, ioSize, offset, dest, destOff, len, window, done);
    }

    /**
     * Writes {@code len} bytes of {@code src[srcOff ..]} at {@code offset}, up to {@code window} Twrites
     * in flight.
     *
     * @param done as for {@link #read}
     * @return bytes written, or -errno
     */
    long write(int fid, int ioSize, long offset, BvecqBuffer src, long srcOff, long len, int window, long[] done) {
        return transfer(P9Type.Twrite, fid, ioSize, offset, src, srcOff, len, window, done);
    }

    private long transfer(int type, int fid, int ioSize, long offset, BvecqBuffer buf, long bufOff, long len, int window,
                          long[] done) {
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
                    encodeData(r, tag, type, fid, offset + issued, n, r.ownIter.init(buf, bufOff + issued, n));
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
        if (done != null) {
            done[0] = total; // the replies are awaited in order: what counted is a prefix
        }
        return err != 0 ? err : total;
    }

    /** Fails and closes the connection; in-flight requests complete with -ECONNABORTED. */
    @Override
    public void close() {
        conn.close();
    }
}
