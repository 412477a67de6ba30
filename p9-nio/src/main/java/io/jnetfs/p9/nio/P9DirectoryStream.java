package io.jnetfs.p9.nio;

import io.jnetfs.p9.Dirent;
import io.jnetfs.p9.Fid;
import java.io.IOException;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * A directory's entries, read whole when the stream is opened (Treaddir to the end on a clone of the
 * directory's fid, then clunked: the stream holds nothing on the server), without "." and "..", each
 * resolved against the directory's path and passed through the filter as it is iterated. One
 * iterator per stream; after {@link #close()} the iterator ends.
 */
final class P9DirectoryStream implements DirectoryStream<Path> {
    private final P9Path dir;
    private final List<String> names;
    private final Filter<? super Path> filter;
    private volatile boolean closed;
    private boolean iterated;

    private P9DirectoryStream(P9Path dir, List<String> names, Filter<? super Path> filter) {
        this.dir = dir;
        this.names = names;
        this.filter = filter;
    }

    static P9DirectoryStream open(P9Path dir, Filter<? super Path> filter) throws IOException {
        P9FileSystem fs = dir.getFileSystem();
        fs.checkOpen();
        List<String> names = new ArrayList<>();
        try (Fid d = fs.walker().walk(dir.toAbsolutePath(), true)) {
            if (d.qid() == null || !d.qid().isDirectory()) {
                throw FsErrors.notDirectory(dir, null);
            }
            for (Dirent e : fs.client().readdir(d)) {
                if (!e.name().equals(".") && !e.name().equals("..")) {
                    names.add(e.name());
                }
            }
        } catch (IOException e) {
            if (FsErrors.errno(e) == io.jnetfs.ffm.Errno.ENOTDIR) {
                throw FsErrors.notDirectory(dir, e);
            }
            throw FsErrors.translate(e, dir, null);
        }
        P9DirectoryStream s = new P9DirectoryStream(dir, names, filter);
        fs.opened(s);
        return s;
    }

    @Override
    public synchronized Iterator<Path> iterator() {
        if (closed) {
            throw new IllegalStateException("Directory stream is closed");
        }
        if (iterated) {
            throw new IllegalStateException("Iterator already obtained");
        }
        iterated = true;
        return new Iterator<>() {
            private int next;
            private Path ready;

            @Override
            public boolean hasNext() {
                while (ready == null && !closed && next < names.size()) {
                    Path p = dir.resolve(names.get(next++));
                    try {
                        if (filter == null || filter.accept(p)) {
                            ready = p;
                        }
                    } catch (IOException e) {
                        throw new DirectoryIteratorException(e);
                    }
                }
                return ready != null;
            }

            @Override
            public Path next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                Path p = ready;
                ready = null;
                return p;
            }
        };
    }

    @Override
    public void close() {
        closed = true;
        dir.getFileSystem().closed(this);
    }
}
