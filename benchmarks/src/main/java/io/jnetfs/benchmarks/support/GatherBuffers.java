package io.jnetfs.benchmarks.support;

import io.jnetfs.ffm.gen.iovec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * {@code iovcnt} page-aligned direct buffers of {@code iovlen} bytes each, seen two ways: as
 * {@link ByteBuffer}s for NIO's gathering writes and as a native {@code struct iovec[iovcnt]} for
 * {@code writev}/{@code sendmsg}. Both views describe the same memory, so every variant of an
 * experiment moves the same bytes from the same addresses.
 *
 * <p>The data is one {@link ByteBuffer#allocateDirect(int) direct buffer} (what a NIO user has, so NIO
 * pays no memory-session checks), aligned with {@link ByteBuffer#alignedSlice(int)} and released by the
 * GC with its buffer. The iovec array lives in a confined arena owned by this object: create and use
 * it on one thread (a JMH {@code Scope.Thread} state), and {@link #close()} it there.
 */
public final class GatherBuffers implements AutoCloseable {
    /** The page size the buffers are aligned to. */
    public static final int PAGE = 4096;

    private final int iovcnt;
    private final int iovlen;
    private final ByteBuffer[] buffers;
    private final MemorySegment data;
    private final Arena arena;
    private final MemorySegment iov;

    /**
     * Allocates the buffers, fills them with a non-zero pattern and builds the iovec array.
     *
     * @param iovcnt how many buffers, 1..1024 (IOV_MAX)
     * @param iovlen bytes per buffer, at least 1
     * @throws IllegalArgumentException if a count is out of range or the total exceeds 1 GiB
     */
    public GatherBuffers(int iovcnt, int iovlen) {
        if (iovcnt < 1 || iovcnt > 1024) {
            throw new IllegalArgumentException("invalid iovcnt=" + iovcnt);
        }
        if (iovlen < 1 || (long) iovcnt * iovlen > (1L << 30)) {
            throw new IllegalArgumentException("invalid iovlen=" + iovlen + " for iovcnt=" + iovcnt);
        }
        this.iovcnt = iovcnt;
        this.iovlen = iovlen;
        int total = iovcnt * iovlen;
        // alignedSlice trims both ends to the page: room for a whole number of pages after the start
        int pages = (total + PAGE - 1) / PAGE * PAGE;
        ByteBuffer whole = ByteBuffer.allocateDirect(pages + PAGE).alignedSlice(PAGE);
        this.data = MemorySegment.ofBuffer(whole).asSlice(0, total);
        data.fill((byte) 0x5a);
        this.buffers = new ByteBuffer[iovcnt];
        this.arena = Arena.ofConfined();
        this.iov = iovec.allocateArray(iovcnt, arena);
        for (int i = 0; i < iovcnt; i++) {
            // page-aligned whenever iovlen is a multiple of the page size, as in every benchmark here
            buffers[i] = whole.slice(i * iovlen, iovlen);
            MemorySegment one = iovec.asSlice(iov, i);
            iovec.iov_base(one, data.asSlice((long) i * iovlen, iovlen));
            iovec.iov_len(one, iovlen);
        }
    }

    /**
     * Parses a shape such as {@code "16x65536"} (iovcnt x iovlen) and allocates it.
     *
     * @param shape {@code <iovcnt>x<iovlen>}
     * @return the buffers
     * @throws IllegalArgumentException if the shape is malformed or out of range
     */
    public static GatherBuffers ofShape(String shape) {
        int x = shape.indexOf('x');
        if (x <= 0 || x == shape.length() - 1) {
            throw new IllegalArgumentException("invalid shape=" + shape + " (want <iovcnt>x<iovlen>)");
        }
        try {
            return new GatherBuffers(Integer.parseInt(shape.substring(0, x)), Integer.parseInt(shape.substring(x + 1)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("invalid shape=" + shape + " (want <iovcnt>x<iovlen>)", e);
        }
    }

    /** {@return the number of buffers (the iovec count)} */
    public int iovcnt() {
        return iovcnt;
    }

    /** {@return the bytes per buffer} */
    public int iovlen() {
        return iovlen;
    }

    /** {@return the bytes of all buffers together: what one gathering write moves} */
    public long totalBytes() {
        return (long) iovcnt * iovlen;
    }

    /**
     * The NIO view. Each buffer's position and limit are the caller's to reset ({@link #rewind()})
     * after a write consumed them.
     *
     * @return the buffers, shared (not a copy)
     */
    public ByteBuffer[] buffers() {
        return buffers;
    }

    /** Resets every NIO buffer to position 0, limit {@code iovlen}: what a NIO caller does per write. */
    public void rewind() {
        for (ByteBuffer b : buffers) {
            b.clear();
        }
    }

    /** {@return the native {@code struct iovec[iovcnt]} over the same memory} */
    public MemorySegment iov() {
        return iov;
    }

    /** {@return all data as one segment (the buffers back to back)} */
    public MemorySegment data() {
        return data;
    }

    /** Frees the iovec array; the data goes with its direct buffer. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
