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
    private volatile long remoteSize;
    private volatile long zeroPoint;

    NetfsInode(Netfs netfs, NetfsRequestOps ops, long remoteSize, NetfsCache cache) {
        if (remoteSize < 0) {
            throw new IllegalArgumentException("invalid remoteSize=" + remoteSize);
        }
        this.netfs = netfs;
        this.ops = ops;
        this.mapping = netfs.pageCache.newMapping(netfs.config.folioSize());
        this.cache = cache;
        this.remoteSize = remoteSize;
        this.zeroPoint = remoteSize;
    }

    /** @return the file's size on the server, as last known */
    public long remoteSize() {
        return remoteSize;
    }

    /** @return the zero point: reads at or past it are zeroes without asking the server */
    public long zeroPoint() {
        return zeroPoint;
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
    public void updateRemoteSize(long size) {
        long old = remoteSize;
        remoteSize = size;
        zeroPoint = size;
        if (size < old) {
            mapping.invalidate(size >>> mapping.folioShift);
        }
    }

    /** Sets the zero point (writes past the old end move it). */
    void zeroPoint(long zp) {
        zeroPoint = zp;
    }

    IOException readError(NetfsIoRequest rreq, long pos, long len) {
        return Errors.ioException("read(" + rreq.origin + ", pos=" + pos + ", len=" + len + ")", -rreq.error);
    }

    IOException folioError(long pos, int error) {
        return Errors.ioException("read(pos=" + pos + ")", error == 0 ? Errno.EIO : -error);
    }
}
