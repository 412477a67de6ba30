package io.jnetfs.p9;

import static io.jnetfs.p9.FakeServer.le;
import static io.jnetfs.p9.FakeServer.msg;
import static io.jnetfs.p9.FakeServer.qid;
import static io.jnetfs.p9.FakeServer.rawMsg;
import static io.jnetfs.p9.FakeServer.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Strict decoding: hand-made malformed replies from a fake server on a real loopback socket. Each is a
 * protocol error that fails the connection and everything in flight with EPROTO, fast, without a hang
 * and without allocating by the bad length.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class MalformedReplyTest extends FakeServerTestBase {
    static final int MSIZE = 8192;

    /** Connects to a fake server whose replies to anything after attach come from {@code h}. */
    private static P9Exception failingCall(TransportKind transport, ReceiveMode mode, FakeServer.Handler h, String expected) throws IOException {
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals("EPROTO", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains(expected), e.getMessage());
            assertTrue(e.getMessage().startsWith("Tgetattr(fid=0, request_mask=0x3fff) failed: EPROTO (Protocol error): "
                    + "9P connection to 127.0.0.1:" + s.port() + " failed: protocol error: "), e.getMessage());
            // the connection stays failed: the next call fails at once, it does not hang
            long t0 = System.nanoTime();
            P9Exception again = assertThrows(P9Exception.class, () -> c.statfs(c.root()));
            assertEquals("EPROTO", again.errnoName());
            assertTrue(System.nanoTime() - t0 < TimeUnit.MILLISECONDS.toNanos(500));
            assertEquals(0, c.tagsInUse());
            assertNull(s.failure());
            return e;
        }
    }

    private static FakeServer.Handler reply(byte[] bytes) {
        return (type, tag, body, out) -> {
            out.write(bytes);
            return true;
        };
    }

    private static FakeServer.Handler replyTagged(java.util.function.IntFunction<byte[]> bytes) {
        return (type, tag, body, out) -> {
            out.write(bytes.apply(tag));
            return true;
        };
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sizeAboveMsize(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> rawMsg(MSIZE + 1, P9Type.Rgetattr, tag, new byte[0])),
                "reply size=8193 outside 7 .. msize=8192");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sizeOfFourGigabytesAllocatesNothing(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> rawMsg(0xFFFF_FFFFL, P9Type.Rread, tag, new byte[0])),
                "reply size=4294967295 outside 7 .. msize=8192");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void sizeBelowTheHeader(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> rawMsg(3, P9Type.Rgetattr, tag, new byte[0])), "reply size=3 outside");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void unknownType(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> msg(200, tag, new byte[4])), "unknown reply type=200");
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rerror, tag, str("9P2000 error"))), "unknown reply Rerror");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void rerrorWithAnErrnoOnlyBodyIsThatErrnoUnlessStrict(TransportKind transport, ReceiveMode mode) throws IOException {
        // NFS-Ganesha's dialect: Rerror (107) with a 9P2000.L body, a 4-byte errno
        FakeServer.Handler h = replyTagged(tag -> msg(P9Type.Rerror, tag, le(4).putInt(Errno.ENOENT)));
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals(Errno.ENOENT, e.errno(), e.getMessage());
            assertEquals(1, c.rerrorsReceived());
            assertEquals("ENOENT", assertThrows(P9Exception.class, () -> c.statfs(c.root())).errnoName());
            assertEquals(2, c.rerrorsReceived(), "every one counted");
            assertNull(c.failure(), "the connection works on");
            assertEquals(0, c.tagsInUse());
        }
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool)
                     .acceptRerror(false).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals("EPROTO", e.errnoName(), e.getMessage());
            assertTrue(e.getMessage().contains("protocol error: unknown reply Rerror"), e.getMessage());
            assertEquals(0, c.rerrorsReceived());
        }
        // an errno of 0 is no errno, whichever type carries it
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rerror, tag, new byte[4])), "Rlerror ecode=0 is no errno");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void replyToATagNotInFlight(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rgetattr, tag + 7, new byte[P9Descriptor.RGETATTR_BODY])),
                "Rgetattr for tag=");
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rclunk, 0xFFFF, new byte[0])), "Rclunk for tag=65535, which is not in flight");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void replyOfAnotherType(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rclunk, tag, new byte[0])), "Rclunk in reply to Tgetattr");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void truncatedGetattr(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rgetattr, tag, new byte[100])),
                "truncated Rgetattr: body of 100 bytes, at least 153 needed");
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rgetattr, tag, new byte[154])),
                "Rgetattr body of 154 bytes, expected 153");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void rlerrorWithoutAnErrno(TransportKind transport, ReceiveMode mode) throws IOException {
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rlerror, tag, new byte[4])), "Rlerror ecode=0 is no errno");
        failingCall(transport, mode, replyTagged(tag -> msg(P9Type.Rlerror, tag, new byte[2])), "truncated Rlerror");
    }

    @ParameterizedTest
    @MethodSource("configs")
    void truncatedString(TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler h = (type, tag, body, out) -> {
            if (type == P9Type.Twalk) {
                out.write(msg(P9Type.Rwalk, tag, le(2 + 13).putShort((short) 1).put(qid(P9Flags.P9_QTSYMLINK, 9))));
            } else if (type == P9Type.Treadlink) {
                // len=100 but only 5 bytes follow, and the size says so
                out.write(msg(P9Type.Rreadlink, tag, le(7).putShort((short) 100).put("short".getBytes())));
            } else {
                out.write(msg(P9Type.Rclunk, tag, new byte[0]));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            Fid l = c.walk(c.root(), "link");
            P9Exception e = assertThrows(P9Exception.class, () -> c.readlink(l));
            assertEquals(Errno.EPROTO, e.errno());
            assertTrue(e.getMessage().contains("truncated string in Rreadlink: len=100 at offset 0 runs past the body of 7 bytes"),
                    e.getMessage());
            l.close(); // the connection is gone: closing just gives the number back
            assertEquals(1, c.liveFids());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void walkWithMoreQidsThanNames(TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler h = (type, tag, body, out) -> {
            ByteBuffer b = le(2 + 2 * 13).putShort((short) 2).put(qid(0x80, 1)).put(qid(0x80, 2));
            out.write(msg(P9Type.Rwalk, tag, b));
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.walk(c.root(), "one"));
            assertTrue(e.getMessage().contains("Rwalk nwqid=2 larger than requested nwname=1"), e.getMessage());
            assertEquals(1, c.liveFids(), "the failed walk's fid is given back");
        }
    }

    /** Three reads in flight; the server answers the first, then garbage: the other two fail with EPROTO. */
    @ParameterizedTest
    @MethodSource("configs")
    void aBadReadCountFailsEverythingInFlight(TransportKind transport, ReceiveMode mode) throws Exception {
        List<Integer> tags = new ArrayList<>();
        FakeServer.Handler h = (type, tag, body, out) -> {
            if (type == P9Type.Twalk) {
                out.write(msg(P9Type.Rwalk, tag, le(15).putShort((short) 1).put(qid(0, 5))));
                return true;
            }
            if (type == P9Type.Tlopen) {
                out.write(msg(P9Type.Rlopen, tag, le(17).put(qid(0, 5)).putInt(0)));
                return true;
            }
            if (type == P9Type.Tread) {
                tags.add(tag);
                int count = body.getInt(12);
                if (tags.size() == 1) {
                    ByteBuffer b = le(4 + count).putInt(count);
                    for (int i = 0; i < count; i++) {
                        b.put((byte) i);
                    }
                    out.write(msg(P9Type.Rread, tag, b));
                } else if (tags.size() == 3) {
                    // count larger than requested, size consistent with it
                    ByteBuffer b = le(4 + count + 10).putInt(count + 10).put(new byte[count + 10]);
                    out.write(msg(P9Type.Rread, tags.get(1), b));
                }
                return true;
            }
            out.write(msg(P9Type.Rclunk, tag, new byte[0]));
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build());
             BvecqBuffer dest = BvecqBuffer.allocate(pool, 3 * 4096, 4096)) {
            Fid f = c.open("file", P9Flags.P9_DOTL_RDONLY);
            AtomicLongArray res = new AtomicLongArray(3);
            CountDownLatch done = new CountDownLatch(3);
            BvecqIter[] its = new BvecqIter[3];
            c.plug();
            for (int i = 0; i < 3; i++) {
                its[i] = new BvecqIter().init(dest, i * 4096L, 4096);
                c.readAsync(f, i * 4096L, 4096, its[i], (cookie, r) -> {
                    res.set((int) cookie, r);
                    done.countDown();
                }, i);
            }
            c.unplug();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(4096, res.get(0));
            assertEquals((byte) 77, dest.byteAt(77));
            assertEquals(-Errno.EPROTO, res.get(1));
            assertEquals(-Errno.EPROTO, res.get(2));
            assertTrue(c.failure().contains("Rread count=4106 larger than requested count=4096"), c.failure());
            for (BvecqIter it : its) {
                it.close();
            }
            f.close();
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void rreadCountFieldDisagreeingWithItsSize(TransportKind transport, ReceiveMode mode) throws Exception {
        FakeServer.Handler h = (type, tag, body, out) -> {
            if (type == P9Type.Tread) {
                out.write(msg(P9Type.Rread, tag, le(4 + 10).putInt(3).put(new byte[10])));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.read(c.root(), 0, 100));
            assertTrue(e.getMessage().contains("Rread count field=3 disagrees with its size (count 10)"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void truncatedDirent(TransportKind transport, ReceiveMode mode) throws Exception {
        FakeServer.Handler h = (type, tag, body, out) -> {
            switch (type) {
                case P9Type.Twalk -> out.write(msg(P9Type.Rwalk, tag, le(2).putShort((short) 0)));
                case P9Type.Tlopen -> out.write(msg(P9Type.Rlopen, tag, le(17).put(qid(0x80, 1)).putInt(0)));
                case P9Type.Treaddir -> {
                    // one whole entry "a", then one whose name length runs past the data
                    ByteBuffer d = le(100).put(qid(0, 2)).putLong(1).put((byte) 8).put(str("a"))
                            .put(qid(0, 3)).putLong(2).put((byte) 8).putShort((short) 50).put("bc".getBytes());
                    int n = d.position();
                    out.write(msg(P9Type.Rreaddir, tag, le(4 + n).putInt(n).put(d.array(), 0, n)));
                }
                default -> out.write(msg(P9Type.Rclunk, tag, new byte[0]));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.readdir(c.root()));
            assertTrue(e.getMessage().contains("truncated dirent name: len=50 at offset 25 runs past Rreaddir data of 51 bytes"),
                    e.getMessage());
            assertEquals(1, c.liveFids());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void endOfStreamInTheMiddleOfAReply(TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler h = (type, tag, body, out) -> {
            byte[] whole = msg(P9Type.Rgetattr, tag, new byte[P9Descriptor.RGETATTR_BODY]);
            out.write(whole, 0, 50);
            out.flush();
            return false; // closes the connection
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals("ECONNRESET", e.errnoName());
            assertTrue(e.getMessage().endsWith("failed: end of stream in the middle of a reply"), e.getMessage());
        }
        FakeServer.Handler gone = (type, tag, body, out) -> false;
        try (FakeServer s = new FakeServer(MSIZE, gone);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertTrue(e.getMessage().endsWith("failed: server closed the connection (end of stream)"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void rlerrorIsAnErrnoNotAFailure(TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler h = (type, tag, body, out) -> {
            out.write(msg(P9Type.Rlerror, tag, le(4).putInt(Errno.ENOENT)));
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.walk(c.root(), "x"));
            assertEquals("Twalk(fid=0, newfid=1, names=[x]) failed: ENOENT (No such file or directory)", e.getMessage());
            assertNull(c.failure());
            assertEquals(1, c.liveFids());
        }
    }

    @ParameterizedTest
    @MethodSource("configs")
    void badVersionReplies(TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler none = (type, tag, body, out) -> true;
        try (FakeServer s = new FakeServer(MSIZE, none)) {
            s.versionReply = msg(P9Type.Rversion, P9Descriptor.NOTAG, le(20).putInt(MSIZE).put(str("9P2000")));
            P9Exception e = assertThrows(P9Exception.class,
                    () -> P9Client.connect(s.options().transport(transport).receiveMode(mode).build()));
            assertTrue(e.getMessage().contains("EPROTONOSUPPORT") && e.getMessage().endsWith("server speaks 9P2000, not 9P2000.L"),
                    e.getMessage());
        }
        try (FakeServer s = new FakeServer(MSIZE, none)) {
            s.versionReply = msg(P9Type.Rversion, P9Descriptor.NOTAG, le(20).putInt(P9Options.DEFAULT_MSIZE + 1).put(str("9P2000.L")));
            P9Exception e = assertThrows(P9Exception.class,
                    () -> P9Client.connect(s.options().transport(transport).receiveMode(mode).build()));
            assertTrue(e.getMessage().contains("EPROTO") && e.getMessage().contains("Rversion msize=1048577 outside 4096 .. 1048576"),
                    e.getMessage());
        }
        try (FakeServer s = new FakeServer(MSIZE, none)) {
            s.versionReply = rawMsg(0x7FFF_FFFF, P9Type.Rversion, P9Descriptor.NOTAG, new byte[0]);
            P9Exception e = assertThrows(P9Exception.class,
                    () -> P9Client.connect(s.options().transport(transport).receiveMode(mode).build()));
            assertTrue(e.getMessage().contains("Rversion size=2147483647 outside 7 .. 8192"), e.getMessage());
        }
    }
}
