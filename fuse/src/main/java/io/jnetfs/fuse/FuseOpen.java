package io.jnetfs.fuse;

/**
 * The answer to OPEN, OPENDIR and CREATE ({@code struct fuse_open_out}): the file handle the kernel
 * passes back in every later call on the open file, and the {@code FOPEN_*} flags that tell the kernel
 * how to cache it.
 *
 * <p>A mutable out-parameter: handed to the handler reset (handle 0, flags the session's defaults,
 * such as {@link #FOPEN_DIRECT_IO} under {@code -o direct_io}), valid only during the call.
 */
public final class FuseOpen {
    /** {@code FOPEN_DIRECT_IO}: bypass the kernel's page cache; every read and write reaches the filesystem. */
    public static final int FOPEN_DIRECT_IO = 1;
    /** {@code FOPEN_KEEP_CACHE}: keep the kernel's cached data of this file from before this open. */
    public static final int FOPEN_KEEP_CACHE = 1 << 1;
    /** {@code FOPEN_NONSEEKABLE}: the file is not seekable. */
    public static final int FOPEN_NONSEEKABLE = 1 << 2;
    /** {@code FOPEN_CACHE_DIR}: let the kernel cache this directory's entries. */
    public static final int FOPEN_CACHE_DIR = 1 << 3;
    /** {@code FOPEN_STREAM}: a stream: no file position at all. */
    public static final int FOPEN_STREAM = 1 << 4;
    /** {@code FOPEN_NOFLUSH}: do not send FLUSH on close. */
    public static final int FOPEN_NOFLUSH = 1 << 5;
    /** {@code FOPEN_PARALLEL_DIRECT_WRITES}: direct writes to this file may run in parallel. */
    public static final int FOPEN_PARALLEL_DIRECT_WRITES = 1 << 6;

    private long fh;
    private int openFlags;

    /** Makes an empty answer (the dispatcher makes one per worker thread and reuses it). */
    public FuseOpen() {
    }

    /**
     * Sets the handle to 0 and the flags to the session's defaults.
     *
     * @param defaultFlags the {@code FOPEN_*} flags a handler that sets none gets
     * @return this
     */
    public FuseOpen reset(int defaultFlags) {
        fh = 0;
        openFlags = defaultFlags;
        return this;
    }

    /** @return the file handle */
    public long fh() {
        return fh;
    }

    /**
     * @param fh any value the filesystem chooses; it comes back in read, write, release...
     * @return this
     */
    public FuseOpen fh(long fh) {
        this.fh = fh;
        return this;
    }

    /** @return the {@code FOPEN_*} flags */
    public int openFlags() {
        return openFlags;
    }

    /**
     * @param openFlags {@code FOPEN_*} flags (replacing the defaults)
     * @return this
     */
    public FuseOpen openFlags(int openFlags) {
        this.openFlags = openFlags;
        return this;
    }
}
