package io.jnetfs.fuse;

/**
 * The answer to STATFS ({@code struct fuse_kstatfs}), as {@code statvfs(3)} shows it.
 *
 * <p>A mutable out-parameter: handed to the handler zeroed with {@code namelen} 255 and {@code bsize}
 * 4096, valid only during the call.
 */
public final class FuseStatfs {
    private long blocks;
    private long bfree;
    private long bavail;
    private long files;
    private long ffree;
    private int bsize;
    private int namelen;
    private int frsize;

    /** Makes an empty answer (the dispatcher makes one per worker thread and reuses it). */
    public FuseStatfs() {
    }

    /**
     * Zeroes the counts, sets {@code bsize} and {@code frsize} to 4096 and {@code namelen} to 255.
     *
     * @return this
     */
    public FuseStatfs reset() {
        blocks = bfree = bavail = files = ffree = 0;
        bsize = frsize = 4096;
        namelen = 255;
        return this;
    }

    /**
     * Sets the block counts.
     *
     * @param blocks total blocks of {@code frsize} bytes
     * @param bfree free blocks
     * @param bavail free blocks available to an unprivileged user
     * @return this
     */
    public FuseStatfs blocks(long blocks, long bfree, long bavail) {
        this.blocks = blocks;
        this.bfree = bfree;
        this.bavail = bavail;
        return this;
    }

    /**
     * Sets the inode counts.
     *
     * @param files total inodes
     * @param ffree free inodes
     * @return this
     */
    public FuseStatfs files(long files, long ffree) {
        this.files = files;
        this.ffree = ffree;
        return this;
    }

    /**
     * Sets the sizes.
     *
     * @param bsize the preferred I/O block size
     * @param frsize the fragment size, the unit of the block counts
     * @param namelen the longest file name
     * @return this
     */
    public FuseStatfs sizes(int bsize, int frsize, int namelen) {
        this.bsize = bsize;
        this.frsize = frsize;
        this.namelen = namelen;
        return this;
    }

    /** @return total blocks */
    public long blocks() {
        return blocks;
    }

    /** @return free blocks */
    public long bfree() {
        return bfree;
    }

    /** @return free blocks for unprivileged users */
    public long bavail() {
        return bavail;
    }

    /** @return total inodes */
    public long files() {
        return files;
    }

    /** @return free inodes */
    public long ffree() {
        return ffree;
    }

    /** @return the preferred I/O block size */
    public int bsize() {
        return bsize;
    }

    /** @return the longest name */
    public int namelen() {
        return namelen;
    }

    /** @return the fragment size */
    public int frsize() {
        return frsize;
    }
}
