package io.jnetfs.fuse;

/**
 * What INIT negotiated with the kernel, shown to {@link FuseFilesystem#init(FuseConnInfo)}: the protocol
 * version both sides speak, what the kernel offered ({@link #kernelFlags()}) and what the session asks
 * for ({@link #wantFlags()}), which the filesystem may narrow with {@link #disable(long)}.
 *
 * <p>The flag bits are the kernel's {@code FUSE_*} INIT flags (the upper 32 bits are
 * {@code fuse_init_in.flags2}); the most useful are named here.
 */
public final class FuseConnInfo {
    /** {@code FUSE_ASYNC_READ}: the kernel may send several READs of one file at once. */
    public static final long FUSE_ASYNC_READ = 1L;
    /** {@code FUSE_ATOMIC_O_TRUNC}: OPEN carries {@code O_TRUNC} instead of a SETATTR before it. */
    public static final long FUSE_ATOMIC_O_TRUNC = 1L << 3;
    /** {@code FUSE_EXPORT_SUPPORT}: the filesystem answers LOOKUP of "." and "..". */
    public static final long FUSE_EXPORT_SUPPORT = 1L << 4;
    /** {@code FUSE_BIG_WRITES}: WRITEs larger than a page. */
    public static final long FUSE_BIG_WRITES = 1L << 5;
    /** {@code FUSE_DONT_MASK}: the kernel does not apply the umask; the filesystem gets it. */
    public static final long FUSE_DONT_MASK = 1L << 6;
    /** {@code FUSE_AUTO_INVAL_DATA}: the kernel drops cached data when the mtime or size changes. */
    public static final long FUSE_AUTO_INVAL_DATA = 1L << 12;
    /** {@code FUSE_DO_READDIRPLUS}: READDIRPLUS instead of READDIR plus LOOKUPs. */
    public static final long FUSE_DO_READDIRPLUS = 1L << 13;
    /** {@code FUSE_READDIRPLUS_AUTO}: the kernel chooses between READDIR and READDIRPLUS. */
    public static final long FUSE_READDIRPLUS_AUTO = 1L << 14;
    /** {@code FUSE_ASYNC_DIO}: direct I/O requests of one call are sent at once. */
    public static final long FUSE_ASYNC_DIO = 1L << 15;
    /** {@code FUSE_WRITEBACK_CACHE}: buffered writes are cached by the kernel and written back later. */
    public static final long FUSE_WRITEBACK_CACHE = 1L << 16;
    /** {@code FUSE_PARALLEL_DIROPS}: lookups and readdirs of one directory may run in parallel. */
    public static final long FUSE_PARALLEL_DIROPS = 1L << 18;
    /** {@code FUSE_HANDLE_KILLPRIV}: the filesystem clears set-id bits on write, chown and truncate. */
    public static final long FUSE_HANDLE_KILLPRIV = 1L << 19;
    /** {@code FUSE_MAX_PAGES}: {@code fuse_init_out.max_pages} is honoured (requests above 128 KiB). */
    public static final long FUSE_MAX_PAGES = 1L << 22;
    /** {@code FUSE_CACHE_SYMLINKS}: the kernel caches READLINK answers. */
    public static final long FUSE_CACHE_SYMLINKS = 1L << 23;
    /** {@code FUSE_NO_OPENDIR_SUPPORT}: the kernel accepts ENOSYS to OPENDIR as "no opendir needed". */
    public static final long FUSE_NO_OPENDIR_SUPPORT = 1L << 24;
    /** {@code FUSE_INIT_EXT}: {@code flags2} is used. */
    public static final long FUSE_INIT_EXT = 1L << 30;

    final int major;
    final int minor;
    final long kernelFlags;
    final int kernelMaxReadahead;
    long wantFlags;
    int maxWrite;
    int maxReadahead;
    int maxPages;

    FuseConnInfo(int major, int minor, long kernelFlags, int kernelMaxReadahead, long wantFlags, int maxWrite,
            int maxReadahead, int maxPages) {
        this.major = major;
        this.minor = minor;
        this.kernelFlags = kernelFlags;
        this.kernelMaxReadahead = kernelMaxReadahead;
        this.wantFlags = wantFlags;
        this.maxWrite = maxWrite;
        this.maxReadahead = maxReadahead;
        this.maxPages = maxPages;
    }

    /** @return the protocol major version both sides speak (7) */
    public int protoMajor() {
        return major;
    }

    /** @return the protocol minor version both sides speak: the smaller of the kernel's and ours */
    public int protoMinor() {
        return minor;
    }

    /** @return the INIT flags the kernel offered */
    public long kernelFlags() {
        return kernelFlags;
    }

    /** @return the INIT flags the session will answer with (only bits the kernel offered) */
    public long wantFlags() {
        return wantFlags;
    }

    /**
     * @param flag one {@code FUSE_*} INIT flag
     * @return whether both the kernel offers it and the session asks for it
     */
    public boolean enabled(long flag) {
        return (wantFlags & flag) == flag;
    }

    /**
     * Does without capabilities the session would otherwise ask for.
     *
     * @param flags {@code FUSE_*} INIT flags
     * @return this
     */
    public FuseConnInfo disable(long flags) {
        wantFlags &= ~flags;
        return this;
    }

    /** @return the largest WRITE payload the kernel will send */
    public int maxWrite() {
        return maxWrite;
    }

    /** @return the most bytes the kernel reads ahead */
    public int maxReadahead() {
        return maxReadahead;
    }

    /** @return the most pages of one READ or WRITE request ({@code max_pages}) */
    public int maxPages() {
        return maxPages;
    }

    @Override
    public String toString() {
        return "FuseConnInfo[proto=" + major + "." + minor + ", kernelFlags=0x" + Long.toHexString(kernelFlags)
                + ", wantFlags=0x" + Long.toHexString(wantFlags) + ", maxWrite=" + maxWrite + ", maxReadahead="
                + maxReadahead + ", maxPages=" + maxPages + "]";
    }
}
