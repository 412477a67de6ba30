package io.jnetfs.fuse;

/**
 * The attributes of a node, as the kernel's {@code struct fuse_attr} carries them, plus how long the
 * kernel may cache them ({@code attr_valid}).
 *
 * <p>A mutable out-parameter: the dispatcher hands a handler one instance, already {@linkplain #reset
 * reset} (every field zero, the timeout the session's default), and encodes it into the reply after the
 * handler returns. Valid only during the call; do not keep it. Setters return {@code this} so a handler
 * can write {@code attr.ino(n).mode(S_IFREG | 0644).size(len).nlink(1)}.
 *
 * <p>Times are seconds since the epoch plus nanoseconds ({@code atime}, {@code atimensec}); {@code mode}
 * includes the file type bits ({@link #S_IFREG}, {@link #S_IFDIR}...).
 */
public final class FuseAttr {
    /** {@code S_IFMT}: the file type bits of a mode. */
    public static final int S_IFMT = 0170000;
    /** {@code S_IFSOCK}. */
    public static final int S_IFSOCK = 0140000;
    /** {@code S_IFLNK}. */
    public static final int S_IFLNK = 0120000;
    /** {@code S_IFREG}. */
    public static final int S_IFREG = 0100000;
    /** {@code S_IFBLK}. */
    public static final int S_IFBLK = 0060000;
    /** {@code S_IFDIR}. */
    public static final int S_IFDIR = 0040000;
    /** {@code S_IFCHR}. */
    public static final int S_IFCHR = 0020000;
    /** {@code S_IFIFO}. */
    public static final int S_IFIFO = 0010000;

    private long ino;
    private long size;
    private long blocks;
    private long atime;
    private long mtime;
    private long ctime;
    private int atimensec;
    private int mtimensec;
    private int ctimensec;
    private int mode;
    private int nlink;
    private int uid;
    private int gid;
    private int rdev;
    private int blksize;
    private long attrTimeoutNanos;

    /** Makes an empty attribute set (the dispatcher makes one per worker thread and reuses it). */
    public FuseAttr() {
    }

    /**
     * Zeroes every field and sets the attribute timeout.
     *
     * @param attrTimeoutNanos the timeout a handler that does not set one gets
     * @return this
     */
    public FuseAttr reset(long attrTimeoutNanos) {
        ino = size = blocks = atime = mtime = ctime = 0;
        atimensec = mtimensec = ctimensec = mode = nlink = uid = gid = rdev = blksize = 0;
        this.attrTimeoutNanos = attrTimeoutNanos;
        return this;
    }

    /**
     * Copies every field of {@code other}, its timeout too.
     *
     * @param other the attributes to copy
     * @return this
     */
    public FuseAttr set(FuseAttr other) {
        ino = other.ino;
        size = other.size;
        blocks = other.blocks;
        atime = other.atime;
        mtime = other.mtime;
        ctime = other.ctime;
        atimensec = other.atimensec;
        mtimensec = other.mtimensec;
        ctimensec = other.ctimensec;
        mode = other.mode;
        nlink = other.nlink;
        uid = other.uid;
        gid = other.gid;
        rdev = other.rdev;
        blksize = other.blksize;
        attrTimeoutNanos = other.attrTimeoutNanos;
        return this;
    }

    /** @return the inode number shown to programs ({@code st_ino}) */
    public long ino() {
        return ino;
    }

    /**
     * @param ino the inode number shown to programs ({@code st_ino})
     * @return this
     */
    public FuseAttr ino(long ino) {
        this.ino = ino;
        return this;
    }

    /** @return the size in bytes */
    public long size() {
        return size;
    }

    /**
     * @param size the size in bytes
     * @return this
     */
    public FuseAttr size(long size) {
        this.size = size;
        return this;
    }

    /** @return the 512-byte blocks allocated */
    public long blocks() {
        return blocks;
    }

    /**
     * @param blocks the 512-byte blocks allocated
     * @return this
     */
    public FuseAttr blocks(long blocks) {
        this.blocks = blocks;
        return this;
    }

    /** @return the last access time, seconds */
    public long atime() {
        return atime;
    }

    /** @return the nanoseconds of the last access time */
    public int atimensec() {
        return atimensec;
    }

    /**
     * @param sec seconds since the epoch
     * @param nsec 0 .. 999,999,999
     * @return this
     */
    public FuseAttr atime(long sec, int nsec) {
        this.atime = sec;
        this.atimensec = nsec;
        return this;
    }

    /** @return the last modification time, seconds */
    public long mtime() {
        return mtime;
    }

    /** @return the nanoseconds of the last modification time */
    public int mtimensec() {
        return mtimensec;
    }

    /**
     * @param sec seconds since the epoch
     * @param nsec 0 .. 999,999,999
     * @return this
     */
    public FuseAttr mtime(long sec, int nsec) {
        this.mtime = sec;
        this.mtimensec = nsec;
        return this;
    }

    /** @return the last status change time, seconds */
    public long ctime() {
        return ctime;
    }

    /** @return the nanoseconds of the last status change time */
    public int ctimensec() {
        return ctimensec;
    }

    /**
     * @param sec seconds since the epoch
     * @param nsec 0 .. 999,999,999
     * @return this
     */
    public FuseAttr ctime(long sec, int nsec) {
        this.ctime = sec;
        this.ctimensec = nsec;
        return this;
    }

    /** @return the mode: type bits and permissions */
    public int mode() {
        return mode;
    }

    /**
     * @param mode type bits ({@link #S_IFREG}...) and permissions
     * @return this
     */
    public FuseAttr mode(int mode) {
        this.mode = mode;
        return this;
    }

    /** @return the link count */
    public int nlink() {
        return nlink;
    }

    /**
     * @param nlink the link count
     * @return this
     */
    public FuseAttr nlink(int nlink) {
        this.nlink = nlink;
        return this;
    }

    /** @return the owner */
    public int uid() {
        return uid;
    }

    /**
     * @param uid the owner
     * @return this
     */
    public FuseAttr uid(int uid) {
        this.uid = uid;
        return this;
    }

    /** @return the group */
    public int gid() {
        return gid;
    }

    /**
     * @param gid the group
     * @return this
     */
    public FuseAttr gid(int gid) {
        this.gid = gid;
        return this;
    }

    /** @return the device number of a device node */
    public int rdev() {
        return rdev;
    }

    /**
     * @param rdev the device number of a device node
     * @return this
     */
    public FuseAttr rdev(int rdev) {
        this.rdev = rdev;
        return this;
    }

    /** @return the preferred I/O size, 0 for the kernel's default */
    public int blksize() {
        return blksize;
    }

    /**
     * @param blksize the preferred I/O size ({@code st_blksize}), 0 for the kernel's default
     * @return this
     */
    public FuseAttr blksize(int blksize) {
        this.blksize = blksize;
        return this;
    }

    /** @return how long the kernel may cache these attributes, nanoseconds */
    public long attrTimeoutNanos() {
        return attrTimeoutNanos;
    }

    /**
     * @param nanos how long the kernel may cache these attributes (0: ask every time)
     * @return this
     */
    public FuseAttr attrTimeoutNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("invalid attrTimeoutNanos=" + nanos);
        }
        this.attrTimeoutNanos = nanos;
        return this;
    }

    @Override
    public String toString() {
        return "FuseAttr[ino=" + ino + ", mode=0" + Integer.toOctalString(mode) + ", size=" + size + ", nlink=" + nlink
                + ", uid=" + uid + ", gid=" + gid + "]";
    }
}
