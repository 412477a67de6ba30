package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;

import java.io.IOException;

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
     * fstat's answer must be a regular file whose {@code st_blksize} divides the granule size.
     *
     * @throws IOException EISDIR for a directory, EINVAL for another non-regular file
     */
    static void checkFile(int fd, FileStatus status, long granuleSize) throws IOException {
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

    /** fstat failed. */
    static IOException fstatFailure(int fd, int r) {
        return Errors.ioException("fstat(fd=" + fd + ")", r);
    }
}
