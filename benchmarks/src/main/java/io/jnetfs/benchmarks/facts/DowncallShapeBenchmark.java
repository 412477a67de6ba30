package io.jnetfs.benchmarks.facts;

import io.jnetfs.benchmarks.support.GatherBuffers;
import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIo;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errors;
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
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: what each part of one FFM downcall costs, on {@code writev} of 16 x 64 KiB to
 * /dev/null (issue 3's shape), from the bare handle up to the bvecq chain path.
 *
 * <ul>
 *   <li>{@link #plain()}: baseline, a handle without errno capture (unusable: errno is lost)</li>
 *   <li>{@link #critical()}: the same linked {@link Linker.Option#critical critical}, no thread-state
 *       transition (not safe for a call that may block)</li>
 *   <li>{@link #captureOwnState()}: errno captured into a buffer the caller keeps</li>
 *   <li>{@link #gateway()}: {@link Native#writevAddress(int, long, int)}, errno captured into the
 *       thread's buffer (a thread-local lookup per call)</li>
 *   <li>{@link #chain()}: {@link BvecqIo#writev} of a one-segment chain over the same buffers</li>
 * </ul>
 *
 * <p>The C loop ({@code writev_loop.c}) is the reference, with and without an idle second thread. Not
 * final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class DowncallShapeBenchmark {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MemorySegment WRITEV = LINKER.defaultLookup().find("writev").orElseThrow();
    private static final FunctionDescriptor WRITEV_ADDRESS = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT);
    private static final MethodHandle PLAIN = LINKER.downcallHandle(WRITEV, WRITEV_ADDRESS);
    private static final MethodHandle CRITICAL = LINKER.downcallHandle(WRITEV, WRITEV_ADDRESS,
            Linker.Option.critical(false));
    private static final MethodHandle CAPTURE = LINKER.downcallHandle(WRITEV, WRITEV_ADDRESS,
            Linker.Option.captureCallState("errno"));

    private GatherBuffers buffers;
    private long iov;
    private int iovcnt;
    private long total;
    private int fd = -1;
    private MemorySegment callState;
    private BvecqBuffer chain;
    private BvecqIter iter;
    private BvecqIo io;

    /** Creates the state; JMH calls the {@code @Setup} methods. */
    public DowncallShapeBenchmark() {
    }

    /**
     * Opens /dev/null and builds the iovec array and the chain over the same buffers.
     *
     * @throws IOException if /dev/null cannot be opened
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        buffers = GatherBuffers.ofShape("16x65536");
        iov = buffers.iov().address();
        iovcnt = buffers.iovcnt();
        total = buffers.totalBytes();
        callState = Native.newCallState();
        try (Arena a = Arena.ofConfined()) {
            fd = (int) Errors.check(Native.open(a.allocateFrom("/dev/null"), LibC.O_WRONLY() | LibC.O_CLOEXEC(), 0),
                    "open(path=/dev/null)");
        }
        chain = new BvecqBuffer(iovcnt);
        for (ByteBuffer b : buffers.buffers()) {
            chain.appendExternal(MemorySegment.ofBuffer(b.duplicate().clear()));
        }
        iter = new BvecqIter();
        io = new BvecqIo();
    }

    /** Closes /dev/null and frees the buffers. */
    @TearDown(Level.Trial)
    public void close() {
        Native.close(fd);
        chain.release();
        iter.close();
        io.close();
        buffers.close();
    }

    /**
     * Baseline: the bare downcall, no errno.
     *
     * @return bytes written
     * @throws Throwable never (invokeExact's signature)
     */
    @Benchmark
    public long plain() throws Throwable {
        return (long) PLAIN.invokeExact(fd, iov, iovcnt);
    }

    /**
     * A critical downcall: no thread-state transition, no errno.
     *
     * @return bytes written
     * @throws Throwable never (invokeExact's signature)
     */
    @Benchmark
    public long critical() throws Throwable {
        return (long) CRITICAL.invokeExact(fd, iov, iovcnt);
    }

    /**
     * errno captured into a buffer this state keeps.
     *
     * @return bytes written
     * @throws Throwable never (invokeExact's signature)
     */
    @Benchmark
    public long captureOwnState() throws Throwable {
        return (long) CAPTURE.invokeExact(callState, fd, iov, iovcnt);
    }

    /**
     * jnetfs's gateway: errno captured into the thread's buffer.
     *
     * @return bytes written
     */
    @Benchmark
    public long gateway() {
        return Native.writevAddress(fd, iov, iovcnt);
    }

    /**
     * The bvecq chain path: iterator init, the segment's own iovec array, {@link BvecqIo#writev}.
     *
     * @return bytes written
     * @throws IOException if the write fails
     */
    @Benchmark
    public long chain() throws IOException {
        return io.writev(fd, iter.init(chain, 0, total), total);
    }
}
