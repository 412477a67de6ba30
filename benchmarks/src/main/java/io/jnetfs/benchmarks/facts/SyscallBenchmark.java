package io.jnetfs.benchmarks.facts;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: the cost of one system call made from Java through {@link Native}, against C's
 * ({@code getpid_loop.c}) in the harness.
 *
 * <p>Baseline: {@link #getpid()}, a plain downcall ({@code getpid} cannot fail, so the gateway does not
 * capture errno); variant: {@link #lseekDevNull()}, a cheap system call through an errno-capturing
 * handle, the shape of every fallible call in jnetfs. Not final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class SyscallBenchmark {
    private static final int SEEK_CUR = LibC.SEEK_CUR();

    private int devNull;

    /** Creates the state; JMH fills the {@code @Param} fields and calls the {@code @Setup} methods. */
    public SyscallBenchmark() {
    }

    /**
     * Opens /dev/null.
     *
     * @throws IOException if it cannot be opened
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        try (Arena a = Arena.ofConfined()) {
            devNull = Native.open(a.allocateFrom("/dev/null"), LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0);
        }
        if (devNull < 0) {
            throw new IOException("open(/dev/null) failed: errno " + -devNull);
        }
    }

    /** Closes /dev/null. */
    @TearDown(Level.Trial)
    public void close() {
        Native.close(devNull);
    }

    /**
     * Baseline: {@code getpid()}, which enters the kernel every time (glibc stopped caching it).
     *
     * @return the pid, for the blackhole
     */
    @Benchmark
    public int getpid() {
        return Native.getpid();
    }

    /**
     * {@code lseek(/dev/null, 0, SEEK_CUR)} with errno captured.
     *
     * @return the offset (0), for the blackhole
     */
    @Benchmark
    public long lseekDevNull() {
        return Native.lseek(devNull, 0, SEEK_CUR);
    }
}
