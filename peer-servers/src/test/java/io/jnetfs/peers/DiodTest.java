package io.jnetfs.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The diod fixture against the real diod, in this JVM's mode: it answers a Tversion (spoken here byte by
 * byte, this module knows no 9P client) on 127.0.0.1, its faults do what they say, and closing it leaves
 * no process and no file behind.
 */
class DiodTest {
    private static final byte TVERSION = 100;
    private static final byte RVERSION = 101;

    @TempDir
    Path tmp;

    @BeforeAll
    static void needDiod() {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
    }

    @Test
    void answersOnLoopbackAndLeavesNothingWhenClosed() throws IOException {
        Diod d = Diod.builder(tmp).readOnly(true).ctl(true).start();
        Path run;
        long pid;
        try {
            assertEquals("127.0.0.1", d.host());
            assertEquals(tmp.toAbsolutePath().toString(), d.aname());
            assertEquals(Diod.selectedMode(), d.mode());
            List<String> cmd = d.command();
            assertEquals(List.of(Diod.DIOD.toString(), "-f", "-n", "-l", "127.0.0.1:" + d.port()), cmd.subList(0, 5));
            run = Path.of(cmd.get(cmd.indexOf("-c") + 1)).getParent();
            assertTrue(run.getFileName().toString().startsWith("jnetfs-diod-"), run.toString());
            assertEquals("exports = { { path=\"" + d.aname() + "\", opts=\"ro\" } }\n",
                    Files.readString(run.resolve("diod.conf")));
            pid = d.pid();
            assertTrue(d.isAlive());
            try (Socket s = connect(d)) {
                sendTversion(s);
                assertEquals("9P2000.L", readRversion(s));
            }
        } finally {
            d.close();
        }
        assertFalse(d.isAlive());
        assertFalse(Files.exists(run), "the run directory is deleted with its log and configuration: " + run);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "diod " + pid + " is gone");
        d.close(); // idempotent
        assertThrows(ConnectException.class, () -> connect(d).close());
    }

    @Test
    void aSuspendedDiodAnswersNothingUntilResumed() throws IOException {
        try (Diod d = Diod.start(tmp); Socket s = connect(d)) {
            d.suspend();
            try {
                sendTversion(s);
                s.setSoTimeout(500);
                assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read(), "a stopped diod answers");
            } finally {
                d.resume();
            }
            s.setSoTimeout(10_000);
            assertEquals("9P2000.L", readRversion(s), "the Tversion sent while stopped is answered after resume");
        }
    }

    @Test
    void aKilledDiodResetsItsConnectionsAndItsLogOutlivesTheClose() throws IOException {
        Diod d = Diod.start(tmp);
        try (Socket s = connect(d)) {
            d.kill();
            assertFalse(d.isAlive());
            s.setSoTimeout(10_000);
            try {
                assertEquals(-1, s.getInputStream().read(), "the connection ends with the process");
            } catch (IOException reset) {
                // a reset is an end too
            }
            String log = d.log();
            d.close();
            assertEquals(log, d.log(), "what it logged stays readable after close");
        } finally {
            d.close();
        }
    }

    @Test
    void twoDiodsOnOneExportListenOnTwoPorts() throws IOException {
        try (Diod a = Diod.start(tmp); Diod b = Diod.start(tmp)) {
            assertNotEquals(a.port(), b.port());
            assertNotEquals(a.pid(), b.pid());
        }
    }

    @Test
    void anExportThatIsNotADirectoryIsACleanError() throws IOException {
        Path file = Files.writeString(tmp.resolve("f"), "x");
        IOException e = assertThrows(IOException.class, () -> Diod.start(file));
        assertEquals("diod export " + file + " is not a directory", e.getMessage());
        IOException missing = assertThrows(IOException.class, () -> Diod.start(tmp.resolve("missing")));
        assertTrue(missing.getMessage().endsWith("missing is not a directory"), missing.getMessage());
    }

    private static Socket connect(Diod d) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(d.host(), d.port()), 5_000);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Tversion: size[4] type[1] tag[2] msize[4] version[s], little-endian, tag NOTAG. */
    private static void sendTversion(Socket s) throws IOException {
        byte[] v = "9P2000.L".getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(4 + 1 + 2 + 4 + 2 + v.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(b.capacity()).put(TVERSION).putShort((short) 0xFFFF).putInt(65536).putShort((short) v.length).put(v);
        s.getOutputStream().write(b.array());
        s.getOutputStream().flush();
    }

    /** @return the version an Rversion names */
    private static String readRversion(Socket s) throws IOException {
        s.setSoTimeout(10_000);
        InputStream in = s.getInputStream();
        byte[] head = readFully(in, 4);
        int size = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getInt();
        assertTrue(size >= 13 && size < 1024, "Rversion size " + size);
        ByteBuffer body = ByteBuffer.wrap(readFully(in, size - 4)).order(ByteOrder.LITTLE_ENDIAN);
        assertEquals(RVERSION, body.get(), "message type");
        assertEquals((short) 0xFFFF, body.getShort(), "tag");
        assertTrue(body.getInt() > 0, "msize");
        byte[] v = new byte[body.getShort()];
        body.get(v);
        return new String(v, StandardCharsets.UTF_8);
    }

    private static byte[] readFully(InputStream in, int n) throws IOException {
        byte[] b = new byte[n];
        new DataInputStream(in).readFully(b);
        return b;
    }
}
