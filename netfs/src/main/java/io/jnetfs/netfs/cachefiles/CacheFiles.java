package io.jnetfs.netfs.cachefiles;

import io.jnetfs.fiemap.CacheOccupancy;
import io.jnetfs.fiemap.OccupancyMethod;
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
 * Thread-safe. Ownership: the caller closes the {@link CacheFile}s it opens, then this.
 */
public final class CacheFiles {
    static final Logger LOG = Logger.getLogger(CacheFiles.class.getName());

    private final Path dir;
    private final long granule;
    private final OccupancyMethod method;
    private final Executor writer;

    /**
     * @param dir the cache directory (created if absent)
     * @param granule the cache granule, a power of two (a multiple of the filesystem block size)
     * @param method how occupancy is found ({@link OccupancyMethod#AUTO}: FIEMAP, else SEEK_DATA)
     * @param writer where background writes of downloaded data run
     */
    public CacheFiles(Path dir, long granule, OccupancyMethod method, Executor writer) throws IOException {
        if (Long.bitCount(granule) != 1 || granule < CacheOccupancy.MIN_GRANULE_SIZE) {
            throw new IllegalArgumentException("invalid granule=" + granule);
        }
        this.dir = Files.createDirectories(dir);
        this.granule = granule;
        this.method = method;
        this.writer = writer;
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
        String record = "key=" + key + "\n" + coherency.encode();
        boolean fresh = !Files.exists(meta) || !Files.readString(meta, StandardCharsets.UTF_8).equals(record);
        if (fresh) {
            Files.deleteIfExists(data); // stale or unknown contents: start empty
            Files.writeString(meta, record, StandardCharsets.UTF_8);
        }
        return new CacheFile(key, data, CacheOccupancy.open(method, granule), granule, coherency.size(), writer);
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
    private static long allocatedBytes(Path file) throws IOException {
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
