package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.in_addr;
import io.jnetfs.ffm.gen.iovec;
import io.jnetfs.ffm.gen.msghdr;
import io.jnetfs.ffm.gen.sockaddr_in;
import io.jnetfs.testkit.Require;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * Real files and real loopback TCP sockets for the tests, through the same native gateway; and the
 * feature checks every test starts with, each probing the exact thing the test uses (see
 * {@link IoUringFeatures}): a missing one skips the test with the reason, or fails it where the run
 * demands it ({@code -Djnetfs.require}).
 */
final class Fixtures {
    private Fixtures() {
    }

    /** Requires {@code "io_uring"}: rings can be set up here (Linux 5.11+, no seccomp filter or sysctl against it). */
    static void requireUring() {
        Require.feature("io_uring", IoUring.unavailableReason());
    }

    /** Requires {@code "io_uring/op/<NAME>"} for each opcode, by the kernel's opcode probe. */
    static void requireOps(int... opcodes) {
        requireUring();
        for (int op : opcodes) {
            Require.feature("io_uring/op/" + Opcode.name(op).substring("IORING_OP_".length()),
                    IoUringFeatures.missingOpcode(op));
        }
    }

    /**
     * Requires {@code "io_uring/setup/<NAME>"}, named after the newest of {@code flags}, by setting up a
     * ring with them.
     */
    static void requireSetup(int flags) {
        requireUring();
        String names = RingSetup.setupFlagNames(Integer.highestOneBit(flags));
        Require.feature("io_uring/setup/" + names.substring("IORING_SETUP_".length()),
                IoUringFeatures.missingSetupFlags(flags));
    }

    /** Requires {@code "io_uring/<name>"}, whose reason a probe of {@link IoUringFeatures} gave. */
    static void require(String name, String missing) {
        requireUring();
        Require.feature("io_uring/" + name, missing);
    }

    /** Opens {@code file} with {@code flags} (O_CREAT adds mode 0644). */
    static int open(Path file, int flags) {
        try (Arena a = Arena.ofConfined()) {
            int fd = Native.open(a.allocateFrom(file.toString()), flags | LibC.O_CLOEXEC(), 0644);
            assertTrue(fd >= 0, "open(" + file + "): " + Errno.describe(fd));
            return fd;
        }
    }

    static void close(int fd) {
        assertEquals(0, Native.close(fd), "close(" + fd + ")");
    }

    /** A native buffer filled with a pattern that depends on {@code seed} and the byte position. */
    static MemorySegment pattern(Arena arena, int size, int seed) {
        MemorySegment m = arena.allocate(size, 4096);
        for (int i = 0; i < size; i++) {
            m.set(ValueLayout.JAVA_BYTE, i, (byte) (i * 31 + seed));
        }
        return m;
    }

    /** A {@code struct iovec[]} over {@code bufs}. */
    static MemorySegment iovecs(Arena arena, MemorySegment... bufs) {
        MemorySegment iov = iovec.allocateArray(bufs.length, arena);
        for (int i = 0; i < bufs.length; i++) {
            MemorySegment e = iovec.asSlice(iov, i);
            iovec.iov_base(e, bufs[i]);
            iovec.iov_len(e, bufs[i].byteSize());
        }
        return iov;
    }

    /** A {@code struct msghdr} over an iovec array, no name, no control. */
    static MemorySegment msghdr(Arena arena, MemorySegment iov, int iovcnt) {
        MemorySegment m = msghdr.allocate(arena);
        msghdr.msg_iov(m, iov);
        msghdr.msg_iovlen(m, iovcnt);
        return m;
    }

    /** Two connected TCP sockets over 127.0.0.1: {@code client} and {@code server}. */
    record Loopback(int client, int server) implements AutoCloseable {
        static Loopback open() {
            try (Arena a = Arena.ofConfined()) {
                int listener = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
                assertTrue(listener >= 0, "socket: " + Errno.describe(listener));
                MemorySegment addr = sockaddr_in.allocate(a);
                sockaddr_in.sin_family(addr, (short) LibC.AF_INET());
                in_addr.s_addr(sockaddr_in.sin_addr(addr), Integer.reverseBytes(LibC.INADDR_LOOPBACK()));
                int len = (int) sockaddr_in.sizeof();
                assertEquals(0, Native.bind(listener, addr, len), "bind 127.0.0.1:0");
                assertEquals(0, Native.listen(listener, 4));
                MemorySegment lenp = a.allocateFrom(ValueLayout.JAVA_INT, len);
                assertEquals(0, Native.getsockname(listener, addr, lenp));
                int client = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
                assertEquals(0, Native.connect(client, addr, len), "connect");
                int server = Native.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, LibC.SOCK_CLOEXEC());
                assertTrue(server >= 0, "accept4: " + Errno.describe(server));
                Native.close(listener);
                MemorySegment one = a.allocateFrom(ValueLayout.JAVA_INT, 1);
                Native.setsockopt(client, LibC.IPPROTO_TCP(), LibC.TCP_NODELAY(), one, 4);
                return new Loopback(client, server);
            }
        }

        @Override
        public void close() {
            Native.close(client);
            Native.close(server);
        }
    }

    /** Records completions in arrays, in delivery order. */
    static final class Recorder implements CompletionCallback {
        final int[] res;
        final int[] flags;
        final long[] userData;
        int count;

        Recorder(int capacity) {
            res = new int[capacity];
            flags = new int[capacity];
            userData = new long[capacity];
        }

        @Override
        public void complete(int r, int f, long u) {
            res[count] = r;
            flags[count] = f;
            userData[count] = u;
            count++;
        }

        /** @return the index of the first completion with {@code u}, or -1 */
        int indexOf(long u) {
            for (int i = 0; i < count; i++) {
                if (userData[i] == u) {
                    return i;
                }
            }
            return -1;
        }

        /** @return the result of the first completion with {@code u} (fails if none) */
        int resultOf(long u) {
            int i = indexOf(u);
            assertTrue(i >= 0, "no completion for userData=" + u);
            return res[i];
        }
    }

    /** Submits, then waits and completes until {@code rec} has {@code n} completions (at most 10 s). */
    static void await(IoUring ring, Recorder rec, int n) {
        long deadline = System.nanoTime() + 10_000_000_000L;
        ring.submit();
        while (rec.count < n) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + n + " completions, have " + rec.count);
            ring.submitAndWait(1, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
            ring.complete(rec);
        }
    }
}
