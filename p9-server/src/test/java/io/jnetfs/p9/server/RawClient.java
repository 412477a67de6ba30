package io.jnetfs.p9.server;

import io.jnetfs.p9.P9Type;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A hand-made 9P peer over a plain JDK socket, for messages no well-behaved client sends: wrong
 * sizes, truncated strings, half messages, several messages in one write.
 */
final class RawClient implements AutoCloseable {
    final Socket socket;
    private final InputStream in;

    RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(ServerFixture.HOST, port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
    }

    /** A message under construction: header fields, then body fields appended. */
    static final class Msg {
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final int type;
        private final int tag;
        private Integer sizeOverride;

        Msg(int type, int tag) {
            this.type = type;
            this.tag = tag;
        }

        Msg u8(int v) {
            body.write(v);
            return this;
        }

        Msg u16(int v) {
            body.write(v);
            body.write(v >>> 8);
            return this;
        }

        Msg u32(int v) {
            u16(v & 0xFFFF);
            return u16(v >>> 16);
        }

        Msg u64(long v) {
            u32((int) v);
            return u32((int) (v >>> 32));
        }

        Msg str(String s) {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u16(b.length);
            body.writeBytes(b);
            return this;
        }

        Msg bytes(byte[] b) {
            body.writeBytes(b);
            return this;
        }

        /** Puts a false size in the header. */
        Msg size(int size) {
            sizeOverride = size;
            return this;
        }

        byte[] encode() {
            byte[] b = body.toByteArray();
            ByteBuffer m = ByteBuffer.allocate(7 + b.length).order(ByteOrder.LITTLE_ENDIAN);
            m.putInt(sizeOverride != null ? sizeOverride : 7 + b.length).put((byte) type).putShort((short) tag).put(b);
            return m.array();
        }
    }

    /** A reply: type, tag and body (little-endian). */
    record Reply(int type, int tag, ByteBuffer body) {
        int errno() {
            if (type != P9Type.Rlerror) {
                throw new AssertionError("expected Rlerror, got " + P9Type.name(type));
            }
            return body.getInt(0);
        }
    }

    void send(Msg... msgs) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Msg m : msgs) {
            all.writeBytes(m.encode());
        }
        socket.getOutputStream().write(all.toByteArray());
        socket.getOutputStream().flush();
    }

    void sendRaw(byte[] b) throws IOException {
        socket.getOutputStream().write(b);
        socket.getOutputStream().flush();
    }

    Reply receive() throws IOException {
        byte[] h = in.readNBytes(7);
        if (h.length < 7) {
            throw new EOFException("connection closed");
        }
        ByteBuffer hb = ByteBuffer.wrap(h).order(ByteOrder.LITTLE_ENDIAN);
        int size = hb.getInt(0);
        byte[] body = in.readNBytes(size - 7);
        return new Reply(hb.get(4) & 0xFF, hb.getShort(5) & 0xFFFF, ByteBuffer.wrap(body).order(ByteOrder.LITTLE_ENDIAN));
    }

    Reply call(Msg m) throws IOException {
        send(m);
        return receive();
    }

    /** Tversion, then Tattach of fid 0 to the directory. */
    RawClient handshake(int msize, String aname) throws IOException {
        Reply v = call(new Msg(P9Type.Tversion, 0xFFFF).u32(msize).str("9P2000.L"));
        if (v.type() != P9Type.Rversion) {
            throw new IOException("Tversion: " + P9Type.name(v.type()));
        }
        Reply a = call(new Msg(P9Type.Tattach, 1).u32(0).u32(-1).str("root").str(aname).u32(0));
        if (a.type() != P9Type.Rattach) {
            throw new IOException("Tattach: " + P9Type.name(a.type()) + " errno " + a.errno());
        }
        return this;
    }

    /**
     * Waits for the server to close the connection.
     *
     * @return true if it closed (end of stream or reset) within the socket timeout
     */
    boolean closedByServer() throws IOException {
        try {
            while (true) {
                if (in.read() < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
