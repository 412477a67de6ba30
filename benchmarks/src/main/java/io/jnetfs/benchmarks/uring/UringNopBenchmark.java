package io.jnetfs.benchmarks.uring;

import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The binding's own cost per operation: {@value #BATCH} IORING_OP_NOPs prepared, submitted with one
 * io_uring_enter that waits for them, and completed through the callback. The kernel does next to
 * nothing for a NOP, so this is mostly the Java side (SQE writes, in-flight table, CQ reads) plus one
 * system call per batch. With {@code -prof gc} it shows the submit and complete path allocates nothing.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class UringNopBenchmark {
    static final int BATCH = 32;

    private IoUring ring;
    private Sink sink;

    static final class Sink implements CompletionCallback {
        long sum;

        @Override
        public void complete(int res, int flags, long userData) {
            sum += userData + res;
        }
    }

    /**
     * A 64-entry ring.
     *
     * @throws IOException if it cannot be set up
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        ring = IoUring.builder().entries(64).build();
        sink = new Sink();
    }

    /** Closes the ring. */
    @TearDown(Level.Trial)
    public void tearDown() {
        ring.close();
    }

    /**
     * {@value #BATCH} NOPs per io_uring_enter.
     *
     * @return the sink's running sum
     */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long nop() {
        IoUring r = ring;
        for (int i = 0; i < BATCH; i++) {
            r.prepNop(0, i);
        }
        r.submitAndWait(BATCH);
        r.complete(sink);
        return sink.sum;
    }
}
