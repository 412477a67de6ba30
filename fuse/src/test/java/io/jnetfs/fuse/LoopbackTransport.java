package io.jnetfs.fuse;

import io.jnetfs.bvecq.IovecDescriptor;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A transport whose "kernel" is the test: requests are byte arrays the test queues, replies are
 * gathered from the iovecs the dispatcher sends. Lets a test send what the kernel never would
 * (truncated and inconsistent requests) and check the exact reply bytes.
 */
final class LoopbackTransport implements FuseTransport {
    final BlockingQueue<byte[]> requests = new LinkedBlockingQueue<>();
    final BlockingQueue<byte[]> replies = new LinkedBlockingQueue<>();
    /** Queued to end the session as an unmount would ({@code ENODEV}). */
    static final byte[] UNMOUNT = new byte[0];
    private final Arena arena = Arena.ofShared();

    @Override
    public FuseChannel openChannel(int index, int maxRequest) {
        MemorySegment buf = arena.allocate(maxRequest, 4096);
        return new FuseChannel() {
            @Override
            public long receive(int timeoutMillis) {
                try {
                    byte[] r = requests.poll(timeoutMillis, TimeUnit.MILLISECONDS);
                    if (r == null) {
                        return TIMED_OUT;
                    }
                    if (r == UNMOUNT) {
                        return -19; // ENODEV
                    }
                    MemorySegment.copy(r, 0, buf, ValueLayout.JAVA_BYTE, 0, r.length);
                    return r.length;
                } catch (InterruptedException e) {
                    return -4;
                }
            }

            @Override
            public MemorySegment requestBuffer() {
                return buf;
            }

            @Override
            public int send(long iovAddress, int iovCount, long len) {
                MemorySegment iov = MemorySegment.ofAddress(iovAddress).reinterpret(iovCount * IovecDescriptor.SIZE);
                byte[] out = new byte[(int) len];
                int at = 0;
                for (int i = 0; i < iovCount; i++) {
                    long base = IovecDescriptor.base(iov, i);
                    int n = (int) IovecDescriptor.len(iov, i);
                    MemorySegment.copy(MemorySegment.ofAddress(base).reinterpret(n), ValueLayout.JAVA_BYTE, 0, out, at, n);
                    at += n;
                }
                if (at != len) {
                    throw new AssertionError("iovecs hold " + at + " bytes, len=" + len);
                }
                replies.add(out);
                return 0;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String name() {
        return "loopback";
    }

    @Override
    public void close() {
        requests.add(UNMOUNT);
    }
}
