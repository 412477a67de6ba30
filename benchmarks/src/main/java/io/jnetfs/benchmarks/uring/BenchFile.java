package io.jnetfs.benchmarks.uring;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The 1 GiB data file the read benchmarks and fio share: {@code -Djnetfs.bench.uring.file=PATH}, or
 * {@code jnetfs-uring-1g.dat} in the scratch directory ({@link io.jnetfs.benchmarks.support.Scratch}: ext4 on the
 * bench machine, kept between runs for reuse, removed by {@code make bench-clean}). Created once if
 * missing or of another size, then read through so every page is in the page cache.
 */
public final class BenchFile {
    /** 1 GiB. */
    public static final long SIZE = 1L << 30;

    private BenchFile() {
    }

    /** @return the path of the 1 GiB file the write benchmarks and fio overwrite in place */
    public static Path writePath() {
        return path().resolveSibling("jnetfs-uring-1g-write.dat");
    }

    /** @return the path of the shared data file (not necessarily created yet) */
    public static Path path() {
        String p = System.getProperty("jnetfs.bench.uring.file");
        return p != null ? Path.of(p) : io.jnetfs.benchmarks.support.Scratch.dir().resolve("jnetfs-uring-1g.dat");
    }

    /**
     * Creates the file if it is missing or of another size, then reads it through into the page cache.
     *
     * @return its path
     * @throws IOException if it cannot be written or read
     */
    public static Path ensureCached() throws IOException {
        return ensureCached(path());
    }

    /**
     * Like {@link #ensureCached()} for any path: creates {@code p} with 1 GiB of data if it is missing or
     * of another size, then reads it into the page cache.
     *
     * @param p the file
     * @return {@code p}
     * @throws IOException if it cannot be written or read
     */
    public static Path ensureCached(Path p) throws IOException {
        if (!Files.exists(p) || Files.size(p) != SIZE) {
            try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
                long x = 0x9E3779B97F4A7C15L;
                while (chunk.remaining() >= 8) {
                    x ^= x << 13;
                    x ^= x >>> 7;
                    x ^= x << 17;
                    chunk.putLong(x);
                }
                for (long pos = 0; pos < SIZE; pos += chunk.capacity()) {
                    chunk.clear();
                    while (chunk.hasRemaining()) {
                        ch.write(chunk, pos + chunk.position());
                    }
                }
            }
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.READ)) {
            ByteBuffer chunk = ByteBuffer.allocateDirect(1 << 20);
            for (long pos = 0; pos < SIZE; pos += chunk.capacity()) {
                chunk.clear();
                while (chunk.hasRemaining() && ch.read(chunk, pos + chunk.position()) > 0) {
                    // reading is the point: it pulls every page into the cache
                }
            }
        }
        return p;
    }
}
