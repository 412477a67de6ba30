package io.jnetfs.benchmarks.writev;

import io.jnetfs.benchmarks.support.GatherBuffers;
import io.jnetfs.benchmarks.support.LoopbackSink;
import io.jnetfs.benchmarks.support.Scratch;
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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: the cost of one call that writes {@code shape} = N x S page-aligned buffers to
 * {@code target}, in ns per call (per whole gathering write, whatever the variant's syscall count).
 *
 * <ul>
 *   <li>{@link #nioGatheringWrite()}: baseline, what a Java user picks:
 *       {@link FileChannel}/{@link java.nio.channels.SocketChannel} {@code write(ByteBuffer[])} of
 *       direct buffers</li>
 *   <li>{@link #nioWriteLoop()}: N single {@code write(ByteBuffer)} calls</li>
 *   <li>{@link #nativeWritev()}: {@link Native#writev} of a native {@code struct iovec[N]} over the
 *       same memory, the floor of jnetfs's chain path</li>
 *   <li>{@link #chainWritev()}: the bvecq path: a {@link BvecqBuffer} describing the same buffers
 *       (one segment of N slots), a reused {@link BvecqIter} and {@link BvecqIo#writev}, which hands the
 *       kernel the segment's own iovec array</li>
 * </ul>
 *
 * <p>Targets: {@code devnull}; {@code file}, a file in the {@link Scratch} directory whose position
 * returns to 0 at {@link #FILE_BOUND} so it stays in the page cache and later passes overwrite cached
 * pages; {@code socket}, a blocking loopback TCP connection drained by a reader thread
 * ({@link LoopbackSink}). The C reference {@code writev_loop.c} does exactly the same. Every variant
 * has its own descriptor (a file of its own), opened once per trial.
 *
 * <p>Not final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class WritevBenchmark {
    /** Where a {@code file} target's position returns to 0: keeps the file at 64 MiB. */
    public static final long FILE_BOUND = 64L << 20;
    private static final int SEEK_SET = LibC.SEEK_SET();

    /** {@code devnull}, {@code file} or {@code socket}. */
    @Param({"devnull", "file", "socket"})
    public String target;

    /** {@code <iovcnt>x<iovlen>}: 16 x 64 KiB (1 MiB per call) or 256 x 4 KiB. */
    @Param({"16x65536", "256x4096"})
    public String shape;

    private GatherBuffers buffers;
    private ByteBuffer[] nioBuffers;
    private MemorySegment iov;
    private int iovcnt;
    private long total;
    private long bound;

    private LoopbackSink sink;
    private GatheringByteChannel nio;
    private FileChannel nioFile;
    private long nioPos;
    private int fd = -1;
    private long nativePos;
    private Path nioPath;
    private Path nativePath;
    private Path chainPath;
    private int chainFd = -1;
    private long chainPos;
    private BvecqBuffer chain;
    private BvecqIter chainIter;
    private BvecqIo chainIo;

    /** Creates the state; JMH fills the {@code @Param} fields and calls the {@code @Setup} methods. */
    public WritevBenchmark() {
    }

    /**
     * Allocates the buffers and opens one descriptor per variant.
     *
     * @throws IOException if a target cannot be opened
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        buffers = GatherBuffers.ofShape(shape);
        nioBuffers = buffers.buffers();
        iov = buffers.iov();
        iovcnt = buffers.iovcnt();
        total = buffers.totalBytes();
        bound = Long.MAX_VALUE;
        switch (target) {
            case "devnull" -> {
                nioFile = FileChannel.open(Path.of("/dev/null"), StandardOpenOption.WRITE);
                nio = nioFile;
                fd = openNative("/dev/null", LibC.O_WRONLY());
                chainFd = openNative("/dev/null", LibC.O_WRONLY());
            }
            case "file" -> {
                bound = FILE_BOUND;
                nioPath = Files.createTempFile(Scratch.dir(), "writev-nio-", ".dat");
                nativePath = Files.createTempFile(Scratch.dir(), "writev-native-", ".dat");
                nioFile = FileChannel.open(nioPath, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
                nio = nioFile;
                fd = openNative(nativePath.toString(), LibC.O_WRONLY() | LibC.O_TRUNC());
                chainPath = Files.createTempFile(Scratch.dir(), "writev-chain-", ".dat");
                chainFd = openNative(chainPath.toString(), LibC.O_WRONLY() | LibC.O_TRUNC());
            }
            case "socket" -> {
                sink = new LoopbackSink();
                nio = sink.connectNio(false);
                fd = sink.connectNative(false);
                chainFd = sink.connectNative(false);
            }
            default -> throw new IllegalArgumentException("invalid target=" + target);
        }
        // the chain describes the very buffers the other variants write: N slots in one segment
        chain = new BvecqBuffer(Math.max(iovcnt, 1));
        for (ByteBuffer b : nioBuffers) {
            chain.appendExternal(MemorySegment.ofBuffer(b.duplicate().clear()));
        }
        chainIter = new BvecqIter();
        chainIo = new BvecqIo();
    }

    private static int openNative(String path, int flags) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            int r = Native.open(a.allocateFrom(path), flags | LibC.O_CLOEXEC(), 0600);
            return (int) Errors.check(r, "open(path=" + path + ")");
        }
    }

    /**
     * Closes what {@link #open()} opened and deletes the files.
     *
     * @throws IOException if a close fails
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (sink != null) {
            sink.close(); // owns the socket ends, NIO and native
        } else {
            if (nioFile != null) {
                nioFile.close();
            }
            if (fd >= 0) {
                Native.close(fd);
            }
            if (chainFd >= 0) {
                Native.close(chainFd);
            }
        }
        fd = -1;
        chainFd = -1;
        if (chainPath != null) {
            Files.deleteIfExists(chainPath);
        }
        chain.release();
        chainIter.close();
        chainIo.close();
        if (nioPath != null) {
            Files.deleteIfExists(nioPath);
        }
        if (nativePath != null) {
            Files.deleteIfExists(nativePath);
        }
        buffers.close();
    }

    /**
     * Baseline: NIO's gathering write of the N direct buffers, after resetting their positions.
     *
     * @return bytes written, for the blackhole
     * @throws IOException if the write fails
     */
    @Benchmark
    public long nioGatheringWrite() throws IOException {
        ByteBuffer[] b = nioBuffers;
        for (ByteBuffer x : b) {
            x.clear();
        }
        long n = nio.write(b);
        if (n != total) {
            throw shortWrite("write(ByteBuffer[])", n);
        }
        if ((nioPos += n) >= bound) {
            nioFile.position(0);
            nioPos = 0;
        }
        return n;
    }

    /**
     * N single NIO writes, one per buffer.
     *
     * @return bytes written, for the blackhole
     * @throws IOException if a write fails
     */
    @Benchmark
    public long nioWriteLoop() throws IOException {
        long n = 0;
        for (ByteBuffer x : nioBuffers) {
            x.clear();
            n += nio.write(x);
        }
        if (n != total) {
            throw shortWrite("write(ByteBuffer) loop", n);
        }
        if ((nioPos += n) >= bound) {
            nioFile.position(0);
            nioPos = 0;
        }
        return n;
    }

    /**
     * The bvecq path: {@link BvecqIo#writev} of the chain over the same buffers; the kernel gets the
     * segment's own iovec array.
     *
     * @return bytes written, for the blackhole
     * @throws IOException if the call fails
     */
    @Benchmark
    public long chainWritev() throws IOException {
        BvecqIter it = chainIter.init(chain, 0, total);
        long n = chainIo.writev(chainFd, it, total);
        if (n != total) {
            throw shortWrite("BvecqIo.writev", n);
        }
        if ((chainPos += n) >= bound) {
            Native.lseek(chainFd, 0, SEEK_SET);
            chainPos = 0;
        }
        return n;
    }

    /**
     * jnetfs's floor: one {@code writev} of the native iovec array over the same buffers.
     *
     * @return bytes written, for the blackhole
     * @throws IOException if the write fails
     */
    @Benchmark
    public long nativeWritev() throws IOException {
        long n = Native.writev(fd, iov, iovcnt);
        if (n != total) {
            throw n < 0 ? Errors.ioException("writev(fd=" + fd + ", iovcnt=" + iovcnt + ")", (int) -n)
                    : shortWrite("writev", n);
        }
        if ((nativePos += n) >= bound) {
            Native.lseek(fd, 0, SEEK_SET);
            nativePos = 0;
        }
        return n;
    }

    // chainWritev (issue 3): the bvecq chain over these buffers, written with its own writev, goes here.

    private IOException shortWrite(String call, long n) {
        return new IOException(call + " wrote " + n + " of " + total + " bytes to target=" + target);
    }
}
