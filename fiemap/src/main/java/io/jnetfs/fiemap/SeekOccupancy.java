package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;

import java.io.IOException;

/**
 * {@link CacheOccupancy} from {@code lseek(SEEK_DATA)} and {@code lseek(SEEK_HOLE)}.
 *
 * <pre>
 *   fstat(fd)                            -> st_size, and the checks
 *   pos = start * G; limit = min(end * G, st_size)
 *   while pos &lt; limit:
 *     d = lseek(fd, pos, SEEK_DATA)       ENXIO: no data after pos
 *     h = lseek(fd, d, SEEK_HOLE)         the end of the file is a hole
 *     data [d, h); pos = h
 *   each run is cut into whole granules (GranuleRanges)
 * </pre>
 *
 * <p>Two system calls per data run, so the cost grows with the number of runs in the window. The
 * descriptor's file offset is left wherever the last lseek put it.
 *
 * <p>Caveats, which is why {@link OccupancyMethod#AUTO} prefers FIEMAP: the kernel reports page-cache
 * pages over unwritten (preallocated) extents as data, including clean zero pages a read brought in;
 * and a filesystem that does not track holes answers through {@code generic_file_llseek}, which calls
 * the whole file data. Where lseek refuses SEEK_DATA (EINVAL on procfs, ESPIPE, EOPNOTSUPP) or makes no
 * progress, the answer is {@link #UNKNOWN}.
 */
public final class SeekOccupancy extends OccupancyQuery {
    private static final int SEEK_DATA = LibC.SEEK_DATA();
    private static final int SEEK_HOLE = LibC.SEEK_HOLE();
    /** No data at or after the offset (also: offset at or past the end of the file). */
    private static final int ENXIO = Errno.number("ENXIO");

    /** {@code TMPFS_MAGIC}. */
    static final long TMPFS_MAGIC = 0x01021994L;
    /** {@code EXT4_SUPER_MAGIC} (also ext2 and ext3, served by the ext4 driver). */
    static final long EXT4_SUPER_MAGIC = 0xEF53L;
    /** {@code XFS_SUPER_MAGIC}. */
    static final long XFS_SUPER_MAGIC = 0x58465342L;
    /** {@code BTRFS_SUPER_MAGIC}. */
    static final long BTRFS_SUPER_MAGIC = 0x9123683EL;
    /** {@code F2FS_SUPER_MAGIC}. */
    static final long F2FS_SUPER_MAGIC = 0xF2F52010L;
    /** {@code BCACHEFS_SUPER_MAGIC}. */
    static final long BCACHEFS_SUPER_MAGIC = 0xCA451A4EL;
    /** OpenZFS's {@code ZFS_SUPER_MAGIC}. */
    static final long ZFS_SUPER_MAGIC = 0x2FC12FC1L;

    /**
     * @param granuleSize bytes per granule, a power of two in [512, 1 GiB]
     * @throws IllegalArgumentException for a bad granule size
     */
    public SeekOccupancy(long granuleSize) {
        super(granuleSize);
    }

    /**
     * Whether a filesystem implements SEEK_DATA/SEEK_HOLE from its own knowledge of holes, rather
     * than through {@code generic_file_llseek}, which calls every byte below the end of the file data.
     *
     * @param fsType {@code statfs.f_type}
     * @return true for tmpfs, ext2/3/4, xfs, btrfs, f2fs, bcachefs and zfs
     */
    public static boolean tracksHoles(long fsType) {
        long t = fsType & 0xFFFF_FFFFL;
        return t == TMPFS_MAGIC || t == EXT4_SUPER_MAGIC || t == XFS_SUPER_MAGIC || t == BTRFS_SUPER_MAGIC
                || t == F2FS_SUPER_MAGIC || t == BCACHEFS_SUPER_MAGIC || t == ZFS_SUPER_MAGIC;
    }

    @Override
    int fill(int fd, long start, long end, long size, GranuleRanges into) {
        final long limit = Math.min(end << shift, size);
        into.begin(GranuleRanges.Source.SEEK, start, end, shift, size);
        long pos = start << shift;
        while (pos < limit) {
            long data = Native.lseek(fd, pos, SEEK_DATA);
            if (data == -ENXIO) {
                break;
            }
            if (data < 0) {
                return (int) data;
            }
            if (data >= limit) {
                break;
            }
            long hole = Native.lseek(fd, data, SEEK_HOLE);
            if (hole == -ENXIO) {
                // the file shrank below data since the first call
                break;
            }
            if (hole < 0) {
                return (int) hole;
            }
            if (hole <= data) {
                // an lseek that does not move (character devices) cannot be trusted
                return -Errno.EINVAL;
            }
            into.addData(data, hole);
            pos = hole;
        }
        into.finish();
        return into.count();
    }

    /** Whether an errno from lseek(SEEK_DATA/SEEK_HOLE) means "this file cannot answer". */
    static boolean isUnsupported(int r) {
        int e = -r;
        return e == Errno.EINVAL || e == Errno.ESPIPE || e == Errno.EOPNOTSUPP || e == Errno.ENOSYS;
    }

    static IOException failure(int fd, int r) {
        return Errors.ioException("lseek(fd=" + fd + ", SEEK_DATA/SEEK_HOLE)", r);
    }

    @Override
    boolean unsupported(int r) {
        return isUnsupported(r);
    }

    @Override
    IOException failed(int fd, int r) {
        return failure(fd, r);
    }

    @Override
    public OccupancyMethod method() {
        return OccupancyMethod.SEEK;
    }
}
