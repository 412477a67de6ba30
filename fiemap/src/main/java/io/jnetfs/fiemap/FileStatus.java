package io.jnetfs.fiemap;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.ffm.gen.statfs;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/** A reusable {@code struct stat} and {@code struct statfs} in its owner's arena: no allocation per call. */
final class FileStatus {
    private static final int S_IFMT = LibC.S_IFMT();
    private static final int S_IFREG = LibC.S_IFREG();
    private static final int S_IFDIR = LibC.S_IFDIR();

    private final MemorySegment statBuf;
    private final MemorySegment statfsBuf;

    FileStatus(Arena arena) {
        this.statBuf = stat.allocate(arena);
        this.statfsBuf = statfs.allocate(arena);
    }

    /** {@code fstat(fd)}: 0 or {@code -errno}; the fields below read its answer. */
    int fstat(int fd) {
        return Native.fstat(fd, statBuf);
    }

    /** {@code fstatfs(fd)}: 0 or {@code -errno}; {@link #fsType()} reads its answer. */
    int fstatfs(int fd) {
        return Native.fstatfs(fd, statfsBuf);
    }

    int mode() {
        return stat.st_mode(statBuf);
    }

    boolean isRegular() {
        return (mode() & S_IFMT) == S_IFREG;
    }

    boolean isDirectory() {
        return (mode() & S_IFMT) == S_IFDIR;
    }

    long size() {
        return stat.st_size(statBuf);
    }

    long dev() {
        return stat.st_dev(statBuf);
    }

    long blksize() {
        return stat.st_blksize(statBuf);
    }

    /** {@code f_type}, the filesystem's magic number, as an unsigned 32-bit value. */
    long fsType() {
        return statfs.f_type(statfsBuf) & 0xFFFF_FFFFL;
    }
}
