package io.jnetfs.benchmarks.sendmsg;

import io.jnetfs.benchmarks.support.GatherBuffers;
import io.jnetfs.benchmarks.support.LoopbackSink;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.iovec;
import io.jnetfs.ffm.gen.msghdr;

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
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Experiment: the cost of sending one RPC of a {@link #HEADER}-byte header and {@code shape} = N x S
 * data buffers on a blocking loopback TCP connection with TCP_NODELAY, drained by a reader thread
 * ({@link LoopbackSink}); ns per RPC.
 *
 * <ul>
 *   <li>{@link #nioGatheringWrite()}: baseline, {@link SocketChannel#write(ByteBuffer[])} of the header
 *       and data buffers</li>
 *   <li>{@link #twoSends()}: {@code sendmsg} of the header, then {@code sendmsg} of the data</li>
 *   <li>{@link #oneSendmsg()}: one {@code sendmsg} of a prebuilt {@code msghdr} whose iovec array
 *       holds the header and the data</li>
 *   <li>the 9P client's whole-RPC send goes here when the p9 module lands</li>
 * </ul>
 *
 * <p>The C reference {@code sendmsg_loop.c} ({@code --mode one|two}) does the same. Each variant has
 * its own connection. Not final: JMH subclasses state classes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 1)
public class RpcSendBenchmark {
    /** Header bytes, about a 9P Twrite header plus framing. */
    public static final int HEADER = 64;

    /** {@code <iovcnt>x<iovlen>} of the data: one 4 KiB page, or 16 x 64 KiB (1 MiB). */
    @Param({"1x4096", "16x65536"})
    public String shape;

    private GatherBuffers header;
    private GatherBuffers data;
    private ByteBuffer[] nioBuffers;
    private Arena arena;
    private MemorySegment msgAll;
    private MemorySegment msgHeader;
    private MemorySegment msgData;
    private long total;
    private long dataBytes;
    private LoopbackSink sink;
    private SocketChannel nio;
    private int fd;

    /** Creates the state; JMH fills the {@code @Param} fields and calls the {@code @Setup} methods. */
    public RpcSendBenchmark() {
    }

    /**
     * Allocates the buffers, builds the three {@code msghdr}s and connects.
     *
     * @throws IOException if the loopback connection fails
     */
    @Setup(Level.Trial)
    public void open() throws IOException {
        header = new GatherBuffers(1, HEADER);
        data = GatherBuffers.ofShape(shape);
        dataBytes = data.totalBytes();
        total = HEADER + dataBytes;
        nioBuffers = new ByteBuffer[data.iovcnt() + 1];
        nioBuffers[0] = header.buffers()[0];
        System.arraycopy(data.buffers(), 0, nioBuffers, 1, data.iovcnt());

        arena = Arena.ofConfined();
        long iovSize = iovec.layout().byteSize();
        MemorySegment iovAll = iovec.allocateArray(data.iovcnt() + 1, arena);
        MemorySegment.copy(header.iov(), 0, iovAll, 0, iovSize);
        MemorySegment.copy(data.iov(), 0, iovAll, iovSize, iovSize * data.iovcnt());
        msgAll = message(iovAll, data.iovcnt() + 1);
        msgHeader = message(header.iov(), 1);
        msgData = message(data.iov(), data.iovcnt());

        sink = new LoopbackSink();
        nio = sink.connectNio(true);
        fd = sink.connectNative(true);
    }

    private MemorySegment message(MemorySegment iov, int iovlen) {
        MemorySegment m = msghdr.allocate(arena); // zeroed: no name, no control
        msghdr.msg_iov(m, iov);
        msghdr.msg_iovlen(m, iovlen);
        return m;
    }

    /**
     * Closes the connections and frees the buffers.
     *
     * @throws IOException if a close fails
     */
    @TearDown(Level.Trial)
    public void close() throws IOException {
        try {
            sink.close();
        } finally {
            arena.close();
            header.close();
            data.close();
        }
    }

    /**
     * Baseline: NIO's gathering write of header and data.
     *
     * @return bytes sent, for the blackhole
     * @throws IOException if the write fails or is short
     */
    @Benchmark
    public long nioGatheringWrite() throws IOException {
        for (ByteBuffer b : nioBuffers) {
            b.clear();
        }
        long n = nio.write(nioBuffers);
        if (n != total) {
            throw shortSend("write(ByteBuffer[])", n, total);
        }
        return n;
    }

    /**
     * {@code sendmsg} of the header, then of the data.
     *
     * @return bytes sent, for the blackhole
     * @throws IOException if a call fails or is short
     */
    @Benchmark
    public long twoSends() throws IOException {
        long h = Native.sendmsg(fd, msgHeader, 0);
        if (h != HEADER) {
            throw h < 0 ? Errors.ioException("sendmsg(fd=" + fd + ", header)", (int) -h) : shortSend("sendmsg", h, HEADER);
        }
        long d = Native.sendmsg(fd, msgData, 0);
        if (d != dataBytes) {
            throw d < 0 ? Errors.ioException("sendmsg(fd=" + fd + ", data)", (int) -d) : shortSend("sendmsg", d, dataBytes);
        }
        return h + d;
    }

    /**
     * One {@code sendmsg} of header and data.
     *
     * @return bytes sent, for the blackhole
     * @throws IOException if the call fails or is short
     */
    @Benchmark
    public long oneSendmsg() throws IOException {
        long n = Native.sendmsg(fd, msgAll, 0);
        if (n != total) {
            throw n < 0 ? Errors.ioException("sendmsg(fd=" + fd + ")", (int) -n) : shortSend("sendmsg", n, total);
        }
        return n;
    }

    private static IOException shortSend(String call, long n, long want) {
        return new IOException(call + " sent " + n + " of " + want + " bytes");
    }
}
