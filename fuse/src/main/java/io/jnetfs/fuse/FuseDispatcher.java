package io.jnetfs.fuse;

import static io.jnetfs.fuse.FuseDescriptor.*;
import static io.jnetfs.fuse.FuseOpcode.*;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.ffm.gen.LibC;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * One worker's request handling: decodes the in-header once, checks the request's length against what
 * its opcode needs, dispatches on the opcode to a small {@code doXxx} handler per op (as libfuse's
 * {@code fuse_ll_ops[]}), and answers through one reply family that ends in ONE
 * {@link FuseChannel#send} (header first, then the data iovecs).
 *
 * <p>A request too short for its opcode's struct or names (which the kernel never sends) is answered
 * {@code EINVAL} and counted as malformed; an opcode without a handler is answered {@code ENOSYS}; a
 * handler's exception is answered with its errno or {@code EIO}. Nothing a request contains can stop
 * the worker.
 *
 * <p>All state is per worker and reused: after warm-up a READ or WRITE allocates nothing here.
 */
final class FuseDispatcher {
    private static final System.Logger LOG = System.getLogger(FuseDispatcher.class.getName());
    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED;
    private static final int GETATTR_FH_FLAG = LibC.FUSE_GETATTR_FH();
    private static final int FSYNC_FDATASYNC = LibC.FUSE_FSYNC_FDATASYNC();
    /** Our protocol: the headers jnetfs is generated from. */
    static final int OUR_MAJOR = LibC.FUSE_KERNEL_VERSION();
    static final int OUR_MINOR = LibC.FUSE_KERNEL_MINOR_VERSION();
    /** The oldest minor served (Linux 2.6.29): older ones have other struct sizes. */
    static final int MIN_MINOR = 12;

    private final FuseSession session;
    private final FuseFilesystem fs;
    private final FuseChannel ch;
    final FuseRequest req = new FuseRequest();
    private final FuseEntry entry = new FuseEntry();
    private final FuseAttr attr = new FuseAttr();
    private final FuseOpen open = new FuseOpen();
    private final FuseStatfs statfs = new FuseStatfs();
    private final FuseSetattr setattr = new FuseSetattr();
    private final ReplyBuffer reply;
    private final DirFiller dir;
    private final byte[] nameBytes = new byte[4096];
    /** The request being served and its length (valid during {@link #handle}). */
    private MemorySegment in;
    private long inLen;
    private long unique;
    private boolean replied;

    FuseDispatcher(FuseSession session, FuseChannel ch, ReplyBuffer reply) {
        this.session = session;
        this.fs = session.fs;
        this.ch = ch;
        this.reply = reply;
        this.dir = new DirFiller(reply.copyBuf);
    }

    /** Thrown (preallocated, no stack) for a request shorter than its opcode needs. */
    private static final class Malformed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Malformed() {
            super("malformed request", null, false, false);
        }
    }

    private static final Malformed MALFORMED = new Malformed();

    /**
     * Serves one request of {@code len} bytes in {@code buf}.
     */
    void handle(MemorySegment buf, long len) {
        FuseStats stats = session.stats;
        if (len < IN_HEADER_SIZE) {
            stats.malformed.increment();
            LOG.log(System.Logger.Level.WARNING, "fuse: request of " + len + " bytes is shorter than fuse_in_header ("
                    + IN_HEADER_SIZE + "): dropped");
            return;
        }
        this.in = buf;
        this.inLen = len;
        int hlen = buf.get(U32, IN_LEN);
        int opcode = buf.get(U32, IN_OPCODE);
        unique = buf.get(U64, IN_UNIQUE);
        long nodeId = buf.get(U64, IN_NODEID);
        replied = false;
        stats.count(opcode);
        if (hlen != len) {
            stats.malformed.increment();
            LOG.log(System.Logger.Level.WARNING, "fuse: " + FuseOpcode.name(opcode) + " unique=" + unique + " says len="
                    + Integer.toUnsignedString(hlen) + " but " + len + " bytes came: answered EINVAL");
            replyError(-Errno.EINVAL);
            return;
        }
        if (opcode == FUSE_INTERRUPT) {
            doInterrupt();
            return;
        }
        req.begin(unique, opcode, nodeId, buf.get(U32, IN_UID), buf.get(U32, IN_GID), buf.get(U32, IN_PID));
        try {
            dispatch(opcode, nodeId);
        } catch (Malformed m) {
            stats.malformed.increment();
            LOG.log(System.Logger.Level.WARNING, "fuse: " + FuseOpcode.name(opcode) + " unique=" + unique + " of " + len
                    + " bytes is too short for its arguments: answered EINVAL");
            if (!replied) {
                replyError(-Errno.EINVAL);
            }
        } catch (Throwable t) {
            int errno = errnoOf(t);
            stats.handlerFailures.increment();
            LOG.log(System.Logger.Level.DEBUG, () -> "fuse: " + FuseOpcode.name(opcode) + " nodeid=" + nodeId
                    + " failed: answered " + Errno.name(errno), t);
            if (errno == Errno.EIO && !(t instanceof IOException)) {
                LOG.log(System.Logger.Level.WARNING, "fuse: " + FuseOpcode.name(opcode) + " handler threw: answered EIO", t);
            }
            if (!replied && !noReply(opcode)) {
                replyError(-errno);
            }
            if (t instanceof VirtualMachineError e) {
                throw e;
            }
        } finally {
            reply.release();
            req.end();
            in = null;
        }
    }

    private static boolean noReply(int opcode) {
        return opcode == FUSE_FORGET || opcode == FUSE_BATCH_FORGET || opcode == FUSE_NOTIFY_REPLY;
    }

    /** The errno an exception is answered with: that of a {@link NativeIoException} in its chain, else EIO. */
    static int errnoOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeIoException n && n.errno() > 0 && n.errno() < 512) {
                return n.errno();
            }
        }
        return Errno.EIO;
    }

    private void dispatch(int opcode, long nodeId) throws IOException {
        if (!session.initialized() && opcode != FUSE_INIT) {
            replyError(-Errno.EIO);
            return;
        }
        switch (opcode) {
            case FUSE_INIT -> doInit();
            case FUSE_LOOKUP -> doLookup(nodeId);
            case FUSE_FORGET -> doForget(nodeId);
            case FUSE_BATCH_FORGET -> doBatchForget();
            case FUSE_GETATTR -> doGetattr(nodeId);
            case FUSE_SETATTR -> doSetattr(nodeId);
            case FUSE_READLINK -> doReadlink(nodeId);
            case FUSE_SYMLINK -> doSymlink(nodeId);
            case FUSE_MKNOD -> doMknod(nodeId);
            case FUSE_MKDIR -> doMkdir(nodeId);
            case FUSE_UNLINK -> replyStatus(fs.unlink(req, nodeId, name(IN_HEADER_SIZE)));
            case FUSE_RMDIR -> replyStatus(fs.rmdir(req, nodeId, name(IN_HEADER_SIZE)));
            case FUSE_RENAME -> doRename(nodeId, false);
            case FUSE_RENAME2 -> doRename(nodeId, true);
            case FUSE_LINK -> doLink(nodeId);
            case FUSE_OPEN -> doOpen(nodeId, false);
            case FUSE_OPENDIR -> doOpen(nodeId, true);
            case FUSE_READ -> doRead(nodeId);
            case FUSE_WRITE -> doWrite(nodeId);
            case FUSE_STATFS -> doStatfs(nodeId);
            case FUSE_RELEASE -> doRelease(nodeId, false);
            case FUSE_RELEASEDIR -> doRelease(nodeId, true);
            case FUSE_FLUSH -> doFlush(nodeId);
            case FUSE_FSYNC -> doFsync(nodeId, false);
            case FUSE_FSYNCDIR -> doFsync(nodeId, true);
            case FUSE_READDIR -> doReaddir(nodeId, false);
            case FUSE_READDIRPLUS -> doReaddir(nodeId, true);
            case FUSE_CREATE -> doCreate(nodeId);
            case FUSE_ACCESS -> doAccess(nodeId);
            case FUSE_FALLOCATE -> doFallocate(nodeId);
            case FUSE_LSEEK -> doLseek(nodeId);
            case FUSE_DESTROY -> doDestroy();
            case FUSE_NOTIFY_REPLY -> { } // answers a retrieve we never sent: no reply
            default -> {
                session.stats.enosys.increment();
                replyError(-Errno.ENOSYS);
            }
        }
    }

    // ---- argument access --------------------------------------------------------------------------

    /** Fails as malformed unless the request holds {@code size} bytes of arguments after the header. */
    private void need(long size) {
        if (inLen < IN_HEADER_SIZE + size) {
            throw MALFORMED;
        }
    }

    private long u64(int off) {
        return in.get(U64, IN_HEADER_SIZE + off);
    }

    private int u32(int off) {
        return in.get(U32, IN_HEADER_SIZE + off);
    }

    /** The NUL-terminated name starting at absolute offset {@code at}; {@link #nameEnd} is set past its NUL. */
    private String name(long at) {
        long end = at;
        while (end < inLen && in.get(ValueLayout.JAVA_BYTE, end) != 0) {
            end++;
        }
        if (end >= inLen || end == at || end - at > nameBytes.length) {
            throw MALFORMED;
        }
        int n = (int) (end - at);
        MemorySegment.copy(in, ValueLayout.JAVA_BYTE, at, nameBytes, 0, n);
        nameEnd = end + 1;
        return new String(nameBytes, 0, n, StandardCharsets.UTF_8);
    }

    private long nameEnd;

    // ---- replies ------------------------------------------------------------------------------------

    private void putHeader(long total, int error) {
        MemorySegment h = reply.head;
        h.set(U32, OUT_LEN, (int) total);
        h.set(U32, OUT_ERROR, error);
        h.set(U64, OUT_UNIQUE, unique);
    }

    /** Sends the head slot ({@code 16 + argSize} bytes) and the data slots of {@link #reply}. */
    private void send(int argSize) {
        long total = OUT_HEADER_SIZE + argSize + reply.size();
        putHeader(total, 0);
        io.jnetfs.bvecq.IovecDescriptor.set(reply.iov, 0, reply.head.address(), OUT_HEADER_SIZE + argSize);
        transmit(total);
    }

    private void transmit(long total) {
        replied = true;
        int r = ch.send(reply.iovAddress, reply.nr, total);
        if (r < 0) {
            if (r == -Errno.ENOENT) {
                session.stats.interruptedGone.increment(); // interrupted and already answered by the kernel
            } else {
                session.stats.sendFailures.increment();
                LOG.log(System.Logger.Level.DEBUG, () -> "fuse: reply to unique=" + unique + " failed: " + Errno.describe(-r));
            }
        }
    }

    void replyError(int error) {
        if (error >= 0 || error < -511) {
            error = -Errno.EIO;
        }
        reply.begin(0);
        putHeader(OUT_HEADER_SIZE, error);
        io.jnetfs.bvecq.IovecDescriptor.set(reply.iov, 0, reply.head.address(), OUT_HEADER_SIZE);
        transmit(OUT_HEADER_SIZE);
    }

    private void replyStatus(int r) {
        if (r < 0) {
            replyError(r);
        } else {
            reply.begin(0);
            send(0);
        }
    }

    private MemorySegment args() {
        return reply.head;
    }

    static void encodeAttr(MemorySegment m, long at, FuseAttr a) {
        m.set(U64, at + ATTR_INO, a.ino());
        m.set(U64, at + ATTR_SIZE_, a.size());
        m.set(U64, at + ATTR_BLOCKS, a.blocks());
        m.set(U64, at + ATTR_ATIME, a.atime());
        m.set(U64, at + ATTR_MTIME, a.mtime());
        m.set(U64, at + ATTR_CTIME, a.ctime());
        m.set(U32, at + ATTR_ATIMENSEC, a.atimensec());
        m.set(U32, at + ATTR_MTIMENSEC, a.mtimensec());
        m.set(U32, at + ATTR_CTIMENSEC, a.ctimensec());
        m.set(U32, at + ATTR_MODE, a.mode());
        m.set(U32, at + ATTR_NLINK, a.nlink());
        m.set(U32, at + ATTR_UID, a.uid());
        m.set(U32, at + ATTR_GID, a.gid());
        m.set(U32, at + ATTR_RDEV, a.rdev());
        m.set(U32, at + ATTR_BLKSIZE, a.blksize());
        m.set(U32, at + ATTR_FLAGS, 0);
    }

    static void encodeEntry(MemorySegment m, long at, FuseEntry e) {
        m.set(U64, at + ENTRY_NODEID, e.nodeId());
        m.set(U64, at + ENTRY_GENERATION, e.generation());
        long ev = e.entryTimeoutNanos();
        long av = e.attr().attrTimeoutNanos();
        m.set(U64, at + ENTRY_VALID, ev / 1_000_000_000L);
        m.set(U64, at + ENTRY_ATTR_VALID, av / 1_000_000_000L);
        m.set(U32, at + ENTRY_VALID_NSEC, (int) (ev % 1_000_000_000L));
        m.set(U32, at + ENTRY_ATTR_VALID_NSEC, (int) (av % 1_000_000_000L));
        encodeAttr(m, at + ENTRY_ATTR, e.attr());
    }

    private void replyEntry(int r) {
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.begin(0);
        encodeEntry(args(), OUT_HEADER_SIZE, entry);
        send(ENTRY_OUT_SIZE);
    }

    private void replyAttr(int r) {
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.begin(0);
        MemorySegment m = args();
        long av = attr.attrTimeoutNanos();
        m.set(U64, OUT_HEADER_SIZE + ATTR_OUT_VALID, av / 1_000_000_000L);
        m.set(U32, OUT_HEADER_SIZE + ATTR_OUT_VALID_NSEC, (int) (av % 1_000_000_000L));
        m.set(U32, OUT_HEADER_SIZE + ATTR_OUT_VALID_NSEC + 4, 0);
        encodeAttr(m, OUT_HEADER_SIZE + ATTR_OUT_ATTR, attr);
        send(ATTR_OUT_SIZE);
    }

    private void encodeOpen(long at) {
        MemorySegment m = args();
        m.set(U64, at + OPEN_OUT_FH, open.fh());
        m.set(U32, at + OPEN_OUT_OPEN_FLAGS, open.openFlags());
        m.set(U32, at + OPEN_OUT_OPEN_FLAGS + 4, 0);
    }

    private FuseEntry entry() {
        return entry.reset(session.options.entryTimeoutNanos(), session.options.attrTimeoutNanos());
    }

    private FuseAttr attr() {
        return attr.reset(session.options.attrTimeoutNanos());
    }

    // ---- handlers, one per opcode ---------------------------------------------------------------------

    private void doInit() {
        need(INIT_IN_COMPAT_SIZE);
        int major = u32(INIT_IN_MAJOR);
        int minor = u32(INIT_IN_MINOR);
        int maxReadahead = u32(INIT_IN_MAX_READAHEAD);
        long flags = u32(INIT_IN_FLAGS) & 0xffffffffL;
        if ((flags & FuseConnInfo.FUSE_INIT_EXT) != 0 && inLen >= IN_HEADER_SIZE + INIT_IN_FLAGS2 + 4) {
            flags |= (u32(INIT_IN_FLAGS2) & 0xffffffffL) << 32;
        }
        reply.begin(0);
        MemorySegment m = args();
        m.asSlice(OUT_HEADER_SIZE, INIT_OUT_SIZE).fill((byte) 0);
        if (major > OUR_MAJOR) {
            // a newer major: answer ours alone; the kernel sends INIT again in our major
            m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MAJOR, OUR_MAJOR);
            m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MINOR, OUR_MINOR);
            send(INIT_OUT_SIZE);
            return;
        }
        if (major < OUR_MAJOR || minor < MIN_MINOR) {
            LOG.log(System.Logger.Level.ERROR, "fuse: the kernel speaks protocol " + major + "." + minor
                    + ", older than " + OUR_MAJOR + "." + MIN_MINOR + ": INIT answered EPROTO");
            replyError(-Errno.EPROTO);
            session.initFailed("kernel FUSE protocol " + major + "." + minor + " is older than " + OUR_MAJOR + "." + MIN_MINOR);
            return;
        }
        int proto = Math.min(minor, OUR_MINOR);
        FuseOptions o = session.options;
        long want = FuseConnInfo.FUSE_ASYNC_READ | FuseConnInfo.FUSE_ATOMIC_O_TRUNC | FuseConnInfo.FUSE_BIG_WRITES
                | FuseConnInfo.FUSE_AUTO_INVAL_DATA | FuseConnInfo.FUSE_DO_READDIRPLUS | FuseConnInfo.FUSE_READDIRPLUS_AUTO
                | FuseConnInfo.FUSE_ASYNC_DIO | FuseConnInfo.FUSE_PARALLEL_DIROPS | FuseConnInfo.FUSE_MAX_PAGES
                | (o.writebackCache() ? FuseConnInfo.FUSE_WRITEBACK_CACHE : 0);
        want &= flags;
        int maxWrite = o.maxWrite();
        int maxPages = maxWrite / 4096;
        if ((want & FuseConnInfo.FUSE_MAX_PAGES) == 0) {
            maxWrite = Math.min(maxWrite, 32 * 4096); // FUSE_DEFAULT_MAX_PAGES_PER_REQ
            maxPages = 32;
        }
        FuseConnInfo conn = new FuseConnInfo(major, proto, flags, maxReadahead, want, maxWrite,
                Math.min(maxReadahead, o.maxReadahead()), maxPages);
        fs.init(conn);
        long granted = conn.wantFlags() & flags;
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MAJOR, OUR_MAJOR);
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MINOR, proto);
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MAX_READAHEAD, conn.maxReadahead());
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_FLAGS, (int) granted);
        m.set(U16, OUT_HEADER_SIZE + INIT_OUT_MAX_BACKGROUND, (short) 64);
        m.set(U16, OUT_HEADER_SIZE + INIT_OUT_CONGESTION_THRESHOLD, (short) 48);
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_MAX_WRITE, conn.maxWrite());
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_TIME_GRAN, 1);
        m.set(U16, OUT_HEADER_SIZE + INIT_OUT_MAX_PAGES, (short) conn.maxPages());
        m.set(U32, OUT_HEADER_SIZE + INIT_OUT_FLAGS2, (int) (granted >>> 32));
        session.initialized(conn);
        send(proto < 23 ? INIT_OUT_COMPAT_22_SIZE : INIT_OUT_SIZE);
        session.initReplied();
    }

    private void doLookup(long parent) throws IOException {
        String name = name(IN_HEADER_SIZE);
        replyEntry(fs.lookup(req, parent, name, entry()));
    }

    private void doForget(long nodeId) {
        need(FORGET_IN_SIZE);
        replied = true; // FORGET gets no reply
        fs.forget(nodeId, u64(FORGET_NLOOKUP));
    }

    private void doBatchForget() {
        need(BATCH_FORGET_IN_SIZE);
        replied = true;
        long count = u32(BATCH_FORGET_COUNT) & 0xffffffffL;
        need(BATCH_FORGET_IN_SIZE + count * FORGET_ONE_SIZE);
        for (long i = 0; i < count; i++) {
            int at = (int) (BATCH_FORGET_IN_SIZE + i * FORGET_ONE_SIZE);
            fs.forget(u64(at + FORGET_ONE_NODEID), u64(at + FORGET_ONE_NLOOKUP));
        }
    }

    private void doGetattr(long nodeId) throws IOException {
        need(GETATTR_IN_SIZE);
        long fh = (u32(GETATTR_FLAGS) & GETATTR_FH_FLAG) != 0 ? u64(GETATTR_FH) : FuseFilesystem.NO_FH;
        replyAttr(fs.getattr(req, nodeId, fh, attr()));
    }

    private void doSetattr(long nodeId) throws IOException {
        need(SETATTR_IN_SIZE);
        FuseSetattr s = setattr;
        s.valid = u32(SETATTR_VALID);
        s.fh = u64(SETATTR_FH);
        s.size = u64(SETATTR_SIZE_);
        s.lockOwner = u64(SETATTR_LOCK_OWNER);
        s.atime = u64(SETATTR_ATIME);
        s.mtime = u64(SETATTR_MTIME);
        s.ctime = u64(SETATTR_CTIME);
        s.atimensec = u32(SETATTR_ATIMENSEC);
        s.mtimensec = u32(SETATTR_MTIMENSEC);
        s.ctimensec = u32(SETATTR_CTIMENSEC);
        s.mode = u32(SETATTR_MODE);
        s.uid = u32(SETATTR_UID);
        s.gid = u32(SETATTR_GID);
        replyAttr(fs.setattr(req, nodeId, s, attr()));
    }

    private void doReadlink(long nodeId) throws IOException {
        reply.begin(4096);
        int r = fs.readlink(req, nodeId, reply);
        if (r < 0) {
            replyError(r);
        } else {
            send(0);
        }
    }

    private void doSymlink(long parent) throws IOException {
        String name = name(IN_HEADER_SIZE);
        String target = name(nameEnd);
        replyEntry(fs.symlink(req, parent, name, target, entry()));
    }

    private void doMknod(long parent) throws IOException {
        need(MKNOD_IN_SIZE);
        int mode = u32(MKNOD_MODE);
        int rdev = u32(MKNOD_RDEV);
        int umask = u32(MKNOD_UMASK);
        String name = name(IN_HEADER_SIZE + MKNOD_IN_SIZE);
        replyEntry(fs.mknod(req, parent, name, mode, rdev, umask, entry()));
    }

    private void doMkdir(long parent) throws IOException {
        need(MKDIR_IN_SIZE);
        int mode = u32(MKDIR_MODE);
        int umask = u32(MKDIR_UMASK);
        String name = name(IN_HEADER_SIZE + MKDIR_IN_SIZE);
        replyEntry(fs.mkdir(req, parent, name, mode, umask, entry()));
    }

    private void doRename(long parent, boolean two) throws IOException {
        int size = two ? RENAME2_IN_SIZE : RENAME_IN_SIZE;
        need(size);
        long newDir = u64(RENAME_NEWDIR);
        int flags = two ? u32(RENAME2_FLAGS) : 0;
        String name = name(IN_HEADER_SIZE + size);
        String newName = name(nameEnd);
        replyStatus(fs.rename(req, parent, name, newDir, newName, flags));
    }

    private void doLink(long newParent) throws IOException {
        need(LINK_IN_SIZE);
        long old = u64(LINK_OLDNODEID);
        String newName = name(IN_HEADER_SIZE + LINK_IN_SIZE);
        replyEntry(fs.link(req, old, newParent, newName, entry()));
    }

    private void doOpen(long nodeId, boolean isDir) throws IOException {
        need(OPEN_IN_SIZE);
        int flags = u32(OPEN_IN_FLAGS);
        open.reset(isDir ? 0 : session.defaultOpenFlags);
        int r = isDir ? fs.opendir(req, nodeId, flags, open) : fs.open(req, nodeId, flags, open);
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.begin(0);
        encodeOpen(OUT_HEADER_SIZE);
        send(OPEN_OUT_SIZE);
    }

    private void doRead(long nodeId) throws IOException {
        need(READ_IN_SIZE);
        long fh = u64(READ_FH);
        long offset = u64(READ_OFFSET);
        int size = u32(READ_SIZE_);
        int flags = u32(READ_FLAGS);
        if (size < 0) {
            throw MALFORMED;
        }
        reply.begin(size);
        int r = fs.read(req, nodeId, fh, offset, size, flags, reply);
        if (r < 0) {
            replyError(r);
        } else {
            send(0);
        }
    }

    private void doWrite(long nodeId) throws IOException {
        need(WRITE_IN_SIZE);
        long fh = u64(WRITE_FH);
        long offset = u64(WRITE_OFFSET);
        long size = u32(WRITE_SIZE_) & 0xffffffffL;
        int writeFlags = u32(WRITE_WRITE_FLAGS);
        int flags = u32(WRITE_FLAGS);
        need(WRITE_IN_SIZE + size);
        MemorySegment data = in.asSlice(IN_HEADER_SIZE + WRITE_IN_SIZE, size);
        int r = fs.write(req, nodeId, fh, offset, data, writeFlags, flags);
        if (r < 0) {
            replyError(r);
            return;
        }
        if (r > size) {
            LOG.log(System.Logger.Level.WARNING, "fuse: WRITE handler returned " + r + " for " + size + " bytes: answered EIO");
            replyError(-Errno.EIO);
            return;
        }
        reply.begin(0);
        args().set(U32, OUT_HEADER_SIZE + WRITE_OUT_SIZE_, r);
        args().set(U32, OUT_HEADER_SIZE + WRITE_OUT_SIZE_ + 4, 0);
        send(WRITE_OUT_SIZE);
    }

    private void doStatfs(long nodeId) throws IOException {
        int r = fs.statfs(req, nodeId, statfs.reset());
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.begin(0);
        MemorySegment m = args();
        long at = OUT_HEADER_SIZE;
        m.asSlice(at, STATFS_OUT_SIZE).fill((byte) 0);
        m.set(U64, at + KSTATFS_BLOCKS, statfs.blocks());
        m.set(U64, at + KSTATFS_BFREE, statfs.bfree());
        m.set(U64, at + KSTATFS_BAVAIL, statfs.bavail());
        m.set(U64, at + KSTATFS_FILES, statfs.files());
        m.set(U64, at + KSTATFS_FFREE, statfs.ffree());
        m.set(U32, at + KSTATFS_BSIZE, statfs.bsize());
        m.set(U32, at + KSTATFS_NAMELEN, statfs.namelen());
        m.set(U32, at + KSTATFS_FRSIZE, statfs.frsize());
        send(STATFS_OUT_SIZE);
    }

    private void doRelease(long nodeId, boolean isDir) throws IOException {
        need(RELEASE_IN_SIZE);
        long fh = u64(RELEASE_FH);
        int flags = u32(RELEASE_FLAGS);
        replyStatus(isDir ? fs.releasedir(req, nodeId, fh, flags) : fs.release(req, nodeId, fh, flags));
    }

    private void doFlush(long nodeId) throws IOException {
        need(FLUSH_IN_SIZE);
        replyStatus(fs.flush(req, nodeId, u64(FLUSH_FH), u64(FLUSH_LOCK_OWNER)));
    }

    private void doFsync(long nodeId, boolean isDir) throws IOException {
        need(FSYNC_IN_SIZE);
        long fh = u64(FSYNC_FH);
        boolean datasync = (u32(FSYNC_FSYNC_FLAGS) & FSYNC_FDATASYNC) != 0;
        replyStatus(isDir ? fs.fsyncdir(req, nodeId, fh, datasync) : fs.fsync(req, nodeId, fh, datasync));
    }

    private void doReaddir(long nodeId, boolean plus) throws IOException {
        need(READ_IN_SIZE);
        long fh = u64(READ_FH);
        long offset = u64(READ_OFFSET);
        int size = u32(READ_SIZE_);
        if (size < 0) {
            throw MALFORMED;
        }
        dir.begin(plus, size, session.options.entryTimeoutNanos(), session.options.attrTimeoutNanos());
        int r = fs.readdir(req, nodeId, fh, offset, dir);
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.copyBufferData(dir.used());
        send(0);
    }

    private void doCreate(long parent) throws IOException {
        need(CREATE_IN_SIZE);
        int flags = u32(CREATE_FLAGS);
        int mode = u32(CREATE_MODE);
        int umask = u32(CREATE_UMASK);
        String name = name(IN_HEADER_SIZE + CREATE_IN_SIZE);
        open.reset(session.defaultOpenFlags);
        int r = fs.create(req, parent, name, mode, umask, flags, entry(), open);
        if (r < 0) {
            replyError(r);
            return;
        }
        reply.begin(0);
        encodeEntry(args(), OUT_HEADER_SIZE, entry);
        encodeOpen(OUT_HEADER_SIZE + ENTRY_OUT_SIZE);
        send(ENTRY_OUT_SIZE + OPEN_OUT_SIZE);
    }

    private void doAccess(long nodeId) throws IOException {
        need(ACCESS_IN_SIZE);
        replyStatus(fs.access(req, nodeId, u32(ACCESS_MASK)));
    }

    private void doFallocate(long nodeId) throws IOException {
        need(FALLOCATE_IN_SIZE);
        replyStatus(fs.fallocate(req, nodeId, u64(FALLOCATE_FH), u64(FALLOCATE_OFFSET), u64(FALLOCATE_LENGTH),
                u32(FALLOCATE_MODE)));
    }

    private void doLseek(long nodeId) throws IOException {
        need(LSEEK_IN_SIZE);
        long r = fs.lseek(req, nodeId, u64(LSEEK_FH), u64(LSEEK_OFFSET), u32(LSEEK_WHENCE));
        if (r < 0) {
            replyError(r < -511 ? -Errno.EIO : (int) r);
            return;
        }
        reply.begin(0);
        args().set(U64, OUT_HEADER_SIZE + LSEEK_OUT_OFFSET, r);
        send(LSEEK_OUT_SIZE);
    }

    private void doInterrupt() {
        if (inLen < IN_HEADER_SIZE + INTERRUPT_IN_SIZE) {
            session.stats.malformed.increment();
            replyError(-Errno.EINVAL);
            return;
        }
        long target = u64(INTERRUPT_UNIQUE);
        session.stats.interrupts.increment();
        if (!session.interrupt(target)) {
            // not being served (not read yet by its worker, or already answered): the kernel queues the
            // interrupt again on EAGAIN, and drops it once the request is answered
            replyError(-Errno.EAGAIN);
        } else {
            replied = true; // an INTERRUPT that found its request gets no reply of its own
        }
    }

    private void doDestroy() {
        session.destroyOnce();
        replyStatus(0);
    }
}
