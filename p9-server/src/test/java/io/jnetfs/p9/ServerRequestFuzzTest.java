package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jnetfs.p9.server.P9Server;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jnetfs server's request decoding fuzzed over loopback: after a proper Tversion and Tattach, a
 * mutated T-message (bits flipped, size and length fields at edge values, bytes cut or added, type
 * changed), then a probe Tgetattr. The server must answer the probe or close the connection, within a
 * bound of time (never hang; a frame announcing more bytes than sent is closed by the message timeout,
 * 500 ms here); afterwards it still serves a real client and no file outside the export
 * appeared or changed. Tries: {@code -Djnetfs.fuzz.tries} (default 200).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ServerRequestFuzzTest {
    /** Loopback only, ever. */
    private static final String HOST = "127.0.0.1";

    private static final int MSIZE = 8192;
    private static final int PROBE_TAG = 0xFEED;

    @TempDir
    Path tmp;

    private static byte[] encode(BiFunction<MemorySegment, Integer, Integer> enc) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(4096);
            int n = enc.apply(b, 0);
            return b.asSlice(0, n).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static List<byte[]> seeds() {
        byte[] a = P9Codec.utf8("a");
        List<byte[]> s = new ArrayList<>();
        s.add(encode((b, t) -> P9Codec.twalk(b, 1, 0, 1, new byte[][] {a, P9Codec.utf8("..")})));
        s.add(encode((b, t) -> P9Codec.tgetattr(b, 1, 0, P9Flags.P9_GETATTR_ALL)));
        s.add(encode((b, t) -> P9Codec.tlopen(b, 1, 0, P9Flags.P9_DOTL_RDONLY)));
        s.add(encode((b, t) -> P9Codec.tread(b, 1, 0, 0, 4096)));
        s.add(encode((b, t) -> P9Codec.treaddir(b, 1, 0, 0, 4096)));
        s.add(encode((b, t) -> P9Codec.tlcreate(b, 1, 0, a, P9Flags.P9_DOTL_RDWR, 0644, 0)));
        s.add(encode((b, t) -> P9Codec.tmkdir(b, 1, 0, P9Codec.utf8("d"), 0755, 0)));
        s.add(encode((b, t) -> P9Codec.tsymlink(b, 1, 0, P9Codec.utf8("l"), P9Codec.utf8("../../etc/passwd"), 0)));
        s.add(encode((b, t) -> P9Codec.trenameat(b, 1, 0, a, 0, P9Codec.utf8("../b"))));
        s.add(encode((b, t) -> P9Codec.tunlinkat(b, 1, 0, a, 0)));
        s.add(encode((b, t) -> P9Codec.tsetattr(b, 1, 0, P9Flags.P9_ATTR_SIZE, 0, 0, 0, 5, 0, 0, 0, 0)));
        s.add(encode((b, t) -> P9Codec.tstatfs(b, 1, 0)));
        s.add(encode((b, t) -> P9Codec.tflush(b, 1, 7)));
        s.add(encode((b, t) -> P9Codec.tclunk(b, 1, 0)));
        byte[] twrite = encode((b, t) -> P9Codec.twriteHeader(b, 1, 0, 0, 16));
        s.add(java.util.Arrays.copyOf(twrite, twrite.length + 16));
        return s;
    }

    private static byte[] mutate(byte[] seed, Random r) {
        byte[] f = seed.clone();
        int n = 1 + r.nextInt(3);
        for (int i = 0; i < n; i++) {
            switch (r.nextInt(6)) {
                case 0 -> f[r.nextInt(f.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> {
                    long[] edge = {0, 6, 7, f.length - 1, f.length + 1, MSIZE, MSIZE + 1, 0x7FFF_FFFFL, 0xFFFF_FFFFL};
                    long v = edge[r.nextInt(edge.length)];
                    for (int k = 0; k < 4; k++) {
                        f[k] = (byte) (v >>> (8 * k));
                    }
                }
                case 2 -> {
                    if (f.length > 9) {
                        int at = 7 + r.nextInt(f.length - 8);
                        int v = new int[] {0, 1, 0xFF, 0x100, 0x7FFF, 0xFFFF}[r.nextInt(6)];
                        f[at] = (byte) v;
                        f[at + 1] = (byte) (v >>> 8);
                    }
                }
                case 3 -> f[4] = (byte) r.nextInt(256);
                case 4 -> {
                    int keep = 7 + r.nextInt(Math.max(1, f.length - 7));
                    f = java.util.Arrays.copyOf(f, Math.min(keep, f.length));
                    for (int k = 0; k < 4; k++) {
                        f[k] = (byte) (f.length >>> (8 * k)); // well framed, short body
                    }
                }
                default -> {
                    byte[] g = java.util.Arrays.copyOf(f, f.length + 1 + r.nextInt(32));
                    for (int k = f.length; k < g.length; k++) {
                        g[k] = (byte) r.nextInt();
                    }
                    f = g;
                    for (int k = 0; k < 4; k++) {
                        f[k] = (byte) (f.length >>> (8 * k));
                    }
                }
            }
        }
        return f;
    }

    /** @return "reply" if the probe was answered, "closed" if the server closed the connection */
    private static String exchange(int port, String aname, byte[] fuzz) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(HOST, port), 2_000);
            s.setSoTimeout(3_000);
            OutputStream out = s.getOutputStream();
            out.write(encode((b, t) -> P9Codec.tversion(b, MSIZE, P9Codec.utf8("9P2000.L"))));
            out.write(encode((b, t) -> P9Codec.tattach(b, 2, 0, P9Descriptor.NOFID, P9Codec.utf8("root"),
                    P9Codec.utf8(aname), 0)));
            try {
                out.write(fuzz);
                out.write(encode((b, t) -> P9Codec.tgetattr(b, PROBE_TAG, 0, P9Flags.P9_GETATTR_BASIC)));
                out.flush();
            } catch (java.net.SocketException e) {
                return "closed"; // the server closed the connection on the bad message while we still wrote
            }
            DataInputStream in = new DataInputStream(s.getInputStream());
            byte[] head = new byte[7];
            while (true) {
                try {
                    in.readFully(head);
                } catch (EOFException | java.net.SocketException e) {
                    return "closed";
                }
                long size = Integer.toUnsignedLong((head[0] & 0xFF) | (head[1] & 0xFF) << 8 | (head[2] & 0xFF) << 16
                        | (head[3] & 0xFF) << 24);
                if (size < 7 || size > MSIZE) {
                    throw new AssertionError("the server sent a reply of size=" + size);
                }
                in.readFully(new byte[(int) size - 7]);
                int tag = (head[5] & 0xFF) | (head[6] & 0xFF) << 8;
                if (tag == PROBE_TAG) {
                    return "reply";
                }
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("the server neither answered nor closed within 3 s", e);
        }
    }

    @Test
    void mutatedRequestsAreAnsweredOrCloseTheConnectionAndTheServerKeepsServing() throws Exception {
        int tries = Integer.getInteger("jnetfs.fuzz.tries", 200);
        Path root = Files.createDirectory(tmp.resolve("export"));
        Path outside = Files.writeString(tmp.resolve("outside"), "not exported");
        Files.writeString(root.resolve("a"), "inside");
        Random r = new Random(Long.getLong("jnetfs.fuzz.seed", 11));
        List<byte[]> seeds = seeds();
        int answered = 0;
        int closed = 0;
        long t0 = System.nanoTime();
        try (P9Server server = P9Server.builder(root).listen(HOST, 0).msize(MSIZE)
                .messageTimeout(java.time.Duration.ofMillis(500)).build().start()) {
            for (int i = 0; i < tries; i++) {
                byte[] f = mutate(seeds.get(r.nextInt(seeds.size())), r);
                try {
                    if (exchange(server.port(), root.toString(), f).equals("reply")) {
                        answered++;
                    } else {
                        closed++;
                    }
                } catch (AssertionError | IOException e) {
                    fail("input " + java.util.HexFormat.of().formatHex(f) + ": " + e, e);
                }
            }
            assertFalse(server.isClosed());
            try (P9Client c = P9Client.connect(P9Options.builder(HOST, server.port()).aname(root.toString())
                    .uname("root").nUname(0).build())) {
                assertTrue(c.getattr(c.root()).qid().isDirectory(), "the server still serves a real client");
            }
        }
        assertTrue(Files.readString(outside).equals("not exported"), "nothing outside the export changed");
        try (var l = Files.list(tmp)) {
            assertTrue(l.allMatch(p -> p.getFileName().toString().equals("export")
                    || p.getFileName().toString().equals("outside")), "nothing appeared outside the export");
        }
        System.out.printf("server request fuzz: %d mutated requests in %.1f s: probe answered %d, connection closed %d%n",
                tries, (System.nanoTime() - t0) / 1e9, answered, closed);
    }
}
