package io.jnetfs.p9.nio;

import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Flags;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * The attributes of a file as one Tgetattr saw them, as {@link PosixFileAttributes} (and so
 * {@link java.nio.file.attribute.BasicFileAttributes}). The size is the local one where this file
 * system has the file open for writing (its writes not yet written back count, as a local file's
 * dirty pages do).
 */
final class P9FileAttributes implements PosixFileAttributes {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;
    private static final PosixFilePermission[] BITS = {
        PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
        PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ,
    };

    private final P9FileSystem fs;
    private final P9Attr a;
    private final long size;

    /**
     * The server identity of a file of one file system: {@code qid.path}, the inode number for diod and
     * {@code jnetfs serve}.
     *
     * @param fs the file system
     * @param ino the qid's path
     */
    record FileKey(P9FileSystem fs, long ino) {
        @Override
        public String toString() {
            return "(ino=" + Long.toUnsignedString(ino) + ")";
        }
    }

    P9FileAttributes(P9FileSystem fs, P9Attr a) {
        this.fs = fs;
        this.a = a;
        long local = fs.inodes().localSize(a.qid().path());
        this.size = local >= 0 ? local : a.size();
    }

    /** {@return the server's reply} */
    P9Attr raw() {
        return a;
    }

    static FileTime time(long sec, long nsec) {
        return FileTime.from(Instant.ofEpochSecond(sec, nsec));
    }

    /** {@return the permission bits of a mode} */
    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < BITS.length; i++) {
            if ((mode & (1 << i)) != 0) {
                s.add(BITS[i]);
            }
        }
        return s;
    }

    /** {@return the mode bits of a permission set} */
    static int mode(Set<PosixFilePermission> perms) {
        int m = 0;
        for (int i = 0; i < BITS.length; i++) {
            if (perms.contains(BITS[i])) {
                m |= 1 << i;
            }
        }
        return m;
    }

    @Override
    public FileTime lastModifiedTime() {
        return time(a.mtimeSec(), a.mtimeNsec());
    }

    @Override
    public FileTime lastAccessTime() {
        return time(a.atimeSec(), a.atimeNsec());
    }

    /** {@return the birth time where the server sends one, else the last modified time (as the default provider without statx)} */
    @Override
    public FileTime creationTime() {
        if ((a.valid() & P9Flags.P9_GETATTR_BTIME) != 0 && (a.btimeSec() != 0 || a.btimeNsec() != 0)) {
            return time(a.btimeSec(), a.btimeNsec());
        }
        return lastModifiedTime();
    }

    /** {@return the change time} */
    FileTime ctime() {
        return time(a.ctimeSec(), a.ctimeNsec());
    }

    @Override
    public boolean isRegularFile() {
        return (a.mode() & S_IFMT) == S_IFREG;
    }

    @Override
    public boolean isDirectory() {
        return (a.mode() & S_IFMT) == S_IFDIR;
    }

    @Override
    public boolean isSymbolicLink() {
        return (a.mode() & S_IFMT) == S_IFLNK;
    }

    @Override
    public boolean isOther() {
        return !isRegularFile() && !isDirectory() && !isSymbolicLink();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Object fileKey() {
        return new FileKey(fs, a.qid().path());
    }

    @Override
    public UserPrincipal owner() {
        return fs.principals().user(a.uid());
    }

    @Override
    public GroupPrincipal group() {
        return fs.principals().group(a.gid());
    }

    @Override
    public Set<PosixFilePermission> permissions() {
        return permissions(a.mode());
    }
}
