package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;

import java.io.IOException;
import java.util.Objects;

/** Argument checks and file checks shared by the {@link CacheOccupancy} implementations. */
final class Granules {
    private Granules() {
    }

    /** @return log2 of a valid granule size */
    static int shiftOf(long granuleSize) {
        if (granuleSize < CacheOccupancy.MIN_GRANULE_SIZE || granuleSize > CacheOccupancy.MAX_GRANULE_SIZE
                || Long.bitCount(granuleSize) != 1) {
            throw new IllegalArgumentException("invalid granuleSize=" + granuleSize);
        }
        return Long.numberOfTrailingZeros(granuleSize);
    }

    /** Checks a window {@code [start, end)} in granules whose byte offsets must fit a signed 64-bit offset. */
    static void checkWindow(long start, long end, int shift) {
        if (start < 0) {
            throw new IllegalArgumentException("invalid start=" + start);
        }
        if (end < start) {
            throw new IllegalArgumentException("invalid end=" + end + " < start=" + start);
        }
        if (end > Long.MAX_VALUE >>> shift) {
            throw new IllegalArgumentException("invalid end=" + end + ": beyond the largest file offset");
        }
    }

    /**
     * The checks every query starts with: the window, {@code into}, and the descriptor, which fstat
     * (into {@code status}) must show to be a regular file whose {@code st_blksize} divides the
     * granule size.
     *
     * @throws IOException EISDIR for a directory, EINVAL for another non-regular file, or fstat's errno
     */
    static void checkQuery(int fd, long start, long end, int shift, long granuleSize, FileStatus status,
                           GranuleRanges into) throws IOException {
        checkWindow(start, end, shift);
        Objects.requireNonNull(into, "into");
        int r = status.fstat(fd);
        if (r < 0) {
            throw Errors.ioException("fstat(fd=" + fd + ")", r);
        }
        if (!status.isRegular()) {
            throw Errors.ioException("occupancy(fd=" + fd + ", mode=0" + Integer.toOctalString(status.mode())
                    + "): not a regular file", status.isDirectory() ? Errno.EISDIR : Errno.EINVAL);
        }
        long blksize = status.blksize();
        if (blksize > 0 && granuleSize % blksize != 0) {
            throw new IllegalArgumentException("invalid granuleSize=" + granuleSize
                    + ": not a multiple of st_blksize=" + blksize + " of fd=" + fd);
        }
    }
}
