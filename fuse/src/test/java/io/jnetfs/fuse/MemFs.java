package io.jnetfs.fuse;

import io.jnetfs.ffm.Errno;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A small in-memory filesystem for the tests: directories, regular files, symlinks, fifos, hard links,
 * lookup counts kept as the kernel's contract says. One lock; simple on purpose.
 */
class MemFs implements FuseFilesystem {
    static final class Node {
        final long id;
        int mode;
        int uid;
        int gid;
        int nlink;
        long atime;
        long mtime;
        long ctime;
        byte[] data = new byte[0];
        long size;
        String target;
        final TreeMap<String, Long> children = new TreeMap<>();
        long lookups;

        Node(long id, int mode) {
            this.id = id;
            this.mode = mode;
            long now = System.currentTimeMillis() / 1000;
            atime = mtime = ctime = now;
            nlink = (mode & FuseAttr.S_IFMT) == FuseAttr.S_IFDIR ? 2 : 1;
        }

        boolean isDir() {
            return (mode & FuseAttr.S_IFMT) == FuseAttr.S_IFDIR;
        }
    }

    final Map<Long, Node> nodes = new HashMap<>();
    private final AtomicLong nextId = new AtomicLong(FuseFilesystem.ROOT_ID + 1);
    final AtomicLong forgets = new AtomicLong();
    volatile boolean destroyed;
    volatile FuseConnInfo conn;
    /** When set, READ of a file named "slow" blocks until interrupted (or 20 s). */
    final CountDownLatch slowReadStarted = new CountDownLatch(1);
    final AtomicLong slowReadsInterrupted = new AtomicLong();

    MemFs() {
        Node root = new Node(FuseFilesystem.ROOT_ID, FuseAttr.S_IFDIR | 0777);
        root.lookups = 1;
        nodes.put(root.id, root);
    }

    synchronized Node node(long id) {
        return nodes.get(id);
    }

    /** The data of the file at a path from the root, for checks. */
    synchronized byte[] contents(String path) {
        Node n = nodes.get(FuseFilesystem.ROOT_ID);
        for (String p : path.split("/")) {
            if (!p.isEmpty()) {
                n = nodes.get(n.children.get(p));
            }
        }
        return Arrays.copyOf(n.data, (int) n.size);
    }

    private static void fill(Node n, FuseAttr a) {
        a.ino(n.id).mode(n.mode).nlink(n.nlink).uid(n.uid).gid(n.gid).size(n.isDir() ? 4096 : n.size)
                .blocks((n.size + 511) / 512).atime(n.atime, 0).mtime(n.mtime, 0).ctime(n.ctime, 0).blksize(4096);
    }

    private void entry(Node n, FuseEntry e) {
        n.lookups++;
        e.nodeId(n.id).generation(1);
        fill(n, e.attr());
    }

    @Override
    public void init(FuseConnInfo conn) {
        this.conn = conn;
    }

    @Override
    public void destroy() {
        destroyed = true;
    }

    @Override
    public synchronized int lookup(FuseRequest req, long parent, String name, FuseEntry out) {
        Node p = nodes.get(parent);
        if (p == null || !p.isDir()) {
            return -Errno.ENOTDIR;
        }
        Long id = p.children.get(name);
        if (id == null) {
            return -Errno.ENOENT;
        }
        entry(nodes.get(id), out);
        return 0;
    }

    @Override
    public synchronized void forget(long nodeId, long nlookup) {
        forgets.incrementAndGet();
        Node n = nodes.get(nodeId);
        if (n != null) {
            n.lookups -= nlookup;
            if (n.lookups <= 0 && n.nlink == 0) {
                nodes.remove(nodeId);
            }
        }
    }

    @Override
    public synchronized int getattr(FuseRequest req, long nodeId, long fh, FuseAttr out) {
        Node n = nodes.get(nodeId);
        if (n == null) {
            return -Errno.ENOENT;
        }
        fill(n, out);
        return 0;
    }

    @Override
    public synchronized int setattr(FuseRequest req, long nodeId, FuseSetattr in, FuseAttr out) {
        Node n = nodes.get(nodeId);
        if (n == null) {
            return -Errno.ENOENT;
        }
        long now = System.currentTimeMillis() / 1000;
        if (in.has(FuseSetattr.FATTR_MODE)) {
            n.mode = (n.mode & FuseAttr.S_IFMT) | (in.mode() & 07777);
        }
        if (in.has(FuseSetattr.FATTR_UID)) {
            n.uid = in.uid();
        }
        if (in.has(FuseSetattr.FATTR_GID)) {
            n.gid = in.gid();
        }
        if (in.has(FuseSetattr.FATTR_SIZE)) {
            truncate(n, in.size());
            n.mtime = now;
        }
        if (in.has(FuseSetattr.FATTR_ATIME)) {
            n.atime = in.has(FuseSetattr.FATTR_ATIME_NOW) ? now : in.atime();
        }
        if (in.has(FuseSetattr.FATTR_MTIME)) {
            n.mtime = in.has(FuseSetattr.FATTR_MTIME_NOW) ? now : in.mtime();
        }
        n.ctime = now;
        fill(n, out);
        return 0;
    }

    private static void truncate(Node n, long size) {
        if (size > n.data.length) {
            n.data = Arrays.copyOf(n.data, (int) Math.max(size, n.data.length * 2L));
        } else if (size < n.size) {
            Arrays.fill(n.data, (int) size, (int) n.size, (byte) 0);
        }
        n.size = size;
    }

    @Override
    public synchronized int readlink(FuseRequest req, long nodeId, FuseDataReply out) {
        Node n = nodes.get(nodeId);
        if (n == null || n.target == null) {
            return -Errno.EINVAL;
        }
        byte[] b = n.target.getBytes(StandardCharsets.UTF_8);
        out.copy(b, 0, b.length);
        return 0;
    }

    private int make(FuseRequest req, long parent, String name, int mode, FuseEntry out, String target) {
        Node p = nodes.get(parent);
        if (p == null || !p.isDir()) {
            return -Errno.ENOTDIR;
        }
        if (p.children.containsKey(name)) {
            return -Errno.EEXIST;
        }
        Node n = new Node(nextId.getAndIncrement(), mode);
        n.uid = req.uid();
        n.gid = req.gid();
        n.target = target;
        if (target != null) {
            n.size = target.length();
        }
        nodes.put(n.id, n);
        p.children.put(name, n.id);
        if (n.isDir()) {
            p.nlink++;
        }
        entry(n, out);
        return 0;
    }

    @Override
    public synchronized int mknod(FuseRequest req, long parent, String name, int mode, int rdev, int umask, FuseEntry out) {
        int type = mode & FuseAttr.S_IFMT;
        if (type != FuseAttr.S_IFREG && type != FuseAttr.S_IFIFO) {
            return -Errno.EPERM;
        }
        return make(req, parent, name, mode, out, null);
    }

    @Override
    public synchronized int mkdir(FuseRequest req, long parent, String name, int mode, int umask, FuseEntry out) {
        return make(req, parent, name, FuseAttr.S_IFDIR | (mode & 07777), out, null);
    }

    @Override
    public synchronized int symlink(FuseRequest req, long parent, String name, String target, FuseEntry out) {
        return make(req, parent, name, FuseAttr.S_IFLNK | 0777, out, target);
    }

    @Override
    public synchronized int create(FuseRequest req, long parent, String name, int mode, int umask, int flags,
            FuseEntry entry, FuseOpen open) {
        int r = make(req, parent, name, FuseAttr.S_IFREG | (mode & 07777), entry, null);
        if (r == 0) {
            open.fh(entry.nodeId());
        }
        return r;
    }

    private int remove(long parent, String name, boolean dir) {
        Node p = nodes.get(parent);
        Long id = p == null ? null : p.children.get(name);
        if (id == null) {
            return -Errno.ENOENT;
        }
        Node n = nodes.get(id);
        if (dir != n.isDir()) {
            return dir ? -Errno.ENOTDIR : -Errno.EISDIR;
        }
        if (dir && !n.children.isEmpty()) {
            return -Errno.ENOTEMPTY;
        }
        p.children.remove(name);
        n.nlink = dir ? 0 : n.nlink - 1;
        if (dir) {
            p.nlink--;
        }
        if (n.nlink == 0 && n.lookups <= 0) {
            nodes.remove(id);
        }
        return 0;
    }

    @Override
    public synchronized int unlink(FuseRequest req, long parent, String name) {
        return remove(parent, name, false);
    }

    @Override
    public synchronized int rmdir(FuseRequest req, long parent, String name) {
        return remove(parent, name, true);
    }

    @Override
    public synchronized int rename(FuseRequest req, long parent, String name, long newParent, String newName, int flags) {
        if ((flags & ~FuseFilesystem.RENAME_NOREPLACE) != 0) {
            return -Errno.EINVAL;
        }
        Node p = nodes.get(parent);
        Node np = nodes.get(newParent);
        Long id = p.children.get(name);
        if (id == null) {
            return -Errno.ENOENT;
        }
        Long existing = np.children.get(newName);
        if (existing != null) {
            if ((flags & FuseFilesystem.RENAME_NOREPLACE) != 0) {
                return -Errno.EEXIST;
            }
            Node e = nodes.get(existing);
            if (e.isDir() && !e.children.isEmpty()) {
                return -Errno.ENOTEMPTY;
            }
            e.nlink = e.isDir() ? 0 : e.nlink - 1;
        }
        p.children.remove(name);
        np.children.put(newName, id);
        return 0;
    }

    @Override
    public synchronized int link(FuseRequest req, long nodeId, long newParent, String newName, FuseEntry out) {
        Node n = nodes.get(nodeId);
        Node np = nodes.get(newParent);
        if (np.children.containsKey(newName)) {
            return -Errno.EEXIST;
        }
        np.children.put(newName, nodeId);
        n.nlink++;
        entry(n, out);
        return 0;
    }

    @Override
    public synchronized int open(FuseRequest req, long nodeId, int flags, FuseOpen out) {
        Node n = nodes.get(nodeId);
        if (n == null) {
            return -Errno.ENOENT;
        }
        if ((flags & 01000) != 0) { // O_TRUNC (FUSE_ATOMIC_O_TRUNC)
            truncate(n, 0);
        }
        out.fh(nodeId);
        if (isSlow(nodeId)) {
            // direct I/O: the READ is a synchronous request the kernel interrupts on a signal
            out.openFlags(FuseOpen.FOPEN_DIRECT_IO);
        }
        return 0;
    }

    @Override
    public int read(FuseRequest req, long nodeId, long fh, long offset, int size, int flags, FuseDataReply out) {
        Node n;
        synchronized (this) {
            n = nodes.get(nodeId);
            if (n == null) {
                return -Errno.ENOENT;
            }
        }
        if (n.target == null && isSlow(nodeId)) {
            return slowRead(req);
        }
        synchronized (this) {
            if (offset >= n.size) {
                return 0;
            }
            int len = (int) Math.min(size, n.size - offset);
            out.copy(n.data, (int) offset, len);
            return 0;
        }
    }

    private synchronized boolean isSlow(long nodeId) {
        Long id = nodes.get(FuseFilesystem.ROOT_ID).children.get("slow");
        return id != null && id == nodeId;
    }

    private int slowRead(FuseRequest req) {
        CountDownLatch interrupted = new CountDownLatch(1);
        req.onInterrupt(interrupted::countDown);
        slowReadStarted.countDown();
        try {
            if (interrupted.await(20, java.util.concurrent.TimeUnit.SECONDS)) {
                slowReadsInterrupted.incrementAndGet();
                return -Errno.EINTR;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -Errno.EIO;
    }

    @Override
    public synchronized int write(FuseRequest req, long nodeId, long fh, long offset, MemorySegment data, int writeFlags,
            int flags) {
        Node n = nodes.get(nodeId);
        if (n == null) {
            return -Errno.ENOENT;
        }
        int len = (int) data.byteSize();
        long end = offset + len;
        if (end > n.data.length) {
            n.data = Arrays.copyOf(n.data, (int) Math.max(end, n.data.length * 2L));
        }
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, 0, n.data, (int) offset, len);
        n.size = Math.max(n.size, end);
        n.mtime = System.currentTimeMillis() / 1000;
        return len;
    }

    @Override
    public synchronized int statfs(FuseRequest req, long nodeId, FuseStatfs out) {
        out.blocks(1 << 20, 1 << 19, 1 << 19).files(1 << 20, (1 << 20) - nodes.size());
        return 0;
    }

    @Override
    public int flush(FuseRequest req, long nodeId, long fh, long lockOwner) {
        return 0;
    }

    @Override
    public int fsync(FuseRequest req, long nodeId, long fh, boolean datasync) {
        return 0;
    }

    @Override
    public synchronized int readdir(FuseRequest req, long nodeId, long fh, long offset, FuseDirFiller out) {
        Node d = nodes.get(nodeId);
        if (d == null || !d.isDir()) {
            return -Errno.ENOTDIR;
        }
        List<Map.Entry<String, Long>> all = new ArrayList<>();
        all.add(Map.entry(".", d.id));
        all.add(Map.entry("..", d.id));
        all.addAll(d.children.entrySet());
        for (int i = (int) offset; i < all.size(); i++) {
            Map.Entry<String, Long> e = all.get(i);
            Node n = nodes.get(e.getValue());
            boolean ok;
            if (out.plus() && i >= 2) {
                FuseEntry fe = out.entry();
                fe.nodeId(n.id).generation(1);
                fill(n, fe.attr());
                ok = out.add(e.getKey(), fe, i + 1);
                if (ok) {
                    n.lookups++;
                }
            } else {
                ok = out.add(e.getKey(), n.id, n.mode, i + 1);
            }
            if (!ok) {
                break;
            }
        }
        return 0;
    }

    @Override
    public synchronized long lseek(FuseRequest req, long nodeId, long fh, long offset, int whence) {
        Node n = nodes.get(nodeId);
        if (offset >= n.size) {
            return -Errno.ENXIO;
        }
        return whence == FuseFilesystem.SEEK_DATA ? offset : n.size;
    }
}
