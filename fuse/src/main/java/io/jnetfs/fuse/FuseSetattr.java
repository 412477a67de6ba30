package io.jnetfs.fuse;

/**
 * What SETATTR asks to change ({@code struct fuse_setattr_in}): {@link #valid()} says which of the
 * fields mean something ({@code FATTR_*} bits); the others are to be left alone.
 *
 * <p>Filled by the dispatcher from the request, valid only during the call.
 */
public final class FuseSetattr {
    /** {@code FATTR_MODE}: change the permission bits to {@link #mode()}. */
    public static final int FATTR_MODE = 1;
    /** {@code FATTR_UID}: change the owner to {@link #uid()}. */
    public static final int FATTR_UID = 1 << 1;
    /** {@code FATTR_GID}: change the group to {@link #gid()}. */
    public static final int FATTR_GID = 1 << 2;
    /** {@code FATTR_SIZE}: truncate or extend to {@link #size()}. */
    public static final int FATTR_SIZE = 1 << 3;
    /** {@code FATTR_ATIME}: set the access time to {@link #atime()}. */
    public static final int FATTR_ATIME = 1 << 4;
    /** {@code FATTR_MTIME}: set the modification time to {@link #mtime()}. */
    public static final int FATTR_MTIME = 1 << 5;
    /** {@code FATTR_FH}: {@link #fh()} is the handle of the open file the change came through. */
    public static final int FATTR_FH = 1 << 6;
    /** {@code FATTR_ATIME_NOW}: set the access time to now (with {@link #FATTR_ATIME}). */
    public static final int FATTR_ATIME_NOW = 1 << 7;
    /** {@code FATTR_MTIME_NOW}: set the modification time to now (with {@link #FATTR_MTIME}). */
    public static final int FATTR_MTIME_NOW = 1 << 8;
    /** {@code FATTR_LOCKOWNER}: {@link #lockOwner()} is set. */
    public static final int FATTR_LOCKOWNER = 1 << 9;
    /** {@code FATTR_CTIME}: set the status change time to {@link #ctime()}. */
    public static final int FATTR_CTIME = 1 << 10;
    /** {@code FATTR_KILL_SUIDGID}: clear the set-user-id and set-group-id bits too. */
    public static final int FATTR_KILL_SUIDGID = 1 << 11;

    int valid;
    long fh;
    long size;
    long lockOwner;
    long atime;
    long mtime;
    long ctime;
    int atimensec;
    int mtimensec;
    int ctimensec;
    int mode;
    int uid;
    int gid;

    /** Makes an empty request (the dispatcher makes one per worker thread and reuses it). */
    public FuseSetattr() {
    }

    /** @return the {@code FATTR_*} bits saying which fields to apply */
    public int valid() {
        return valid;
    }

    /**
     * @param fattr one or more {@code FATTR_*} bits
     * @return whether any of them is set
     */
    public boolean has(int fattr) {
        return (valid & fattr) != 0;
    }

    /** @return the open file's handle, with {@link #FATTR_FH} */
    public long fh() {
        return fh;
    }

    /** @return the new size, with {@link #FATTR_SIZE} */
    public long size() {
        return size;
    }

    /** @return the lock owner, with {@link #FATTR_LOCKOWNER} */
    public long lockOwner() {
        return lockOwner;
    }

    /** @return the new access time, seconds, with {@link #FATTR_ATIME} and without {@link #FATTR_ATIME_NOW} */
    public long atime() {
        return atime;
    }

    /** @return its nanoseconds */
    public int atimensec() {
        return atimensec;
    }

    /** @return the new modification time, seconds, with {@link #FATTR_MTIME} and without {@link #FATTR_MTIME_NOW} */
    public long mtime() {
        return mtime;
    }

    /** @return its nanoseconds */
    public int mtimensec() {
        return mtimensec;
    }

    /** @return the new status change time, seconds, with {@link #FATTR_CTIME} */
    public long ctime() {
        return ctime;
    }

    /** @return its nanoseconds */
    public int ctimensec() {
        return ctimensec;
    }

    /** @return the new mode (permission bits; the type bits are the file's own), with {@link #FATTR_MODE} */
    public int mode() {
        return mode;
    }

    /** @return the new owner, with {@link #FATTR_UID} */
    public int uid() {
        return uid;
    }

    /** @return the new group, with {@link #FATTR_GID} */
    public int gid() {
        return gid;
    }

    @Override
    public String toString() {
        return "FuseSetattr[valid=0x" + Integer.toHexString(valid) + ", mode=0" + Integer.toOctalString(mode)
                + ", uid=" + uid + ", gid=" + gid + ", size=" + size + ", fh=" + fh + "]";
    }
}
