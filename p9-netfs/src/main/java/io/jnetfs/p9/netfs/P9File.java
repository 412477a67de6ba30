package io.jnetfs.p9.netfs;

import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.netfs.cachefiles.CacheFile;
import io.jnetfs.p9.Fid;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A remote 9P file opened through the netfs engine: reads and writes go through the page cache,
 * readahead, writeback and the disk cache; {@link #close()} writes back, then clunks the fid and closes
 * the cache file.
 */
public final class P9File implements AutoCloseable {
    private final NetfsFile file;
    private final Fid fid;
    private final CacheFile cache;
    private final String path;
    private boolean closed;

    P9File(String path, NetfsFile file, Fid fid, CacheFile cache) {
        this.path = path;
        this.file = file;
        this.fid = fid;
        this.cache = cache;
    }

    /** @return the engine's file (counters, direct I/O, read-single) */
    public NetfsFile netfs() {
        return file;
    }

    /** @return the remote path */
    public String path() {
        return path;
    }

    /** @return the disk cache file, or {@code null} */
    public CacheFile cacheFile() {
        return cache;
    }

    /** @return the size as this client sees it */
    public long size() {
        return file.size();
    }

    /** See {@link NetfsFile#read(long, MemorySegment)}. */
    public long read(long pos, MemorySegment dst) throws IOException {
        return file.read(pos, dst);
    }

    /** See {@link NetfsFile#read(long, MemorySegment, int)}. */
    public long read(long pos, MemorySegment dst, int flags) throws IOException {
        return file.read(pos, dst, flags);
    }

    /** See {@link NetfsFile#read(long, long, int, NetfsFile.FolioReader)}. */
    public long read(long pos, long len, int flags, NetfsFile.FolioReader reader) throws IOException {
        return file.read(pos, len, flags, reader);
    }

    /** See {@link NetfsFile#read(long, byte[], int, int)}. */
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        return file.read(pos, b, off, len);
    }

    /** See {@link NetfsFile#write(long, MemorySegment)}. */
    public long write(long pos, MemorySegment src) throws IOException {
        return file.write(pos, src);
    }

    /** See {@link NetfsFile#write(long, byte[], int, int)}. */
    public long write(long pos, byte[] b, int off, int len) throws IOException {
        return file.write(pos, b, off, len);
    }

    /** See {@link NetfsFile#flush()}. */
    public void flush() throws IOException {
        file.flush();
    }

    /** See {@link NetfsFile#fsync()}. */
    public void fsync() throws IOException {
        file.fsync();
    }

    /** See {@link NetfsFile#truncate(long)}. */
    public void truncate(long size) throws IOException {
        file.truncate(size);
    }

    /**
     * Writes back, then clunks the fid and closes the cache file. Idempotent.
     *
     * @throws IOException if writeback failed (the fid is clunked all the same; the error names why)
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try {
            file.close();
        } finally {
            try {
                fid.close();
            } finally {
                if (cache != null) {
                    cache.close();
                }
            }
        }
    }
}
