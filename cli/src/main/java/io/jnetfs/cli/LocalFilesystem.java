package io.jnetfs.cli;

import io.jnetfs.ffm.FileStat;
import io.jnetfs.ffm.PathCalls;
import java.io.IOException;
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
 * The local side: the kernel's files, through {@link PathCalls} (ffm-bindings) for the calls whose errno
 * or nanosecond times matter ({@code fstatat}, {@code mkdirat}, {@code unlinkat}, {@code renameat},
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
        FileStat st;
        try {
            st = PathCalls.lstat(path);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
        }
        String target = null;
        if ((st.mode() & FileInfo.S_IFMT) == FileInfo.S_IFLNK) {
            try {
                target = Files.readSymbolicLink(Path.of(path)).toString();
            } catch (IOException e) {
                throw CommandFailure.of(path, "readlink", e);
            }
        }
        return new FileInfo(name(path), st.mode(), st.size(), st.blocks(), st.blksize(), st.nlink(), st.uid(),
                st.gid(), st.ino(), st.atimeNanos(), st.mtimeNanos(), st.ctimeNanos(), target);
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
        try {
            PathCalls.mkdir(path, mode);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
        }
    }

    @Override
    public void remove(String path, boolean directory) throws IOException {
        try {
            PathCalls.remove(path, directory);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
        }
    }

    @Override
    public void rename(String from, String to) throws IOException {
        try {
            PathCalls.rename(from, to);
        } catch (IOException e) {
            throw CommandFailure.of(from, e);
        }
    }

    @Override
    public void symlink(String path, String target) throws IOException {
        try {
            PathCalls.symlink(path, target);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
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
        try {
            PathCalls.chmod(path, mode);
            PathCalls.setTimes(path, atimeNanos, mtimeNanos);
        } catch (IOException e) {
            throw CommandFailure.of(path, e);
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
