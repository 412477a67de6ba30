package io.jnetfs.fiemap;

import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * The query template the kernel-asking implementations share (FIEMAP and SEEK_DATA), written once:
 *
 * <pre>
 *   query(fd, start, end, into)
 *     check open, check the arguments and fstat the file (Granules.checkQuery)
 *     r = fill(fd, start, end, st_size, into)      the one step each implementation writes
 *     r &gt;= 0             -&gt; the range count
 *     isUnsupported(r)   -&gt; into says "unknown", UNKNOWN (the cache treats the window as absent)
 *     else               -&gt; failure(fd, r): a NativeIoException naming the call and the errno
 * </pre>
 *
 * Each instance owns an arena for its {@link FileStatus}; {@link #close()} frees it after the
 * implementation's own buffers ({@link #closeBuffers()}).
 */
abstract sealed class OccupancyQuery implements CacheOccupancy permits FiemapOccupancy, SeekOccupancy {
    final long granuleSize;
    final int shift;
    final Arena arena;
    final FileStatus status;
    private boolean closed;

    OccupancyQuery(long granuleSize) {
        this.shift = Granules.shiftOf(granuleSize);
        this.granuleSize = granuleSize;
        this.arena = Arena.ofShared();
        this.status = new FileStatus(arena);
    }

    @Override
    public final int query(int fd, long start, long end, GranuleRanges into) throws IOException {
        if (closed) {
            throw new IllegalStateException(getClass().getSimpleName() + " closed");
        }
        Granules.checkQuery(fd, start, end, shift, granuleSize, status, into);
        int r = fill(fd, start, end, status.size(), into);
        if (r >= 0) {
            return r;
        }
        if (unsupported(r)) {
            into.unknown(start, end, shift);
            return UNKNOWN;
        }
        throw failed(fd, r);
    }

    /**
     * The query after the checks.
     *
     * @return the range count, or {@code -errno} (into is then incomplete)
     */
    abstract int fill(int fd, long start, long end, long size, GranuleRanges into);

    /** @return whether {@code -errno} from {@link #fill} means "this file cannot answer" rather than a failure */
    abstract boolean unsupported(int r);

    /** @return the exception for a failed {@link #fill}, naming the call */
    abstract IOException failed(int fd, int r);

    /** Frees the implementation's own native buffers (the arena goes after). */
    void closeBuffers() {
    }

    @Override
    public final long granuleSize() {
        return granuleSize;
    }

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            closeBuffers();
            arena.close();
        }
    }
}
