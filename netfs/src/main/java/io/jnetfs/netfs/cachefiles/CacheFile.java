package io.jnetfs.netfs.cachefiles;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.fiemap.CacheOccupancy;
import io.jnetfs.fiemap.GranuleRanges;
import io.jnetfs.netfs.NetfsCache;
import io.jnetfs.netfs.NetfsIoSubrequest;
import io.jnetfs.uring.FileIo;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.Phaser;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One remote file's cache file: reads straight into the subrequest's buffer, background writes of
 * downloaded data from the same memory, both through the owner's {@link FileIo} (io_uring READV/WRITEV
 * SQEs over the chain's own iovec arrays, or blocking {@code preadv2}/{@code pwritev2}), and occupancy
 * from the fiemap module.
 *
 * <p>Only whole granules are written (plus the last, short granule at the remote end of file), so
 * occupancy never calls a partly written granule data. Any failure (ENOSPC, EIO, a short read of a
 * cache file truncated behind our back) switches the cache off for the file with a warning; the data
 * then comes from the server, never wrong.
 */
public final class CacheFile implements NetfsCache, AutoCloseable {
    private static final ThreadLocal<BvecqIter> ITER = ThreadLocal.withInitial(BvecqIter::new);

    private final CacheFiles owner;
    private final String name;
    private final String key;
    private final Path path;
    private final Path meta;
    private final int fd;
    private final CacheOccupancy occupancy;
    private final GranuleRanges ranges = new GranuleRanges(64);
    private final long granule;
    private final Executor writer;
    private final FileIo fileIo;
    private final Phaser pending = new Phaser(1);
    private final AtomicLong bytesWritten = new AtomicLong();
    private volatile long remoteSize;
    private volatile boolean enabled = true;
    private volatile String disabledReason;
    private boolean closed;

    CacheFile(CacheFiles owner, String name, String key, Path path, Path meta, CacheOccupancy occupancy, long granule,
              long remoteSize, Executor writer, FileIo fileIo) throws IOException {
        this.owner = owner;
        this.name = name;
        this.key = key;
        this.path = path;
        this.meta = meta;
        this.occupancy = occupancy;
        this.granule = granule;
        this.remoteSize = remoteSize;
        this.writer = writer;
        this.fileIo = fileIo;
        try (Arena a = Arena.ofConfined()) {
            int r = Native.open(a.allocateFrom(path.toString()), LibC.O_RDWR() | LibC.O_CREAT() | LibC.O_CLOEXEC(), 0600);
            if (r < 0) {
                occupancy.close();
                throw io.jnetfs.ffm.Errors.pathException("open(path=" + path + ", O_RDWR|O_CREAT)", path.toString(), -r);
            }
            this.fd = r;
        }
    }

    /** @return the cache file's path */
    public Path path() {
        return path;
    }

    /** @return the key it caches */
    public String key() {
        return key;
    }

    /** @return the cache file's descriptor (for tests and {@code jnetfs extents}) */
    public int fd() {
        return fd;
    }

    /** @return bytes written to the cache file so far */
    public long bytesWritten() {
        return bytesWritten.get();
    }

    /** @return why the cache was switched off, or {@code null} */
    public String disabledReason() {
        return disabledReason;
    }

    /** @param size the remote file's size now (the last granule counts up to it) */
    public void remoteSize(long size) {
        this.remoteSize = size;
    }

    /**
     * Records what the server says of the file now (after this client's own writeback: the cache holds
     * what was written, under the server's new attributes), so the next open keeps the cache file.
     *
     * @param coherency the server's attributes after the change
     * @throws IOException if the record could not be written (the cache is then switched off for the file)
     */
    public synchronized void updateCoherency(Coherency coherency) throws IOException {
        if (closed) {
            return;
        }
        remoteSize = coherency.size();
        try {
            java.nio.file.Files.writeString(meta, CacheFiles.record(key, coherency), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            disable("coherency record " + meta + " not written: " + e.getMessage());
            throw e;
        }
    }

    @Override
    public boolean enabled() {
        return enabled && !closed;
    }

    @Override
    public void disable(String why) {
        if (enabled) {
            enabled = false;
            disabledReason = why;
            CacheFiles.LOG.warning("disk cache switched off for " + key + ": " + why);
        }
    }

    @Override
    public long granule() {
        return granule;
    }

    @Override
    public synchronized int queryOccupancy(long start, long end, long[] out) {
        if (!enabled()) {
            return 0;
        }
        int n;
        try {
            // the fiemap module speaks granules: [first granule, granule after the window)
            n = occupancy.query(fd, start / granule, (end + granule - 1) / granule, ranges);
        } catch (IOException | RuntimeException e) {
            disable("occupancy query failed: " + e.getMessage());
            return -1;
        }
        if (n == CacheOccupancy.UNKNOWN) {
            return -1;
        }
        int count = 0;
        for (int i = 0; i < n && 2 * count + 1 < out.length; i++) {
            long s = Math.max(start, ranges.start(i) * granule);
            long e = Math.min(end, Math.min(ranges.end(i) * granule, remoteSize));
            if (s < e) {
                out[2 * count] = s;
                out[2 * count + 1] = e;
                count++;
            }
        }
        return count;
    }

    @Override
    public void read(NetfsIoSubrequest s) {
        long want = s.remaining();
        long r;
        try {
            r = fileIo.preadv(fd, s.request().buffer(), s.iter(), want, s.position());
        } catch (IOException | RuntimeException e) { // a RuntimeException: the cache's FileIo closed under us
            r = -(e instanceof io.jnetfs.ffm.NativeIoException n ? n.errno() : Errno.EIO);
        }
        if (r >= 0 && r < want) {
            r = -Errno.ENODATA; // the cache file is shorter than its occupancy said: do not trust it
        }
        s.terminated(r);
    }

    @Override
    public void write(long fpos, BvecqBuffer data) {
        if (!enabled()) {
            data.release();
            return;
        }
        long end = fpos + data.length();
        long from = (fpos + granule - 1) / granule * granule;
        long to = end >= remoteSize ? end : end / granule * granule;
        if (from >= to || !owner.offer(to - from)) {
            data.release(); // nothing whole to write, or the cache is below its stop threshold
            return;
        }
        pending.register();
        writer.execute(() -> {
            try (data) {
                if (!enabled()) {
                    return;
                }
                BvecqIter it = ITER.get().init(data, from - fpos, to - from);
                long w = fileIo.pwritev(fd, data, it, to - from, from);
                bytesWritten.addAndGet(w);
            } catch (IOException | RuntimeException e) {
                disable("cache write at " + from + " failed: " + e.getMessage());
            } finally {
                pending.arriveAndDeregister();
            }
        });
    }

    @Override
    public void writeSubreq(NetfsIoSubrequest s) {
        long pos = s.position();
        long end = pos + s.remaining();
        long r;
        if (!enabled()) {
            r = s.remaining();
        } else if (!owner.offer(s.remaining())) {
            // below the stop threshold: nothing is written, and what the cache held of the range is
            // stale now (the server gets new bytes there), so it goes
            synchronized (this) {
                punch(pos / granule * granule, (end + granule - 1) / granule * granule);
            }
            r = s.remaining();
        } else {
            try {
                // whole granules only; partial granules at the edges are punched out, never left stale
                long from = (pos + granule - 1) / granule * granule;
                long to = end >= remoteSize ? end : end / granule * granule;
                synchronized (this) {
                    punch(pos / granule * granule, Math.min(from, end));
                    if (to < end) {
                        punch(to, (end + granule - 1) / granule * granule);
                    }
                }
                if (from < to) {
                    BvecqIter it = s.iter();
                    it.advance(from - pos);
                    fileIo.pwritev(fd, s.request().buffer(), it, to - from, from);
                    bytesWritten.addAndGet(to - from);
                }
                r = s.remaining();
            } catch (IOException | RuntimeException e) {
                r = -(e instanceof io.jnetfs.ffm.NativeIoException n ? n.errno() : Errno.EIO);
            }
        }
        if (end > remoteSize) {
            remoteSize = end;
        }
        s.terminated(r);
    }

    @Override
    public synchronized void invalidateRange(long start, long end) {
        long from = start / granule * granule;
        if (end == Long.MAX_VALUE) {
            if (Native.ftruncate(fd, from) < 0) {
                disable("ftruncate of the cache file failed");
            }
            remoteSize = Math.min(remoteSize, start);
            return;
        }
        punch(from, (end + granule - 1) / granule * granule);
    }

    private void punch(long from, long to) {
        if (from >= to) {
            return;
        }
        int r = Native.fallocate(fd, LibC.FALLOC_FL_PUNCH_HOLE() | LibC.FALLOC_FL_KEEP_SIZE(), from, to - from);
        if (r < 0) {
            disable("punching [" + from + ", " + to + ") out of the cache file failed: " + Errno.describe(-r));
        }
    }

    @Override
    public void drain() {
        // the owner's party arrives; the phase advances when every pending write has deregistered
        pending.awaitAdvance(pending.arrive());
    }

    @Override
    public void invalidate() {
        drain(); // a queued write of old data must not land after the truncation
        synchronized (this) {
            if (Native.ftruncate(fd, 0) < 0) {
                disable("ftruncate of the cache file failed");
            }
        }
    }

    /** Waits for background writes, then closes the descriptor. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        drain();
        closed = true;
        occupancy.close();
        Native.close(fd);
        try {
            java.nio.file.Files.setLastModifiedTime(meta, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
        } catch (IOException culledOrGone) {
            // culled by another process: nothing to mark
        }
        owner.closed(name);
    }
}
