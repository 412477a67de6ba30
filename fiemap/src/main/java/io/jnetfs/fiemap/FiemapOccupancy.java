package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;

import java.io.IOException;
import java.util.Objects;

/**
 * {@link CacheOccupancy} from the FS_IOC_FIEMAP ioctl.
 *
 * <pre>
 *   fstat(fd)                               -> st_size, and the checks
 *   FIEMAP [start * G, min(end * G, st_size))  flags per DelallocPolicy
 *     extent UNWRITTEN                      -> hole
 *     extent DELALLOC or UNKNOWN            -> data only if this call used FIEMAP_FLAG_SYNC;
 *                                              SYNC_ON_DEMAND asks again with it when one lies below st_size
 *     any other extent                      -> data: [fe_logical, fe_logical + fe_length)
 *   touching data extents merge into runs; each run is cut into whole granules (GranuleRanges)
 * </pre>
 *
 * <p>Where the filesystem has no FIEMAP (EOPNOTSUPP, ENOTTY, or EBADR for FIEMAP_FLAG_SYNC) the answer
 * is {@link #UNKNOWN}. Costs per query: one fstat and one ioctl per {@code nr_slots} extents in the
 * window (plus a second pass with FIEMAP_FLAG_SYNC under {@link DelallocPolicy#SYNC_ON_DEMAND} when
 * there is delayed allocation to resolve). Owns a {@link Fiemap} buffer; not safe for concurrent use.
 */
public final class FiemapOccupancy extends OccupancyQuery {
    private static final int UNWRITTEN = FiemapExtentFlags.FIEMAP_EXTENT_UNWRITTEN;
    private static final int UNRESOLVED = FiemapExtentFlags.FIEMAP_EXTENT_DELALLOC
            | FiemapExtentFlags.FIEMAP_EXTENT_UNKNOWN;

    private final DelallocPolicy policy;
    private final Fiemap fiemap;
    private final Collector collector = new Collector();

    /**
     * With {@link DelallocPolicy#SYNC_ON_DEMAND} and {@link Fiemap#DEFAULT_NR_SLOTS}.
     *
     * @param granuleSize bytes per granule, a power of two in [512, 1 GiB]
     */
    public FiemapOccupancy(long granuleSize) {
        this(granuleSize, DelallocPolicy.SYNC_ON_DEMAND, Fiemap.DEFAULT_NR_SLOTS);
    }

    /**
     * @param granuleSize bytes per granule, a power of two in [512, 1 GiB]
     * @param policy what DELALLOC/UNKNOWN extents mean
     * @param nrSlots extents per ioctl call
     * @throws IllegalArgumentException for a bad granule size or slot count
     */
    public FiemapOccupancy(long granuleSize, DelallocPolicy policy, int nrSlots) {
        super(granuleSize);
        this.policy = Objects.requireNonNull(policy, "policy");
        this.fiemap = new Fiemap(nrSlots);
    }

    /**
     * The rule this class applies to one extent.
     *
     * @param flags the extent's {@code fe_flags}
     * @param synced whether the answer was obtained with FIEMAP_FLAG_SYNC
     * @return whether the extent's bytes are data for the cache
     */
    public static boolean countsAsData(int flags, boolean synced) {
        return (flags & UNWRITTEN) == 0 && (synced || (flags & UNRESOLVED) == 0);
    }

    @Override
    int fill(int fd, long start, long end, long size, GranuleRanges into) {
        final long from = start << shift;
        final long to = Math.min(end << shift, size);
        into.begin(GranuleRanges.Source.FIEMAP, start, end, shift, size);
        if (from >= to) {
            into.finish();
            return 0;
        }
        boolean sync = policy == DelallocPolicy.SYNC_ALWAYS;
        collector.reset(into, size, sync);
        int r = fiemap.tryQuery(fd, from, to - from, sync ? Fiemap.FIEMAP_FLAG_SYNC : 0, collector);
        if (r >= 0 && collector.unresolved && policy == DelallocPolicy.SYNC_ON_DEMAND) {
            into.begin(GranuleRanges.Source.FIEMAP, start, end, shift, size);
            collector.reset(into, size, true);
            r = fiemap.tryQuery(fd, from, to - from, Fiemap.FIEMAP_FLAG_SYNC, collector);
        }
        collector.reset(null, 0, false);
        if (r < 0) {
            return r;
        }
        into.finish();
        return into.count();
    }

    /** Whether an errno from FIEMAP means "this filesystem cannot answer" rather than a failure. */
    static boolean isUnsupported(int r) {
        int e = -r;
        return e == Errno.EOPNOTSUPP || e == Errno.ENOTTY || e == Errno.ENOSYS || e == Fiemap.EBADR;
    }

    static IOException failure(int fd, int r) {
        return Errors.ioException("ioctl(fd=" + fd + ", FS_IOC_FIEMAP)", r);
    }

    @Override
    boolean unsupported(int r) {
        return isUnsupported(r);
    }

    @Override
    IOException failed(int fd, int r) {
        return failure(fd, r);
    }

    /** @return the policy for DELALLOC/UNKNOWN extents */
    public DelallocPolicy policy() {
        return policy;
    }

    @Override
    public OccupancyMethod method() {
        return OccupancyMethod.FIEMAP;
    }

    @Override
    void closeBuffers() {
        fiemap.close();
    }

    /** Turns extents into data runs; one per instance, reset per query, so no object per extent or query. */
    private static final class Collector implements ExtentSink {
        private GranuleRanges target;
        private long size;
        private boolean synced;
        boolean unresolved;

        void reset(GranuleRanges target, long size, boolean synced) {
            this.target = target;
            this.size = size;
            this.synced = synced;
            this.unresolved = false;
        }

        @Override
        public void extent(long logical, long physical, long length, int flags) {
            if (countsAsData(flags, synced)) {
                target.addData(logical, logical + length);
            } else if ((flags & UNWRITTEN) == 0 && logical < size) {
                unresolved = true;
            }
        }
    }
}
