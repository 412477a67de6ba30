package io.jnetfs.p9;

/**
 * The reply to Tgetattr ({@code Rgetattr}): the server's {@code stat} of a file, with a {@code valid}
 * mask ({@code P9_GETATTR_*} of {@link P9Flags}) saying which fields it filled.
 *
 * <p>Mutable so the -errno layer can fill one instance again and again; the client's public methods
 * return a fresh one per call.
 */
public final class P9Attr {
    long valid;
    int qidType;
    int qidVersion;
    long qidPath;
    int mode;
    int uid;
    int gid;
    long nlink;
    long rdev;
    long size;
    long blksize;
    long blocks;
    long atimeSec;
    long atimeNsec;
    long mtimeSec;
    long mtimeNsec;
    long ctimeSec;
    long ctimeNsec;
    long btimeSec;
    long btimeNsec;
    long gen;
    long dataVersion;

    /** An empty attribute set, filled by a getattr. */
    public P9Attr() {
    }

    /** {@return the {@code P9_GETATTR_*} bits of the fields the server filled} */
    public long valid() {
        return valid;
    }

    /** {@return the file's qid} */
    public Qid qid() {
        return new Qid(qidType, qidVersion, qidPath);
    }

    /** {@return {@code st_mode}: type and permission bits} */
    public int mode() {
        return mode;
    }

    /** {@return {@code st_uid}} */
    public int uid() {
        return uid;
    }

    /** {@return {@code st_gid}} */
    public int gid() {
        return gid;
    }

    /** {@return {@code st_nlink}} */
    public long nlink() {
        return nlink;
    }

    /** {@return {@code st_rdev}} */
    public long rdev() {
        return rdev;
    }

    /** {@return {@code st_size} in bytes} */
    public long size() {
        return size;
    }

    /** {@return {@code st_blksize}} */
    public long blksize() {
        return blksize;
    }

    /** {@return {@code st_blocks} (512-byte units)} */
    public long blocks() {
        return blocks;
    }

    /** {@return atime seconds} */
    public long atimeSec() {
        return atimeSec;
    }

    /** {@return atime nanoseconds} */
    public long atimeNsec() {
        return atimeNsec;
    }

    /** {@return mtime seconds} */
    public long mtimeSec() {
        return mtimeSec;
    }

    /** {@return mtime nanoseconds} */
    public long mtimeNsec() {
        return mtimeNsec;
    }

    /** {@return ctime seconds} */
    public long ctimeSec() {
        return ctimeSec;
    }

    /** {@return ctime nanoseconds} */
    public long ctimeNsec() {
        return ctimeNsec;
    }

    /** {@return birth time seconds (0 where the server does not know it)} */
    public long btimeSec() {
        return btimeSec;
    }

    /** {@return birth time nanoseconds} */
    public long btimeNsec() {
        return btimeNsec;
    }

    /** {@return the inode generation number} */
    public long gen() {
        return gen;
    }

    /** {@return the data version (0 where the server does not keep one)} */
    public long dataVersion() {
        return dataVersion;
    }

    /** {@return whether {@link #mode()} says directory ({@code S_IFDIR})} */
    public boolean isDirectory() {
        return (mode & 0170000) == 0040000;
    }

    /** {@return whether {@link #mode()} says regular file ({@code S_IFREG})} */
    public boolean isRegularFile() {
        return (mode & 0170000) == 0100000;
    }

    /** {@return whether {@link #mode()} says symbolic link ({@code S_IFLNK})} */
    public boolean isSymlink() {
        return (mode & 0170000) == 0120000;
    }

    @Override
    public String toString() {
        return "P9Attr[valid=0x" + Long.toHexString(valid) + ", qid=" + qid() + ", mode=0" + Integer.toOctalString(mode)
                + ", uid=" + uid + ", gid=" + gid + ", nlink=" + nlink + ", size=" + size + ", blocks=" + blocks
                + ", mtime=" + mtimeSec + "." + mtimeNsec + "]";
    }
}
