package io.jnetfs.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.DataInputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ganesha fixture against the real NFS-Ganesha, in this JVM's network namespace: it refuses to start
 * where the namespace has more than {@code lo}; inside one it answers a Tversion (spoken here byte by byte)
 * with msize {@value Ganesha#MSIZE}, answers Tauth with Rerror (107) carrying an errno, and closing it
 * leaves no process and no file behind.
 */
class GaneshaTest {
    private static final byte TVERSION = 100;
    private static final byte RVERSION = 101;
    private static final byte TAUTH = 102;
    private static final byte RERROR = 107;

    @TempDir
    Path tmp;

    @Test
    void refusesToStartOutsideALoopbackOnlyNamespace() throws IOException {
        String netns = LoopbackNamespace.unavailableReason();
        Assumptions.assumeTrue(netns != null, "this JVM runs in a loopback-only namespace: nothing to refuse");
        Require.feature(Ganesha.FEATURE, Ganesha.unavailableReason());
        long before = runDirs();
        IOException e = assertThrows(IOException.class, () -> Ganesha.start(tmp));
        assertTrue(e.getMessage().startsWith("ganesha refused: its 9P listener binds every interface, and this process's"
                + " network namespace has "), e.getMessage());
        assertTrue(e.getMessage().contains(LoopbackNamespace.HOW), e.getMessage());
        assertEquals(before, runDirs(), "no run directory made");
    }

    private static long runDirs() throws IOException {
        try (var s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
            return s.filter(p -> p.getFileName().toString().startsWith("jnetfs-ganesha-")).count();
        }
    }

    @Test
    void badArgumentsAreNamed() {
        assertEquals("invalid msize=131072: 4096 .. 65536 (Ganesha 4.3 crashes on large reads above 65536)",
                assertThrows(IllegalArgumentException.class, () -> Ganesha.builder(tmp).msize(131072)).getMessage());
        assertEquals("invalid gluster volume=a b",
                assertThrows(IllegalArgumentException.class, () -> Ganesha.builder(tmp).gluster("a b")).getMessage());
    }

    @Test
    void answersOnLoopbackWithItsDialectAndLeavesNothingWhenClosed() throws IOException {
        Require.feature(LoopbackNamespace.FEATURE, LoopbackNamespace.unavailableReason());
        Require.feature(Ganesha.FEATURE, Ganesha.unavailableReason());
        long t0 = System.nanoTime();
        Ganesha g = Ganesha.start(tmp);
        long started = System.nanoTime() - t0;
        Path run;
        long pid;
        try {
            assertEquals("127.0.0.1", g.host());
            assertEquals(Ganesha.TAG, g.aname());
            assertTrue(g.config().contains("_9P { _9P_TCP_Port = " + g.port() + "; _9P_TCP_Msize = 65536; }"), g.config());
            assertTrue(g.config().contains("Path = \"" + tmp.toAbsolutePath() + "\""), g.config());
            pid = g.pid();
            run = g.runDirectory();
            assertTrue(run.getFileName().toString().startsWith("jnetfs-ganesha-"), run.toString());
            assertTrue(Files.exists(run.resolve("ganesha.conf")));
            try (Socket s = connect(g)) {
                send(s, TVERSION, (short) -1, versionBody(1 << 20));
                ByteBuffer r = receive(s);
                assertEquals(RVERSION, r.get(4));
                assertEquals(Ganesha.MSIZE, r.getInt(7), "Ganesha caps the msize at its _9P_TCP_Msize");
                // Tauth(afid=1, uname="root", aname=TAG, n_uname=0): Ganesha has no auth; it says so with an
                // Rerror whose body is a 9P2000.L errno, not an Rlerror
                ByteBuffer auth = ByteBuffer.allocate(4 + 2 + 4 + 2 + Ganesha.TAG.length() + 4).order(ByteOrder.LITTLE_ENDIAN);
                auth.putInt(1).putShort((short) 4).put("root".getBytes(StandardCharsets.US_ASCII))
                        .putShort((short) Ganesha.TAG.length()).put(Ganesha.TAG.getBytes(StandardCharsets.US_ASCII)).putInt(0);
                send(s, TAUTH, (short) 1, auth.array());
                ByteBuffer e = receive(s);
                assertEquals(RERROR, e.get(4), "Tauth is answered with Rerror");
                assertEquals(11, e.getInt(0), "an errno-only body");
                int errno = e.getInt(7);
                assertTrue(errno > 0 && errno < 4096, "errno " + errno);
            }
            try (Socket s = connect(g)) {
                send(s, TVERSION, (short) -1, versionBody(8192));
                assertEquals(8192, receive(s).getInt(7), "a smaller msize asked for is granted");
            }
            assertTrue(g.isAlive(), g.log());
        } finally {
            g.close();
        }
        System.out.println("ganesha started in " + started / 1_000_000 + " ms");
        assertFalse(g.isAlive());
        assertFalse(Files.exists(run), "the run directory is deleted: " + run);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "ganesha " + pid + " is gone");
        assertTrue(g.log().contains("9P dispatcher started"), g.log());
        g.close(); // idempotent
        assertThrows(ConnectException.class, () -> connect(g).close());
    }

    private static Socket connect(Ganesha g) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(g.host(), g.port()), 2000);
        s.setSoTimeout(10_000);
        return s;
    }

    private static byte[] versionBody(int msize) {
        byte[] v = "9P2000.L".getBytes(StandardCharsets.US_ASCII);
        return ByteBuffer.allocate(4 + 2 + v.length).order(ByteOrder.LITTLE_ENDIAN)
                .putInt(msize).putShort((short) v.length).put(v).array();
    }

    private static void send(Socket s, byte type, short tag, byte[] body) throws IOException {
        ByteBuffer m = ByteBuffer.allocate(7 + body.length).order(ByteOrder.LITTLE_ENDIAN);
        m.putInt(7 + body.length).put(type).putShort(tag).put(body);
        s.getOutputStream().write(m.array());
    }

    private static ByteBuffer receive(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(s.getInputStream());
        byte[] head = new byte[4];
        in.readFully(head);
        int size = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(size >= 7 && size < 1 << 20, "size " + size);
        byte[] all = new byte[size];
        System.arraycopy(head, 0, all, 0, 4);
        in.readFully(all, 4, size - 4);
        return ByteBuffer.wrap(all).order(ByteOrder.LITTLE_ENDIAN);
    }
}
