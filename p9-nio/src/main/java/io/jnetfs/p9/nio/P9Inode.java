package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.netfs.CachedFolio;
import io.jnetfs.netfs.FolioMapping;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.netfs.cachefiles.Coherency;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Exception;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.netfs.P9NetfsOps;
import java.io.IOException;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One remote file open through the engine, shared by every channel and stream of the file system that
 * has it open (the kernel's inode with its {@code netfs_inode}): one open fid with {@link P9NetfsOps}
 * filled in, one page cache, one disk cache file. So two channels on one file see each other's writes
 * at once, as two descriptors of a local file do; other clients see them after a flush (close, force).
 *
 * <p>The fid is opened read-write where the server allows it, even for a reader, so that a writer who
 * comes later shares the same page cache; where it does not (permissions, a read-only export), it is
 * opened read-only and a later writer gets an inode of its own.
 *
 * <p>Found by the server's identity of the file ({@code qid.path}) in the file system's table,
 * counted by its users; the last {@link #release()} writes back, waits for reads still in flight,
 * drops the page cache, clunks the fid and closes the cache file. Opening and releasing one qid are
 * serialized by a lock stripe of the table.
 */
final class P9Inode {
    private final Table table;
    private final long qidPath;
    private final Fid fid;
    private final boolean writable;
    private final NetfsFile file;
    private final CacheFile cache;
    /** Users; guarded by the table's stripe of {@link #qidPath}. */
    private int refs = 1;

    private P9Inode(Table table, long qidPath, Fid fid, boolean writable, NetfsFile file, CacheFile cache) {
        this.table = table;
        this.qidPath = qidPath;
        this.fid = fid;
        this.writable = writable;
        this.file = file;
        this.cache = cache;
    }

    /** {@return the engine's file} */
    NetfsFile file() {
        return file;
    }

    /** {@return whether the fid is open for writing} */
    boolean writable() {
        return writable;
    }

    /** {@return the server's identity of the file} */
    long qidPath() {
        return qidPath;
    }

    /**
     * Gives back one use; the last writes back and releases everything, whatever fails on the way.
     *
     * @throws IOException the writeback's failure (the data stays dirty in a page cache that is dropped:
     *     lost, as a local file's unwritten pages are when close reports EIO), or the clunk's
     */
    void release() throws IOException {
        synchronized (table.lock(qidPath)) {
            if (--refs > 0) {
                return;
            }
            table.inodes.remove(qidPath, this);
            closeNow();
        }
    }

    private void closeNow() throws IOException {
        IOException failure = null;
        try {
            // every Twrite acknowledged before the clunk below overtakes it (diod's workers would drop
            // it: data lost); NetfsFile.close waits for a background writeback too, this says it here
            file.flush();
        } catch (IOException e) {
            failure = e;
        }
        try {
            file.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            }
        }
        waitForIo(file.inode().mapping(), table.timeoutNanos);
        file.inode().mapping().invalidate(0);
        try {
            fid.close();
        } catch (IOException e) {
            if (failure == null) {
                failure = e;
            } else {
                failure.addSuppressed(e);
            }
        }
        if (cache != null) {
            cache.close();
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Waits (a bounded poll) until no folio is being read into or copied to the disk cache: a
     * readahead still in flight has a Tread out on the fid, and a disk-cache copy writes the cache file,
     * both of which are about to be closed.
     */
    private static void waitForIo(FolioMapping m, long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        for (CachedFolio f : m.range(0, Long.MAX_VALUE)) {
            while ((f.state() & (CachedFolio.LOCKED | CachedFolio.COPY_TO_CACHE)) != 0 && !f.detached()
                    && System.nanoTime() - deadline < 0) {
                try {
                    Thread.sleep(1);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public String toString() {
        return "P9Inode[qid.path=" + qidPath + ", " + fid + (writable ? ", rw" : ", ro") + "]";
    }

    /**
     * The open files of one file system by {@code qid.path}. Opening and releasing one file take the
     * lock of its stripe: a second opener waits for the first, a release's writeback finishes before the
     * file is opened again.
     */
    static final class Table {
        private static final int STRIPES = 64;

        final ConcurrentHashMap<Long, P9Inode> inodes = new ConcurrentHashMap<>();
        private final Object[] locks = new Object[STRIPES];
        private final P9FileSystem fs;
        final long timeoutNanos;
        /** Set once the server refused a read-write open with EROFS: readers then ask read-only at once. */
        private volatile boolean readOnlyExport;

        Table(P9FileSystem fs, long timeoutNanos) {
            this.fs = fs;
            this.timeoutNanos = timeoutNanos;
            for (int i = 0; i < STRIPES; i++) {
                locks[i] = new Object();
            }
        }

        Object lock(long qidPath) {
            return locks[(int) ((qidPath ^ qidPath >>> 32) & (STRIPES - 1))];
        }

        /**
         * The inode of the file {@code walked} names: a shared one, or a new one opened on {@code walked}.
         *
         * @param walked a walked (not open) fid of a regular file; this method closes it or keeps it
         * @param write whether the caller writes
         * @return the inode, with one use for the caller
         * @throws IOException the server's refusal (raw: the caller translates it for its path)
         */
        P9Inode acquire(Fid walked, boolean write) throws IOException {
            long key = walked.qid().path();
            synchronized (lock(key)) {
                P9Inode shared = inodes.get(key);
                if (shared != null && (shared.writable || !write)) {
                    shared.refs++;
                    Walker.closeQuietly(walked);
                    return shared;
                }
                boolean rw = openFid(walked, write, shared == null && !readOnlyExport);
                P9Inode i = open(key, walked, rw);
                if (shared == null || rw) {
                    inodes.put(key, i);
                }
                return i;
            }
        }

        /**
         * A new inode for a file this client just created: {@code created} is open read-write.
         *
         * @param created an open fid from Tlcreate; this method keeps it or closes it
         */
        P9Inode adoptCreated(Fid created) throws IOException {
            long key = created.qid().path();
            synchronized (lock(key)) {
                P9Inode i = open(key, created, true);
                inodes.put(key, i);
                return i;
            }
        }

        /**
         * Tlopen: read-write where the caller writes (a refusal is thrown: the page cache reads the rest
         * of a folio a write covers in part, so a writer needs read access too), else read-write where
         * {@code tryWrite} and the server allows it, else read-only.
         *
         * @return whether the fid is open for writing
         */
        private boolean openFid(Fid f, boolean write, boolean tryWrite) throws IOException {
            P9Client c = fs.client();
            try {
                if (write) {
                    c.lopen(f, P9Flags.P9_DOTL_RDWR);
                    return true;
                }
                if (tryWrite) {
                    try {
                        c.lopen(f, P9Flags.P9_DOTL_RDWR);
                        return true;
                    } catch (P9Exception e) {
                        if (e.errno() == Errno.EROFS) {
                            readOnlyExport = true;
                        }
                    }
                }
                c.lopen(f, P9Flags.P9_DOTL_RDONLY);
                return false;
            } catch (IOException | RuntimeException e) {
                Walker.closeQuietly(f);
                throw e;
            }
        }

        private P9Inode open(long key, Fid fid, boolean rw) throws IOException {
            CacheFile cf = null;
            try {
                P9Attr a = fs.client().getattr(fid);
                if (fs.cache() != null) {
                    cf = fs.cache().open(fs.serverId() + "#" + a.qid().path(), new Coherency(a.qid().version(),
                            a.mtimeSec() * 1_000_000_000L + a.mtimeNsec(), a.size()));
                }
                NetfsFile f = fs.netfs().open(new P9NetfsOps(fs.client(), fid, fs.inflight()), a.size(), cf);
                return new P9Inode(this, key, fid, rw, f, cf);
            } catch (IOException | RuntimeException e) {
                if (cf != null) {
                    cf.close();
                }
                Walker.closeQuietly(fid);
                throw e;
            }
        }

        /** Releases whatever is still open (the file system is closing); the first failure is thrown. */
        void closeAll() throws IOException {
            IOException failure = null;
            for (P9Inode i : inodes.values()) {
                synchronized (lock(i.qidPath)) {
                    if (inodes.remove(i.qidPath, i)) {
                        try {
                            i.closeNow();
                        } catch (IOException e) {
                            if (failure == null) {
                                failure = e;
                            } else {
                                failure.addSuppressed(e);
                            }
                        }
                    }
                }
            }
            if (failure != null) {
                throw failure;
            }
        }

        /** {@return the largest size an open writer of {@code qidPath} sees, or -1 where none is open} */
        long localSize(long qidPath) {
            P9Inode i = inodes.get(qidPath);
            return i != null && i.writable ? i.file.size() : -1;
        }

        /** {@return how many files are open} */
        int size() {
            return inodes.size();
        }
    }
}
