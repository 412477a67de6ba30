package io.jnetfs.p9;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * A hand-scripted 9P server on 127.0.0.1 for decoder tests: it answers Tversion and Tattach
 * properly (or as told), then hands every further request to a {@link Handler} that writes whatever
 * bytes it likes, malformed ones included.
 */
final class FakeServer implements AutoCloseable {
    /** Decides the reply to one request. */
    interface Handler {
        /**
         * @param type the request's type
         * @param tag its tag
         * @param body its body (after the 7-byte header), little-endian
         * @param out the connection, to write replies (or nothing) to
         * @return false to close the connection
         */
        boolean handle(int type, int tag, ByteBuffer body, OutputStream out) throws IOException;
    }

    /** Loopback only, ever. */
    static final String HOST = "127.0.0.1";

    private final ServerSocket listener;
    private final Thread thread;
    private volatile Socket socket;
    private volatile Throwable failure;
    final int msize;
    volatile byte[] versionReply;

    FakeServer(int msize, Handler handler) throws IOException {
        this.msize = msize;
        this.listener = new ServerSocket(0, 1, InetAddress.getByName(HOST));
        this.thread = Thread.ofPlatform().daemon().name("fake-9p-server").start(() -> serve(handler));
    }

    int port() {
        return listener.getLocalPort();
    }

    P9Options.Builder options() {
        return P9Options.builder(HOST, port()).aname("/fake").uname("root").timeout(java.time.Duration.ofSeconds(5))
                .reconnect(false); // these tests check how a connection fails
    }

    private void serve(Handler handler) {
        try (Socket s = listener.accept()) {
            socket = s;
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                ByteBuffer m = readMessage(in);
                if (m == null) {
                    return;
                }
                int type = m.get(4) & 0xFF;
                int tag = m.getShort(5) & 0xFFFF;
                ByteBuffer body = m.position(7).slice().order(ByteOrder.LITTLE_ENDIAN);
                if (type == P9Type.Tversion) {
                    byte[] r = versionReply != null ? versionReply
                            : msg(P9Type.Rversion, tag, le(4 + 2 + 8).putInt(msize).put(str("9P2000.L")));
                    out.write(r);
                } else if (type == P9Type.Tattach) {
                    out.write(msg(P9Type.Rattach, tag, qid(P9Flags.P9_QTDIR, 1)));
                } else if (!handler.handle(type, tag, body, out)) {
                    return;
                }
                out.flush();
            }
        } catch (IOException | RuntimeException e) {
            if (!listener.isClosed()) {
                failure = e;
            }
        }
    }

    private static ByteBuffer readMessage(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        byte[] sz = new byte[4];
        try {
            d.readFully(sz);
        } catch (java.io.EOFException e) {
            return null;
        }
        int size = ByteBuffer.wrap(sz).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (size < 7 || size > (1 << 24)) {
            throw new IOException("client sent size=" + size);
        }
        byte[] all = new byte[size];
        System.arraycopy(sz, 0, all, 0, 4);
        d.readFully(all, 4, size - 4);
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** A little-endian buffer to build a body in. */
    static ByteBuffer le(int capacity) {
        return ByteBuffer.allocate(capacity).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code len[2]} and the UTF-8 bytes. */
    static byte[] str(String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        return le(2 + b.length).putShort((short) b.length).put(b).array();
    }

    static byte[] qid(int type, long path) {
        return le(13).put((byte) type).putInt(0).putLong(path).array();
    }

    /** A whole message with a correct size field. */
    static byte[] msg(int type, int tag, ByteBuffer body) {
        return msg(type, tag, java.util.Arrays.copyOf(body.array(), body.position()));
    }

    static byte[] msg(int type, int tag, byte[] body) {
        return rawMsg(7 + body.length, type, tag, body);
    }

    /** A message whose size field says {@code size}, whatever follows. */
    static byte[] rawMsg(long size, int type, int tag, byte[] body) {
        ByteBuffer b = le(7 + body.length);
        b.putInt((int) size).put((byte) type).putShort((short) tag).put(body);
        return b.array();
    }

    /** @return the server thread's failure, if any */
    Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws IOException {
        listener.close();
        Socket s = socket;
        if (s != null) {
            s.close();
        }
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
