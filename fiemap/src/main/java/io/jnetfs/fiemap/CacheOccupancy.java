package io.jnetfs.fiemap;

import java.io.IOException;

/**
 * "Which granules of {@code [start, end)} of this cache file hold data?": the question the netfs
 * cache asks before it serves a read from its local cache file instead of the network.
 *
 * <h2>Units</h2>
 * The answer is in granules: granule {@code g} is bytes {@code [g * granuleSize, (g + 1) * granuleSize)}
 * of the file. The granule size is a power of two from 512 bytes to 1 GiB, fixed per instance, and must
 * be a multiple of the file's {@code st_blksize} (checked per query): filesystems allocate whole
 * blocks, so with a smaller granule the zeros the filesystem put around a short write would count.
 *
 * <h2>What counts as data</h2>
 * Granule {@code g} is reported present when every byte of {@code [g * granuleSize, min((g + 1) *
 * granuleSize, st_size))} is data and {@code g * granuleSize < st_size}. So a granule only partly
 * written does not count; the last granule of the file, cut short by the end of the file, counts when
 * its bytes up to the end of the file are data; granules at or past the end of the file never count
 * (blocks preallocated beyond it hold no data). Which bytes are data depends on the implementation:
 * <ul>
 *   <li>{@link FiemapOccupancy}: bytes inside an extent not flagged
 *       {@link FiemapExtentFlags#FIEMAP_EXTENT_UNWRITTEN} (fallocate and other preallocation reads
 *       as zeros: a hole). Extents flagged {@link FiemapExtentFlags#FIEMAP_EXTENT_DELALLOC} or
 *       {@link FiemapExtentFlags#FIEMAP_EXTENT_UNKNOWN} count only in an answer obtained with
 *       {@code FIEMAP_FLAG_SYNC}, per its {@link DelallocPolicy}. Data written into preallocated space
 *       counts once writeback has converted the extent.</li>
 *   <li>{@link SeekOccupancy}: bytes from {@code lseek(SEEK_DATA)} to the following
 *       {@code lseek(SEEK_HOLE)}. The kernel also calls up-to-date page-cache folios over unwritten
 *       extents data: clean zero pages that a read of preallocated space brought in, or a folio a
 *       punched hole zeroed but could not drop; and a filesystem that does not track holes calls the
 *       whole file data. So SEEK is the fallback, not the default.</li>
 * </ul>
 * After a sync and without preallocation both give the same answer; with preallocation FIEMAP never
 * reports a granule SEEK does not (the property tests check both). Neither can see zeros the
 * filesystem itself wrote: ext4 turns small unwritten pieces next to a write into written zeros
 * ({@code extent_max_zeroout_kb}, 32 KiB by default), so a cache that preallocates must still write
 * whole granules.
 *
 * <h2>Answers</h2>
 * {@link #query} fills a reusable {@link GranuleRanges} and returns its range count, or
 * {@link #UNKNOWN} when neither FIEMAP nor SEEK_DATA works on the file (the cache treats the window as
 * absent). Failures that are not "unsupported" (EBADF for a closed descriptor, EIO, ...) throw a
 * {@link io.jnetfs.ffm.NativeIoException}; bad arguments throw {@link IllegalArgumentException}.
 *
 * <p>Side effects: {@link SeekOccupancy} moves the descriptor's file offset (the cache uses
 * {@code pread}/{@code pwrite}, which do not care); a FIEMAP_FLAG_SYNC query writes back the whole
 * file's dirty pages.
 *
 * <p>An instance owns its native buffers; it is not safe for concurrent queries; whoever opens it
 * closes it ({@link #close()} is idempotent). The query path allocates nothing once the
 * {@link GranuleRanges} has grown to the largest answer.
 */
public sealed interface CacheOccupancy extends AutoCloseable
        permits OccupancyQuery, AutoOccupancy {
    /** The result of {@link #query} when the kernel cannot say: treat the window as absent. */
    int UNKNOWN = -1;
    /** The smallest granule size accepted. */
    long MIN_GRANULE_SIZE = 512;
    /** The largest granule size accepted. */
    long MAX_GRANULE_SIZE = 1L << 30;

    /**
     * Opens an occupancy query object.
     *
     * @param method which implementation ({@link OccupancyMethod#AUTO} unless testing)
     * @param granuleSize the granule size in bytes, a power of two in [512, 1 GiB]
     * @return a new instance, owned by the caller
     * @throws IllegalArgumentException for a bad granule size
     */
    static CacheOccupancy open(OccupancyMethod method, long granuleSize) {
        return switch (method) {
            case AUTO -> new AutoOccupancy(granuleSize);
            case FIEMAP -> new FiemapOccupancy(granuleSize);
            case SEEK -> new SeekOccupancy(granuleSize);
        };
    }

    /**
     * The data granules of {@code [start, end)} of an open cache file.
     *
     * @param fd an open descriptor of a regular file (any access mode)
     * @param start the first granule of the window, {@code >= 0}
     * @param end the granule after the window, {@code >= start}
     * @param into the answer to fill (cleared first; reused)
     * @return the number of ranges in {@code into}, or {@link #UNKNOWN}
     * @throws IOException a {@link io.jnetfs.ffm.NativeIoException} naming the failed call and errno
     *     (EBADF for a closed descriptor; EISDIR for a directory, EINVAL for another non-regular file)
     * @throws IllegalArgumentException for a negative {@code start}, {@code end < start}, a window
     *     beyond the largest file offset, or a granule size that is not a multiple of {@code st_blksize}
     * @throws IllegalStateException if this object is closed
     */
    int query(int fd, long start, long end, GranuleRanges into) throws IOException;

    /** @return the granule size in bytes */
    long granuleSize();

    /** @return the method this instance uses */
    OccupancyMethod method();

    /** Frees the native buffers. Idempotent. */
    @Override
    void close();
}
