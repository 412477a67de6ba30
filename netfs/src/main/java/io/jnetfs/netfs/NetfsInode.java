package io.jnetfs.netfs;

import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Errno;
import java.io.IOException;

/**
 * The engine's per-file context (the kernel's {@code struct netfs_inode}): the filesystem's operations,
 * the size on the server ({@code remote_i_size}), the zero point (past which the server holds nothing
 * and reads are zero-filled), the file's page cache and its disk cache.
 */
public final class NetfsInode {
    final Netfs netfs;
    final NetfsRequestOps ops;
    final FolioMapping mapping;
    final NetfsCache cache;
    private volatile long size;
    private volatile long remoteSize;
    private volatile long zeroPoint;
    /** Writeback requests started and not yet waited for. */
    final java.util.concurrent.ConcurrentLinkedQueue<NetfsIoRequest> writesInFlight =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    /** The first writeback error not yet reported to write/flush/fsync/close ({@code -errno}), or 0. */
    volatile int wbError;
    /**
     * Writes made through this file and writebacks completed (a racy count, for the filesystem's
     * coherency: a change of the server's attributes after one of these may be this client's own).
     */
    volatile long localWrites;

    /** @return the filesystem's request ops for this file */
    public NetfsRequestOps ops() {
        return ops;
    }

    NetfsInode(Netfs netfs, NetfsRequestOps ops, long remoteSize, NetfsCache cache) {
        if (remoteSize < 0) {
            throw new IllegalArgumentException("invalid remoteSize=" + remoteSize);
        }
        this.netfs = netfs;
        this.ops = ops;
        this.mapping = netfs.pageCache.newMapping(netfs.config.folioSize());
        this.mapping.inode = this;
        this.cache = cache;
        this.size = remoteSize;
        this.remoteSize = remoteSize;
        this.zeroPoint = remoteSize;
    }

    /** @return the file's size as this client sees it ({@code i_size}): the server's plus local writes */
    public long size() {
        return size;
    }

    /** Extends the local size after a write past the end. */
    synchronized void extendSize(long end) {
        if (end > size) {
            size = end;
        }
    }

    /**
     * The server acknowledged data up to {@code end}: its size and the zero point follow. The zero
     * point must: a folio written back past the old one and then evicted is read again from the server,
     * not made of zeroes (the kernel moves {@code zero_point} when it releases such a folio).
     */
    synchronized void serverHas(long end) {
        if (end > remoteSize) {
            remoteSize = end;
        }
        if (end > zeroPoint) {
            zeroPoint = end;
        }
    }

    /** Sets the local size (truncate) and everything that follows from it. */
    synchronized void setSize(long newSize) {
        size = newSize;
        remoteSize = newSize;
        if (zeroPoint > newSize) {
            zeroPoint = newSize;
        }
    }

    /** @return the file's size on the server, as last known */
    public long remoteSize() {
        return remoteSize;
    }

    /** @return the zero point: reads at or past it are zeroes without asking the server */
    public long zeroPoint() {
        return zeroPoint;
    }

    /** @return how many writes this client made to the file (the filesystem compares it between checks) */
    public long localWrites() {
        return localWrites;
    }

    /** @return the file's page cache */
    public FolioMapping mapping() {
        return mapping;
    }

    /** @return the file's disk cache, or {@code null} */
    public NetfsCache cache() {
        return cache;
    }

    /** @return the engine */
    public Netfs netfs() {
        return netfs;
    }

    /**
     * The server's size changed (a getattr saw it, or this client truncated or extended the file).
     *
     * @param size the new size
     */
    public synchronized void updateRemoteSize(long size) {
        long old = this.size;
        this.remoteSize = size;
        this.zeroPoint = size;
        this.size = Math.max(size, mapping.hasDirty() ? this.size : size);
        if (size < old) {
            mapping.invalidate(size >>> mapping.folioShift);
        }
    }

    private boolean cacheOffCounted;

    /** Counts, once per file, a disk cache that switched itself off (whoever noticed the failure). */
    synchronized void noteCacheState() {
        if (cache != null && !cacheOffCounted && !cache.enabled()) {
            cacheOffCounted = true;
            netfs.stats.cacheDisabled.increment();
        }
    }

    /** Sets the zero point (writes past the old end move it). */
    void zeroPoint(long zp) {
        zeroPoint = zp;
    }

    IOException readError(NetfsIoRequest rreq, long pos, long len) {
        return Errors.ioException("read(" + rreq.origin + ", pos=" + pos + ", len=" + len + ")", -rreq.error);
    }

    /**
     * The error a failed writeback is reported with: the upload's own errno (ECONNRESET, EIO...), so a
     * caller maps a lost connection as one.
     */
    IOException writebackError(String call, int error) {
        return Errors.ioException(call + "(): writeback", -error);
    }

    IOException folioError(long pos, int error) {
        return Errors.ioException("read(pos=" + pos + ")", error == 0 ? Errno.EIO : -error);
    }
}
