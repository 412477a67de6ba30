package io.jnetfs.p9.server;

import io.jnetfs.ffm.Native;

/**
 * What a client's fid names on this server: a file of the export (an {@code O_PATH} descriptor,
 * resolved beneath the root, and after Tlopen/Tlcreate an opened descriptor) or a node of the
 * synthetic {@code ctl} export.
 *
 * <p>References: the fid table holds one; a request that uses the fid takes another for its duration,
 * so a Tclunk racing a Tread on another worker cannot close the descriptor under the read. The last
 * {@link #put()} closes the descriptors.
 */
final class ServerFid {
    /** Which export the fid belongs to. */
    final ExportOps export;
    /** The {@code O_PATH} descriptor (or a dup of the opened one after Tlcreate); -1 for ctl nodes. */
    final int pathFd;
    /**
     * The path from the root, names joined by '/' ("" for the root): how ".." and Tremove find the
     * parent. Walks keep it; it goes stale if a directory above is renamed, which only ".." and Tremove
     * notice (they then fail or act inside the root, never outside).
     */
    final String relPath;
    /** The qid type ({@code P9_QT*}). */
    final int qidType;
    /** The qid path: {@code st_ino}, or the ctl node number. */
    final long qidPath;
    /** For ctl: which node ({@link CtlExport#ROOT}, {@link CtlExport#ZERO}, {@link CtlExport#NULL}). */
    final int node;

    /** The opened descriptor after Tlopen/Tlcreate, else -1. Written once, under this fid's lock. */
    private volatile int ioFd = -1;
    /** The Linux open flags it was opened with, and {@link #OPENED}. */
    private volatile int openFlags;
    private int refs = 1;
    /** Set once a splice from this file failed with {@code EINVAL}: its Treads take the copying path. */
    volatile boolean noSplice;

    ServerFid(ExportOps export, int pathFd, String relPath, int qidType, long qidPath, int node) {
        this.export = export;
        this.pathFd = pathFd;
        this.relPath = relPath;
        this.qidType = qidType;
        this.qidPath = qidPath;
        this.node = node;
    }

    /** {@return the opened descriptor, or -1 before Tlopen/Tlcreate} */
    int ioFd() {
        return ioFd;
    }

    /** {@return the Linux {@code O_*} flags it was opened with} */
    int openFlags() {
        return openFlags & ~OPENED;
    }

    /** {@return whether Tlopen/Tlcreate opened it} */
    boolean isOpen() {
        return (openFlags & OPENED) != 0;
    }

    /**
     * Records the descriptor Tlopen/Tlcreate opened (ctl nodes: {@code fd} is -1 and only the flags
     * are kept).
     *
     * @return false if it was already open (the caller then closes {@code fd})
     */
    synchronized boolean setOpen(int fd, int flags) {
        if (isOpen()) {
            return false;
        }
        ioFd = fd;
        openFlags = flags | OPENED; // volatile write after ioFd: whoever sees OPENED sees the descriptor
        return true;
    }

    /** A bit of {@link #openFlags} outside every {@code O_*} flag: set once the fid is opened. */
    static final int OPENED = 1 << 31;

    /** {@return whether the qid says directory} */
    boolean isDirectory() {
        return (qidType & io.jnetfs.p9.P9Flags.P9_QTDIR) != 0;
    }

    /** Takes a reference for the duration of a request. */
    synchronized ServerFid get() {
        refs++;
        return this;
    }

    /** Puts a reference; the last one closes the descriptors. */
    void put() {
        int fd;
        int io;
        synchronized (this) {
            if (--refs > 0) {
                return;
            }
            if (refs < 0) {
                throw new IllegalStateException("fid put more often than got");
            }
            fd = pathFd;
            io = ioFd;
        }
        if (io >= 0) {
            Native.close(io);
        }
        if (fd >= 0) {
            Native.close(fd);
        }
    }
}
