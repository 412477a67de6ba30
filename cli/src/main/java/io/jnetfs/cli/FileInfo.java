package io.jnetfs.cli;

/**
 * What {@code stat} says of a file, local or remote, as the CLI shows it. Times are nanoseconds since
 * the epoch.
 *
 * @param name the last path component ({@code ""} for an export's root)
 * @param mode {@code st_mode}: type and permission bits
 * @param size bytes
 * @param blocks 512-byte blocks allocated
 * @param blksize the preferred I/O size
 * @param nlink links
 * @param uid the owner
 * @param gid the group
 * @param inode the inode number (remote: the qid path)
 * @param atimeNanos access time
 * @param mtimeNanos modification time
 * @param ctimeNanos status change time
 * @param linkTarget a symbolic link's target, else {@code null}
 */
public record FileInfo(String name, int mode, long size, long blocks, long blksize, long nlink, int uid, int gid,
                       long inode, long atimeNanos, long mtimeNanos, long ctimeNanos, String linkTarget) {
    /** {@code S_IFMT}. */
    public static final int S_IFMT = 0170000;
    /** {@code S_IFDIR}. */
    public static final int S_IFDIR = 0040000;
    /** {@code S_IFREG}. */
    public static final int S_IFREG = 0100000;
    /** {@code S_IFLNK}. */
    public static final int S_IFLNK = 0120000;

    /** {@return whether this is a directory} */
    public boolean isDirectory() {
        return (mode & S_IFMT) == S_IFDIR;
    }

    /** {@return whether this is a regular file} */
    public boolean isRegularFile() {
        return (mode & S_IFMT) == S_IFREG;
    }

    /** {@return whether this is a symbolic link} */
    public boolean isSymlink() {
        return (mode & S_IFMT) == S_IFLNK;
    }

    /** {@return the permission bits with setuid, setgid and sticky ({@code mode & 07777})} */
    public int permissions() {
        return mode & 07777;
    }

    /** {@return the file type as {@code stat(1)} names it} */
    public String typeName() {
        return switch (mode & S_IFMT) {
            case S_IFDIR -> "directory";
            case S_IFREG -> size == 0 ? "regular empty file" : "regular file";
            case S_IFLNK -> "symbolic link";
            case 0010000 -> "fifo";
            case 0020000 -> "character special file";
            case 0060000 -> "block special file";
            case 0140000 -> "socket";
            default -> "unknown";
        };
    }

    /**
     * The mode as {@code ls -l} prints it, such as {@code -rw-r--r--} or {@code drwxrwxrwt}.
     *
     * @param mode {@code st_mode}
     * @return ten characters
     */
    public static String modeString(int mode) {
        char[] c = new char[10];
        c[0] = switch (mode & S_IFMT) {
            case S_IFDIR -> 'd';
            case S_IFLNK -> 'l';
            case 0010000 -> 'p';
            case 0020000 -> 'c';
            case 0060000 -> 'b';
            case 0140000 -> 's';
            default -> '-';
        };
        String rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            c[1 + i] = (mode & (0400 >> i)) != 0 ? rwx.charAt(i) : '-';
        }
        c[3] = special(mode, 04000, c[3], 's');
        c[6] = special(mode, 02000, c[6], 's');
        c[9] = special(mode, 01000, c[9], 't');
        return new String(c);
    }

    private static char special(int mode, int bit, char x, char lower) {
        if ((mode & bit) == 0) {
            return x;
        }
        return x == '-' ? Character.toUpperCase(lower) : lower;
    }
}
