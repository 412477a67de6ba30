package io.jnetfs.cli;

import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.ffm.gen.timespec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The local side: the kernel's files, through {@link Native} for the calls whose errno or nanosecond
 * times matter ({@code fstatat}, {@code mkdirat}, {@code unlinkat}, {@code renameat},
 * {@code fchmodat}, {@code utimensat}) and {@link FileChannel} for the data.
 *
 * <p>A local write is not fsynced (as {@code cp} does not); the rename that puts it in place is atomic.
 */
final class LocalFilesystem implements Filesystem {
    /** The one instance: the local side has no state. */
    static final LocalFilesystem INSTANCE = new LocalFilesystem();

    private LocalFilesystem() {
    }

    @Override
    public String display(String path) {
        return path;
    }

    @Override
    public FileInfo stat(String path) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment st = stat.allocate(a);
            int r = Native.fstatat(LibC.AT_FDCWD(), a.allocateFrom(path), st, LibC.AT_SYMLINK_NOFOLLOW());
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("fstatat(path=" + path + ")", path, r));
            }
            int mode = stat.st_mode(st);
            String target = null;
            if ((mode & FileInfo.S_IFMT) == FileInfo.S_IFLNK) {
                try {
                    target = Files.readSymbolicLink(Path.of(path)).toString();
                } catch (IOException e) {
                    throw CommandFailure.of(path, "readlink", e);
                }
            }
            return new FileInfo(name(path), mode, stat.st_size(st), stat.st_blocks(st), stat.st_blksize(st),
                    stat.st_nlink(st), stat.st_uid(st), stat.st_gid(st), stat.st_ino(st), nanos(stat.st_atim(st)),
                    nanos(stat.st_mtim(st)), nanos(stat.st_ctim(st)), target);
        }
    }

    private static long nanos(MemorySegment ts) {
        return timespec.tv_sec(ts) * 1_000_000_000L + timespec.tv_nsec(ts);
    }

    @Override
    public List<String> list(String dir) throws IOException {
        List<String> names = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of(dir))) {
            for (Path p : ds) {
                names.add(p.getFileName().toString());
            }
        } catch (IOException e) {
            throw CommandFailure.of(dir, e);
        }
        names.sort(null);
        return names;
    }

    @Override
    public void mkdir(String path, int mode) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.mkdirat(LibC.AT_FDCWD(), a.allocateFrom(path), mode);
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("mkdirat(path=" + path + ")", path, r));
            }
        }
    }

    @Override
    public void remove(String path, boolean directory) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.unlinkat(LibC.AT_FDCWD(), a.allocateFrom(path), directory ? LibC.AT_REMOVEDIR() : 0);
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("unlinkat(path=" + path + ")", path, r));
            }
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.renameat(LibC.AT_FDCWD(), a.allocateFrom(from), LibC.AT_FDCWD(), a.allocateFrom(to));
            if (r < 0) {
                throw CommandFailure.of(from, Errors.pathException("renameat(from=" + from + ", to=" + to + ")", from, r));
            }
        }
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.symlinkat(a.allocateFrom(target), LibC.AT_FDCWD(), a.allocateFrom(path));
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("symlinkat(path=" + path + ")", path, r));
            }
        }
    }

    @Override
    public Reader openRead(String path) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(Path.of(path), StandardOpenOption.READ);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
        }
        long size;
        try {
            size = ch.size();
        } catch (IOException e) {
            closeQuietly(ch);
            throw CommandFailure.of(path, e);
        }
        return new Reader() {
            /** Where a sequential read continues: such reads use read(2), so pipes and FIFOs work too. */
            private long next;

            @Override
            public long size() {
                return size;
            }

            @Override
            public long read(long pos, MemorySegment dst) throws IOException {
                ByteBuffer b = dst.asByteBuffer();
                boolean sequential = pos == next;
                try {
                    while (b.hasRemaining()) {
                        int n = sequential ? ch.read(b) : ch.read(b, pos + b.position());
                        if (n < 0) {
                            break;
                        }
                    }
                } catch (IOException e) {
                    throw CommandFailure.of(path, e);
                }
                if (sequential) {
                    next += b.position();
                }
                return b.position() == 0 && dst.byteSize() > 0 ? -1 : b.position();
            }

            @Override
            public void close() throws IOException {
                ch.close();
            }
        };
    }

    @Override
    public Writer create(String path, int mode) throws IOException {
        FileChannel ch;
        try {
            ch = FileChannel.open(Path.of(path), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    StandardOpenOption.TRUNCATE_EXISTING);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
        }
        return new Writer() {
            @Override
            public void write(long pos, MemorySegment src) throws IOException {
                ByteBuffer b = src.asByteBuffer();
                try {
                    while (b.hasRemaining()) {
                        ch.write(b, pos + b.position());
                    }
                } catch (IOException e) {
                    throw CommandFailure.of(path, e);
                }
            }

            @Override
            public void commit() throws IOException {
                try {
                    ch.close();
                } catch (IOException e) {
                    throw CommandFailure.of(path, e);
                }
            }

            @Override
            public void close() {
                closeQuietly(ch);
            }
        };
    }

    @Override
    public void setModeAndTimes(String path, int mode, long atimeNanos, long mtimeNanos) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment p = a.allocateFrom(path);
            int r = Native.fchmodat(LibC.AT_FDCWD(), p, mode & 07777, 0);
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("fchmodat(path=" + path + ")", path, r));
            }
            MemorySegment times = timespec.allocateArray(2, a);
            MemorySegment at = times.asSlice(0, timespec.sizeof());
            MemorySegment mt = times.asSlice(timespec.sizeof(), timespec.sizeof());
            timespec.tv_sec(at, Math.floorDiv(atimeNanos, 1_000_000_000L));
            timespec.tv_nsec(at, Math.floorMod(atimeNanos, 1_000_000_000L));
            timespec.tv_sec(mt, Math.floorDiv(mtimeNanos, 1_000_000_000L));
            timespec.tv_nsec(mt, Math.floorMod(mtimeNanos, 1_000_000_000L));
            r = Native.utimensat(LibC.AT_FDCWD(), p, times, 0);
            if (r < 0) {
                throw CommandFailure.of(path, Errors.pathException("utimensat(path=" + path + ")", path, r));
            }
        }
    }

    @Override
    public String parent(String path) {
        Path p = Path.of(path).getParent();
        return p == null ? (path.startsWith("/") ? "/" : ".") : p.toString();
    }

    @Override
    public String name(String path) {
        Path p = Path.of(path).getFileName();
        return p == null ? "" : p.toString();
    }

    @Override
    public String child(String dir, String name) {
        return Path.of(dir).resolve(name).toString();
    }

    @Override
    public boolean sameAs(Filesystem other) {
        return other == this;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // closing after a failure: the first error is the one reported
        }
    }

    @Override
    public String toString() {
        return "local";
    }
}
