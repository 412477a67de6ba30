package io.jnetfs.benchmarks.fiemap;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;
import io.jnetfs.fiemap.CacheOccupancy;
import io.jnetfs.fiemap.GranuleRanges;
import io.jnetfs.fiemap.OccupancyMethod;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: the cost of one cache-occupancy query ({@link CacheOccupancy#query}) over a whole cache
 * file with 1, 100 or 10,000 extents, FIEMAP against SEEK_DATA/SEEK_HOLE.
 *
 * <p>The file is made the way the tests make fragmented files: 4 KiB written at every other 8 KiB
 * offset and synced, so each write is its own extent and its own data run; the granule is 4 KiB, so
 * the answer has one range per extent. It lives in {@code -Djnetfs.bench.dir} (default
 * {@code java.io.tmpdir}), which must be on a filesystem with FIEMAP (ext4 here); the setup checks
 * that both methods give the expected answer. Baseline: {@link #fstat()}, the one system call every
 * query makes before it asks about extents. Not final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class OccupancyBench {
    private static final long GRANULE = 4096;

    /** Extents (and data runs) in the file. */
    @Param({"1", "100", "10000"})
    public int extents;

    /** {@link OccupancyMethod#FIEMAP} or {@link OccupancyMethod#SEEK}. */
    @Param({"FIEMAP", "SEEK"})
    public String impl;

    private Path file;
    private int fd = -1;
    private long granules;
    private CacheOccupancy occupancy;
    private GranuleRanges ranges;
    private Arena arena;
    private MemorySegment statBuf;

    /**
     * Writes the fragmented file, opens the occupancy object and checks its answer.
     *
     * @throws IOException if the file cannot be made or the answer is not the expected one
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path dir = Path.of(System.getProperty("jnetfs.bench.dir", System.getProperty("java.io.tmpdir")));
        file = Files.createTempFile(dir, "jnetfs-occupancy-" + extents + "-", ".bin");
        arena = Arena.ofConfined();
        statBuf = stat.allocate(arena);
        fd = Native.open(arena.allocateFrom(file.toString()), LibC.O_RDWR() | LibC.O_CLOEXEC(), 0);
        if (fd < 0) {
            throw new IOException("open(" + file + ") failed: errno " + -fd);
        }
        MemorySegment block = arena.allocate(4096, 4096);
        block.fill((byte) 0x5a);
        for (int i = 0; i < extents; i++) {
            long n = Native.pwrite(fd, block, 4096, i * 8192L);
            if (n != 4096) {
                throw new IOException("pwrite failed: " + n);
            }
        }
        if (Native.fsync(fd) != 0) {
            throw new IOException("fsync failed");
        }
        granules = (extents * 8192L) / GRANULE;
        occupancy = CacheOccupancy.open(OccupancyMethod.valueOf(impl), GRANULE);
        ranges = new GranuleRanges(extents + 1);
        int r = occupancy.query(fd, 0, granules, ranges);
        if (r != extents || !ranges.isKnown()) {
            throw new IOException(impl + " on " + file + " answered " + r + " ranges, expected " + extents
                    + ": is " + dir + " on a filesystem with FIEMAP? " + ranges);
        }
    }

    /** Closes and deletes the file, frees the occupancy object. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        if (occupancy != null) {
            occupancy.close();
        }
        if (fd >= 0) {
            Native.close(fd);
        }
        if (arena != null) {
            arena.close();
        }
        Files.deleteIfExists(file);
    }

    /**
     * Baseline: {@code fstat} of the cache file, the fixed part of every query.
     *
     * @return fstat's result (0), for the blackhole
     */
    @Benchmark
    public int fstat() {
        return Native.fstat(fd, statBuf);
    }

    /**
     * One occupancy query over the whole file, into a reused {@link GranuleRanges}.
     *
     * @return the number of ranges, for the blackhole
     * @throws IOException never here (the setup checked the file)
     */
    @Benchmark
    public int query() throws IOException {
        return occupancy.query(fd, 0, granules, ranges);
    }
}
