package io.jnetfs.fuse;

/**
 * Offsets and sizes of the FUSE protocol structs ({@code linux/fuse.h}), as the dispatcher reads
 * requests and writes replies. Each message is a header and an op-specific struct, often followed by
 * NUL-terminated names or data:
 *
 * <pre>
 *   request:  | fuse_in_header (40) | op struct (fuse_read_in...) | names "a\0b\0" or WRITE data ... |
 *              len opcode unique nodeid uid gid pid total_extlen
 *   reply:    | fuse_out_header (16) | op struct (fuse_entry_out...) or data (READ, READDIR) ... |
 *              len error unique                     ONE writev: header iovec first, then the data
 * </pre>
 *
 * All fields are little-endian host order, naturally aligned. {@code FuseDescriptorTest} checks every
 * constant here against the jextract-generated layouts, which ffm-bindings checks against gcc.
 */
final class FuseDescriptor {
    // struct fuse_in_header
    static final int IN_HEADER_SIZE = 40;
    static final int IN_LEN = 0;
    static final int IN_OPCODE = 4;
    static final int IN_UNIQUE = 8;
    static final int IN_NODEID = 16;
    static final int IN_UID = 24;
    static final int IN_GID = 28;
    static final int IN_PID = 32;
    static final int IN_TOTAL_EXTLEN = 36;

    // struct fuse_out_header
    static final int OUT_HEADER_SIZE = 16;
    static final int OUT_LEN = 0;
    static final int OUT_ERROR = 4;
    static final int OUT_UNIQUE = 8;

    // struct fuse_init_in (7.36+: flags2 and unused[11]; older kernels send the first 16 bytes)
    static final int INIT_IN_SIZE = 64;
    static final int INIT_IN_COMPAT_SIZE = 16;
    static final int INIT_IN_MAJOR = 0;
    static final int INIT_IN_MINOR = 4;
    static final int INIT_IN_MAX_READAHEAD = 8;
    static final int INIT_IN_FLAGS = 12;
    static final int INIT_IN_FLAGS2 = 16;

    // struct fuse_init_out
    static final int INIT_OUT_SIZE = 64;
    static final int INIT_OUT_COMPAT_22_SIZE = 24;
    static final int INIT_OUT_MAJOR = 0;
    static final int INIT_OUT_MINOR = 4;
    static final int INIT_OUT_MAX_READAHEAD = 8;
    static final int INIT_OUT_FLAGS = 12;
    static final int INIT_OUT_MAX_BACKGROUND = 16;
    static final int INIT_OUT_CONGESTION_THRESHOLD = 18;
    static final int INIT_OUT_MAX_WRITE = 20;
    static final int INIT_OUT_TIME_GRAN = 24;
    static final int INIT_OUT_MAX_PAGES = 28;
    static final int INIT_OUT_MAP_ALIGNMENT = 30;
    static final int INIT_OUT_FLAGS2 = 32;

    // struct fuse_attr
    static final int ATTR_SIZE = 88;
    static final int ATTR_INO = 0;
    static final int ATTR_SIZE_ = 8;
    static final int ATTR_BLOCKS = 16;
    static final int ATTR_ATIME = 24;
    static final int ATTR_MTIME = 32;
    static final int ATTR_CTIME = 40;
    static final int ATTR_ATIMENSEC = 48;
    static final int ATTR_MTIMENSEC = 52;
    static final int ATTR_CTIMENSEC = 56;
    static final int ATTR_MODE = 60;
    static final int ATTR_NLINK = 64;
    static final int ATTR_UID = 68;
    static final int ATTR_GID = 72;
    static final int ATTR_RDEV = 76;
    static final int ATTR_BLKSIZE = 80;
    static final int ATTR_FLAGS = 84;

    // struct fuse_entry_out
    static final int ENTRY_OUT_SIZE = 128;
    static final int ENTRY_OUT_COMPAT_SIZE = 120;
    static final int ENTRY_NODEID = 0;
    static final int ENTRY_GENERATION = 8;
    static final int ENTRY_VALID = 16;
    static final int ENTRY_ATTR_VALID = 24;
    static final int ENTRY_VALID_NSEC = 32;
    static final int ENTRY_ATTR_VALID_NSEC = 36;
    static final int ENTRY_ATTR = 40;

    // struct fuse_attr_out
    static final int ATTR_OUT_SIZE = 104;
    static final int ATTR_OUT_COMPAT_SIZE = 96;
    static final int ATTR_OUT_VALID = 0;
    static final int ATTR_OUT_VALID_NSEC = 8;
    static final int ATTR_OUT_ATTR = 16;

    // struct fuse_getattr_in
    static final int GETATTR_IN_SIZE = 16;
    static final int GETATTR_FLAGS = 0;
    static final int GETATTR_FH = 8;

    // struct fuse_setattr_in
    static final int SETATTR_IN_SIZE = 88;
    static final int SETATTR_VALID = 0;
    static final int SETATTR_FH = 8;
    static final int SETATTR_SIZE_ = 16;
    static final int SETATTR_LOCK_OWNER = 24;
    static final int SETATTR_ATIME = 32;
    static final int SETATTR_MTIME = 40;
    static final int SETATTR_CTIME = 48;
    static final int SETATTR_ATIMENSEC = 56;
    static final int SETATTR_MTIMENSEC = 60;
    static final int SETATTR_CTIMENSEC = 64;
    static final int SETATTR_MODE = 68;
    static final int SETATTR_UID = 76;
    static final int SETATTR_GID = 80;

    // struct fuse_open_in / fuse_open_out
    static final int OPEN_IN_SIZE = 8;
    static final int OPEN_IN_FLAGS = 0;
    static final int OPEN_OUT_SIZE = 16;
    static final int OPEN_OUT_FH = 0;
    static final int OPEN_OUT_OPEN_FLAGS = 8;

    // struct fuse_read_in and fuse_write_in (the same shape)
    static final int READ_IN_SIZE = 40;
    static final int READ_FH = 0;
    static final int READ_OFFSET = 8;
    static final int READ_SIZE_ = 16;
    static final int READ_READ_FLAGS = 20;
    static final int READ_LOCK_OWNER = 24;
    static final int READ_FLAGS = 32;
    static final int WRITE_IN_SIZE = 40;
    static final int WRITE_FH = 0;
    static final int WRITE_OFFSET = 8;
    static final int WRITE_SIZE_ = 16;
    static final int WRITE_WRITE_FLAGS = 20;
    static final int WRITE_FLAGS = 32;
    static final int WRITE_OUT_SIZE = 8;
    static final int WRITE_OUT_SIZE_ = 0;

    // struct fuse_release_in, fuse_flush_in, fuse_fsync_in
    static final int RELEASE_IN_SIZE = 24;
    static final int RELEASE_FH = 0;
    static final int RELEASE_FLAGS = 8;
    static final int RELEASE_RELEASE_FLAGS = 12;
    static final int RELEASE_LOCK_OWNER = 16;
    static final int FLUSH_IN_SIZE = 24;
    static final int FLUSH_FH = 0;
    static final int FLUSH_LOCK_OWNER = 16;
    static final int FSYNC_IN_SIZE = 16;
    static final int FSYNC_FH = 0;
    static final int FSYNC_FSYNC_FLAGS = 8;

    // struct fuse_forget_in, fuse_forget_one, fuse_batch_forget_in
    static final int FORGET_IN_SIZE = 8;
    static final int FORGET_NLOOKUP = 0;
    static final int FORGET_ONE_SIZE = 16;
    static final int FORGET_ONE_NODEID = 0;
    static final int FORGET_ONE_NLOOKUP = 8;
    static final int BATCH_FORGET_IN_SIZE = 8;
    static final int BATCH_FORGET_COUNT = 0;

    // struct fuse_mknod_in, fuse_mkdir_in, fuse_create_in
    static final int MKNOD_IN_SIZE = 16;
    static final int MKNOD_MODE = 0;
    static final int MKNOD_RDEV = 4;
    static final int MKNOD_UMASK = 8;
    static final int MKDIR_IN_SIZE = 8;
    static final int MKDIR_MODE = 0;
    static final int MKDIR_UMASK = 4;
    static final int CREATE_IN_SIZE = 16;
    static final int CREATE_FLAGS = 0;
    static final int CREATE_MODE = 4;
    static final int CREATE_UMASK = 8;

    // struct fuse_rename_in, fuse_rename2_in, fuse_link_in, fuse_access_in
    static final int RENAME_IN_SIZE = 8;
    static final int RENAME_NEWDIR = 0;
    static final int RENAME2_IN_SIZE = 16;
    static final int RENAME2_NEWDIR = 0;
    static final int RENAME2_FLAGS = 8;
    static final int LINK_IN_SIZE = 8;
    static final int LINK_OLDNODEID = 0;
    static final int ACCESS_IN_SIZE = 8;
    static final int ACCESS_MASK = 0;

    // struct fuse_statfs_out { struct fuse_kstatfs st; }
    static final int STATFS_OUT_SIZE = 80;
    static final int KSTATFS_BLOCKS = 0;
    static final int KSTATFS_BFREE = 8;
    static final int KSTATFS_BAVAIL = 16;
    static final int KSTATFS_FILES = 24;
    static final int KSTATFS_FFREE = 32;
    static final int KSTATFS_BSIZE = 40;
    static final int KSTATFS_NAMELEN = 44;
    static final int KSTATFS_FRSIZE = 48;

    // struct fuse_interrupt_in, fuse_fallocate_in, fuse_lseek_in/out
    static final int INTERRUPT_IN_SIZE = 8;
    static final int INTERRUPT_UNIQUE = 0;
    static final int FALLOCATE_IN_SIZE = 32;
    static final int FALLOCATE_FH = 0;
    static final int FALLOCATE_OFFSET = 8;
    static final int FALLOCATE_LENGTH = 16;
    static final int FALLOCATE_MODE = 24;
    static final int LSEEK_IN_SIZE = 24;
    static final int LSEEK_FH = 0;
    static final int LSEEK_OFFSET = 8;
    static final int LSEEK_WHENCE = 16;
    static final int LSEEK_OUT_SIZE = 8;
    static final int LSEEK_OUT_OFFSET = 0;

    // struct fuse_dirent (name follows, padded to 8 bytes) and fuse_direntplus
    static final int DIRENT_SIZE = 24;
    static final int DIRENT_INO = 0;
    static final int DIRENT_OFF = 8;
    static final int DIRENT_NAMELEN = 16;
    static final int DIRENT_TYPE = 20;
    static final int DIRENT_NAME = 24;
    static final int DIRENTPLUS_SIZE = 152;
    static final int DIRENTPLUS_ENTRY_OUT = 0;
    static final int DIRENTPLUS_DIRENT = 128;

    /** {@code FUSE_INT_REQ_BIT}: set in the unique of an INTERRUPT request. */
    static final long FUSE_INT_REQ_BIT = 1;

    private FuseDescriptor() {
    }

    /**
     * {@code FUSE_DIRENT_ALIGN}: rounds a dirent's length up to 8 bytes.
     *
     * @return {@code x} rounded up to a multiple of 8
     */
    static long direntAlign(long x) {
        return (x + 7) & ~7L;
    }
}
