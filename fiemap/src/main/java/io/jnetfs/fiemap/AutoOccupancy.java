package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errors;

import java.io.IOException;
import java.lang.foreign.Arena;

/**
 * {@link CacheOccupancy} that picks its method per filesystem ({@link OccupancyMethod#AUTO}).
 *
 * <pre>
 *   fstat(fd)
 *   device remembered as "no FIEMAP"?  -- yes: SEEK if it tracks holes, else UNKNOWN
 *        | no
 *   FIEMAP ---- answered --------------&gt; FIEMAP answer
 *        | EOPNOTSUPP / ENOTTY / EBADR
 *   fstatfs(fd): tmpfs, ext4, xfs, btrfs, f2fs, bcachefs, zfs?
 *        | yes                          | no
 *   SEEK_DATA/SEEK_HOLE                 UNKNOWN          (remembered for st_dev)
 * </pre>
 *
 * <p>Only the device of the latest "no FIEMAP" answer is remembered, so a tmpfs cache pays the failed
 * ioctl and the fstatfs once, not per query. FIEMAP uses {@link DelallocPolicy#SYNC_ON_DEMAND}.
 */
public final class AutoOccupancy implements CacheOccupancy {
    private final long granuleSize;
    private final int shift;
    private final FiemapOccupancy fiemap;
    private final SeekOccupancy seek;
    private final Arena arena;
    private final FileStatus status;
    private boolean closed;

    // the device that answered "no FIEMAP", and whether SEEK may be used on it
    private boolean noFiemapKnown;
    private long noFiemapDev;
    private boolean noFiemapSeekUsable;

    /**
     * @param granuleSize bytes per granule, a power of two in [512, 1 GiB]
     * @throws IllegalArgumentException for a bad granule size
     */
    public AutoOccupancy(long granuleSize) {
        this.shift = Granules.shiftOf(granuleSize);
        this.granuleSize = granuleSize;
        this.fiemap = new FiemapOccupancy(granuleSize);
        this.seek = new SeekOccupancy(granuleSize);
        this.arena = Arena.ofShared();
        this.status = new FileStatus(arena);
    }

    @Override
    public int query(int fd, long start, long end, GranuleRanges into) throws IOException {
        checkOpen();
        Granules.checkQuery(fd, start, end, shift, granuleSize, status, into);
        final long size = status.size();
        final long dev = status.dev();
        int r;
        if (!(noFiemapKnown && noFiemapDev == dev)) {
            r = fiemap.fill(fd, start, end, size, into);
            if (r >= 0) {
                return r;
            }
            if (!FiemapOccupancy.isUnsupported(r)) {
                throw FiemapOccupancy.failure(fd, r);
            }
            int s = status.fstatfs(fd);
            if (s < 0) {
                throw Errors.ioException("fstatfs(fd=" + fd + ")", s);
            }
            noFiemapKnown = true;
            noFiemapDev = dev;
            noFiemapSeekUsable = SeekOccupancy.tracksHoles(status.fsType());
        }
        if (noFiemapSeekUsable) {
            r = seek.fill(fd, start, end, size, into);
            if (r >= 0) {
                return r;
            }
            if (!SeekOccupancy.isUnsupported(r)) {
                throw SeekOccupancy.failure(fd, r);
            }
            noFiemapSeekUsable = false;
        }
        into.unknown(start, end, shift);
        return UNKNOWN;
    }

    @Override
    public long granuleSize() {
        return granuleSize;
    }

    @Override
    public OccupancyMethod method() {
        return OccupancyMethod.AUTO;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fiemap.close();
            seek.close();
            arena.close();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("AutoOccupancy closed");
        }
    }
}
