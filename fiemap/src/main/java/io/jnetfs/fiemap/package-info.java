/**
 * Which parts of a file hold data: extents from the FS_IOC_FIEMAP ioctl, and the cache-occupancy
 * question built on it.
 *
 * <ul>
 *   <li>{@link io.jnetfs.fiemap.Fiemap}: the FIEMAP query over a reusable native buffer of
 *       {@code nr_slots} extents, looping until the file's extents are all read; results in
 *       {@link io.jnetfs.fiemap.Extents} (primitive arrays) or streamed to an
 *       {@link io.jnetfs.fiemap.ExtentSink}. {@link io.jnetfs.fiemap.FiemapExtentFlags} names the
 *       {@code FIEMAP_EXTENT_*} bits; {@link io.jnetfs.fiemap.FilefragFormat} prints extents the way
 *       {@code filefrag -v} does.</li>
 *   <li>{@link io.jnetfs.fiemap.CacheOccupancy}: "the data granules in [start, end) of this cache
 *       file", with the rules that keep preallocated and not-yet-placed bytes from counting as data.
 *       Implementations: {@link io.jnetfs.fiemap.FiemapOccupancy},
 *       {@link io.jnetfs.fiemap.SeekOccupancy} (SEEK_DATA/SEEK_HOLE) and
 *       {@link io.jnetfs.fiemap.AutoOccupancy} (FIEMAP, falling back to SEEK where FIEMAP is
 *       unsupported, else unknown); answers in {@link io.jnetfs.fiemap.GranuleRanges}.</li>
 * </ul>
 *
 * <p>Package-private: {@code FiemapDescriptor} (offsets of {@code struct fiemap} and
 * {@code struct fiemap_extent} from the generated layouts), {@code FileStatus} (a reusable
 * {@code struct stat}/{@code struct statfs}), {@code Granules} (shared checks).
 *
 * <p>System calls go through {@link io.jnetfs.ffm.Native}; inside, failures are {@code -errno};
 * the public methods throw {@link io.jnetfs.ffm.NativeIoException} or the JDK's own
 * {@link java.nio.file.FileSystemException} subclasses.
 */
package io.jnetfs.fiemap;
