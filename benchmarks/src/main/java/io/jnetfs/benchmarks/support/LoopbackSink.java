package io.jnetfs.benchmarks.support;

import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.in_addr;
import io.jnetfs.ffm.gen.sockaddr_in;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP listener on 127.0.0.1 whose accepted connections are drained by one thread each, so a
 * benchmark can send as fast as the loopback takes it. Connections are made either as NIO
 * {@link SocketChannel}s or as native descriptors (for {@link Native#writev}/{@link Native#sendmsg}),
 * and the drain side is the same for both.
 *
 * <p>The sink owns everything it creates: the listener, the client ends it hands out and the drain
 * threads. {@link #close()} closes the client ends (the drain threads then see end of stream and
 * exit), waits for the threads and closes the listener; it is idempotent. Loopback only, ever.
 */
public final class LoopbackSink implements AutoCloseable {
    private static final int DRAIN_BUFFER = 1 << 20;
    private static final long JOIN_MILLIS = 5_000;

    private final ServerSocketChannel server;
    private final InetSocketAddress address;
    private final List<SocketChannel> nioClients = new ArrayList<>();
    private final List<Integer> nativeClients = new ArrayList<>();
    private final List<Thread> drains = new ArrayList<>();
    private boolean closed;

    /**
     * Opens the listener on an ephemeral port of 127.0.0.1.
     *
     * @throws IOException if the listener cannot be opened
     */
    public LoopbackSink() throws IOException {
        this.server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
        this.address = (InetSocketAddress) server.getLocalAddress();
    }

    /** {@return the listener's address (127.0.0.1 and its port)} */
    public InetSocketAddress address() {
        return address;
    }

    /**
     * Connects a blocking NIO channel and starts draining its peer.
     *
     * @param nodelay whether to set TCP_NODELAY on the client end
     * @return the client end, owned by this sink
     * @throws IOException if the connection fails
     */
    public SocketChannel connectNio(boolean nodelay) throws IOException {
        SocketChannel client = SocketChannel.open(address);
        nioClients.add(client);
        client.setOption(StandardSocketOptions.TCP_NODELAY, nodelay);
        startDrain(server.accept());
        return client;
    }

    /**
     * Connects a native blocking socket and starts draining its peer.
     *
     * @param nodelay whether to set TCP_NODELAY on the client end
     * @return the client end's descriptor, owned by this sink
     * @throws IOException if a call fails, naming it and its errno
     */
    public int connectNative(boolean nodelay) throws IOException {
        int fd = (int) Errors.check(Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0),
                "socket(AF_INET, SOCK_STREAM)");
        nativeClients.add(fd);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment sa = sockaddr_in.allocate(arena);
            sockaddr_in.sin_family(sa, (short) LibC.AF_INET());
            // sin_port and s_addr are in network byte order
            sockaddr_in.sin_port(sa, Short.reverseBytes((short) address.getPort()));
            in_addr.s_addr(sockaddr_in.sin_addr(sa), Integer.reverseBytes(0x7f000001));
            Errors.check(Native.connect(fd, sa, (int) sa.byteSize()),
                    "connect(fd=" + fd + ", 127.0.0.1:" + address.getPort() + ")");
            MemorySegment on = arena.allocateFrom(ValueLayout.JAVA_INT, nodelay ? 1 : 0);
            Errors.check(Native.setsockopt(fd, LibC.IPPROTO_TCP(), LibC.TCP_NODELAY(), on, 4),
                    "setsockopt(fd=" + fd + ", TCP_NODELAY)");
        }
        startDrain(server.accept());
        return fd;
    }

    private void startDrain(SocketChannel accepted) {
        Thread t = Thread.ofPlatform().daemon().name("loopback-drain-" + drains.size()).start(() -> {
            ByteBuffer buf = ByteBuffer.allocateDirect(DRAIN_BUFFER);
            try (accepted) {
                while (accepted.read(buf.clear()) >= 0) {
                    // drained: nothing to keep
                }
            } catch (IOException e) {
                // the connection was reset while closing; the benchmark is over either way
            }
        });
        drains.add(t);
    }

    /**
     * Closes the client ends, waits for the drain threads and closes the listener. Idempotent.
     *
     * @throws IOException if a close fails or a drain thread does not stop within 5 s
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        IOException failure = null;
        for (SocketChannel c : nioClients) {
            try {
                c.close();
            } catch (IOException e) {
                failure = e;
            }
        }
        for (int fd : nativeClients) {
            int r = Native.close(fd);
            if (r < 0 && failure == null) {
                failure = Errors.ioException("close(fd=" + fd + ")", -r);
            }
        }
        try {
            for (Thread t : drains) {
                t.join(JOIN_MILLIS);
                if (t.isAlive() && failure == null) {
                    failure = new IOException("drain thread " + t.getName() + " did not stop");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        server.close();
        if (failure != null) {
            throw failure;
        }
    }
}
