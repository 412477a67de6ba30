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

/**
 * 1 MiB sequential buffered writes over an existing, page-cached 1 GiB file ({@link BenchFile#writePath()},
 * overwritten in place and wrapping at its end, so no block is allocated and the disk is not the limit),
 * like fio's {@code --rw=write --bs=1m --iodepth=N} on the same file; each invocation writes
 * {@value #WRITES} MiB in batches of {@code depth}. Results in writes (MiB) per second.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@State(Scope.Thread)
public class UringSequentialWriteBenchmark {
    static final int WRITES = 8;
    private static final int BLOCK = 1 << 20;
    private static final long WRAP = 1L << 30;

    /** Writes in flight per io_uring_enter. */
    @Param({"1", "8"})
    public int depth;

    /** The ring's setup flags, as in {@link UringRandomReadBenchmark#flags}. */
    @Param({"fio"})
    public String flags;

    private Arena arena;
    private Path file;
    private IoUring ring;
    private int fd;
    private FileChannel channel;
    private MemorySegment[] bufs;
    private ByteBuffer[] byteBuffers;
    private long position;
    private Sink sink;

    static final class Sink implements CompletionCallback {
        long bytes;

        @Override
        public void complete(int res, int flags, long userData) {
            if (res != BLOCK) {
                throw new IllegalStateException("write " + userData + " returned " + res);
            }
            bytes += res;
        }
    }

    /**
     * Opens the 1 GiB target file (created and cached once), a ring, and {@value #WRITES} page-aligned
     * 1 MiB buffers registered as fixed buffers.
     *
     * @throws IOException if the file or the ring cannot be set up
     */
    @Setup(Level.Trial)
    public void setup() throws IOException {
        file = BenchFile.ensureCached(BenchFile.writePath());
        arena = Arena.ofShared();
        fd = Native.open(arena.allocateFrom(file.toString()), LibC.O_WRONLY() | LibC.O_CLOEXEC(), 0);
        if (fd < 0) {
            throw new IOException("open " + file + ": " + fd);
        }
        channel = FileChannel.open(file, StandardOpenOption.WRITE);
        ring = UringRandomReadBenchmark.ring(flags, 16);
        bufs = new MemorySegment[WRITES];
        byteBuffers = new ByteBuffer[WRITES];
        for (int i = 0; i < WRITES; i++) {
            bufs[i] = arena.allocate(BLOCK, 4096).fill((byte) (i + 1));
            byteBuffers[i] = bufs[i].asByteBuffer();
        }
        ring.registerBuffers(bufs);
        ring.registerFiles(fd);
        sink = new Sink();
    }

    /** Closes everything; the file stays for the next trial and for fio. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        ring.close();
        channel.close();
        Native.close(fd);
        arena.close();
    }

    private long nextPosition() {
        long p = position;
        position = (p + BLOCK) & (WRAP - 1);
        return p;
    }

    /**
     * IORING_OP_WRITE, {@code depth} per submission.
     *
     * @return bytes written so far
     */
    @Benchmark
    @OperationsPerInvocation(WRITES)
    public long ioUring() {
        IoUring r = ring;
        int d = depth;
        for (int i = 0; i < WRITES; i += d) {
            for (int j = 0; j < d; j++) {
                r.prepWrite(fd, bufs[i + j], nextPosition(), 0, i + j);
            }
            r.submitAndWait(d);
            r.complete(sink);
        }
        return sink.bytes;
    }

    /**
     * IORING_OP_WRITE_FIXED on registered file 0, {@code depth} per submission.
     *
     * @return bytes written so far
     */
    @Benchmark
    @OperationsPerInvocation(WRITES)
    public long ioUringFixed() {
        IoUring r = ring;
        int d = depth;
        for (int i = 0; i < WRITES; i += d) {
            for (int j = 0; j < d; j++) {
                r.prepWriteFixed(0, bufs[i + j], nextPosition(), i + j, SqeFlags.IOSQE_FIXED_FILE, i + j);
            }
            r.submitAndWait(d);
            r.complete(sink);
        }
        return sink.bytes;
    }

    /**
     * The baseline: {@code FileChannel.write(ByteBuffer, position)} from a direct buffer.
     *
     * @return bytes written in this invocation
     * @throws IOException if a write fails
     */
    @Benchmark
    @OperationsPerInvocation(WRITES)
    public long fileChannel() throws IOException {
        long n = 0;
        for (int i = 0; i < WRITES; i++) {
            ByteBuffer b = byteBuffers[i];
            b.clear();
            long p = nextPosition();
            while (b.hasRemaining()) {
                n += channel.write(b, p + b.position());
            }
        }
        return n;
    }
}
