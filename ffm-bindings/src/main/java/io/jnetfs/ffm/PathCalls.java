package io.jnetfs.ffm;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.ffm.gen.statfs;
import io.jnetfs.ffm.gen.timespec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * The calls on a path (relative to the working directory, {@code AT_FDCWD}) that a tool makes on local
 * files where the JDK's file API loses what matters: the errno ({@code mkdirat}, {@code unlinkat},
 * {@code renameat}, {@code symlinkat}, {@code fchmodat}), nanosecond times ({@code fstatat},
 * {@code utimensat}) or what the JDK does not tell ({@code st_blocks}, {@code statfs}).
 *
 * <p>Each call goes through {@link Native} and returns Java values ({@link FileStat}, {@link FsStat}), so
 * its callers (the CLI's local side, its {@code cache} and {@code extents} commands) never touch the
 * generated structs in {@code io.jnetfs.ffm.gen}. A failure is the exception of
 * {@link Errors#pathException}: the JDK's own type where one exists, its message naming the call and
 * the path ({@code mkdirat(path=/x) failed: EEXIST (File exists)}). Not for hot paths: each call
 * allocates its path and struct in a confined arena.
 */
public final class PathCalls {
    private PathCalls() {
    }

    /**
     * {@code fstatat(AT_FDCWD, path, &st, 0)}: follows a symbolic link.
     *
     * @param path the file
     * @return its attributes
     * @throws IOException naming {@code fstatat} and the path
     */
    public static FileStat stat(String path) throws IOException {
        return fstatat(path, 0);
    }

    /**
     * {@code fstatat(AT_FDCWD, path, &st, AT_SYMLINK_NOFOLLOW)}: a symbolic link's own attributes.
     *
     * @param path the file
     * @return its attributes
     * @throws IOException naming {@code fstatat} and the path
     */
    public static FileStat lstat(String path) throws IOException {
        return fstatat(path, LibC.AT_SYMLINK_NOFOLLOW());
    }

    private static FileStat fstatat(String path, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = stat.allocate(a);
            int r = Native.fstatat(LibC.AT_FDCWD(), a.allocateFrom(path), st, flags);
            if (r < 0) {
                throw Errors.pathException("fstatat(path=" + path + ")", path, r);
            }
            return new FileStat(stat.st_mode(st), stat.st_size(st), stat.st_blocks(st), stat.st_blksize(st),
                    stat.st_nlink(st), stat.st_uid(st), stat.st_gid(st), stat.st_ino(st), nanos(stat.st_atim(st)),
                    nanos(stat.st_mtim(st)), nanos(stat.st_ctim(st)));
        }
    }

    private static long nanos(MemorySegment ts) {
        return timespec.tv_sec(ts) * 1_000_000_000L + timespec.tv_nsec(ts);
    }

    /**
     * The file system holding {@code path}: {@code open(O_RDONLY | O_NONBLOCK)} (a FIFO does not block),
     * {@code fstatfs}, {@code close}.
     *
     * @param path a file
     * @return its file system's type and block size
     * @throws IOException naming {@code open} or {@code fstatfs} and the path
     */
    public static FsStat statfs(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int fd = Native.open(a.allocateFrom(path), LibC.O_RDONLY() | LibC.O_CLOEXEC() | LibC.O_NONBLOCK(), 0);
            if (fd < 0) {
                throw Errors.pathException("open(path=" + path + ")", path, fd);
            }
            try {
                MemorySegment sf = statfs.allocate(a);
                int r = Native.fstatfs(fd, sf);
                if (r < 0) {
                    throw Errors.pathException("fstatfs(path=" + path + ")", path, r);
                }
                return new FsStat(statfs.f_type(sf), statfs.f_bsize(sf));
            } finally {
                Native.close(fd);
            }
        }
    }

    /**
     * {@code mkdirat(AT_FDCWD, path, mode)}: the umask applies.
     *
     * @param path the new directory
     * @param mode its permission bits
     * @throws IOException naming {@code mkdirat} and the path
     */
    public static void mkdir(String path, int mode) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.mkdirat(LibC.AT_FDCWD(), a.allocateFrom(path), mode);
            if (r < 0) {
                throw Errors.pathException("mkdirat(path=" + path + ")", path, r);
            }
        }
    }

    /**
     * {@code unlinkat(AT_FDCWD, path, directory ? AT_REMOVEDIR : 0)}.
     *
     * @param path what to remove
     * @param directory remove an empty directory rather than a file
     * @throws IOException naming {@code unlinkat} and the path
     */
    public static void remove(String path, boolean directory) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.unlinkat(LibC.AT_FDCWD(), a.allocateFrom(path), directory ? LibC.AT_REMOVEDIR() : 0);
            if (r < 0) {
                throw Errors.pathException("unlinkat(path=" + path + ")", path, r);
            }
        }
    }

    /**
     * {@code renameat(AT_FDCWD, from, AT_FDCWD, to)}: atomic, replaces {@code to}.
     *
     * @param from the present name
     * @param to the new name
     * @throws IOException naming {@code renameat}, both paths, and {@code from} as the file
     */
    public static void rename(String from, String to) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.renameat(LibC.AT_FDCWD(), a.allocateFrom(from), LibC.AT_FDCWD(), a.allocateFrom(to));
            if (r < 0) {
                throw Errors.pathException("renameat(from=" + from + ", to=" + to + ")", from, r);
            }
        }
    }

    /**
     * {@code symlinkat(target, AT_FDCWD, path)}.
     *
     * @param path the new link
     * @param target what it points to (not checked)
     * @throws IOException naming {@code symlinkat} and the path
     */
    public static void symlink(String path, String target) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.symlinkat(a.allocateFrom(target), LibC.AT_FDCWD(), a.allocateFrom(path));
            if (r < 0) {
                throw Errors.pathException("symlinkat(path=" + path + ")", path, r);
            }
        }
    }

    /**
     * {@code fchmodat(AT_FDCWD, path, mode & 07777, 0)}.
     *
     * @param path the file
     * @param mode the permission bits (the file type bits are ignored)
     * @throws IOException naming {@code fchmodat} and the path
     */
    public static void chmod(String path, int mode) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.fchmodat(LibC.AT_FDCWD(), a.allocateFrom(path), mode & 07777, 0);
            if (r < 0) {
                throw Errors.pathException("fchmodat(path=" + path + ")", path, r);
            }
        }
    }

    /**
     * {@code utimensat(AT_FDCWD, path, {atime, mtime}, 0)}: follows a symbolic link.
     *
     * @param path the file
     * @param atimeNanos the access time, nanoseconds since the epoch (before it too)
     * @param mtimeNanos the modification time, nanoseconds since the epoch
     * @throws IOException naming {@code utimensat} and the path
     */
    public static void setTimes(String path, long atimeNanos, long mtimeNanos) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment times = timespec.allocateArray(2, a);
            MemorySegment at = times.asSlice(0, timespec.sizeof());
            MemorySegment mt = times.asSlice(timespec.sizeof(), timespec.sizeof());
            timespec.tv_sec(at, Math.floorDiv(atimeNanos, 1_000_000_000L));
            timespec.tv_nsec(at, Math.floorMod(atimeNanos, 1_000_000_000L));
            timespec.tv_sec(mt, Math.floorDiv(mtimeNanos, 1_000_000_000L));
            timespec.tv_nsec(mt, Math.floorMod(mtimeNanos, 1_000_000_000L));
            int r = Native.utimensat(LibC.AT_FDCWD(), a.allocateFrom(path), times, 0);
            if (r < 0) {
                throw Errors.pathException("utimensat(path=" + path + ")", path, r);
            }
        }
    }
}
