package io.jnetfs.fiemap;

/** How a {@link CacheOccupancy} finds the data of a cache file. */
public enum OccupancyMethod {
    /**
     * FIEMAP where the filesystem has it; where it answers "unsupported" (EOPNOTSUPP on tmpfs),
     * SEEK_DATA/SEEK_HOLE, but only on a filesystem known to track holes
     * ({@link SeekOccupancy#tracksHoles(long)}); else unknown. The choice is remembered per device
     * ({@code st_dev}), so a tmpfs cache pays the failed ioctl once.
     */
    AUTO,
    /** The FS_IOC_FIEMAP ioctl only ({@link FiemapOccupancy}); unknown where unsupported. */
    FIEMAP,
    /** lseek SEEK_DATA/SEEK_HOLE only ({@link SeekOccupancy}), on any filesystem; unknown where unsupported. */
    SEEK,
}
