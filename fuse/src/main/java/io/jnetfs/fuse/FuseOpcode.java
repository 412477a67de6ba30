package io.jnetfs.fuse;

/**
 * The FUSE opcodes ({@code enum fuse_opcode} of {@code linux/fuse.h}), under their kernel names, and
 * their names for messages.
 *
 * <p>The values are the kernel ABI; {@code FuseOpcodeTest} checks each against the generated
 * bindings of the system's {@code linux/fuse.h}.
 */
public final class FuseOpcode {
    /** {@code FUSE_LOOKUP}. */
    public static final int FUSE_LOOKUP = 1;
    /** {@code FUSE_FORGET}. */
    public static final int FUSE_FORGET = 2;
    /** {@code FUSE_GETATTR}. */
    public static final int FUSE_GETATTR = 3;
    /** {@code FUSE_SETATTR}. */
    public static final int FUSE_SETATTR = 4;
    /** {@code FUSE_READLINK}. */
    public static final int FUSE_READLINK = 5;
    /** {@code FUSE_SYMLINK}. */
    public static final int FUSE_SYMLINK = 6;
    /** {@code FUSE_MKNOD}. */
    public static final int FUSE_MKNOD = 8;
    /** {@code FUSE_MKDIR}. */
    public static final int FUSE_MKDIR = 9;
    /** {@code FUSE_UNLINK}. */
    public static final int FUSE_UNLINK = 10;
    /** {@code FUSE_RMDIR}. */
    public static final int FUSE_RMDIR = 11;
    /** {@code FUSE_RENAME}. */
    public static final int FUSE_RENAME = 12;
    /** {@code FUSE_LINK}. */
    public static final int FUSE_LINK = 13;
    /** {@code FUSE_OPEN}. */
    public static final int FUSE_OPEN = 14;
    /** {@code FUSE_READ}. */
    public static final int FUSE_READ = 15;
    /** {@code FUSE_WRITE}. */
    public static final int FUSE_WRITE = 16;
    /** {@code FUSE_STATFS}. */
    public static final int FUSE_STATFS = 17;
    /** {@code FUSE_RELEASE}. */
    public static final int FUSE_RELEASE = 18;
    /** {@code FUSE_FSYNC}. */
    public static final int FUSE_FSYNC = 20;
    /** {@code FUSE_SETXATTR}. */
    public static final int FUSE_SETXATTR = 21;
    /** {@code FUSE_GETXATTR}. */
    public static final int FUSE_GETXATTR = 22;
    /** {@code FUSE_LISTXATTR}. */
    public static final int FUSE_LISTXATTR = 23;
    /** {@code FUSE_REMOVEXATTR}. */
    public static final int FUSE_REMOVEXATTR = 24;
    /** {@code FUSE_FLUSH}. */
    public static final int FUSE_FLUSH = 25;
    /** {@code FUSE_INIT}. */
    public static final int FUSE_INIT = 26;
    /** {@code FUSE_OPENDIR}. */
    public static final int FUSE_OPENDIR = 27;
    /** {@code FUSE_READDIR}. */
    public static final int FUSE_READDIR = 28;
    /** {@code FUSE_RELEASEDIR}. */
    public static final int FUSE_RELEASEDIR = 29;
    /** {@code FUSE_FSYNCDIR}. */
    public static final int FUSE_FSYNCDIR = 30;
    /** {@code FUSE_GETLK}. */
    public static final int FUSE_GETLK = 31;
    /** {@code FUSE_SETLK}. */
    public static final int FUSE_SETLK = 32;
    /** {@code FUSE_SETLKW}. */
    public static final int FUSE_SETLKW = 33;
    /** {@code FUSE_ACCESS}. */
    public static final int FUSE_ACCESS = 34;
    /** {@code FUSE_CREATE}. */
    public static final int FUSE_CREATE = 35;
    /** {@code FUSE_INTERRUPT}. */
    public static final int FUSE_INTERRUPT = 36;
    /** {@code FUSE_BMAP}. */
    public static final int FUSE_BMAP = 37;
    /** {@code FUSE_DESTROY}. */
    public static final int FUSE_DESTROY = 38;
    /** {@code FUSE_IOCTL}. */
    public static final int FUSE_IOCTL = 39;
    /** {@code FUSE_POLL}. */
    public static final int FUSE_POLL = 40;
    /** {@code FUSE_NOTIFY_REPLY}. */
    public static final int FUSE_NOTIFY_REPLY = 41;
    /** {@code FUSE_BATCH_FORGET}. */
    public static final int FUSE_BATCH_FORGET = 42;
    /** {@code FUSE_FALLOCATE}. */
    public static final int FUSE_FALLOCATE = 43;
    /** {@code FUSE_READDIRPLUS}. */
    public static final int FUSE_READDIRPLUS = 44;
    /** {@code FUSE_RENAME2}. */
    public static final int FUSE_RENAME2 = 45;
    /** {@code FUSE_LSEEK}. */
    public static final int FUSE_LSEEK = 46;
    /** {@code FUSE_COPY_FILE_RANGE}. */
    public static final int FUSE_COPY_FILE_RANGE = 47;
    /** {@code FUSE_SETUPMAPPING}. */
    public static final int FUSE_SETUPMAPPING = 48;
    /** {@code FUSE_REMOVEMAPPING}. */
    public static final int FUSE_REMOVEMAPPING = 49;
    /** {@code FUSE_SYNCFS}. */
    public static final int FUSE_SYNCFS = 50;
    /** {@code FUSE_TMPFILE}. */
    public static final int FUSE_TMPFILE = 51;

    /** One past the largest opcode this table names. */
    static final int MAX = 52;

    private static final String[] NAMES = new String[MAX];

    static {
        NAMES[FUSE_LOOKUP] = "LOOKUP";
        NAMES[FUSE_FORGET] = "FORGET";
        NAMES[FUSE_GETATTR] = "GETATTR";
        NAMES[FUSE_SETATTR] = "SETATTR";
        NAMES[FUSE_READLINK] = "READLINK";
        NAMES[FUSE_SYMLINK] = "SYMLINK";
        NAMES[FUSE_MKNOD] = "MKNOD";
        NAMES[FUSE_MKDIR] = "MKDIR";
        NAMES[FUSE_UNLINK] = "UNLINK";
        NAMES[FUSE_RMDIR] = "RMDIR";
        NAMES[FUSE_RENAME] = "RENAME";
        NAMES[FUSE_LINK] = "LINK";
        NAMES[FUSE_OPEN] = "OPEN";
        NAMES[FUSE_READ] = "READ";
        NAMES[FUSE_WRITE] = "WRITE";
        NAMES[FUSE_STATFS] = "STATFS";
        NAMES[FUSE_RELEASE] = "RELEASE";
        NAMES[FUSE_FSYNC] = "FSYNC";
        NAMES[FUSE_SETXATTR] = "SETXATTR";
        NAMES[FUSE_GETXATTR] = "GETXATTR";
        NAMES[FUSE_LISTXATTR] = "LISTXATTR";
        NAMES[FUSE_REMOVEXATTR] = "REMOVEXATTR";
        NAMES[FUSE_FLUSH] = "FLUSH";
        NAMES[FUSE_INIT] = "INIT";
        NAMES[FUSE_OPENDIR] = "OPENDIR";
        NAMES[FUSE_READDIR] = "READDIR";
        NAMES[FUSE_RELEASEDIR] = "RELEASEDIR";
        NAMES[FUSE_FSYNCDIR] = "FSYNCDIR";
        NAMES[FUSE_GETLK] = "GETLK";
        NAMES[FUSE_SETLK] = "SETLK";
        NAMES[FUSE_SETLKW] = "SETLKW";
        NAMES[FUSE_ACCESS] = "ACCESS";
        NAMES[FUSE_CREATE] = "CREATE";
        NAMES[FUSE_INTERRUPT] = "INTERRUPT";
        NAMES[FUSE_BMAP] = "BMAP";
        NAMES[FUSE_DESTROY] = "DESTROY";
        NAMES[FUSE_IOCTL] = "IOCTL";
        NAMES[FUSE_POLL] = "POLL";
        NAMES[FUSE_NOTIFY_REPLY] = "NOTIFY_REPLY";
        NAMES[FUSE_BATCH_FORGET] = "BATCH_FORGET";
        NAMES[FUSE_FALLOCATE] = "FALLOCATE";
        NAMES[FUSE_READDIRPLUS] = "READDIRPLUS";
        NAMES[FUSE_RENAME2] = "RENAME2";
        NAMES[FUSE_LSEEK] = "LSEEK";
        NAMES[FUSE_COPY_FILE_RANGE] = "COPY_FILE_RANGE";
        NAMES[FUSE_SETUPMAPPING] = "SETUPMAPPING";
        NAMES[FUSE_REMOVEMAPPING] = "REMOVEMAPPING";
        NAMES[FUSE_SYNCFS] = "SYNCFS";
        NAMES[FUSE_TMPFILE] = "TMPFILE";
    }

    private FuseOpcode() {
    }

    /**
     * The kernel's name of an opcode, without the {@code FUSE_} prefix.
     *
     * @param opcode a {@code fuse_in_header.opcode}
     * @return such as {@code "LOOKUP"}, or {@code "opcode=N"} for one this table does not name
     */
    public static String name(int opcode) {
        return opcode >= 0 && opcode < MAX && NAMES[opcode] != null ? NAMES[opcode] : "opcode=" + Integer.toUnsignedString(opcode);
    }
}
