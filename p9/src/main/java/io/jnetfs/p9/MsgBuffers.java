package io.jnetfs.p9;

import io.jnetfs.bvecq.IovecDescriptor;
import io.jnetfs.ffm.gen.msghdr;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * A {@code struct msghdr} and an {@code iovec[IOV_MAX]} in native memory, reused by one thread (or one
 * lock holder) for every {@code sendmsg}/{@code recvmsg}: building a message allocates nothing.
 *
 * <p>{@link #consume} trims entries that a partial transfer used up, in place, so a loop can call the
 * kernel again on the rest.
 */
final class MsgBuffers implements AutoCloseable {
    static final int IOV_MAX = IovecDescriptor.IOV_MAX;
    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final long MSG_IOV = msghdr.msg_iov$offset();
    private static final long MSG_IOVLEN = msghdr.msg_iovlen$offset();
    private static final long IOV_SIZE = IovecDescriptor.SIZE;

    private final Arena arena = Arena.ofShared();
    final MemorySegment iov = arena.allocate(IOV_MAX * IOV_SIZE, 64);
    private final long iovAddress = iov.address();
    final MemorySegment msg = arena.allocate(msghdr.layout());
    final long msgAddress = msg.address();
    private int first;
    private int count;
    private boolean closed;

    MsgBuffers() {
    }

    /** Sets entry {@code i}. */
    void set(int i, long base, long len) {
        IovecDescriptor.set(iov, i, base, len);
    }

    /**
     * Points the msghdr at entries {@code [0, n)}.
     *
     * @return the msghdr's address
     */
    long prepare(int n) {
        first = 0;
        count = n;
        return point();
    }

    private long point() {
        msg.fill((byte) 0);
        msg.set(WORD, MSG_IOV, iovAddress + first * IOV_SIZE);
        msg.set(WORD, MSG_IOVLEN, count - first);
        return msgAddress;
    }

    /**
     * Drops {@code n} transferred bytes from the front of the prepared entries and re-points the msghdr
     * at what is left.
     *
     * @return the msghdr's address, for the next call
     */
    long consume(long n) {
        long left = n;
        while (left > 0 && first < count) {
            long len = IovecDescriptor.len(iov, first);
            if (left >= len) {
                left -= len;
                first++;
            } else {
                IovecDescriptor.set(iov, first, IovecDescriptor.base(iov, first) + left, len - left);
                left = 0;
            }
        }
        return point();
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }
}
