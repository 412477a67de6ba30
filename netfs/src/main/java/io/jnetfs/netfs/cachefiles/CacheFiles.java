package io.jnetfs.netfs.cachefiles;

import io.jnetfs.fiemap.CacheOccupancy;
import io.jnetfs.fiemap.OccupancyMethod;
import io.jnetfs.uring.FileIo;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.logging.Logger;

/**
 * A local disk cache in the manner of the kernel's cachefiles: one sparse cache file per remote file
 * under a cache directory, named by a digest of the server's identity of the file, with a sidecar
 * recording the key and the server's coherency data. Which ranges a cache file holds is asked of the
 * filesystem (FIEMAP, or SEEK_DATA/SEEK_HOLE where FIEMAP is unsupported) through the fiemap module.
 *
 * <pre>
 *   DIR/ab12...ef.data   sparse: holes where nothing was downloaded
 *   DIR/ab12...ef.meta   key=9p://127.0.0.1:564/export#qid=1234, version=, mtime=, size=
 * </pre>
 *
 * Cache files are read and written through a {@link FileIo} this owns: io_uring or blocking system
 * calls, as {@link CacheIo} says (default {@link CacheIo#AUTO}, or the system property
 * {@value #IO_PROPERTY}).
 *
 * <p>Thread-safe. Ownership: the caller closes the {@link CacheFile}s it opens, then this.
 */
public final class CacheFiles implements AutoCloseable {
    /** System property giving the {@link CacheIo} of the constructors that take none: {@code auto} if unset. */
    public static final String IO_PROPERTY = "jnetfs.cache.io";

    static final Logger LOG = Logger.getLogger(CacheFiles.class.getName());

    /**
     * How big the cache may grow, as cachefilesd bounds it: an absolute size and free-space thresholds.
     * The thresholds apply both to the cache's filesystem (free space as a share of its size) and, with
     * a {@code maxBytes}, to the room left under it (as a share of {@code maxBytes}):
     * <pre>
     *   free &lt; bcull%   culling starts: least-recently-used cache files not open here are deleted
     *   free &gt;= brun%   culling stops
     *   free &lt; bstop%   writes to the cache stop (reads go to the server) until culling raises it
     * </pre>
     *
     * @param maxBytes the most bytes the cache files may take on disk, or 0 for no absolute limit
     * @param brun percent free at which culling stops
     * @param bcull percent free below which culling starts
     * @param bstop percent free below which cache writes stop
     */
    public record Limits(long maxBytes, int brun, int bcull, int bstop) {
        /** cachefilesd's defaults (brun 10%, bcull 7%, bstop 3%) and no absolute limit. */
        public static final Limits DEFAULT = new Limits(0, 10, 7, 3);

        /** Checks the values: {@code 0 <= bstop < bcull < brun < 100}. */
        public Limits {
            if (maxBytes < 0 || !(0 <= bstop && bstop < bcull && bcull < brun && brun < 100)) {
                throw new IllegalArgumentException("invalid cache limits maxBytes=" + maxBytes + ", brun=" + brun
                        + "%, bcull=" + bcull + "%, bstop=" + bstop + "% (0 <= bstop < bcull < brun < 100)");
            }
        }

        /** @return a copy with another absolute limit */
        public Limits withMaxBytes(long bytes) {
            return new Limits(bytes, brun, bcull, bstop);
        }
    }

    /** What the cache is doing about its limits. */
    public enum State {
        /** Room enough. */
        OK,
        /** Below bcull: culling until brun. */
        CULLING,
        /** Below bstop: no cache writes. */
        STOPPED
    }

    /**
     * The cache's usage against its limits, for {@code jnetfs cache show}.
     *
     * @param files cache files
     * @param usedBytes bytes the cache files take on disk
     * @param maxBytes the absolute limit, or 0
     * @param fsFreeBytes free bytes of the cache's filesystem (usable by this user)
     * @param fsTotalBytes size of the cache's filesystem
     * @param limits the thresholds
     * @param freePercent the smaller of the filesystem's free share and the room left under maxBytes
     * @param state what the limits say now
     */
    public record Status(int files, long usedBytes, long maxBytes, long fsFreeBytes, long fsTotalBytes, Limits limits,
                         double freePercent, State state) {
    }

    /** After this many bytes offered to the cache, the limits are looked at again (in the background). */
    private static final long CHECK_EVERY = 8L << 20;

    private final Path dir;
    private final long granule;
    private final OccupancyMethod method;
    private final Executor writer;
    private final Limits limits;
    /** Cache files open in this process (by file name): culling leaves them. */
    private final java.util.Set<String> open = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong offeredSinceCheck = new java.util.concurrent.atomic.AtomicLong();
    private final java.util.concurrent.atomic.AtomicBoolean checkQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final java.util.concurrent.atomic.AtomicLong culledFiles = new java.util.concurrent.atomic.AtomicLong();
    private volatile State state = State.OK;
    private final FileIo fileIo;
    private final String ioFallbackReason;
    private volatile boolean closed;

    /**
     * @param dir the cache directory (created if absent)
     * @param granule the cache granule, a power of two (a multiple of the filesystem block size)
     * @param method how occupancy is found ({@link OccupancyMethod#AUTO}: FIEMAP, else SEEK_DATA)
     * @param writer where background writes of downloaded data run
     */
    public CacheFiles(Path dir, long granule, OccupancyMethod method, Executor writer) throws IOException {
        this(dir, granule, method, writer, Limits.DEFAULT);
    }

    /**
     * @param dir the cache directory (created if absent)
     * @param granule the cache granule, a power of two (a multiple of the filesystem block size)
     * @param method how occupancy is found ({@link OccupancyMethod#AUTO}: FIEMAP, else SEEK_DATA)
     * @param writer where background writes of downloaded data, and culling, run
     * @param limits how big the cache may grow
     */
    public CacheFiles(Path dir, long granule, OccupancyMethod method, Executor writer, Limits limits) throws IOException {
        this(dir, granule, method, writer, limits, CacheIo.parse(System.getProperty(IO_PROPERTY, "auto")));
    }

    /**
     * @param dir the cache directory (created if absent)
     * @param granule the cache granule, a power of two (a multiple of the filesystem block size)
     * @param method how occupancy is found ({@link OccupancyMethod#AUTO}: FIEMAP, else SEEK_DATA)
     * @param writer where background writes of downloaded data, and culling, run
     * @param limits how big the cache may grow
     * @param cacheIo how cache files are read and written
     * @throws IOException if {@link CacheIo#IO_URING} is asked and io_uring is unavailable
     */
    public CacheFiles(Path dir, long granule, OccupancyMethod method, Executor writer, Limits limits, CacheIo cacheIo)
            throws IOException {
        FileIo chosen;
        String reason = null;
        if (cacheIo == CacheIo.AUTO && !IoUring.isAvailable()) {
            reason = IoUring.unavailableReason();
            chosen = FileIo.blocking();
        } else {
            try {
                chosen = cacheIo.open();
            } catch (IOException e) {
                if (cacheIo != CacheIo.AUTO) {
                    throw e;
                }
                reason = "io_uring ring setup failed: " + e.getMessage();
                chosen = FileIo.blocking();
            }
        }
        if (reason != null) {
            // a debug line only: the command says once, with -v, which transports it uses (issue 28)
            LOG.fine("disk cache uses blocking preadv2/pwritev2: " + reason);
        }
        this.fileIo = chosen;
        this.ioFallbackReason = reason;
        try {
            init(dir, granule, limits);
        } catch (IOException | RuntimeException e) {
            chosen.close();
            throw e;
        }
        this.dir = dir;
        this.granule = granule;
        this.method = method;
        this.writer = writer;
        this.limits = limits;
        check(); // culls now if a threshold is already crossed, and knows whether writes may go
    }

    private static void init(Path dir, long granule, Limits limits) throws IOException {
        java.util.Objects.requireNonNull(limits, "limits");
        if (Long.bitCount(granule) != 1 || granule < CacheOccupancy.MIN_GRANULE_SIZE) {
            throw new IllegalArgumentException("invalid granule=" + granule);
        }
        Files.createDirectories(dir);
    }

    /** @return {@code "io_uring"} or {@code "blocking"}: how cache files are read and written */
    public String ioKind() {
        return fileIo.kind();
    }

    /** @return why {@link CacheIo#AUTO} fell back to the blocking path, or {@code null} */
    public String ioFallbackReason() {
        return ioFallbackReason;
    }

    FileIo fileIo() {
        return fileIo;
    }

    /** Closes the I/O implementation (its rings); close the cache files first. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            fileIo.close();
        }
    }

    /** @return the limits */
    public Limits limits() {
        return limits;
    }

    /** @return what the limits say, as of the last check */
    public State state() {
        return state;
    }

    /** @return how many cache files culling deleted */
    public long culledFiles() {
        return culledFiles.get();
    }

    /**
     * A cache file is about to write {@code bytes}: says whether it may (not while the cache is below
     * its stop threshold) and, every {@link #CHECK_EVERY} bytes offered, looks at the limits again in
     * the background (culling if a threshold is crossed).
     *
     * @return whether to write
     */
    boolean offer(long bytes) {
        if (offeredSinceCheck.addAndGet(bytes) >= CHECK_EVERY && checkQueued.compareAndSet(false, true)) {
            offeredSinceCheck.set(0);
            writer.execute(() -> {
                try {
                    check();
                } catch (IOException | RuntimeException e) {
                    LOG.warning("disk cache check failed: " + e);
                } finally {
                    checkQueued.set(false);
                }
            });
        }
        return state != State.STOPPED;
    }

    /**
     * Looks at the limits now: culls least-recently-used cache files not open here while free space is
     * below bcull (until brun), and stops cache writes below bstop.
     *
     * @return the status after culling
     */
    public synchronized Status check() throws IOException {
        Status st = status(dir, limits);
        if (st.freePercent() < limits.bcull()) {
            List<Path> metas = new ArrayList<>();
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.meta")) {
                ds.forEach(metas::add);
            }
            List<Object[]> byAge = new ArrayList<>();
            for (Path m : metas) {
                try {
                    byAge.add(new Object[] {Files.getLastModifiedTime(m).toMillis(), m});
                } catch (IOException gone) {
                    // removed meanwhile
                }
            }
            byAge.sort(java.util.Comparator.comparingLong(a -> (Long) a[0]));
            for (Object[] a : byAge) {
                if (st.freePercent() >= limits.brun()) {
                    break;
                }
                Path meta = (Path) a[1];
                String name = meta.getFileName().toString();
                String base = name.substring(0, name.length() - ".meta".length());
                if (open.contains(base)) {
                    continue; // in use here: culling leaves it
                }
                Files.deleteIfExists(dir.resolve(base + ".data"));
                Files.deleteIfExists(meta);
                culledFiles.incrementAndGet();
                st = status(dir, limits);
            }
        }
        state = st.freePercent() < limits.bstop() ? State.STOPPED
                : st.freePercent() < limits.bcull() ? State.CULLING : State.OK;
        return new Status(st.files(), st.usedBytes(), st.maxBytes(), st.fsFreeBytes(), st.fsTotalBytes(), limits,
                st.freePercent(), state);
    }

    /**
     * The usage of a cache directory against limits, without culling (for {@code jnetfs cache show}).
     *
     * @param dir the cache directory
     * @param limits the limits to measure against
     * @return the status; the state says what the limits would do now
     */
    public static Status status(Path dir, Limits limits) throws IOException {
        int files = 0;
        long used = 0;
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.data")) {
                for (Path p : ds) {
                    files++;
                    try {
                        used += allocatedBytes(p);
                    } catch (IOException gone) {
                        // removed meanwhile
                    }
                }
            }
        }
        Path probe = dir.toAbsolutePath();
        while (probe.getParent() != null && !Files.exists(probe)) {
            probe = probe.getParent(); // not made yet: the filesystem it will be made on
        }
        java.nio.file.FileStore store = Files.getFileStore(probe);
        long total = store.getTotalSpace();
        long free = store.getUsableSpace();
        double freePct = total > 0 ? 100.0 * free / total : 100.0;
        if (limits.maxBytes() > 0) {
            freePct = Math.min(freePct, 100.0 * Math.max(0, limits.maxBytes() - used) / limits.maxBytes());
        }
        State st = freePct < limits.bstop() ? State.STOPPED : freePct < limits.bcull() ? State.CULLING : State.OK;
        return new Status(files, used, limits.maxBytes(), free, total, limits, freePct, st);
    }

    /** @return the cache directory */
    public Path dir() {
        return dir;
    }

    /**
     * Opens (or makes) the cache file for a remote file. A cache file recorded under other coherency
     * data is emptied first.
     *
     * @param key the server's identity of the file, e.g. {@code 9p://host:port/aname#qid.path}
     * @param coherency what the server says of the file now
     * @return the cache file, owned by the caller
     */
    public CacheFile open(String key, Coherency coherency) throws IOException {
        String name = digest(key);
        Path data = dir.resolve(name + ".data");
        Path meta = dir.resolve(name + ".meta");
        String record = record(key, coherency);
        boolean fresh = !Files.exists(meta) || !Files.readString(meta, StandardCharsets.UTF_8).equals(record);
        if (fresh) {
            Files.deleteIfExists(data); // stale or unknown contents: start empty
            Files.writeString(meta, record, StandardCharsets.UTF_8);
        } else {
            Files.setLastModifiedTime(meta, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis())); // LRU
        }
        open.add(name);
        try {
            return new CacheFile(this, name, key, data, meta, CacheOccupancy.open(method, granule), granule,
                    coherency.size(), writer, fileIo);
        } catch (IOException | RuntimeException e) {
            open.remove(name);
            throw e;
        }
    }

    static String record(String key, Coherency coherency) {
        return "key=" + key + "\n" + coherency.encode();
    }

    /** A cache file of this process was closed: culling may take it now. */
    void closed(String name) {
        open.remove(name);
    }

    /** One cache file's usage, for {@code jnetfs cache}. */
    public record Usage(String key, Path data, long apparentSize, long allocatedBytes) {
    }

    /** @return the usage of every cache file */
    public List<Usage> usage() throws IOException {
        List<Usage> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.meta")) {
            for (Path meta : ds) {
                String name = meta.getFileName().toString();
                Path data = dir.resolve(name.substring(0, name.length() - 5) + ".data");
                String key = Files.readAllLines(meta).stream().filter(l -> l.startsWith("key="))
                        .map(l -> l.substring(4)).findFirst().orElse("?");
                long size = 0;
                long allocated = 0;
                if (Files.exists(data)) {
                    size = Files.size(data);
                    allocated = allocatedBytes(data);
                }
                out.add(new Usage(key, data, size, allocated));
            }
        }
        return out;
    }

    /**
     * Deletes every cache file (open ones keep working on their unlinked files until closed).
     *
     * @return how many were deleted
     */
    public int clear() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "*.{data,meta}")) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
                n++;
            }
        }
        return n / 2;
    }

    /** st_blocks * 512: the bytes the filesystem allocated to a (sparse) file. */
    static long allocatedBytes(Path file) throws IOException {
        try (java.lang.foreign.Arena a = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment st = io.jnetfs.ffm.gen.stat.allocate(a);
            int r = io.jnetfs.ffm.Native.fstatat(io.jnetfs.ffm.gen.LibC.AT_FDCWD(), a.allocateFrom(file.toString()), st, 0);
            if (r < 0) {
                throw io.jnetfs.ffm.Errors.pathException("fstatat(path=" + file + ")", file.toString(), -r);
            }
            return io.jnetfs.ffm.gen.stat.st_blocks(st) * 512;
        }
    }

    private static String digest(String key) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(key.getBytes(StandardCharsets.UTF_8)), 0, 20);
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
