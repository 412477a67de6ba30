package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;
import static io.jnetfs.p9.P9Descriptor.QID_SIZE;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Executes one request of a connection: decodes its body strictly, looks its fids up (taking a
 * reference for the duration), checks names, calls the fid's export ({@link ExportOps}) and leaves
 * the reply for the connection to send.
 *
 * <p>Decoding: every field must lie inside the message and the body must end exactly after the last
 * one; otherwise the answer is {@code Rlerror(EPROTO)} (the message's size was already checked, so the
 * connection stays in step). Names are 1 .. 255 bytes without '/' or NUL; "." and ".." are walkable
 * but never created, removed or renamed ({@code EINVAL}).
 *
 * <p>Result of {@link #execute}: the size of a reply encoded in the request's buffer; {@link #RREAD}
 * (an Rread of {@link Scratch#readCount} bytes from {@link Scratch#readChain}); {@link #DATA_REPLY}
 * (a reply of {@link Scratch#dataReplySize} bytes encoded in the request's data buffer); or
 * {@code -errno} for an Rlerror.
 */
final class ServerDispatcher {
    /** {@link #execute} result: send an Rread. */
    static final int RREAD = Integer.MIN_VALUE;
    /** {@link #execute} result: send the reply in the data buffer. */
    static final int DATA_REPLY = Integer.MIN_VALUE + 1;

    private static final int NAME_MAX = 255;

    private final ServerConnection conn;
    private final DirExport dir;
    private final CtlExport ctl;
    private final ServerFidTable fids;

    ServerDispatcher(ServerConnection conn, DirExport dir, CtlExport ctl, ServerFidTable fids) {
        this.conn = conn;
        this.dir = dir;
        this.ctl = ctl;
        this.fids = fids;
    }

    /**
     * Executes {@code r} on the calling thread.
     *
     * @return see the class comment
     */
    int execute(Scratch s, ServerRequest r) {
        if (r.oversize) {
            return -Errno.ENAMETOOLONG; // only names and targets make a request this large
        }
        r.startBody();
        return switch (r.type) {
            case P9Type.Tread -> read(s, r);
            case P9Type.Twrite -> write(s, r);
            case P9Type.Twalk -> walk(s, r);
            case P9Type.Tclunk, P9Type.Tremove -> clunkOrRemove(s, r);
            case P9Type.Tgetattr -> getattr(s, r);
            case P9Type.Tlopen -> lopen(s, r);
            case P9Type.Tlcreate -> lcreate(s, r);
            case P9Type.Treaddir -> readdir(s, r);
            case P9Type.Tattach -> attach(s, r);
            case P9Type.Tauth -> auth(r);
            case P9Type.Tsetattr -> setattr(s, r);
            case P9Type.Tfsync -> fsync(s, r);
            case P9Type.Tstatfs -> statfs(s, r);
            case P9Type.Tmkdir -> mkdir(s, r);
            case P9Type.Tunlinkat -> unlinkat(s, r);
            case P9Type.Trenameat -> renameat(s, r);
            case P9Type.Trename -> rename(s, r);
            case P9Type.Tsymlink -> symlink(s, r);
            case P9Type.Treadlink -> readlink(s, r);
            case P9Type.Tlink -> link(s, r);
            default -> -Errno.EOPNOTSUPP; // Txattrwalk, Txattrcreate, Tlock, Tgetlock, Tmknod, R-messages, ...
        };
    }

    // ---- session ------------------------------------------------------------------------------------

    private int auth(ServerRequest r) {
        r.u32();
        r.string();
        r.string();
        r.u32();
        // no authentication: answered as diod answers when none is required
        return r.exact() ? -Errno.ENOENT : -Errno.EPROTO;
    }

    private int attach(Scratch s, ServerRequest r) {
        int fid = r.u32();
        int afid = r.u32();
        r.string();
        long aname = r.string();
        r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        if (afid != P9Descriptor.NOFID) {
            return -Errno.EINVAL;
        }
        String a = new String(r.mem.asSlice(aname, r.stringLength(aname)).toArray(ValueLayout.JAVA_BYTE),
                StandardCharsets.UTF_8);
        ExportOps export;
        if (ctl != null && a.equals("ctl")) {
            export = ctl;
        } else if (a.isEmpty() || a.equals("/") || a.equals(dir.rootPath()) || a.equals(dir.rootPath() + "/")) {
            export = dir;
        } else {
            return -Errno.ENOENT;
        }
        if (fids.contains(fid)) {
            return -Errno.EBADF;
        }
        ServerFid f = export.attach(s);
        if (f == null) {
            return -s.errno;
        }
        int qt = f.qidType;
        long qp = f.qidPath;
        int rc = fids.put(fid, f, false);
        if (rc < 0) {
            f.put();
            return rc;
        }
        return Replies.qid(r, P9Type.Rattach, qt, s.qidVersion, qp);
    }

    // ---- the fid a request names ------------------------------------------------------------------------

    /**
     * Looks up {@code fid} (taking a reference for the duration), runs the request's operation on it
     * ({@link #run}) and puts the reference whatever happens: every request that names a fid ends here,
     * after its fields were decoded and checked (so a malformed request is EPROTO and a bad name EINVAL
     * before an unknown fid is EBADF). A switch on the message type rather than an interface call: at
     * each call site the type is known, so the JIT inlines the one operation (a lambda per operation made
     * this call megamorphic, and left the downcalls' capture slices allocated on the data path).
     *
     * @return the operation's result, or {@code -EBADF} for an unknown fid
     */
    private int onFid(Scratch s, ServerRequest r, int fid) {
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            return run(s, r, f);
        } finally {
            f.put();
        }
    }

    /** The operation of {@code r} on its looked-up fid {@code f} (the second one for two-fid requests). */
    private int run(Scratch s, ServerRequest r, ServerFid f) {
        return switch (r.type) {
            case P9Type.Tread -> {
                long n = f.export.read(s, f, r.offset, r.count, r);
                if (n < 0) {
                    yield (int) n;
                }
                s.readCount = n;
                yield RREAD;
            }
            case P9Type.Twrite -> {
                long n = f.export.write(s, f, r.offset, r.count, r);
                yield n < 0 ? (int) n : Replies.rwrite(r, (int) n);
            }
            case P9Type.Twalk -> walkFrom(s, r, f);
            case P9Type.Tgetattr -> f.export.getattr(s, f, r.mask, r);
            case P9Type.Tlopen -> f.export.lopen(s, f, r.flags, r);
            case P9Type.Tlcreate -> lcreateIn(s, r, f);
            case P9Type.Treaddir -> {
                int n = f.export.readdir(s, f, r.offset, r.count, r);
                if (n < 0) {
                    yield n;
                }
                s.dataReplySize = n;
                yield DATA_REPLY;
            }
            case P9Type.Tsetattr -> {
                int rc = f.export.setattr(s, f, r.valid, r.mode, r.uid, r.gid, r.attrSize, r.atimeSec, r.atimeNsec,
                        r.mtimeSec, r.mtimeNsec);
                yield rc < 0 ? rc : Replies.empty(r, P9Type.Rsetattr);
            }
            case P9Type.Tfsync -> {
                int rc = f.export.fsync(s, f, r.flags != 0);
                yield rc < 0 ? rc : Replies.empty(r, P9Type.Rfsync);
            }
            case P9Type.Tstatfs -> f.export.statfs(s, f, r);
            case P9Type.Tmkdir -> f.export.mkdir(s, f, r.nameLen, r.mode, r.gid, r);
            case P9Type.Tunlinkat -> {
                int rc = f.export.unlinkat(s, f, r.nameLen, r.flags);
                yield rc < 0 ? rc : Replies.empty(r, P9Type.Runlinkat);
            }
            case P9Type.Tsymlink -> f.export.symlink(s, f, r.nameLen, r.gid, r);
            case P9Type.Treadlink -> f.export.readlink(s, f, r);
            case P9Type.Trenameat, P9Type.Trename, P9Type.Tlink -> secondFid(s, r, f);
            default -> throw new IllegalStateException("no fid operation for " + P9Type.name(r.type));
        };
    }

    // ---- fids -----------------------------------------------------------------------------------------

    private int walk(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.fid2 = r.u32();
        int n = r.u16();
        if (n > P9Descriptor.MAXWELEM) {
            return r.malformed ? -Errno.EPROTO : -Errno.EINVAL;
        }
        for (int i = 0; i < n; i++) {
            s.walkNameAt[i] = r.string();
        }
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        r.count = n;
        return onFid(s, r, r.fid);
    }

    private int walkFrom(Scratch s, ServerRequest r, ServerFid from) {
        int newfid = r.fid2;
        int n = r.count;
        if (newfid != r.fid && fids.contains(newfid)) {
            return -Errno.EBADF;
        }
        ServerFid cur;
        int walked = 0;
        if (n == 0) {
            cur = from.export.clone(s, from);
            if (cur == null) {
                return -s.errno;
            }
        } else {
            cur = from;
            for (; walked < n; walked++) {
                int len = name(r, s.walkNameAt[walked], s.name, true);
                ServerFid next = len < 0 ? null : cur.export.walk(s, cur, len);
                if (next == null) {
                    int errno = len < 0 ? -len : s.errno;
                    if (walked == 0) {
                        return -errno;
                    }
                    break;
                }
                s.walkQidType[walked] = next.qidType;
                s.walkQidVersion[walked] = s.qidVersion;
                s.walkQidPath[walked] = next.qidPath;
                if (cur != from) {
                    cur.put();
                }
                cur = next;
            }
            if (walked < n) {
                cur.put(); // partial walk: newfid is not made
                return rwalk(s, r, walked);
            }
        }
        int rc = fids.put(newfid, cur, newfid == r.fid);
        if (rc < 0) {
            cur.put();
            return rc;
        }
        return rwalk(s, r, walked);
    }

    private static int rwalk(Scratch s, ServerRequest r, int n) {
        int size = HEADER_SIZE + 2 + n * QID_SIZE;
        r.header(size, P9Type.Rwalk);
        r.put16(HEADER_SIZE, n);
        for (int i = 0; i < n; i++) {
            r.putQid(HEADER_SIZE + 2 + (long) i * QID_SIZE, s.walkQidType[i], s.walkQidVersion[i], s.walkQidPath[i]);
        }
        return size;
    }

    /** Tclunk and Tremove: the fid leaves the table first, whatever the result. */
    private int clunkOrRemove(Scratch s, ServerRequest r) {
        int fid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.remove(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            if (r.type == P9Type.Tclunk) {
                return Replies.empty(r, P9Type.Rclunk);
            }
            int rc = f.export.remove(s, f);
            return rc < 0 ? rc : Replies.empty(r, P9Type.Rremove);
        } finally {
            f.put();
        }
    }

    private int lopen(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.flags = r.u32();
        return decoded(s, r);
    }

    private int lcreate(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        long name = r.string();
        r.flags = r.u32();
        r.mode = r.u32();
        r.gid = r.u32();
        return decodedWithName(s, r, name);
    }

    private int lcreateIn(Scratch s, ServerRequest r, ServerFid dir) {
        ServerFid nf = dir.export.lcreate(s, dir, r.nameLen, r.flags, r.mode, r.gid);
        if (nf == null) {
            return -s.errno;
        }
        int qt = nf.qidType;
        long qp = nf.qidPath;
        int rc = fids.put(r.fid, nf, true); // the fid now names the new, opened file
        if (rc < 0) {
            nf.put();
            return rc;
        }
        return Replies.lopen(r, P9Type.Rlcreate, qt, s.qidVersion, qp, 0);
    }

    // ---- data -------------------------------------------------------------------------------------------

    private int read(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.offset = r.u64();
        long count = Integer.toUnsignedLong(r.u32());
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        if (r.offset < 0) {
            return -Errno.EINVAL;
        }
        r.count = (int) Math.min(count, conn.msize() - P9Descriptor.RREAD_HEADER_SIZE);
        return onFid(s, r, r.fid);
    }

    private int write(Scratch s, ServerRequest r) {
        if (r.offset < 0) { // fid, offset and count were decoded by the receiver, with the payload
            return -Errno.EINVAL;
        }
        return onFid(s, r, r.fid);
    }

    private int readdir(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.offset = r.u64();
        long count = Integer.toUnsignedLong(r.u32());
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        r.count = (int) Math.min(count, conn.msize() - P9Descriptor.RREADDIR_HEADER_SIZE);
        return onFid(s, r, r.fid);
    }

    private int fsync(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.flags = r.u32();
        return decoded(s, r);
    }

    // ---- attributes ------------------------------------------------------------------------------------

    private int getattr(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.mask = r.u64();
        return decoded(s, r);
    }

    private int setattr(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        r.valid = r.u32();
        r.mode = r.u32();
        r.uid = r.u32();
        r.gid = r.u32();
        r.attrSize = r.u64();
        r.atimeSec = r.u64();
        r.atimeNsec = r.u64();
        r.mtimeSec = r.u64();
        r.mtimeNsec = r.u64();
        return decoded(s, r);
    }

    /** The end of every fid request's decoding: the body was exactly its fields, then the fid's operation. */
    private int decoded(Scratch s, ServerRequest r) {
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        return onFid(s, r, r.fid);
    }

    /** {@link #decoded} for a request that also names an entry ({@code name}: its offset in the message). */
    private int decodedWithName(Scratch s, ServerRequest r, long name) {
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        r.nameLen = name(r, name, s.name, false);
        if (r.nameLen < 0) {
            return r.nameLen;
        }
        return onFid(s, r, r.fid);
    }

    private int statfs(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        return decoded(s, r);
    }

    // ---- names ------------------------------------------------------------------------------------------

    private int mkdir(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        long name = r.string();
        r.mode = r.u32();
        r.gid = r.u32();
        return decodedWithName(s, r, name);
    }

    private int unlinkat(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        long name = r.string();
        r.flags = r.u32();
        return decodedWithName(s, r, name);
    }

    private int renameat(Scratch s, ServerRequest r) {
        int oldDfid = r.u32();
        long oldName = r.string();
        int newDfid = r.u32();
        long newName = r.string();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, oldName, s.name, false);
        int len2 = len < 0 ? len : name(r, newName, s.name2, false);
        if (len2 < 0) {
            return len2;
        }
        return twoFids(s, r, oldDfid, newDfid);
    }

    private int rename(Scratch s, ServerRequest r) {
        int fid = r.u32();
        int dfid = r.u32();
        long name = r.string();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
        }
        return twoFids(s, r, fid, dfid);
    }

    private int symlink(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        long name = r.string();
        long target = r.string();
        r.gid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        r.nameLen = name(r, name, s.name, false);
        if (r.nameLen < 0) {
            return r.nameLen;
        }
        int tlen = r.stringLength(target);
        if (tlen == 0) {
            return -Errno.ENOENT;
        }
        if (tlen >= Scratch.PATH_MAX) {
            return -Errno.ENAMETOOLONG;
        }
        for (int i = 0; i < tlen; i++) {
            if (r.mem.get(ValueLayout.JAVA_BYTE, target + i) == 0) {
                return -Errno.EINVAL;
            }
        }
        Scratch.cString(r.mem, target, tlen, s.name2);
        return onFid(s, r, r.fid);
    }

    private int readlink(Scratch s, ServerRequest r) {
        r.fid = r.u32();
        return decoded(s, r);
    }

    private int link(Scratch s, ServerRequest r) {
        int dfid = r.u32();
        int fid = r.u32();
        long name = r.string();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
        }
        return twoFids(s, r, dfid, fid);
    }

    /**
     * Trenameat (old dir, new dir), Trename (fid, new dir) and Tlink (dir, target): looks both fids up,
     * refuses two exports ({@code EXDEV}), runs the export's operation on them in that order and
     * answers with the empty R-message; releases both fids whatever happens.
     */
    private int twoFids(Scratch s, ServerRequest r, int fidA, int fidB) {
        r.fid2 = fidB;
        return onFid(s, r, fidA);
    }

    /**
     * The second half of {@link #twoFids}: with the first fid {@code a} held, looks up the second and
     * runs the operation on both.
     */
    private int secondFid(Scratch s, ServerRequest r, ServerFid a) {
        if (r.first == null) {
            r.first = a;
            try {
                return onFid(s, r, r.fid2);
            } finally {
                r.first = null;
            }
        }
        ServerFid first = r.first;
        ServerFid b = a;
        if (first.export != b.export) {
            return -Errno.EXDEV;
        }
        int reply = r.type + 1; // every R-message's type is its T-message's plus one
        int rc = switch (r.type) {
            case P9Type.Trenameat -> first.export.renameat(s, first, b);
            case P9Type.Trename -> first.export.rename(s, first, b);
            default -> first.export.link(s, first, b);
        };
        return rc < 0 ? rc : Replies.empty(r, reply);
    }

    /**
     * Checks a name of the request and copies it, NUL-terminated, into {@code dst}.
     *
     * @param at where its bytes start ({@link ServerRequest#string()})
     * @param dots whether "." and ".." are allowed (walks)
     * @return its length, or {@code -EINVAL} (empty, '/' or NUL inside, or a refused dot name),
     *     {@code -ENAMETOOLONG}
     */
    static int name(ServerRequest r, long at, MemorySegment dst, boolean dots) {
        int len = r.stringLength(at);
        if (len == 0) {
            return -Errno.EINVAL;
        }
        if (len > NAME_MAX) {
            return -Errno.ENAMETOOLONG;
        }
        MemorySegment m = r.mem;
        for (int i = 0; i < len; i++) {
            byte b = m.get(ValueLayout.JAVA_BYTE, at + i);
            if (b == '/' || b == 0) {
                return -Errno.EINVAL;
            }
        }
        if (!dots && m.get(ValueLayout.JAVA_BYTE, at) == '.'
                && (len == 1 || len == 2 && m.get(ValueLayout.JAVA_BYTE, at + 1) == '.')) {
            return -Errno.EINVAL;
        }
        Scratch.cString(m, at, len, dst);
        return len;
    }
}
