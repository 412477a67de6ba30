package io.jnetfs.benchmarks.facts;

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

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: how fast the JVM copies a buffer far larger than the caches (64 MiB), native to native.
 * Bytes per second = {@code bytes} / time per op; the harness reports it beside C's {@code memcpy}
 * ({@code memcpy_loop.c}).
 *
 * <p>Baseline: {@link #byteBufferPut()} (what a NIO user writes); variant:
 * {@link #segmentCopy()} ({@link MemorySegment#copy}). Not final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class MemcpyBenchmark {
    /** Bytes per copy. */
    @Param({"67108864"})
    public int bytes;

    private Arena arena;
    private MemorySegment src;
    private MemorySegment dst;
    private ByteBuffer srcBuffer;
    private ByteBuffer dstBuffer;

    /** Creates the state; JMH fills the {@code @Param} fields and calls the {@code @Setup} methods. */
    public MemcpyBenchmark() {
    }

    /** Allocates and fills both buffers, page-aligned. */
    @Setup(Level.Trial)
    public void allocate() {
        arena = Arena.ofConfined();
        src = arena.allocate(bytes, 4096);
        dst = arena.allocate(bytes, 4096);
        src.fill((byte) 0x5a);
        dst.fill((byte) 0);
        srcBuffer = src.asByteBuffer();
        dstBuffer = dst.asByteBuffer();
    }

    /** Frees both buffers. */
    @TearDown(Level.Trial)
    public void free() {
        arena.close();
    }

    /**
     * Baseline: {@code dst.put(src)} on direct buffers over the same memory.
     *
     * @return the destination, for the blackhole
     */
    @Benchmark
    public ByteBuffer byteBufferPut() {
        return dstBuffer.clear().put(srcBuffer.clear());
    }

    /**
     * {@code MemorySegment.copy(src, 0, dst, 0, bytes)}.
     *
     * @return the destination, for the blackhole
     */
    @Benchmark
    public MemorySegment segmentCopy() {
        MemorySegment.copy(src, 0, dst, 0, bytes);
        return dst;
    }
}
