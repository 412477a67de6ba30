package io.jnetfs.p9;

/**
 * Bit values of 9P2000.L fields, by the Linux kernel's names ({@code include/net/9p/9p.h}): qid types,
 * Tlopen/Tlcreate flags ({@code P9_DOTL_*}, fixed by the protocol whatever the client's architecture),
 * the Tgetattr request mask and the Tsetattr valid mask.
 */
public final class P9Flags {
    /** {@code P9_QTDIR}: the qid names a directory. */
    public static final int P9_QTDIR = 0x80;
    /** {@code P9_QTAPPEND}. */
    public static final int P9_QTAPPEND = 0x40;
    /** {@code P9_QTEXCL}. */
    public static final int P9_QTEXCL = 0x20;
    /** {@code P9_QTMOUNT}. */
    public static final int P9_QTMOUNT = 0x10;
    /** {@code P9_QTAUTH}. */
    public static final int P9_QTAUTH = 0x08;
    /** {@code P9_QTTMP}. */
    public static final int P9_QTTMP = 0x04;
    /** {@code P9_QTSYMLINK}: the qid names a symbolic link. */
    public static final int P9_QTSYMLINK = 0x02;
    /** {@code P9_QTLINK}. */
    public static final int P9_QTLINK = 0x01;
    /** {@code P9_QTFILE}: a plain file. */
    public static final int P9_QTFILE = 0x00;

    /** {@code P9_DOTL_RDONLY}. */
    public static final int P9_DOTL_RDONLY = 0;
    /** {@code P9_DOTL_WRONLY}. */
    public static final int P9_DOTL_WRONLY = 1;
    /** {@code P9_DOTL_RDWR}. */
    public static final int P9_DOTL_RDWR = 2;
    /** {@code P9_DOTL_CREATE}. */
    public static final int P9_DOTL_CREATE = 0100;
    /** {@code P9_DOTL_EXCL}. */
    public static final int P9_DOTL_EXCL = 0200;
    /** {@code P9_DOTL_TRUNC}. */
    public static final int P9_DOTL_TRUNC = 01000;
    /** {@code P9_DOTL_APPEND}. */
    public static final int P9_DOTL_APPEND = 02000;
    /** {@code P9_DOTL_NONBLOCK}. */
    public static final int P9_DOTL_NONBLOCK = 04000;
    /** {@code P9_DOTL_DSYNC}. */
    public static final int P9_DOTL_DSYNC = 010000;
    /** {@code P9_DOTL_DIRECT}. */
    public static final int P9_DOTL_DIRECT = 040000;
    /** {@code P9_DOTL_DIRECTORY}. */
    public static final int P9_DOTL_DIRECTORY = 0200000;
    /** {@code P9_DOTL_NOFOLLOW}. */
    public static final int P9_DOTL_NOFOLLOW = 0400000;
    /** {@code P9_DOTL_NOATIME}. */
    public static final int P9_DOTL_NOATIME = 01000000;
    /** {@code P9_DOTL_CLOEXEC}. */
    public static final int P9_DOTL_CLOEXEC = 02000000;
    /** {@code P9_DOTL_SYNC}. */
    public static final int P9_DOTL_SYNC = 04000000;

    /** {@code P9_DOTL_AT_REMOVEDIR}: Tunlinkat removes a directory. */
    public static final int P9_DOTL_AT_REMOVEDIR = 0x200;

    /** {@code P9_GETATTR_MODE}. */
    public static final long P9_GETATTR_MODE = 0x00000001L;
    /** {@code P9_GETATTR_NLINK}. */
    public static final long P9_GETATTR_NLINK = 0x00000002L;
    /** {@code P9_GETATTR_UID}. */
    public static final long P9_GETATTR_UID = 0x00000004L;
    /** {@code P9_GETATTR_GID}. */
    public static final long P9_GETATTR_GID = 0x00000008L;
    /** {@code P9_GETATTR_RDEV}. */
    public static final long P9_GETATTR_RDEV = 0x00000010L;
    /** {@code P9_GETATTR_ATIME}. */
    public static final long P9_GETATTR_ATIME = 0x00000020L;
    /** {@code P9_GETATTR_MTIME}. */
    public static final long P9_GETATTR_MTIME = 0x00000040L;
    /** {@code P9_GETATTR_CTIME}. */
    public static final long P9_GETATTR_CTIME = 0x00000080L;
    /** {@code P9_GETATTR_INO}. */
    public static final long P9_GETATTR_INO = 0x00000100L;
    /** {@code P9_GETATTR_SIZE}. */
    public static final long P9_GETATTR_SIZE = 0x00000200L;
    /** {@code P9_GETATTR_BLOCKS}. */
    public static final long P9_GETATTR_BLOCKS = 0x00000400L;
    /** {@code P9_GETATTR_BTIME}. */
    public static final long P9_GETATTR_BTIME = 0x00000800L;
    /** {@code P9_GETATTR_GEN}. */
    public static final long P9_GETATTR_GEN = 0x00001000L;
    /** {@code P9_GETATTR_DATA_VERSION}. */
    public static final long P9_GETATTR_DATA_VERSION = 0x00002000L;
    /** {@code P9_GETATTR_BASIC}: mode through blocks, what {@code stat} needs. */
    public static final long P9_GETATTR_BASIC = 0x000007ffL;
    /** {@code P9_GETATTR_ALL}. */
    public static final long P9_GETATTR_ALL = 0x00003fffL;

    /** {@code P9_ATTR_MODE}. */
    public static final int P9_ATTR_MODE = 1;
    /** {@code P9_ATTR_UID}. */
    public static final int P9_ATTR_UID = 1 << 1;
    /** {@code P9_ATTR_GID}. */
    public static final int P9_ATTR_GID = 1 << 2;
    /** {@code P9_ATTR_SIZE}: truncate or extend. */
    public static final int P9_ATTR_SIZE = 1 << 3;
    /** {@code P9_ATTR_ATIME}: set atime to now (or to the given time with {@link #P9_ATTR_ATIME_SET}). */
    public static final int P9_ATTR_ATIME = 1 << 4;
    /** {@code P9_ATTR_MTIME}. */
    public static final int P9_ATTR_MTIME = 1 << 5;
    /** {@code P9_ATTR_CTIME}. */
    public static final int P9_ATTR_CTIME = 1 << 6;
    /** {@code P9_ATTR_ATIME_SET}. */
    public static final int P9_ATTR_ATIME_SET = 1 << 7;
    /** {@code P9_ATTR_MTIME_SET}. */
    public static final int P9_ATTR_MTIME_SET = 1 << 8;

    private P9Flags() {
    }
}
