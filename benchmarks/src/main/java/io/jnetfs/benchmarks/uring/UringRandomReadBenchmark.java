package io.jnetfs.benchmarks.uring;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;
import io.jnetfs.uring.SqeFlags;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * 4 KiB random reads of a page-cached 1 GiB file ({@link BenchFile}), the way fio's
 * {@code --rw=randread --bs=4k --iodepth=N --ioengine=io_uring} does them: each invocation reads
 * {@value #READS} blocks, in batches of {@code depth} reads handed to the kernel with one io_uring_enter
 * that also waits for them. Results are in operations (reads) per second.
 *
 * <p>The ring is set up like fio's ({@link #flags}).
 *
 * <ul>
 *   <li>{@code ioUring}: IORING_OP_READ on the plain descriptor;</li>
 *   <li>{@code ioUringFixed}: IORING_OP_READ_FIXED into a registered buffer, on a registered file
 *       (fio's {@code --fixedbufs --registerfiles});</li>
 *   <li>{@code fileChannel}: the baseline, {@link FileChannel#read(ByteBuffer, long)} one at a time (it has
 *       no queue depth: {@code depth} only changes nothing but the batch size of the io_uring runs).</li>
 * </ul>
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class UringRandomReadBenchmark {
    /** Reads per invocation: a multiple of every depth. */
    static final int READS = 32;
    private static final int BLOCK = 4096;
    private static final int OFFSETS = 1 << 16;

    /** Reads in flight per io_uring_enter. */
    @Param({"1", "8", "32"})
    public int depth;

    /**
     * The ring's setup flags: {@code fio} = COOP_TASKRUN, SINGLE_ISSUER and DEFER_TASKRUN with a CQ as
     * large as the SQ, what fio 3.33's io_uring engine sets up (seen with strace); {@code none} = none.
     */
    @Param({"fio"})
    public String flags;

    private Arena arena;
    private IoUring ring;
    private int fd;
    private FileChannel channel;
    private MemorySegment pool;
    private MemorySegment[] bufs;
    private ByteBuffer[] byteBuffers;
    private long[] offsets;
    private int next;
    private Sink sink;

    /** Sums results so the JIT cannot drop the reads; fails loudly on a short or failed read. */
    static final class Sink implements CompletionCallback {
        long bytes;

        @Override
        public void complete(int res, int flags, long userData) {
            if (res != BLOCK) {
                throw new IllegalStateException("read " + userData + " returned " + res);
            }
            bytes += res;
        }
    }

    /**
     * Opens the cached file, a 64-entry ring, {@value #READS} page-aligned buffers registered as one
     * fixed buffer, the file registered as fixed file 0, and random block offsets.
     *
     * @throws IOException if the file or the ring cannot be set up
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        Path file = BenchFile.ensureCached();
        arena = Arena.ofShared();
        fd = Native.open(arena.allocateFrom(file.toString()), LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0);
        if (fd < 0) {
            throw new IOException("open " + file + ": " + fd);
        }
        channel = FileChannel.open(file, StandardOpenOption.READ);
        ring = ring(flags, 64);
        pool = arena.allocate((long) READS * BLOCK, 4096);
        bufs = new MemorySegment[READS];
        byteBuffers = new ByteBuffer[READS];
        for (int i = 0; i < READS; i++) {
            bufs[i] = pool.asSlice((long) i * BLOCK, BLOCK);
            byteBuffers[i] = bufs[i].asByteBuffer();
        }
        ring.registerBuffers(pool);
        ring.registerFiles(fd);
        SplittableRandom rnd = new SplittableRandom(42);
        offsets = new long[OFFSETS];
        for (int i = 0; i < OFFSETS; i++) {
            offsets[i] = rnd.nextLong(BenchFile.SIZE / BLOCK) * BLOCK;
        }
        sink = new Sink();
    }

    /**
     * @param flags {@code "fio"} or {@code "none"}, see {@link #flags}
     * @param entries SQ (and, for fio's flags, CQ) entries
     * @return a ring set up on the calling (benchmark) thread
     * @throws IOException if it cannot be set up
     */
    static IoUring ring(String flags, int entries) throws IOException {
        IoUring.Builder b = IoUring.builder().entries(entries);
        if (flags.equals("fio")) {
            b.cqEntries(entries).coopTaskrun().singleIssuer().deferTaskrun();
        } else if (!flags.equals("none")) {
            throw new IllegalArgumentException("flags must be fio or none: flags=" + flags);
        }
        return b.build();
    }

    /** Closes the ring, the descriptors and the memory. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ring.close();
        channel.close();
        Native.close(fd);
        arena.close();
    }

    private long nextOffset() {
        int n = next;
        next = (n + 1) & (OFFSETS - 1);
        return offsets[n];
    }

    /**
     * IORING_OP_READ, {@code depth} per submission.
     *
     * @return bytes read so far
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long ioUring() {
        IoUring r = ring;
        int d = depth;
        for (int i = 0; i < READS; i += d) {
            for (int j = 0; j < d; j++) {
                r.prepRead(fd, bufs[i + j], nextOffset(), 0, i + j);
            }
            r.submitAndWait(d);
            r.complete(sink);
        }
        return sink.bytes;
    }

    /**
     * IORING_OP_READ_FIXED on registered file 0, {@code depth} per submission.
     *
     * @return bytes read so far
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public long ioUringFixed() {
        IoUring r = ring;
        int d = depth;
        for (int i = 0; i < READS; i += d) {
            for (int j = 0; j < d; j++) {
                r.prepReadFixed(0, bufs[i + j], nextOffset(), 0, SqeFlags.IOSQE_FIXED_FILE, i + j);
            }
            r.submitAndWait(d);
            r.complete(sink);
        }
        return sink.bytes;
    }

    /**
     * The baseline: {@code FileChannel.read(ByteBuffer, position)} into a direct buffer, one at a time.
     *
     * @param bh sinks the byte counts
     * @throws IOException if a read fails
     */
    @Benchmark
    @OperationsPerInvocation(READS)
    public void fileChannel(Blackhole bh) throws IOException {
        for (int i = 0; i < READS; i++) {
            ByteBuffer b = byteBuffers[i];
            b.clear();
            bh.consume(channel.read(b, nextOffset()));
        }
    }
}
