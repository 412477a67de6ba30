package io.jnetfs.fuse;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.fuse_access_in;
import io.jnetfs.ffm.gen.fuse_attr;
import io.jnetfs.ffm.gen.fuse_attr_out;
import io.jnetfs.ffm.gen.fuse_batch_forget_in;
import io.jnetfs.ffm.gen.fuse_create_in;
import io.jnetfs.ffm.gen.fuse_dirent;
import io.jnetfs.ffm.gen.fuse_direntplus;
import io.jnetfs.ffm.gen.fuse_entry_out;
import io.jnetfs.ffm.gen.fuse_fallocate_in;
import io.jnetfs.ffm.gen.fuse_flush_in;
import io.jnetfs.ffm.gen.fuse_forget_in;
import io.jnetfs.ffm.gen.fuse_forget_one;
import io.jnetfs.ffm.gen.fuse_fsync_in;
import io.jnetfs.ffm.gen.fuse_getattr_in;
import io.jnetfs.ffm.gen.fuse_in_header;
import io.jnetfs.ffm.gen.fuse_init_in;
import io.jnetfs.ffm.gen.fuse_init_out;
import io.jnetfs.ffm.gen.fuse_interrupt_in;
import io.jnetfs.ffm.gen.fuse_kstatfs;
import io.jnetfs.ffm.gen.fuse_link_in;
import io.jnetfs.ffm.gen.fuse_lseek_in;
import io.jnetfs.ffm.gen.fuse_lseek_out;
import io.jnetfs.ffm.gen.fuse_mkdir_in;
import io.jnetfs.ffm.gen.fuse_mknod_in;
import io.jnetfs.ffm.gen.fuse_notify_delete_out;
import io.jnetfs.ffm.gen.fuse_notify_inval_entry_out;
import io.jnetfs.ffm.gen.fuse_notify_inval_inode_out;
import io.jnetfs.ffm.gen.fuse_open_in;
import io.jnetfs.ffm.gen.fuse_open_out;
import io.jnetfs.ffm.gen.fuse_out_header;
import io.jnetfs.ffm.gen.fuse_read_in;
import io.jnetfs.ffm.gen.fuse_release_in;
import io.jnetfs.ffm.gen.fuse_rename2_in;
import io.jnetfs.ffm.gen.fuse_rename_in;
import io.jnetfs.ffm.gen.fuse_setattr_in;
import io.jnetfs.ffm.gen.fuse_statfs_out;
import io.jnetfs.ffm.gen.fuse_write_in;
import io.jnetfs.ffm.gen.fuse_write_out;

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
 * All fields are host order, naturally aligned. Every offset and size comes from the jextract-generated
 * layouts of {@code linux/fuse.h} (io.jnetfs.ffm.gen), which ffm-bindings' layout cross-check compares
 * with gcc; {@code FuseDescriptorTest} pins the sizes the protocol fixes.
 */
final class FuseDescriptor {
    // struct fuse_in_header
    static final int IN_HEADER_SIZE = (int) fuse_in_header.layout().byteSize();
    static final int IN_LEN = (int) fuse_in_header.len$offset();
    static final int IN_OPCODE = (int) fuse_in_header.opcode$offset();
    static final int IN_UNIQUE = (int) fuse_in_header.unique$offset();
    static final int IN_NODEID = (int) fuse_in_header.nodeid$offset();
    static final int IN_UID = (int) fuse_in_header.uid$offset();
    static final int IN_GID = (int) fuse_in_header.gid$offset();
    static final int IN_PID = (int) fuse_in_header.pid$offset();
    static final int IN_TOTAL_EXTLEN = (int) fuse_in_header.total_extlen$offset();

    // struct fuse_out_header
    static final int OUT_HEADER_SIZE = (int) fuse_out_header.layout().byteSize();
    static final int OUT_LEN = (int) fuse_out_header.len$offset();
    static final int OUT_ERROR = (int) fuse_out_header.error$offset();
    static final int OUT_UNIQUE = (int) fuse_out_header.unique$offset();

    // struct fuse_init_in (7.36+: flags2 and unused[11]; older kernels send the first 16 bytes:
    // major, minor, max_readahead, flags)
    static final int INIT_IN_SIZE = (int) fuse_init_in.layout().byteSize();
    static final int INIT_IN_COMPAT_SIZE = 16;
    static final int INIT_IN_MAJOR = (int) fuse_init_in.major$offset();
    static final int INIT_IN_MINOR = (int) fuse_init_in.minor$offset();
    static final int INIT_IN_MAX_READAHEAD = (int) fuse_init_in.max_readahead$offset();
    static final int INIT_IN_FLAGS = (int) fuse_init_in.flags$offset();
    static final int INIT_IN_FLAGS2 = (int) fuse_init_in.flags2$offset();

    // struct fuse_init_out
    static final int INIT_OUT_SIZE = (int) fuse_init_out.layout().byteSize();
    static final int INIT_OUT_COMPAT_22_SIZE = LibC.FUSE_COMPAT_22_INIT_OUT_SIZE();
    static final int INIT_OUT_MAJOR = (int) fuse_init_out.major$offset();
    static final int INIT_OUT_MINOR = (int) fuse_init_out.minor$offset();
    static final int INIT_OUT_MAX_READAHEAD = (int) fuse_init_out.max_readahead$offset();
    static final int INIT_OUT_FLAGS = (int) fuse_init_out.flags$offset();
    static final int INIT_OUT_MAX_BACKGROUND = (int) fuse_init_out.max_background$offset();
    static final int INIT_OUT_CONGESTION_THRESHOLD = (int) fuse_init_out.congestion_threshold$offset();
    static final int INIT_OUT_MAX_WRITE = (int) fuse_init_out.max_write$offset();
    static final int INIT_OUT_TIME_GRAN = (int) fuse_init_out.time_gran$offset();
    static final int INIT_OUT_MAX_PAGES = (int) fuse_init_out.max_pages$offset();
    static final int INIT_OUT_MAP_ALIGNMENT = (int) fuse_init_out.map_alignment$offset();
    static final int INIT_OUT_FLAGS2 = (int) fuse_init_out.flags2$offset();

    // struct fuse_attr
    static final int ATTR_SIZE = (int) fuse_attr.layout().byteSize();
    static final int ATTR_INO = (int) fuse_attr.ino$offset();
    static final int ATTR_SIZE_ = (int) fuse_attr.size$offset();
    static final int ATTR_BLOCKS = (int) fuse_attr.blocks$offset();
    static final int ATTR_ATIME = (int) fuse_attr.atime$offset();
    static final int ATTR_MTIME = (int) fuse_attr.mtime$offset();
    static final int ATTR_CTIME = (int) fuse_attr.ctime$offset();
    static final int ATTR_ATIMENSEC = (int) fuse_attr.atimensec$offset();
    static final int ATTR_MTIMENSEC = (int) fuse_attr.mtimensec$offset();
    static final int ATTR_CTIMENSEC = (int) fuse_attr.ctimensec$offset();
    static final int ATTR_MODE = (int) fuse_attr.mode$offset();
    static final int ATTR_NLINK = (int) fuse_attr.nlink$offset();
    static final int ATTR_UID = (int) fuse_attr.uid$offset();
    static final int ATTR_GID = (int) fuse_attr.gid$offset();
    static final int ATTR_RDEV = (int) fuse_attr.rdev$offset();
    static final int ATTR_BLKSIZE = (int) fuse_attr.blksize$offset();
    static final int ATTR_FLAGS = (int) fuse_attr.flags$offset();

    // struct fuse_entry_out
    static final int ENTRY_OUT_SIZE = (int) fuse_entry_out.layout().byteSize();
    static final int ENTRY_OUT_COMPAT_SIZE = LibC.FUSE_COMPAT_ENTRY_OUT_SIZE();
    static final int ENTRY_NODEID = (int) fuse_entry_out.nodeid$offset();
    static final int ENTRY_GENERATION = (int) fuse_entry_out.generation$offset();
    static final int ENTRY_VALID = (int) fuse_entry_out.entry_valid$offset();
    static final int ENTRY_ATTR_VALID = (int) fuse_entry_out.attr_valid$offset();
    static final int ENTRY_VALID_NSEC = (int) fuse_entry_out.entry_valid_nsec$offset();
    static final int ENTRY_ATTR_VALID_NSEC = (int) fuse_entry_out.attr_valid_nsec$offset();
    static final int ENTRY_ATTR = (int) fuse_entry_out.attr$offset();

    // struct fuse_attr_out
    static final int ATTR_OUT_SIZE = (int) fuse_attr_out.layout().byteSize();
    static final int ATTR_OUT_COMPAT_SIZE = LibC.FUSE_COMPAT_ATTR_OUT_SIZE();
    static final int ATTR_OUT_VALID = (int) fuse_attr_out.attr_valid$offset();
    static final int ATTR_OUT_VALID_NSEC = (int) fuse_attr_out.attr_valid_nsec$offset();
    static final int ATTR_OUT_ATTR = (int) fuse_attr_out.attr$offset();

    // struct fuse_getattr_in
    static final int GETATTR_IN_SIZE = (int) fuse_getattr_in.layout().byteSize();
    static final int GETATTR_FLAGS = (int) fuse_getattr_in.getattr_flags$offset();
    static final int GETATTR_FH = (int) fuse_getattr_in.fh$offset();

    // struct fuse_setattr_in
    static final int SETATTR_IN_SIZE = (int) fuse_setattr_in.layout().byteSize();
    static final int SETATTR_VALID = (int) fuse_setattr_in.valid$offset();
    static final int SETATTR_FH = (int) fuse_setattr_in.fh$offset();
    static final int SETATTR_SIZE_ = (int) fuse_setattr_in.size$offset();
    static final int SETATTR_LOCK_OWNER = (int) fuse_setattr_in.lock_owner$offset();
    static final int SETATTR_ATIME = (int) fuse_setattr_in.atime$offset();
    static final int SETATTR_MTIME = (int) fuse_setattr_in.mtime$offset();
    static final int SETATTR_CTIME = (int) fuse_setattr_in.ctime$offset();
    static final int SETATTR_ATIMENSEC = (int) fuse_setattr_in.atimensec$offset();
    static final int SETATTR_MTIMENSEC = (int) fuse_setattr_in.mtimensec$offset();
    static final int SETATTR_CTIMENSEC = (int) fuse_setattr_in.ctimensec$offset();
    static final int SETATTR_MODE = (int) fuse_setattr_in.mode$offset();
    static final int SETATTR_UID = (int) fuse_setattr_in.uid$offset();
    static final int SETATTR_GID = (int) fuse_setattr_in.gid$offset();

    // struct fuse_open_in / fuse_open_out
    static final int OPEN_IN_SIZE = (int) fuse_open_in.layout().byteSize();
    static final int OPEN_IN_FLAGS = (int) fuse_open_in.flags$offset();
    static final int OPEN_OUT_SIZE = (int) fuse_open_out.layout().byteSize();
    static final int OPEN_OUT_FH = (int) fuse_open_out.fh$offset();
    static final int OPEN_OUT_OPEN_FLAGS = (int) fuse_open_out.open_flags$offset();

    // struct fuse_read_in and fuse_write_in (the same shape)
    static final int READ_IN_SIZE = (int) fuse_read_in.layout().byteSize();
    static final int READ_FH = (int) fuse_read_in.fh$offset();
    static final int READ_OFFSET = (int) fuse_read_in.offset$offset();
    static final int READ_SIZE_ = (int) fuse_read_in.size$offset();
    static final int READ_READ_FLAGS = (int) fuse_read_in.read_flags$offset();
    static final int READ_LOCK_OWNER = (int) fuse_read_in.lock_owner$offset();
    static final int READ_FLAGS = (int) fuse_read_in.flags$offset();
    static final int WRITE_IN_SIZE = (int) fuse_write_in.layout().byteSize();
    static final int WRITE_FH = (int) fuse_write_in.fh$offset();
    static final int WRITE_OFFSET = (int) fuse_write_in.offset$offset();
    static final int WRITE_SIZE_ = (int) fuse_write_in.size$offset();
    static final int WRITE_WRITE_FLAGS = (int) fuse_write_in.write_flags$offset();
    static final int WRITE_FLAGS = (int) fuse_write_in.flags$offset();
    static final int WRITE_OUT_SIZE = (int) fuse_write_out.layout().byteSize();
    static final int WRITE_OUT_SIZE_ = (int) fuse_write_out.size$offset();

    // struct fuse_release_in, fuse_flush_in, fuse_fsync_in
    static final int RELEASE_IN_SIZE = (int) fuse_release_in.layout().byteSize();
    static final int RELEASE_FH = (int) fuse_release_in.fh$offset();
    static final int RELEASE_FLAGS = (int) fuse_release_in.flags$offset();
    static final int RELEASE_RELEASE_FLAGS = (int) fuse_release_in.release_flags$offset();
    static final int RELEASE_LOCK_OWNER = (int) fuse_release_in.lock_owner$offset();
    static final int FLUSH_IN_SIZE = (int) fuse_flush_in.layout().byteSize();
    static final int FLUSH_FH = (int) fuse_flush_in.fh$offset();
    static final int FLUSH_LOCK_OWNER = (int) fuse_flush_in.lock_owner$offset();
    static final int FSYNC_IN_SIZE = (int) fuse_fsync_in.layout().byteSize();
    static final int FSYNC_FH = (int) fuse_fsync_in.fh$offset();
    static final int FSYNC_FSYNC_FLAGS = (int) fuse_fsync_in.fsync_flags$offset();

    // struct fuse_forget_in, fuse_forget_one, fuse_batch_forget_in
    static final int FORGET_IN_SIZE = (int) fuse_forget_in.layout().byteSize();
    static final int FORGET_NLOOKUP = (int) fuse_forget_in.nlookup$offset();
    static final int FORGET_ONE_SIZE = (int) fuse_forget_one.layout().byteSize();
    static final int FORGET_ONE_NODEID = (int) fuse_forget_one.nodeid$offset();
    static final int FORGET_ONE_NLOOKUP = (int) fuse_forget_one.nlookup$offset();
    static final int BATCH_FORGET_IN_SIZE = (int) fuse_batch_forget_in.layout().byteSize();
    static final int BATCH_FORGET_COUNT = (int) fuse_batch_forget_in.count$offset();

    // struct fuse_mknod_in, fuse_mkdir_in, fuse_create_in
    static final int MKNOD_IN_SIZE = (int) fuse_mknod_in.layout().byteSize();
    static final int MKNOD_MODE = (int) fuse_mknod_in.mode$offset();
    static final int MKNOD_RDEV = (int) fuse_mknod_in.rdev$offset();
    static final int MKNOD_UMASK = (int) fuse_mknod_in.umask$offset();
    static final int MKDIR_IN_SIZE = (int) fuse_mkdir_in.layout().byteSize();
    static final int MKDIR_MODE = (int) fuse_mkdir_in.mode$offset();
    static final int MKDIR_UMASK = (int) fuse_mkdir_in.umask$offset();
    static final int CREATE_IN_SIZE = (int) fuse_create_in.layout().byteSize();
    static final int CREATE_FLAGS = (int) fuse_create_in.flags$offset();
    static final int CREATE_MODE = (int) fuse_create_in.mode$offset();
    static final int CREATE_UMASK = (int) fuse_create_in.umask$offset();

    // struct fuse_rename_in, fuse_rename2_in, fuse_link_in, fuse_access_in
    static final int RENAME_IN_SIZE = (int) fuse_rename_in.layout().byteSize();
    static final int RENAME_NEWDIR = (int) fuse_rename_in.newdir$offset();
    static final int RENAME2_IN_SIZE = (int) fuse_rename2_in.layout().byteSize();
    static final int RENAME2_NEWDIR = (int) fuse_rename2_in.newdir$offset();
    static final int RENAME2_FLAGS = (int) fuse_rename2_in.flags$offset();
    static final int LINK_IN_SIZE = (int) fuse_link_in.layout().byteSize();
    static final int LINK_OLDNODEID = (int) fuse_link_in.oldnodeid$offset();
    static final int ACCESS_IN_SIZE = (int) fuse_access_in.layout().byteSize();
    static final int ACCESS_MASK = (int) fuse_access_in.mask$offset();

    // struct fuse_statfs_out { struct fuse_kstatfs st; }
    static final int STATFS_OUT_SIZE = (int) fuse_statfs_out.layout().byteSize();
    static final int KSTATFS_BLOCKS = (int) fuse_kstatfs.blocks$offset();
    static final int KSTATFS_BFREE = (int) fuse_kstatfs.bfree$offset();
    static final int KSTATFS_BAVAIL = (int) fuse_kstatfs.bavail$offset();
    static final int KSTATFS_FILES = (int) fuse_kstatfs.files$offset();
    static final int KSTATFS_FFREE = (int) fuse_kstatfs.ffree$offset();
    static final int KSTATFS_BSIZE = (int) fuse_kstatfs.bsize$offset();
    static final int KSTATFS_NAMELEN = (int) fuse_kstatfs.namelen$offset();
    static final int KSTATFS_FRSIZE = (int) fuse_kstatfs.frsize$offset();

    // struct fuse_interrupt_in, fuse_fallocate_in, fuse_lseek_in/out
    static final int INTERRUPT_IN_SIZE = (int) fuse_interrupt_in.layout().byteSize();
    static final int INTERRUPT_UNIQUE = (int) fuse_interrupt_in.unique$offset();
    static final int FALLOCATE_IN_SIZE = (int) fuse_fallocate_in.layout().byteSize();
    static final int FALLOCATE_FH = (int) fuse_fallocate_in.fh$offset();
    static final int FALLOCATE_OFFSET = (int) fuse_fallocate_in.offset$offset();
    static final int FALLOCATE_LENGTH = (int) fuse_fallocate_in.length$offset();
    static final int FALLOCATE_MODE = (int) fuse_fallocate_in.mode$offset();
    static final int LSEEK_IN_SIZE = (int) fuse_lseek_in.layout().byteSize();
    static final int LSEEK_FH = (int) fuse_lseek_in.fh$offset();
    static final int LSEEK_OFFSET = (int) fuse_lseek_in.offset$offset();
    static final int LSEEK_WHENCE = (int) fuse_lseek_in.whence$offset();
    static final int LSEEK_OUT_SIZE = (int) fuse_lseek_out.layout().byteSize();
    static final int LSEEK_OUT_OFFSET = (int) fuse_lseek_out.offset$offset();

    // struct fuse_dirent (name follows, padded to 8 bytes) and fuse_direntplus
    static final int DIRENT_SIZE = (int) fuse_dirent.layout().byteSize();
    static final int DIRENT_INO = (int) fuse_dirent.ino$offset();
    static final int DIRENT_OFF = (int) fuse_dirent.off$offset();
    static final int DIRENT_NAMELEN = (int) fuse_dirent.namelen$offset();
    static final int DIRENT_TYPE = (int) fuse_dirent.type$offset();
    static final int DIRENT_NAME = (int) fuse_dirent.name$offset();
    static final int DIRENTPLUS_SIZE = (int) fuse_direntplus.layout().byteSize();
    static final int DIRENTPLUS_ENTRY_OUT = (int) fuse_direntplus.entry_out$offset();
    static final int DIRENTPLUS_DIRENT = (int) fuse_direntplus.dirent$offset();

    // struct fuse_notify_inval_inode_out, fuse_notify_inval_entry_out, fuse_notify_delete_out (name follows)
    static final int NOTIFY_INVAL_INODE_SIZE = (int) fuse_notify_inval_inode_out.layout().byteSize();
    static final int NOTIFY_INVAL_INODE_INO = (int) fuse_notify_inval_inode_out.ino$offset();
    static final int NOTIFY_INVAL_INODE_OFF = (int) fuse_notify_inval_inode_out.off$offset();
    static final int NOTIFY_INVAL_INODE_LEN = (int) fuse_notify_inval_inode_out.len$offset();
    static final int NOTIFY_INVAL_ENTRY_SIZE = (int) fuse_notify_inval_entry_out.layout().byteSize();
    static final int NOTIFY_INVAL_ENTRY_PARENT = (int) fuse_notify_inval_entry_out.parent$offset();
    static final int NOTIFY_INVAL_ENTRY_NAMELEN = (int) fuse_notify_inval_entry_out.namelen$offset();
    static final int NOTIFY_DELETE_SIZE = (int) fuse_notify_delete_out.layout().byteSize();
    static final int NOTIFY_DELETE_PARENT = (int) fuse_notify_delete_out.parent$offset();
    static final int NOTIFY_DELETE_CHILD = (int) fuse_notify_delete_out.child$offset();
    static final int NOTIFY_DELETE_NAMELEN = (int) fuse_notify_delete_out.namelen$offset();
    static final int FUSE_NOTIFY_INVAL_INODE = LibC.FUSE_NOTIFY_INVAL_INODE();
    static final int FUSE_NOTIFY_INVAL_ENTRY = LibC.FUSE_NOTIFY_INVAL_ENTRY();
    static final int FUSE_NOTIFY_DELETE = LibC.FUSE_NOTIFY_DELETE();

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
