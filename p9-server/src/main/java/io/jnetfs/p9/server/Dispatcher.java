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
final class Dispatcher {
    /** {@link #execute} result: send an Rread. */
    static final int RREAD = Integer.MIN_VALUE;
    /** {@link #execute} result: send the reply in the data buffer. */
    static final int DATA_REPLY = Integer.MIN_VALUE + 1;

    private static final int NAME_MAX = 255;

    private final Connection conn;
    private final DirExport dir;
    private final CtlExport ctl;
    private final ServerFidTable fids;

    Dispatcher(Connection conn, DirExport dir, CtlExport ctl, ServerFidTable fids) {
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
    int execute(Scratch s, Request r) {
        if (r.oversize) {
            return -Errno.ENAMETOOLONG; // only names and targets make a request this large
        }
        r.startBody();
        return switch (r.type) {
            case P9Type.Tread -> read(s, r);
            case P9Type.Twrite -> write(s, r);
            case P9Type.Twalk -> walk(s, r);
            case P9Type.Tclunk -> clunk(r);
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
            case P9Type.Tremove -> remove(s, r);
            default -> -Errno.EOPNOTSUPP; // Txattrwalk, Txattrcreate, Tlock, Tgetlock, Tmknod, R-messages, ...
        };
    }

    // ---- session ------------------------------------------------------------------------------------

    private int auth(Request r) {
        r.u32();
        r.string();
        r.string();
        r.u32();
        // no authentication: answered as diod answers when none is required
        return r.exact() ? -Errno.ENOENT : -Errno.EPROTO;
    }

    private int attach(Scratch s, Request r) {
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

    // ---- fids -----------------------------------------------------------------------------------------

    private int walk(Scratch s, Request r) {
        int fid = r.u32();
        int newfid = r.u32();
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
        ServerFid from = fids.get(fid);
        if (from == null) {
            return -Errno.EBADF;
        }
        try {
            if (newfid != fid && fids.contains(newfid)) {
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
            int rc = fids.put(newfid, cur, newfid == fid);
            if (rc < 0) {
                cur.put();
                return rc;
            }
            return rwalk(s, r, walked);
        } finally {
            from.put();
        }
    }

    private static int rwalk(Scratch s, Request r, int n) {
        int size = HEADER_SIZE + 2 + n * QID_SIZE;
        r.header(size, P9Type.Rwalk);
        r.put16(HEADER_SIZE, n);
        for (int i = 0; i < n; i++) {
            r.putQid(HEADER_SIZE + 2 + (long) i * QID_SIZE, s.walkQidType[i], s.walkQidVersion[i], s.walkQidPath[i]);
        }
        return size;
    }

    private int clunk(Request r) {
        int fid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.remove(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        f.put();
        return Replies.empty(r, P9Type.Rclunk);
    }

    private int remove(Scratch s, Request r) {
        int fid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.remove(fid); // Tremove clunks the fid whatever the result
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            int rc = f.export.remove(s, f);
            return rc < 0 ? rc : Replies.empty(r, P9Type.Rremove);
        } finally {
            f.put();
        }
    }

    private int lopen(Scratch s, Request r) {
        int fid = r.u32();
        int flags = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            return f.export.lopen(s, f, flags, r);
        } finally {
            f.put();
        }
    }

    private int lcreate(Scratch s, Request r) {
        int fid = r.u32();
        long name = r.string();
        int flags = r.u32();
        int mode = r.u32();
        int gid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
        }
        ServerFid d = fids.get(fid);
        if (d == null) {
            return -Errno.EBADF;
        }
        try {
            ServerFid nf = d.export.lcreate(s, d, len, flags, mode, gid);
            if (nf == null) {
                return -s.errno;
            }
            int qt = nf.qidType;
            long qp = nf.qidPath;
            int rc = fids.put(fid, nf, true); // the fid now names the new, opened file
            if (rc < 0) {
                nf.put();
                return rc;
            }
            return Replies.lopen(r, P9Type.Rlcreate, qt, s.qidVersion, qp, 0);
        } finally {
            d.put();
        }
    }

    // ---- data -------------------------------------------------------------------------------------------

    private int read(Scratch s, Request r) {
        int fid = r.u32();
        long offset = r.u64();
        long count = Integer.toUnsignedLong(r.u32());
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        if (offset < 0) {
            return -Errno.EINVAL;
        }
        int max = conn.msize() - P9Descriptor.RREAD_HEADER_SIZE;
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            long n = f.export.read(s, f, offset, (int) Math.min(count, max), r);
            if (n < 0) {
                return (int) n;
            }
            s.readCount = n;
            return RREAD;
        } finally {
            f.put();
        }
    }

    private int write(Scratch s, Request r) {
        if (r.writeOffset < 0) {
            return -Errno.EINVAL;
        }
        ServerFid f = fids.get(r.writeFid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            long n = f.export.write(s, f, r.writeOffset, r.writeCount, r);
            return n < 0 ? (int) n : Replies.rwrite(r, (int) n);
        } finally {
            f.put();
        }
    }

    private int readdir(Scratch s, Request r) {
        int fid = r.u32();
        long offset = r.u64();
        long count = Integer.toUnsignedLong(r.u32());
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int max = conn.msize() - P9Descriptor.RREADDIR_HEADER_SIZE;
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            int n = f.export.readdir(s, f, offset, (int) Math.min(count, max), r);
            if (n < 0) {
                return n;
            }
            s.dataReplySize = n;
            return DATA_REPLY;
        } finally {
            f.put();
        }
    }

    private int fsync(Scratch s, Request r) {
        int fid = r.u32();
        int datasync = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            int rc = f.export.fsync(s, f, datasync != 0);
            return rc < 0 ? rc : Replies.empty(r, P9Type.Rfsync);
        } finally {
            f.put();
        }
    }

    // ---- attributes ------------------------------------------------------------------------------------

    private int getattr(Scratch s, Request r) {
        int fid = r.u32();
        long mask = r.u64();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            return f.export.getattr(s, f, mask, r);
        } finally {
            f.put();
        }
    }

    private int setattr(Scratch s, Request r) {
        int fid = r.u32();
        int valid = r.u32();
        int mode = r.u32();
        int uid = r.u32();
        int gid = r.u32();
        long size = r.u64();
        long atimeSec = r.u64();
        long atimeNsec = r.u64();
        long mtimeSec = r.u64();
        long mtimeNsec = r.u64();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            int rc = f.export.setattr(s, f, valid, mode, uid, gid, size, atimeSec, atimeNsec, mtimeSec, mtimeNsec);
            return rc < 0 ? rc : Replies.empty(r, P9Type.Rsetattr);
        } finally {
            f.put();
        }
    }

    private int statfs(Scratch s, Request r) {
        int fid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            return f.export.statfs(s, f, r);
        } finally {
            f.put();
        }
    }

    // ---- names ------------------------------------------------------------------------------------------

    private int mkdir(Scratch s, Request r) {
        int dfid = r.u32();
        long name = r.string();
        int mode = r.u32();
        int gid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
        }
        ServerFid d = fids.get(dfid);
        if (d == null) {
            return -Errno.EBADF;
        }
        try {
            return d.export.mkdir(s, d, len, mode, gid, r);
        } finally {
            d.put();
        }
    }

    private int unlinkat(Scratch s, Request r) {
        int dfid = r.u32();
        long name = r.string();
        int flags = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
        }
        ServerFid d = fids.get(dfid);
        if (d == null) {
            return -Errno.EBADF;
        }
        try {
            int rc = d.export.unlinkat(s, d, len, flags);
            return rc < 0 ? rc : Replies.empty(r, P9Type.Runlinkat);
        } finally {
            d.put();
        }
    }

    private int renameat(Scratch s, Request r) {
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
        return twoFids(s, r, oldDfid, newDfid, P9Type.Rrenameat);
    }

    private int rename(Scratch s, Request r) {
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
        return twoFids(s, r, fid, dfid, P9Type.Rrename);
    }

    private int symlink(Scratch s, Request r) {
        int dfid = r.u32();
        long name = r.string();
        long target = r.string();
        int gid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        int len = name(r, name, s.name, false);
        if (len < 0) {
            return len;
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
        ServerFid d = fids.get(dfid);
        if (d == null) {
            return -Errno.EBADF;
        }
        try {
            return d.export.symlink(s, d, len, gid, r);
        } finally {
            d.put();
        }
    }

    private int readlink(Scratch s, Request r) {
        int fid = r.u32();
        if (!r.exact()) {
            return -Errno.EPROTO;
        }
        ServerFid f = fids.get(fid);
        if (f == null) {
            return -Errno.EBADF;
        }
        try {
            return f.export.readlink(s, f, r);
        } finally {
            f.put();
        }
    }

    private int link(Scratch s, Request r) {
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
        return twoFids(s, r, dfid, fid, P9Type.Rlink);
    }

    /**
     * Trenameat (old dir, new dir), Trename (fid, new dir) and Tlink (dir, target): looks both fids up,
     * refuses two exports ({@code EXDEV}), runs the export's operation on them in that order and
     * answers with the empty reply {@code reply}; releases both fids whatever happens.
     */
    private int twoFids(Scratch s, Request r, int fidA, int fidB, int reply) {
        ServerFid a = fids.get(fidA);
        if (a == null) {
            return -Errno.EBADF;
        }
        ServerFid b = fids.get(fidB);
        if (b == null) {
            a.put();
            return -Errno.EBADF;
        }
        try {
            if (a.export != b.export) {
                return -Errno.EXDEV;
            }
            int rc = switch (reply) {
                case P9Type.Rrenameat -> a.export.renameat(s, a, b);
                case P9Type.Rrename -> a.export.rename(s, a, b);
                case P9Type.Rlink -> a.export.link(s, a, b);
                default -> throw new IllegalArgumentException("not a two-fid reply: " + reply);
            };
            return rc < 0 ? rc : Replies.empty(r, reply);
        } finally {
            b.put();
            a.put();
        }
    }

    /**
     * Checks a name of the request and copies it, NUL-terminated, into {@code dst}.
     *
     * @param at where its bytes start ({@link Request#string()})
     * @param dots whether "." and ".." are allowed (walks)
     * @return its length, or {@code -EINVAL} (empty, '/' or NUL inside, or a refused dot name),
     *     {@code -ENAMETOOLONG}
     */
    static int name(Request r, long at, MemorySegment dst, boolean dots) {
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
