package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;
import static io.jnetfs.p9.P9Descriptor.QID_SIZE;

import io.jnetfs.bvecq.BvecqIo;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.statfs;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Type;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The export of a real directory, confined to it.
 *
 * <p>Confinement: the root is an {@code O_PATH} descriptor opened once; every fid is an {@code O_PATH}
 * descriptor reached from it one name at a time with {@code openat2(dirfd, name, O_PATH | O_NOFOLLOW,
 * RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS)}, so a walk never follows a symbolic link (the client gets
 * the link's own qid and reads it with Treadlink) and never leaves the directory it starts from.
 * Names are single components (no '/', checked by the dispatcher). ".." is not resolved by the kernel
 * at all: the fid's path from the root loses its last name and is opened from the root again with
 * {@code RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS}; ".." of the root is the root. Creations
 * ({@code openat2} with {@code O_CREAT}) keep {@code RESOLVE_BENEATH}: an existing symbolic link that
 * points out of the root is refused ({@code EXDEV}).
 *
 * <p>Opening a walked fid (Tlopen) reopens its {@code O_PATH} descriptor through
 * {@code /proc/self/fd/N}: the same inode, never a path resolved again. A fid of a symbolic link is
 * opened, as diod does, at what the link points to, but resolved from the root with
 * {@code RESOLVE_BENEATH}: a link that leads out of the root fails with {@code EXDEV} (diod opens
 * it). Attributes are read with {@code fstatat(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)}, set
 * through the same {@code /proc/self/fd} names.
 *
 * <pre>
 *   qid.type    = P9_QTDIR for S_IFDIR, P9_QTSYMLINK for S_IFLNK, else P9_QTFILE
 *   qid.path    = st_ino
 *   qid.version = st_mtime ^ (st_size &lt;&lt; 8)    (as QEMU's 9p server; diod sends 0)
 * </pre>
 *
 * <p>The server runs every call with its own credentials: {@code uname}, {@code n_uname} and the
 * {@code gid} of creations are not used (diod, run as root, switches to the attaching user).
 */
final class DirExport implements ExportOps, AutoCloseable {
    private static final int O_PATH = LibC.O_PATH();
    private static final int O_NOFOLLOW = LibC.O_NOFOLLOW();
    private static final int O_CLOEXEC = LibC.O_CLOEXEC();
    private static final int O_DIRECTORY = LibC.O_DIRECTORY();
    private static final int O_CREAT = LibC.O_CREAT();
    private static final int O_ACCMODE = 3;
    private static final int O_WRONLY = LibC.O_WRONLY();
    private static final int O_RDWR = LibC.O_RDWR();
    private static final int O_TRUNC = LibC.O_TRUNC();
    private static final long RESOLVE_BENEATH = LibC.RESOLVE_BENEATH();
    private static final long RESOLVE_NO_MAGICLINKS = LibC.RESOLVE_NO_MAGICLINKS();
    private static final long RESOLVE_NO_SYMLINKS = LibC.RESOLVE_NO_SYMLINKS();
    private static final int AT_EMPTY_PATH = LibC.AT_EMPTY_PATH();
    private static final int AT_SYMLINK_NOFOLLOW = LibC.AT_SYMLINK_NOFOLLOW();
    private static final int AT_SYMLINK_FOLLOW = LibC.AT_SYMLINK_FOLLOW();
    private static final int AT_REMOVEDIR = LibC.AT_REMOVEDIR();
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    /** {@code DT_DIR} and {@code DT_LNK}: the {@code d_type} values of {@code getdents64}. */
    private static final int DT_DIR = 4;
    private static final int DT_LNK = 10;
    /** linux_dirent64: {@code d_ino[8] d_off[8] d_reclen[2] d_type[1] d_name[]}. */
    private static final int D_OFF = 8;
    private static final int D_RECLEN = 16;
    private static final int D_TYPE = 18;
    private static final int D_NAME = 19;

    private static final int O_EXCL = LibC.O_EXCL();

    /**
     * The smallest Tread whose data is spliced: below, one {@code preadv2} into a data buffer and one
     * {@code sendmsg} cost less than the three calls of a splice (fill, header, drain).
     */
    static final int SPLICE_MIN = 16 << 10;

    private final boolean readOnly;
    /** The largest Rread splice must carry (the server's msize), or 0: splice is off. */
    private final int spliceMax;
    private final int umask;
    private final String rootPath;
    private final int rootFd;
    private final int procFd;
    private boolean closed;

    private DirExport(boolean readOnly, int spliceMax, int umask, String rootPath, int rootFd, int procFd) {
        this.readOnly = readOnly;
        this.spliceMax = spliceMax;
        this.umask = umask;
        this.rootPath = rootPath;
        this.rootFd = rootFd;
        this.procFd = procFd;
    }

    /**
     * Opens the root ({@code O_PATH | O_DIRECTORY}) and {@code /proc/self/fd}.
     *
     * @param root the directory, an absolute real path
     * @param spliceMax the largest Rread data to splice from files (the server's msize), 0 to copy every read
     * @throws IOException naming the call that failed
     */
    static DirExport open(String root, boolean readOnly, int spliceMax) throws IOException {
        int rfd;
        int pfd;
        try (Arena a = Arena.ofConfined()) {
            rfd = Native.open(a.allocateFrom(root), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (rfd < 0) {
                throw Errors.pathException("open(O_PATH | O_DIRECTORY)", root, -rfd);
            }
            pfd = Native.open(a.allocateFrom("/proc/self/fd"), O_PATH | O_DIRECTORY | O_CLOEXEC, 0);
            if (pfd < 0) {
                Native.close(rfd);
                throw Errors.pathException("open(O_PATH | O_DIRECTORY)", "/proc/self/fd", -pfd);
            }
        }
        return new DirExport(readOnly, spliceMax, umask(), root, rfd, pfd);
    }

    /** The process's umask, from {@code /proc/self/status} (022 if it cannot be read). */
    private static int umask() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("Umask:")) {
                    return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // fall through
        }
        return 022;
    }

    /** {@return the exported directory} */
    String rootPath() {
        return rootPath;
    }

    // ---- qids and attributes ----------------------------------------------------------------------

    static int qidType(int mode) {
        return switch (mode & S_IFMT) {
            case S_IFDIR -> P9Flags.P9_QTDIR;
            case S_IFLNK -> P9Flags.P9_QTSYMLINK;
            default -> P9Flags.P9_QTFILE;
        };
    }

    static int qidVersion(MemorySegment st) {
        long mtime = st.get(ValueLayout.JAVA_LONG, Scratch.ST_MTIM + Scratch.TV_SEC);
        long size = st.get(ValueLayout.JAVA_LONG, Scratch.ST_SIZE);
        return (int) (mtime ^ (size << 8));
    }

    private static int mode(MemorySegment st) {
        return st.get(ValueLayout.JAVA_INT, Scratch.ST_MODE);
    }

    private static long ino(MemorySegment st) {
        return st.get(ValueLayout.JAVA_LONG, Scratch.ST_INO);
    }

    /** {@code fstatat(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW)} into {@link Scratch#stat}. */
    private static int fstat(Scratch s, int fd) {
        return Native.fstatat(fd, s.empty, s.statBuf, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
    }

    /** A fid for {@code fd} (which it takes over), its qid from {@code fstatat}. */
    private ServerFid fidFor(Scratch s, int fd, String relPath) {
        int r = fstat(s, fd);
        if (r < 0) {
            Native.close(fd);
            return fail(s, r);
        }
        s.qidVersion = qidVersion(s.statBuf);
        return new ServerFid(this, fd, relPath, qidType(mode(s.statBuf)), ino(s.statBuf), 0);
    }

    private static ServerFid fail(Scratch s, int r) {
        s.errno = -r;
        return null;
    }

    private int openat2(Scratch s, int dirfd, MemorySegment path, int flags, int mode, long resolve) {
        int r;
        do {
            r = Native.openat2(dirfd, path, s.how(flags, mode, resolve), io.jnetfs.ffm.gen.open_how.sizeof());
        } while (r == -Errno.EINTR || r == -Errno.EAGAIN); // EAGAIN: a rename raced the resolution
        return r;
    }

    // ---- fids -------------------------------------------------------------------------------------

    @Override
    public ServerFid attach(Scratch s) {
        int fd = Native.fcntl(rootFd, LibC.F_DUPFD_CLOEXEC(), 0);
        if (fd < 0) {
            return fail(s, fd);
        }
        return fidFor(s, fd, "");
    }

    @Override
    public ServerFid clone(Scratch s, ServerFid f) {
        int fd = Native.fcntl(f.pathFd, LibC.F_DUPFD_CLOEXEC(), 0);
        if (fd < 0) {
            return fail(s, fd);
        }
        s.qidVersion = 0;
        return new ServerFid(this, fd, f.relPath, f.qidType, f.qidPath, 0);
    }

    @Override
    public ServerFid walk(Scratch s, ServerFid from, int nameLen) {
        if (!from.isDirectory()) {
            return fail(s, -Errno.ENOTDIR);
        }
        if (isDots(s.name, nameLen, 1)) {
            int fd = Native.fcntl(from.pathFd, LibC.F_DUPFD_CLOEXEC(), 0);
            return fd < 0 ? fail(s, fd) : fidFor(s, fd, from.relPath);
        }
        if (isDots(s.name, nameLen, 2)) {
            return parent(s, from.relPath);
        }
        int fd = openat2(s, from.pathFd, s.name, O_PATH | O_NOFOLLOW | O_CLOEXEC, 0,
                RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
        if (fd < 0) {
            return fail(s, fd);
        }
        String name = new String(s.name.asSlice(0, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        return fidFor(s, fd, from.relPath.isEmpty() ? name : from.relPath + "/" + name);
    }

    /** The fid of the directory above {@code relPath}: opened again from the root, beneath it. */
    private ServerFid parent(Scratch s, String relPath) {
        int slash = relPath.lastIndexOf('/');
        String parent = slash < 0 ? "" : relPath.substring(0, slash);
        int fd = openFromRoot(s, parent);
        if (fd < 0) {
            return fail(s, fd);
        }
        return fidFor(s, fd, parent);
    }

    /** An {@code O_PATH} descriptor of a directory given by its path from the root (a new descriptor). */
    private int openFromRoot(Scratch s, String relPath) {
        if (relPath.isEmpty()) {
            return Native.fcntl(rootFd, LibC.F_DUPFD_CLOEXEC(), 0);
        }
        return openFromRoot(s, relPath, O_PATH | O_DIRECTORY | O_CLOEXEC,
                RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_SYMLINKS);
    }

    /** {@code openat2(root, relPath, flags, resolve)}; the path goes through {@link Scratch#link}. */
    private int openFromRoot(Scratch s, String relPath, int flags, long resolve) {
        byte[] p = relPath.getBytes(StandardCharsets.UTF_8);
        if (p.length > Scratch.PATH_MAX - 1) {
            return -Errno.ENAMETOOLONG;
        }
        Scratch.cString(MemorySegment.ofArray(p), 0, p.length, s.link);
        return openat2(s, rootFd, s.link, flags, 0, resolve);
    }

    private static boolean isDots(MemorySegment name, int len, int dots) {
        if (len != dots) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (name.get(ValueLayout.JAVA_BYTE, i) != '.') {
                return false;
            }
        }
        return true;
    }

    // ---- open, create ------------------------------------------------------------------------------

    /** Linux {@code O_*} flags for {@code P9_DOTL_*} ones (equal on x86-64, not on every architecture). */
    static int linuxFlags(int p9) {
        int f = switch (p9 & 3) {
            case P9Flags.P9_DOTL_WRONLY -> O_WRONLY;
            case P9Flags.P9_DOTL_RDWR -> O_RDWR;
            default -> LibC.O_RDONLY();
        };
        f |= (p9 & P9Flags.P9_DOTL_CREATE) != 0 ? O_CREAT : 0;
        f |= (p9 & P9Flags.P9_DOTL_EXCL) != 0 ? O_EXCL : 0;
        f |= (p9 & P9Flags.P9_DOTL_TRUNC) != 0 ? O_TRUNC : 0;
        f |= (p9 & P9Flags.P9_DOTL_APPEND) != 0 ? LibC.O_APPEND() : 0;
        f |= (p9 & P9Flags.P9_DOTL_NONBLOCK) != 0 ? LibC.O_NONBLOCK() : 0;
        f |= (p9 & P9Flags.P9_DOTL_DSYNC) != 0 ? LibC.O_DSYNC() : 0;
        f |= (p9 & P9Flags.P9_DOTL_DIRECTORY) != 0 ? O_DIRECTORY : 0;
        f |= (p9 & P9Flags.P9_DOTL_NOFOLLOW) != 0 ? O_NOFOLLOW : 0;
        f |= (p9 & P9Flags.P9_DOTL_NOATIME) != 0 ? LibC.O_NOATIME() : 0;
        f |= (p9 & P9Flags.P9_DOTL_SYNC) == P9Flags.P9_DOTL_SYNC ? LibC.O_SYNC() : 0;
        // P9_DOTL_DIRECT is not passed on: the client's alignment is not the disk's
        return f;
    }

    private boolean writes(int linux) {
        return (linux & O_ACCMODE) != LibC.O_RDONLY() || (linux & O_TRUNC) != 0;
    }

    @Override
    public int lopen(Scratch s, ServerFid f, int p9flags, ServerRequest r) {
        int flags = linuxFlags(p9flags) & ~(O_CREAT | O_EXCL);
        if (readOnly && writes(flags)) {
            return -Errno.EROFS;
        }
        if (f.isOpen()) {
            return -Errno.EBADF;
        }
        int fd;
        if ((f.qidType & P9Flags.P9_QTSYMLINK) != 0) {
            // as diod, open what the link points at, but resolved from the root and beneath it
            fd = openFromRoot(s, f.relPath, flags | O_CLOEXEC, RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
        } else {
            do {
                fd = Native.openat(procFd, s.procName(f.pathFd), flags | O_CLOEXEC, 0);
            } while (fd == -Errno.EINTR);
        }
        if (fd < 0) {
            return fd;
        }
        int st = Native.fstatat(fd, s.empty, s.statBuf, AT_EMPTY_PATH);
        if (st < 0 || !f.setOpen(fd, flags)) {
            Native.close(fd);
            return st < 0 ? st : -Errno.EBADF;
        }
        return Replies.lopen(r, P9Type.Rlopen, qidType(mode(s.statBuf)), qidVersion(s.statBuf), ino(s.statBuf), 0);
    }

    @Override
    public ServerFid lcreate(Scratch s, ServerFid dir, int nameLen, int p9flags, int mode, int gid) {
        if (readOnly) {
            return fail(s, -Errno.EROFS);
        }
        if (!dir.isDirectory()) {
            return fail(s, -Errno.ENOTDIR);
        }
        int flags = linuxFlags(p9flags) | O_CREAT;
        int perm = mode & 07777;
        long resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
        // O_EXCL first, so the server knows whether it made the file (and then gives it the exact mode)
        int fd = openat2(s, dir.pathFd, s.name, flags | O_EXCL | O_CLOEXEC, perm, resolve);
        boolean created = fd >= 0;
        if (fd == -Errno.EEXIST && (flags & O_EXCL) == 0) {
            fd = openat2(s, dir.pathFd, s.name, flags & ~O_CREAT | O_CLOEXEC, 0, resolve);
            if (fd == -Errno.ENOENT) { // a dangling symbolic link inside the root: create its target
                fd = openat2(s, dir.pathFd, s.name, flags | O_CLOEXEC, perm, resolve);
            }
        }
        if (fd < 0) {
            return fail(s, fd);
        }
        if (created && (perm & umask) != 0) {
            Native.fchmod(fd, perm); // as diod, which runs with umask 0: the client's mode, exactly
        }
        int pathFd = Native.fcntl(fd, LibC.F_DUPFD_CLOEXEC(), 0);
        if (pathFd < 0) {
            Native.close(fd);
            return fail(s, pathFd);
        }
        String name = new String(s.name.asSlice(0, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        ServerFid nf = fidFor(s, pathFd, dir.relPath.isEmpty() ? name : dir.relPath + "/" + name);
        if (nf == null) {
            Native.close(fd);
            return null;
        }
        nf.setOpen(fd, flags);
        return nf;
    }

    // ---- data ---------------------------------------------------------------------------------------

    @Override
    public long read(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        int fd = f.ioFd();
        if (fd < 0) {
            return -Errno.EBADF;
        }
        s.readSpliced = false;
        if (count == 0) {
            s.readChain = null;
            return 0;
        }
        if (spliceMax > 0 && count >= SPLICE_MIN && !f.noSplice) {
            SplicePipe p = s.pipe(spliceMax);
            if (p != null && p.usable() && p.fits(offset, count)) {
                long n = p.fill(fd, offset, count);
                if (n >= 0) {
                    s.readSpliced = n > 0;
                    return n;
                }
                if (n != -Errno.EINVAL) {
                    return n;
                }
                f.noSplice = true; // this file cannot be spliced (a special file): copy it, now and after
            }
        }
        if (r.data == null && (r.data = r.owner.takeData()) == null) {
            return -Errno.ENOMEM; // closing, or the pool has no memory at all
        }
        s.readChain = r.data.chain;
        try {
            long n = s.io.preadv2(fd, s.iter.init(r.data.chain, 0, count), count, offset, 0);
            return n == BvecqIo.WOULD_BLOCK ? -Errno.EAGAIN : n;
        } catch (NativeIoException e) {
            return -e.errno();
        } catch (IOException e) {
            return -Errno.EIO;
        }
    }

    @Override
    public long write(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        int fd = f.ioFd();
        if (fd < 0) {
            return -Errno.EBADF;
        }
        if (count == 0) {
            return 0;
        }
        try {
            long n = s.io.pwritev2(fd, s.iter.init(r.data.chain, 0, count), count, offset, 0);
            return n == BvecqIo.WOULD_BLOCK ? -Errno.EAGAIN : n;
        } catch (NativeIoException e) {
            return -e.errno();
        } catch (IOException e) {
            return -Errno.EIO;
        }
    }

    // ---- attributes --------------------------------------------------------------------------------

    @Override
    public int getattr(Scratch s, ServerFid f, long mask, ServerRequest r) {
        int rc = fstat(s, f.pathFd);
        if (rc < 0) {
            return rc;
        }
        return Replies.getattr(r, s.statBuf, qidType(mode(s.statBuf)), qidVersion(s.statBuf), ino(s.statBuf));
    }

    @Override
    public int setattr(Scratch s, ServerFid f, int valid, int mode, int uid, int gid, long size, long atimeSec,
                       long atimeNsec, long mtimeSec, long mtimeNsec) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        int rc;
        if ((valid & P9Flags.P9_ATTR_MODE) != 0) {
            rc = Native.fchmodat(procFd, s.procName(f.pathFd), mode & 07777, 0);
            if (rc < 0) {
                return rc;
            }
        }
        if ((valid & (P9Flags.P9_ATTR_UID | P9Flags.P9_ATTR_GID)) != 0) {
            rc = Native.fchownat(f.pathFd, s.empty, (valid & P9Flags.P9_ATTR_UID) != 0 ? uid : -1,
                    (valid & P9Flags.P9_ATTR_GID) != 0 ? gid : -1, AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW);
            if (rc < 0) {
                return rc;
            }
        }
        if ((valid & P9Flags.P9_ATTR_SIZE) != 0) {
            rc = truncate(s, f, size);
            if (rc < 0) {
                return rc;
            }
        }
        if ((valid & (P9Flags.P9_ATTR_ATIME | P9Flags.P9_ATTR_MTIME)) != 0) {
            setTime(s.times, 0, valid, P9Flags.P9_ATTR_ATIME, P9Flags.P9_ATTR_ATIME_SET, atimeSec, atimeNsec);
            setTime(s.times, Scratch.TIMESPEC_SIZE, valid, P9Flags.P9_ATTR_MTIME, P9Flags.P9_ATTR_MTIME_SET, mtimeSec,
                    mtimeNsec);
            rc = Native.utimensat(procFd, s.procName(f.pathFd), s.times, 0);
            if (rc < 0) {
                return rc;
            }
        }
        return 0;
    }

    private static void setTime(MemorySegment times, long at, int valid, int bit, int setBit, long sec, long nsec) {
        long tvNsec;
        if ((valid & bit) == 0) {
            tvNsec = LibC.UTIME_OMIT();
        } else if ((valid & setBit) == 0) {
            tvNsec = LibC.UTIME_NOW();
        } else {
            tvNsec = nsec;
        }
        times.set(ValueLayout.JAVA_LONG, at + Scratch.TV_SEC, sec);
        times.set(ValueLayout.JAVA_LONG, at + Scratch.TV_NSEC, tvNsec);
    }

    private int truncate(Scratch s, ServerFid f, long size) {
        if (size < 0) {
            return -Errno.EINVAL;
        }
        int fd = f.ioFd();
        if (fd >= 0 && (f.openFlags() & O_ACCMODE) != LibC.O_RDONLY()) {
            return Native.ftruncate(fd, size);
        }
        int w = Native.openat(procFd, s.procName(f.pathFd), O_WRONLY | O_CLOEXEC | LibC.O_NONBLOCK(), 0);
        if (w < 0) {
            return w;
        }
        int rc = Native.ftruncate(w, size);
        Native.close(w);
        return rc;
    }

    // ---- directories -------------------------------------------------------------------------------

    @Override
    public int readdir(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        int fd = f.ioFd();
        if (fd < 0) {
            return -Errno.EBADF;
        }
        if (!f.isDirectory()) {
            return -Errno.ENOTDIR;
        }
        long pos = Native.lseek(fd, offset, LibC.SEEK_SET());
        if (pos < 0) {
            return (int) pos;
        }
        MemorySegment out = r.data.mem;
        long at = P9Descriptor.RREADDIR_HEADER_SIZE;
        long limit = P9Descriptor.RREADDIR_HEADER_SIZE + (long) count;
        MemorySegment d = s.dents;
        boolean full = false;
        while (!full) {
            long n = Native.getdents64(fd, d, Scratch.DENTS_SIZE);
            if (n < 0) {
                return (int) n;
            }
            if (n == 0) {
                break;
            }
            for (long e = 0; e < n; ) {
                int reclen = d.get(ValueLayout.JAVA_SHORT, e + D_RECLEN) & 0xFFFF;
                int nameLen = 0;
                while (nameLen < reclen - D_NAME && d.get(ValueLayout.JAVA_BYTE, e + D_NAME + nameLen) != 0) {
                    nameLen++;
                }
                long size = QID_SIZE + 8 + 1 + 2 + nameLen;
                if (at + size > limit) {
                    full = true;
                    break;
                }
                int dtype = d.get(ValueLayout.JAVA_BYTE, e + D_TYPE) & 0xFF;
                int qt = dtype == DT_DIR ? P9Flags.P9_QTDIR : dtype == DT_LNK ? P9Flags.P9_QTSYMLINK : P9Flags.P9_QTFILE;
                out.set(ServerRequest.U8, at, (byte) qt);
                out.set(ServerRequest.U32, at + 1, 0);
                out.set(ServerRequest.U64, at + 5, d.get(ValueLayout.JAVA_LONG, e));
                out.set(ServerRequest.U64, at + QID_SIZE, d.get(ValueLayout.JAVA_LONG, e + D_OFF));
                out.set(ServerRequest.U8, at + QID_SIZE + 8, (byte) dtype);
                out.set(ServerRequest.U16, at + QID_SIZE + 9, (short) nameLen);
                MemorySegment.copy(d, e + D_NAME, out, at + QID_SIZE + 11, nameLen);
                at += size;
                e += reclen;
            }
        }
        if (full && at == P9Descriptor.RREADDIR_HEADER_SIZE) {
            return -Errno.EINVAL; // count too small for the next entry: an empty reply would mean the end
        }
        int total = (int) at;
        out.set(ServerRequest.U32, 0, total);
        out.set(ServerRequest.U8, 4, (byte) P9Type.Rreaddir);
        out.set(ServerRequest.U16, 5, (short) r.tag);
        out.set(ServerRequest.U32, HEADER_SIZE, total - P9Descriptor.RREADDIR_HEADER_SIZE);
        return total;
    }

    @Override
    public int fsync(Scratch s, ServerFid f, boolean datasync) {
        int fd = f.ioFd();
        if (fd < 0) {
            return -Errno.EBADF;
        }
        return datasync ? Native.fdatasync(fd) : Native.fsync(fd);
    }

    @Override
    public int statfs(Scratch s, ServerFid f, ServerRequest r) {
        int rc = Native.fstatfs(f.pathFd, s.statfsBuf);
        if (rc < 0) {
            return rc;
        }
        MemorySegment b = s.statfsBuf;
        int size = HEADER_SIZE + P9Descriptor.RSTATFS_BODY;
        r.header(size, P9Type.Rstatfs);
        r.put32(7, (int) b.get(ValueLayout.JAVA_LONG, statfs.f_type$offset()));
        r.put32(11, (int) b.get(ValueLayout.JAVA_LONG, statfs.f_bsize$offset()));
        r.put64(15, b.get(ValueLayout.JAVA_LONG, statfs.f_blocks$offset()));
        r.put64(23, b.get(ValueLayout.JAVA_LONG, statfs.f_bfree$offset()));
        r.put64(31, b.get(ValueLayout.JAVA_LONG, statfs.f_bavail$offset()));
        r.put64(39, b.get(ValueLayout.JAVA_LONG, statfs.f_files$offset()));
        r.put64(47, b.get(ValueLayout.JAVA_LONG, statfs.f_ffree$offset()));
        long fsid = b.get(ValueLayout.JAVA_INT, statfs.f_fsid$offset()) & 0xFFFFFFFFL
                | (long) b.get(ValueLayout.JAVA_INT, statfs.f_fsid$offset() + 4) << 32;
        r.put64(55, fsid);
        r.put32(63, (int) b.get(ValueLayout.JAVA_LONG, statfs.f_namelen$offset()));
        return size;
    }

    // ---- names --------------------------------------------------------------------------------------

    @Override
    public int mkdir(Scratch s, ServerFid dir, int nameLen, int mode, int gid, ServerRequest r) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        int perm = mode & 07777;
        int rc = Native.mkdirat(dir.pathFd, s.name, perm);
        if (rc < 0) {
            return rc;
        }
        if ((perm & umask) != 0) { // the exact mode, through a descriptor of the new directory itself
            int fd = openat2(s, dir.pathFd, s.name, O_PATH | O_NOFOLLOW | O_DIRECTORY | O_CLOEXEC, 0,
                    RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS);
            if (fd >= 0) {
                Native.fchmodat(procFd, s.procName(fd), perm, 0);
                Native.close(fd);
            }
        }
        return qidOfName(s, dir, P9Type.Rmkdir, r);
    }

    /** An Rmkdir/Rsymlink: the qid of the name just made, from {@code fstatat(dirfd, name, NOFOLLOW)}. */
    private static int qidOfName(Scratch s, ServerFid dir, int replyType, ServerRequest r) {
        int rc = Native.fstatat(dir.pathFd, s.name, s.statBuf, AT_SYMLINK_NOFOLLOW);
        if (rc < 0) {
            return rc;
        }
        return Replies.qid(r, replyType, qidType(mode(s.statBuf)), qidVersion(s.statBuf), ino(s.statBuf));
    }

    @Override
    public int unlinkat(Scratch s, ServerFid dir, int nameLen, int flags) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        return Native.unlinkat(dir.pathFd, s.name, (flags & P9Flags.P9_DOTL_AT_REMOVEDIR) != 0 ? AT_REMOVEDIR : 0);
    }

    @Override
    public int renameat(Scratch s, ServerFid oldDir, ServerFid newDir) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        return Native.renameat(oldDir.pathFd, s.name, newDir.pathFd, s.name2);
    }

    @Override
    public int rename(Scratch s, ServerFid f, ServerFid dir) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        int slash = f.relPath.lastIndexOf('/');
        if (f.relPath.isEmpty()) {
            return -Errno.EBUSY;
        }
        int pfd = openFromRoot(s, slash < 0 ? "" : f.relPath.substring(0, slash));
        if (pfd < 0) {
            return pfd;
        }
        try {
            int rc = lastName(s, f, pfd, slash);
            return rc < 0 ? rc : Native.renameat(pfd, s.link, dir.pathFd, s.name);
        } finally {
            Native.close(pfd);
        }
    }

    /**
     * Puts the last name of {@code f}'s path into {@link Scratch#link} and checks that it still names
     * {@code f}'s inode in {@code parentFd} (a stale path must not touch another file).
     */
    private static int lastName(Scratch s, ServerFid f, int parentFd, int slash) {
        byte[] last = f.relPath.substring(slash + 1).getBytes(StandardCharsets.UTF_8);
        Scratch.cString(MemorySegment.ofArray(last), 0, last.length, s.link);
        int rc = Native.fstatat(parentFd, s.link, s.statBuf, AT_SYMLINK_NOFOLLOW);
        if (rc < 0) {
            return rc;
        }
        return ino(s.statBuf) == f.qidPath ? 0 : -Errno.ENOENT;
    }

    @Override
    public int symlink(Scratch s, ServerFid dir, int nameLen, int gid, ServerRequest r) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        int rc = Native.symlinkat(s.name2, dir.pathFd, s.name);
        if (rc < 0) {
            return rc;
        }
        return qidOfName(s, dir, P9Type.Rsymlink, r);
    }

    @Override
    public int readlink(Scratch s, ServerFid f, ServerRequest r) {
        if ((f.qidType & P9Flags.P9_QTSYMLINK) == 0) {
            return -Errno.EINVAL;
        }
        long n = Native.readlinkat(f.pathFd, s.empty, s.link, Scratch.PATH_MAX);
        if (n < 0) {
            return (int) n;
        }
        int size = HEADER_SIZE + 2 + (int) n;
        r.header(size, P9Type.Rreadlink);
        r.put16(HEADER_SIZE, (int) n);
        MemorySegment.copy(s.link, 0, r.mem, HEADER_SIZE + 2, n);
        return size;
    }

    @Override
    public int link(Scratch s, ServerFid dir, ServerFid f) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        // linkat(fd, "", AT_EMPTY_PATH) needs CAP_DAC_READ_SEARCH; the /proc/self/fd name does not
        return Native.linkat(procFd, s.procName(f.pathFd), dir.pathFd, s.name, AT_SYMLINK_FOLLOW);
    }

    @Override
    public int remove(Scratch s, ServerFid f) {
        if (readOnly) {
            return -Errno.EROFS;
        }
        if (f.relPath.isEmpty()) {
            return -Errno.EBUSY;
        }
        int slash = f.relPath.lastIndexOf('/');
        int pfd = openFromRoot(s, slash < 0 ? "" : f.relPath.substring(0, slash));
        if (pfd < 0) {
            return pfd;
        }
        try {
            int rc = lastName(s, f, pfd, slash);
            return rc < 0 ? rc : Native.unlinkat(pfd, s.link, f.isDirectory() ? AT_REMOVEDIR : 0);
        } finally {
            Native.close(pfd);
        }
    }

    /** Closes the root and {@code /proc/self/fd} descriptors. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            Native.close(rootFd);
            Native.close(procFd);
        }
    }
}
