package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.in_addr;
import io.jnetfs.ffm.gen.sockaddr_in;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * The socket transport: {@code sendmsg}/{@code recvmsg} system calls through {@link Native} on a
 * blocking TCP socket with {@code TCP_NODELAY}. {@code SO_RCVTIMEO} is the receive tick and
 * {@code SO_SNDTIMEO} the send timeout, so neither direction blocks forever.
 */
final class SocketTransport extends Transport {
    SocketTransport(int fd) {
        super(fd, "socket", 0);
    }

    @Override
    long sendOnce(MsgBuffers m, int flags) {
        return Native.sendmsgAddress(fd, m.msgAddress, flags);
    }

    @Override
    long recvmsg(MsgBuffers m, int flags) {
        long r;
        do {
            r = Native.recvmsgAddress(fd, m.msgAddress, flags);
            recvmsgCalls++; // the receiving thread only
        } while (r == -Errno.EINTR);
        return r;
    }

    // ---- connecting -----------------------------------------------------------------------------------

    /**
     * Opens a blocking TCP socket to an IPv4 address with {@code TCP_NODELAY}, {@code SO_RCVTIMEO = tick}
     * and {@code SO_SNDTIMEO = timeout} (which also bounds {@code connect}).
     *
     * @return the connected descriptor, or {@code -errno} ({@code -EINVAL} for a host that is not IPv4)
     */
    static int connect(String host, int port, long timeoutNanos, long tickNanos) {
        byte[] ip;
        try {
            InetAddress a = InetAddress.getByName(host);
            if (!(a instanceof Inet4Address)) {
                return -Errno.EINVAL;
            }
            ip = a.getAddress();
        } catch (UnknownHostException e) {
            return -Errno.EINVAL;
        }
        int fd = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
        if (fd < 0) {
            return fd;
        }
        try (Arena arena = Arena.ofConfined()) {
            int r = setInt(arena, fd, LibC.IPPROTO_TCP(), LibC.TCP_NODELAY(), 1);
            if (r == 0) {
                r = setTime(arena, fd, LibC.SO_RCVTIMEO(), tickNanos);
            }
            if (r == 0) {
                r = setTime(arena, fd, LibC.SO_SNDTIMEO(), timeoutNanos);
            }
            if (r == 0) {
                MemorySegment addr = sockaddr_in.allocate(arena);
                sockaddr_in.sin_family(addr, (short) LibC.AF_INET());
                sockaddr_in.sin_port(addr, Short.reverseBytes((short) port));
                int s = (ip[0] & 0xFF) << 24 | (ip[1] & 0xFF) << 16 | (ip[2] & 0xFF) << 8 | (ip[3] & 0xFF);
                in_addr.s_addr(sockaddr_in.sin_addr(addr), Integer.reverseBytes(s));
                do {
                    r = Native.connect(fd, addr, (int) addr.byteSize());
                } while (r == -Errno.EINTR);
                if (r == -Errno.EAGAIN || r == -Errno.EINPROGRESS) {
                    r = -Errno.ETIMEDOUT; // SO_SNDTIMEO expired during connect
                }
            }
            if (r < 0) {
                Native.close(fd);
                return r;
            }
            return fd;
        }
    }

    private static int setInt(Arena arena, int fd, int level, int name, int value) {
        MemorySegment v = arena.allocateFrom(ValueLayout.JAVA_INT, value);
        return Native.setsockopt(fd, level, name, v, 4);
    }

    /** {@code struct timeval {tv_sec; tv_usec}}: two longs on LP64. */
    private static int setTime(Arena arena, int fd, int name, long nanos) {
        MemorySegment tv = arena.allocate(16, 8);
        long micros = Math.max(1, nanos / 1000);
        tv.set(ValueLayout.JAVA_LONG, 0, micros / 1_000_000);
        tv.set(ValueLayout.JAVA_LONG, 8, micros % 1_000_000);
        return Native.setsockopt(fd, LibC.SOL_SOCKET(), name, tv, 16);
    }
}
