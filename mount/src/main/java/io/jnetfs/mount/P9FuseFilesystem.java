package io.jnetfs.mount;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.ffm.Errno;
import io.jnetfs.fuse.FuseAttr;
import io.jnetfs.fuse.FuseDataReply;
import io.jnetfs.fuse.FuseDirFiller;
import io.jnetfs.fuse.FuseEntry;
import io.jnetfs.fuse.FuseFilesystem;
import io.jnetfs.fuse.FuseOpen;
import io.jnetfs.fuse.FuseRequest;
import io.jnetfs.fuse.FuseSetattr;
import io.jnetfs.fuse.FuseStatfs;
import io.jnetfs.netfs.CachedFolio;
import io.jnetfs.netfs.FolioMapping;
import io.jnetfs.netfs.Netfs;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFiles;
import io.jnetfs.p9.Dirent;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9StatFs;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A 9P2000.L export as a FUSE filesystem on the netfs engine: what the kernel's v9fs does inside the
 * kernel, done in this process behind {@code /dev/fuse}.
 *
 * <ul>
 *   <li><b>Names</b>: a FUSE nodeid is a walked 9P fid ({@link NodeTable}); LOOKUP walks one name and
 *       asks Tgetattr, FORGET clunks the fid when the kernel's lookup count reaches zero. MKDIR, SYMLINK,
 *       LINK, CREATE answer with the new file's node; UNLINK, RMDIR, RENAME go to the server as
 *       Tunlinkat and Trenameat.</li>
 *   <li><b>Data</b>: OPEN and CREATE open one fid per node through the engine ({@link OpenInode}),
 *       shared by every handle: READ is served from page-cache folios handed to the reply without a
 *       copy, WRITE goes into folios, FLUSH (close) and FSYNC write back (Twrite, Tfsync), the disk cache
 *       keeps what was read for the next mount.</li>
 *   <li><b>Errors</b>: a 9P {@code Rlerror} passes its errno through to the program; a lost connection
 *       or a timeout is the engine's errno (ECONNRESET, ETIMEDOUT...), never a hang.</li>
 * </ul>
 *
 * <p>Every handler returns 0 or a negative errno; handlers run on several threads at once.
 */
public final class P9FuseFilesystem implements FuseFilesystem {
    private static final int O_ACCMODE = 03;
    private static final int O_RDONLY = 0;
    private static final int O_EXCL = 0200;
    private static final int O_TRUNC = 01000;

    private final P9Client client;
    private final Netfs netfs;
    private final CacheFiles caches;
    private final String cacheKeyPrefix;
    private final MountSettings settings;
    private final NodeTable nodes;
    private final Handles handles = new Handles();
    private final int folioShift;
    /** The lookups of READDIRPLUS, in parallel: virtual threads blocked on their RPCs. */
    private final ExecutorService lookups = Executors.newVirtualThreadPerTaskExecutor();
    /** How many entries of a READDIRPLUS are looked up at once (a 4 KiB reply holds about 25). */
    private static final int LOOKAHEAD = 32;

    /**
     * @param client the 9P connection, attached to the export (the caller closes it after the mount)
     * @param netfs the engine (the caller closes it after the mount)
     * @param caches the disk cache, or {@code null}
     * @param cacheKeyPrefix names the export in cache keys, e.g. {@code 9p://127.0.0.1:564/srv/export}
     * @param settings timeouts and caching
     */
    public P9FuseFilesystem(P9Client client, Netfs netfs, CacheFiles caches, String cacheKeyPrefix,
                            MountSettings settings) {
        this(client, client.root(), netfs, caches, cacheKeyPrefix, settings);
    }

    /**
     * A filesystem whose root is a directory inside the export.
     *
     * @param client the 9P connection, attached to the export (the caller closes it after the mount)
     * @param root a walked fid of the directory that is the mount's root (the caller clunks it after the
     *     mount)
     * @param netfs the engine (the caller closes it after the mount)
     * @param caches the disk cache, or {@code null}
     * @param cacheKeyPrefix names the export in cache keys, e.g. {@code 9p://127.0.0.1:564/srv/export}
     * @param settings timeouts and caching
     */
    public P9FuseFilesystem(P9Client client, Fid root, Netfs netfs, CacheFiles caches, String cacheKeyPrefix,
                            MountSettings settings) {
        this.client = client;
        this.netfs = netfs;
        this.caches = caches;
        this.cacheKeyPrefix = cacheKeyPrefix;
        this.settings = settings;
        this.nodes = new NodeTable(root);
        this.folioShift = Integer.numberOfTrailingZeros(netfs.config().folioSize());
    }

    /** {@return how many nodes the kernel holds, the root included} */
    public int nodeCount() {
        return nodes.size();
    }

    /** {@return how many files and directories are open} */
    public int openHandles() {
        return handles.size();
    }

    // ---- names ----------------------------------------------------------------------------------------

    @Override
    public int lookup(FuseRequest req, long parent, String name, FuseEntry entry) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        try {
            found(p, name, entry);
            return 0;
        } catch (P9Exception e) {
            if (e.errno() == Errno.ENOENT && settings.entryTimeoutNanos() > 0) {
                // a negative entry: the kernel remembers the name is missing for the entry timeout (git and
                // compilers look for many files that are not there)
                entry.nodeId(0).entryTimeoutNanos(settings.entryTimeoutNanos());
                return 0;
            }
            return -e.errno();
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    /** Walks {@code name} in {@code p}, asks its attributes and answers with its node (one more lookup). */
    private P9Attr found(Node p, String name, FuseEntry entry) throws IOException {
        Fid f = client.walk(p.fid(), name);
        P9Attr a;
        try {
            a = client.getattr(f);
        } catch (IOException | RuntimeException e) {
            OpenInode.closeQuietly(f);
            throw e;
        }
        Fid[] spare = new Fid[1];
        Node n = nodes.lookedUp(p.nodeid, name, f, spare);
        if (spare[0] != null) {
            OpenInode.closeQuietly(spare[0]);
        }
        entry.nodeId(n.nodeid).generation(0).entryTimeoutNanos(settings.entryTimeoutNanos());
        fill(n, a, entry.attr());
        return a;
    }

    @Override
    public void forget(long nodeid, long count) {
        Node n = nodes.forget(nodeid, count);
        if (n != null) {
            close(n);
        }
    }

    /** Clunks a forgotten node's fids (and closes an open inode left behind, which should not be). */
    private void close(Node n) {
        OpenInode o;
        synchronized (n) {
            o = n.open;
            n.open = null;
        }
        if (o != null) {
            try {
                o.closeNow();
            } catch (IOException | RuntimeException e) {
                // nothing holds it any more: the kernel released every handle before the forget
            }
        }
        OpenInode.closeQuietly(n.fid());
        for (Node.RetiredFid r = n.retired(); r != null; r = r.next()) {
            OpenInode.closeQuietly(r.fid());
        }
    }

    // ---- attributes -----------------------------------------------------------------------------------

    @Override
    public int getattr(FuseRequest req, long nodeid, long fh, FuseAttr attr) {
        Node n = nodes.get(nodeid);
        if (n == null) {
            return -Errno.ESTALE;
        }
        try {
            fill(n, client.getattr(n.fid()), attr);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int setattr(FuseRequest req, long nodeid, FuseSetattr in, FuseAttr attr) {
        Node n = nodes.get(nodeid);
        if (n == null) {
            return -Errno.ESTALE;
        }
        try {
            OpenInode o;
            synchronized (n) {
                o = n.open;
            }
            if (in.has(FuseSetattr.FATTR_SIZE)) {
                if (o != null && o.writable()) {
                    o.file().truncate(in.size());
                } else {
                    client.truncate(n.fid(), in.size());
                    if (o != null) {
                        o.file().inode().updateRemoteSize(in.size());
                    }
                }
            }
            int valid = 0;
            if (in.has(FuseSetattr.FATTR_MODE)) {
                valid |= P9Flags.P9_ATTR_MODE;
            }
            if (in.has(FuseSetattr.FATTR_UID)) {
                valid |= P9Flags.P9_ATTR_UID;
            }
            if (in.has(FuseSetattr.FATTR_GID)) {
                valid |= P9Flags.P9_ATTR_GID;
            }
            if (in.has(FuseSetattr.FATTR_ATIME)) {
                valid |= P9Flags.P9_ATTR_ATIME | (in.has(FuseSetattr.FATTR_ATIME_NOW) ? 0 : P9Flags.P9_ATTR_ATIME_SET);
            }
            if (in.has(FuseSetattr.FATTR_MTIME)) {
                valid |= P9Flags.P9_ATTR_MTIME | (in.has(FuseSetattr.FATTR_MTIME_NOW) ? 0 : P9Flags.P9_ATTR_MTIME_SET);
            }
            if (in.has(FuseSetattr.FATTR_CTIME)) {
                valid |= P9Flags.P9_ATTR_CTIME;
            }
            if (valid != 0) {
                if (o != null && (valid & (P9Flags.P9_ATTR_MTIME | P9Flags.P9_ATTR_ATIME)) != 0) {
                    // data still in the page cache would move the mtime again when written back
                    // (cp -a, touch -d after writing)
                    o.file().flush();
                }
                client.setattr(n.fid(), valid, in.mode() & 07777, in.uid(), in.gid(), 0, in.atime(), in.atimensec(),
                        in.mtime(), in.mtimensec());
            }
            fill(n, client.getattr(n.fid()), attr);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    /** Fills {@code out} from the server's attributes; a writer's size as this client sees it wins. */
    private void fill(Node n, P9Attr a, FuseAttr out) {
        long size = a.size();
        OpenInode o = n.open;
        if (o != null && o.writable()) {
            long local = o.file().size();
            if (local > size) {
                size = local; // written here, not yet written back
            }
        }
        out.ino(a.qid().path()).mode(a.mode()).nlink((int) Math.min(Integer.MAX_VALUE, a.nlink())).uid(a.uid())
                .gid(a.gid()).rdev((int) a.rdev()).size(size).blocks(Math.max(a.blocks(), (size + 511) / 512))
                .blksize((int) Math.min(1 << 20, Math.max(4096, a.blksize())))
                .atime(a.atimeSec(), (int) a.atimeNsec()).mtime(a.mtimeSec(), (int) a.mtimeNsec())
                .ctime(a.ctimeSec(), (int) a.ctimeNsec()).attrTimeoutNanos(settings.attrTimeoutNanos());
    }

    // ---- directory operations -------------------------------------------------------------------------

    @Override
    public int mkdir(FuseRequest req, long parent, String name, int mode, int umask, FuseEntry entry) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        try {
            client.mkdir(p.fid(), name, mode & 07777);
            found(p, name, entry);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int mknod(FuseRequest req, long parent, String name, int mode, int rdev, int umask, FuseEntry entry) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        if ((mode & FuseAttr.S_IFMT) != FuseAttr.S_IFREG && (mode & FuseAttr.S_IFMT) != 0) {
            return -Errno.EPERM; // devices, fifos and sockets: 9P's Tmknod is not in the client (yet)
        }
        try {
            Fid f = client.create(p.fid(), name, P9Flags.P9_DOTL_RDONLY | P9Flags.P9_DOTL_EXCL, mode & 07777);
            OpenInode.closeQuietly(f);
            found(p, name, entry);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int symlink(FuseRequest req, long parent, String name, String target, FuseEntry entry) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        try {
            client.symlink(p.fid(), name, target);
            found(p, name, entry);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int link(FuseRequest req, long nodeid, long newParent, String newName, FuseEntry entry) {
        Node n = nodes.get(nodeid);
        Node p = nodes.get(newParent);
        if (n == null || p == null) {
            return -Errno.ESTALE;
        }
        try {
            client.link(p.fid(), n.fid(), newName);
            found(p, newName, entry);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int unlink(FuseRequest req, long parent, String name) {
        return remove(parent, name, 0);
    }

    @Override
    public int rmdir(FuseRequest req, long parent, String name) {
        return remove(parent, name, P9Flags.P9_DOTL_AT_REMOVEDIR);
    }

    private int remove(long parent, String name, int flags) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        try {
            client.unlinkat(p.fid(), name, flags);
            nodes.removed(parent, name);
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int rename(FuseRequest req, long parent, String name, long newParent, String newName, int flags) {
        Node p = nodes.get(parent);
        Node np = nodes.get(newParent);
        if (p == null || np == null) {
            return -Errno.ESTALE;
        }
        if ((flags & RENAME_EXCHANGE) != 0) {
            return -Errno.EINVAL; // 9P2000.L has no exchange
        }
        if ((flags & ~RENAME_NOREPLACE) != 0) {
            return -Errno.EINVAL;
        }
        try {
            if ((flags & RENAME_NOREPLACE) != 0 && exists(np, newName)) {
                return -Errno.EEXIST;
            }
            client.renameat(p.fid(), name, np.fid(), newName);
            Node moved = nodes.renamed(parent, name, newParent, newName);
            if (moved != null) {
                // a server that keeps a path in each fid (diod) would go on answering the moved node's fid
                // for the old name: give the node a fid walked by its new name
                try {
                    Fid fresh = client.walk(np.fid(), newName);
                    if (fresh.qid() != null && fresh.qid().path() == moved.qidPath) {
                        moved.replaceFid(fresh);
                    } else {
                        OpenInode.closeQuietly(fresh);
                    }
                } catch (IOException e) {
                    // renamed again meanwhile: the old fid stays
                }
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    private boolean exists(Node dir, String name) throws IOException {
        try {
            OpenInode.closeQuietly(client.walk(dir.fid(), name));
            return true;
        } catch (P9Exception e) {
            if (e.errno() == Errno.ENOENT) {
                return false;
            }
            throw e;
        }
    }

    @Override
    public int readlink(FuseRequest req, long nodeid, FuseDataReply reply) {
        Node n = nodes.get(nodeid);
        if (n == null) {
            return -Errno.ESTALE;
        }
        try {
            byte[] b = client.readlink(n.fid()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
            reply.copy(b, 0, (int) Math.min(b.length, reply.capacity()));
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    // ---- open files -----------------------------------------------------------------------------------

    @Override
    public int open(FuseRequest req, long nodeid, int flags, FuseOpen out) {
        Node n = nodes.get(nodeid);
        if (n == null) {
            return -Errno.ESTALE;
        }
        boolean write = (flags & O_ACCMODE) != O_RDONLY;
        try {
            P9Attr a = client.getattr(n.fid());
            long stamp = settings.directIo() ? 0 : stamp(a);
            OpenInode o = acquire(n, write, a);
            if (write && (flags & O_TRUNC) != 0) {
                try {
                    o.file().truncate(0);
                } catch (IOException | RuntimeException e) {
                    releaseQuietly(o);
                    throw e;
                }
            }
            out.fh(handles.add(new Handles.FileHandle(o, flags)));
            out.openFlags(out.openFlags() | openFlags(n, stamp));
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    /**
     * The {@code FOPEN_*} flags of an open: {@code -o direct_io}, or the kernel's page cache kept from
     * before when the file is as this mount last saw it (close-to-open: a change by another client since
     * drops it).
     */
    private int openFlags(Node n, long stamp) {
        if (settings.directIo()) {
            return FuseOpen.FOPEN_DIRECT_IO;
        }
        boolean same = stamp != 0 && n.stamp == stamp;
        n.stamp = stamp;
        return same ? FuseOpen.FOPEN_KEEP_CACHE : 0;
    }

    /** {@return what identifies a version of a file's data: its mtime and size, hashed, never 0} */
    private static long stamp(P9Attr a) {
        long h = (a.mtimeSec() * 1_000_000_000L + a.mtimeNsec()) * 31 + a.size();
        return h == 0 ? 1 : h;
    }

    /** The node's open inode, shared, or a new one opened on a clone of its fid. */
    private OpenInode acquire(Node n, boolean write, P9Attr known) throws IOException {
        synchronized (n) {
            OpenInode shared = n.open;
            if (shared != null && (shared.writable() || !write)) {
                shared.refs++;
                return shared;
            }
            Fid f = client.walk(n.fid());
            boolean rw;
            try {
                rw = lopen(f, write);
            } catch (IOException | RuntimeException e) {
                OpenInode.closeQuietly(f);
                throw e;
            }
            // the disk cache keeps what is read; a writer's data would be thrown away at the next open, whose
            // coherency check sees the mtime its own writeback moved (and an unpack of a tree would make a
            // cache file per new file): files opened to write go without it
            OpenInode o = OpenInode.open(n, f, rw, client, netfs, write ? null : caches, cacheKeyPrefix,
                    settings.inflight(), known);
            if (shared == null || rw) {
                n.open = o; // a read-only one before stays with its handles
            }
            return o;
        }
    }

    /**
     * Tlopen read-write where the caller writes, else read-write where the server allows it (so that a
     * later writer shares the page cache), else read-only.
     *
     * @return whether the fid is open for writing
     */
    private boolean lopen(Fid f, boolean write) throws IOException {
        if (write || settings.readOnly()) {
            client.lopen(f, write ? P9Flags.P9_DOTL_RDWR : P9Flags.P9_DOTL_RDONLY);
            return write;
        }
        try {
            client.lopen(f, P9Flags.P9_DOTL_RDWR);
            return true;
        } catch (P9Exception e) {
            if (e.errno() != Errno.EACCES && e.errno() != Errno.EROFS && e.errno() != Errno.EPERM) {
                throw e;
            }
        }
        client.lopen(f, P9Flags.P9_DOTL_RDONLY);
        return false;
    }

    @Override
    public int create(FuseRequest req, long parent, String name, int mode, int umask, int flags, FuseEntry entry,
                      FuseOpen out) {
        Node p = nodes.get(parent);
        if (p == null) {
            return -Errno.ESTALE;
        }
        try {
            int p9flags = P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_CREATE
                    | ((flags & O_EXCL) != 0 ? P9Flags.P9_DOTL_EXCL : 0) | ((flags & O_TRUNC) != 0 ? P9Flags.P9_DOTL_TRUNC : 0);
            Fid created = client.create(p.fid(), name, p9flags, mode & 07777);
            P9Attr attrs;
            try {
                attrs = found(p, name, entry);
            } catch (IOException | RuntimeException e) {
                OpenInode.closeQuietly(created);
                throw e;
            }
            Node n = nodes.get(entry.nodeId());
            OpenInode o;
            synchronized (n) {
                OpenInode shared = n.open;
                if (shared != null && shared.writable()) {
                    shared.refs++;
                    o = shared;
                    OpenInode.closeQuietly(created);
                    if ((flags & O_TRUNC) != 0) {
                        o.file().truncate(0);
                    }
                } else {
                    o = OpenInode.open(n, created, true, client, netfs, null, cacheKeyPrefix, settings.inflight(),
                            attrs);
                    n.open = o;
                }
            }
            out.fh(handles.add(new Handles.FileHandle(o, flags)));
            n.stamp = 0; // a new file: nothing of it is in the kernel's cache
            out.openFlags(out.openFlags() | (settings.directIo() ? FuseOpen.FOPEN_DIRECT_IO : 0));
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int read(FuseRequest req, long nodeid, long fh, long offset, int size, int flags, FuseDataReply reply) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null) {
            return -Errno.EBADF;
        }
        NetfsFile f = h.inode().file();
        FolioMapping m = f.inode().mapping();
        long len = Math.min(size, reply.capacity());
        try {
            f.read(offset, len, 0, (segment, inFolio, n) -> {
                // the engine holds the folio during this call: take a reference of the reply's own, so the
                // memory stays the file's until the writev is done (no copy into a reply buffer)
                long at = offset + reply.size();
                CachedFolio cf = m.get(at >>> folioShift);
                Folio folio = cf == null ? null : cf.memory();
                if (folio != null && folio.segment().address() == segment.address() && tryGet(folio)) {
                    reply.add(folio, inFolio, n);
                } else {
                    reply.copy(segment.asSlice(inFolio, n));
                }
            });
            return 0;
        } catch (IOException | RuntimeException e) {
            reply.clear();
            return -Errnos.of(e);
        }
    }

    private static boolean tryGet(Folio f) {
        try {
            f.get();
            return true;
        } catch (IllegalStateException freed) {
            return false;
        }
    }

    /**
     * @return bytes written (all of {@code data}), or a negative errno
     */
    @Override
    public int write(FuseRequest req, long nodeid, long fh, long offset, MemorySegment data, int writeFlags,
                     int flags) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null) {
            return -Errno.EBADF;
        }
        if (!h.inode().writable()) {
            return -Errno.EBADF;
        }
        try {
            return (int) h.inode().file().write(offset, data);
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    /**
     * SEEK_DATA and SEEK_HOLE over a file that is all data as far as 9P can tell (9P2000.L has no way to
     * ask for holes): data is anywhere before the end, the only hole is at the end.
     */
    @Override
    public long lseek(FuseRequest req, long nodeid, long fh, long offset, int whence) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null) {
            return -Errno.EBADF;
        }
        long size = h.inode().file().size();
        if (offset < 0 || offset >= size) {
            return -Errno.ENXIO;
        }
        return switch (whence) {
            case SEEK_DATA -> offset;
            case SEEK_HOLE -> size;
            default -> -Errno.EINVAL;
        };
    }

    /**
     * FALLOCATE of mode 0 ({@code posix_fallocate}): the file grows to cover the range, through the
     * engine (zeroes); punching holes and the other modes are not in 9P2000.L.
     */
    @Override
    public int fallocate(FuseRequest req, long nodeid, long fh, long offset, long length, int mode) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null || !h.inode().writable()) {
            return -Errno.EBADF;
        }
        if (mode != 0) {
            return -Errno.EOPNOTSUPP;
        }
        if (offset < 0 || length <= 0) {
            return -Errno.EINVAL;
        }
        try {
            NetfsFile f = h.inode().file();
            if (offset + length > f.size()) {
                f.truncate(offset + length);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int flush(FuseRequest req, long nodeid, long fh, long lockOwner) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null) {
            return -Errno.EBADF;
        }
        if (!h.inode().writable()) {
            return 0;
        }
        try {
            h.inode().file().flush();
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int fsync(FuseRequest req, long nodeid, long fh, boolean datasync) {
        Handles.FileHandle h = handles.file(fh);
        if (h == null) {
            return -Errno.EBADF;
        }
        try {
            if (h.inode().writable()) {
                h.inode().file().fsync();
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int release(FuseRequest req, long nodeid, long fh, int flags) {
        if (!(handles.remove(fh) instanceof Handles.FileHandle h)) {
            return -Errno.EBADF;
        }
        try {
            OpenInode o = h.inode();
            o.release();
            Node n = o.node();
            if (!settings.directIo() && o.writable()) {
                // the writeback moved the mtime: what the kernel cached is still this version
                n.stamp = stamp(client.getattr(n.fid()));
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    private static void releaseQuietly(OpenInode o) {
        try {
            o.release();
        } catch (IOException | RuntimeException e) {
            // the open failed: its own error is the one reported
        }
    }

    // ---- directories ----------------------------------------------------------------------------------

    @Override
    public int opendir(FuseRequest req, long nodeid, int flags, FuseOpen out) {
        Node n = nodes.get(nodeid);
        if (n == null) {
            return -Errno.ESTALE;
        }
        try {
            List<Dirent> entries = client.readdir(n.fid());
            out.fh(handles.add(new Handles.DirHandle(n, entries)));
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    @Override
    public int readdir(FuseRequest req, long nodeid, long fh, long offset, FuseDirFiller filler) {
        Handles.DirHandle d = handles.dir(fh);
        if (d == null) {
            return -Errno.EBADF;
        }
        List<Dirent> entries = d.entries();
        if (filler.plus()) {
            return readdirPlus(d, (int) Math.min(entries.size(), Math.max(0, offset)), filler);
        }
        for (long i = Math.max(0, offset); i < entries.size(); i++) {
            Dirent e = entries.get((int) i);
            if (!filler.add(e.name(), e.qid().path(), typeMode(e), i + 1)) {
                return 0;
            }
        }
        return 0;
    }

    /**
     * READDIRPLUS: the entries' lookups (Twalk, Tgetattr) go out {@value #LOOKAHEAD} at a time, in
     * parallel, instead of one round trip after the other; the entries the kernel's buffer did not take
     * give their lookup back at once.
     */
    private int readdirPlus(Handles.DirHandle d, int from, FuseDirFiller filler) {
        List<Dirent> entries = d.entries();
        int i = from;
        while (i < entries.size()) {
            int end = Math.min(entries.size(), i + LOOKAHEAD);
            List<Future<FuseEntry>> found = new ArrayList<>(end - i);
            for (int k = i; k < end; k++) {
                String name = entries.get(k).name();
                found.add(name.equals(".") || name.equals("..") ? null : lookups.submit(() -> lookupQuietly(d.dir(), name)));
            }
            for (int k = i; k < end; k++) {
                Dirent e = entries.get(k);
                FuseEntry fe;
                try {
                    fe = result(found.get(k - i));
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                    forgetFrom(found, k - i);
                    return -Errno.EINTR;
                }
                // an entry gone since the listing (or not readable) is listed without attributes: the kernel
                // looks it up if a program asks
                boolean taken = fe == null ? filler.add(e.name(), e.qid().path(), typeMode(e), k + 1L)
                        : filler.add(e.name(), fe, k + 1L);
                if (!taken) {
                    forgetFrom(found, k - i); // not sent: the lookups they counted are taken back
                    return 0;
                }
            }
            i = end;
        }
        return 0;
    }

    private FuseEntry lookupQuietly(Node dir, String name) {
        FuseEntry fe = new FuseEntry().reset(settings.entryTimeoutNanos(), settings.attrTimeoutNanos());
        try {
            found(dir, name, fe);
            return fe;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static FuseEntry result(Future<FuseEntry> f) throws InterruptedException {
        if (f == null) {
            return null;
        }
        try {
            return f.get();
        } catch (ExecutionException e) {
            return null;
        }
    }

    private void forgetFrom(List<Future<FuseEntry>> found, int from) {
        for (int j = from; j < found.size(); j++) {
            Future<FuseEntry> f = found.get(j);
            if (f == null) {
                continue;
            }
            try {
                FuseEntry fe = f.get();
                if (fe != null) {
                    forget(fe.nodeId(), 1);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                // the lookup still finishes on its own thread; its count is lost to a leak, not a crash
            } catch (ExecutionException e) {
                // nothing was counted
            }
        }
    }

    private static int typeMode(Dirent e) {
        int qt = e.qid().type();
        if ((qt & P9Flags.P9_QTDIR) != 0) {
            return FuseAttr.S_IFDIR;
        }
        if ((qt & P9Flags.P9_QTSYMLINK) != 0) {
            return FuseAttr.S_IFLNK;
        }
        return switch (e.type()) { // the server's d_type
            case 1 -> FuseAttr.S_IFIFO;
            case 2 -> FuseAttr.S_IFCHR;
            case 4 -> FuseAttr.S_IFDIR;
            case 6 -> FuseAttr.S_IFBLK;
            case 10 -> FuseAttr.S_IFLNK;
            case 12 -> FuseAttr.S_IFSOCK;
            default -> FuseAttr.S_IFREG;
        };
    }

    @Override
    public int releasedir(FuseRequest req, long nodeid, long fh, int flags) {
        return handles.remove(fh) instanceof Handles.DirHandle ? 0 : -Errno.EBADF;
    }

    @Override
    public int statfs(FuseRequest req, long nodeid, FuseStatfs out) {
        try {
            P9StatFs s = client.statfs(nodes.root().fid());
            int bsize = s.bsize() <= 0 ? 4096 : s.bsize();
            out.blocks(s.blocks(), s.bfree(), s.bavail()).files(s.files(), s.ffree())
                    .sizes(bsize, bsize, s.namelen() <= 0 ? 255 : (int) s.namelen());
            return 0;
        } catch (IOException | RuntimeException e) {
            return -Errnos.of(e);
        }
    }

    // ---- the end ------------------------------------------------------------------------------------------

    @Override
    public int fsyncdir(FuseRequest req, long nodeid, long fh, boolean datasync) {
        return 0; // the server's directory operations are its own to make durable (Tfsync is for files)
    }

    @Override
    public void destroy() {
        try {
            close();
        } catch (IOException e) {
            // DESTROY has no answer: the writeback failure was reported to flush/fsync/close already
        }
    }

    /**
     * The mount ends (DESTROY, or the session stops): writes back and closes every open file, clunks
     * every fid. Idempotent.
     *
     * @throws IOException the first writeback failure (every file is closed all the same)
     */
    public void close() throws IOException {
        IOException failure = null;
        for (Object h : handles.drain()) {
            if (h instanceof Handles.FileHandle f) {
                try {
                    f.inode().release();
                } catch (IOException e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
        }
        lookups.shutdown();
        for (Node n : nodes.drain()) {
            close(n);
        }
        if (failure != null) {
            throw failure;
        }
    }
}
