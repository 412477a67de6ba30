package io.jnetfs.bvecq;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.in_addr;
import io.jnetfs.ffm.gen.sockaddr_in;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/** A connected TCP pair on 127.0.0.1 made with our own system calls, for tests. */
final class Loopback implements AutoCloseable {
    final int client;
    final int server;

    private Loopback(int client, int server) {
        this.client = client;
        this.server = server;
    }

    static Loopback open() {
        try (Arena a = Arena.ofConfined()) {
            int listener = check(Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0), "socket");
            MemorySegment addr = sockaddr_in.allocate(a);
            sockaddr_in.sin_family(addr, (short) LibC.AF_INET());
            in_addr.s_addr(sockaddr_in.sin_addr(addr), Integer.reverseBytes(0x7f000001)); // 127.0.0.1 only
            check(Native.bind(listener, addr, (int) addr.byteSize()), "bind");
            check(Native.listen(listener, 1), "listen");
            MemorySegment len = a.allocateFrom(ValueLayout.JAVA_INT, (int) addr.byteSize());
            check(Native.getsockname(listener, addr, len), "getsockname");
            int client = check(Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0), "socket");
            check(Native.connect(client, addr, (int) addr.byteSize()), "connect");
            int server = check(Native.accept4(listener, MemorySegment.NULL, MemorySegment.NULL, LibC.SOCK_CLOEXEC()), "accept4");
            Native.close(listener);
            MemorySegment one = a.allocateFrom(ValueLayout.JAVA_INT, 1);
            check(Native.setsockopt(client, LibC.IPPROTO_TCP(), LibC.TCP_NODELAY(), one, 4), "setsockopt");
            return new Loopback(client, server);
        }
    }

    static int check(int r, String call) {
        if (r < 0) {
            throw new IllegalStateException(call + " failed: " + Errno.describe(-r));
        }
        return r;
    }

    static void nonBlocking(int fd) {
        int fl = check(Native.fcntl(fd, LibC.F_GETFL(), 0), "fcntl");
        check(Native.fcntl(fd, LibC.F_SETFL(), fl | LibC.O_NONBLOCK()), "fcntl");
    }

    static void blocking(int fd) {
        int fl = check(Native.fcntl(fd, LibC.F_GETFL(), 0), "fcntl");
        check(Native.fcntl(fd, LibC.F_SETFL(), fl & ~LibC.O_NONBLOCK()), "fcntl");
    }

    /** Reads exactly {@code dst.length} bytes from {@code fd} (blocking), or fails at end of stream. */
    static void readFully(int fd, byte[] dst) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment buf = a.allocate(1 << 20);
            int done = 0;
            while (done < dst.length) {
                long n = Native.read(fd, buf, Math.min(buf.byteSize(), dst.length - done));
                if (n <= 0) {
                    throw new IllegalStateException("read(fd=" + fd + ") ended after " + done + " bytes: " + n);
                }
                MemorySegment.copy(buf, ValueLayout.JAVA_BYTE, 0, dst, done, (int) n);
                done += (int) n;
            }
        }
    }

    @Override
    public void close() {
        Native.close(client);
        Native.close(server);
    }
}
