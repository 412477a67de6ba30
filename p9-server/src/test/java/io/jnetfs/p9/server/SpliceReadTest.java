package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import io.jnetfs.testkit.Require;
import org.junit.jupiter.api.Timeout;

/**
 * Rread data spliced from the file (file -&gt; pipe -&gt; socket): the bytes are the file's at every
 * offset and size, a read past the end is short or empty, small reads are copied, and a file truncated
 * while it is read never puts the stream out of step. Each test runs with the reader alone, with
 * workers, and with workers and the io_uring receive.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SpliceReadTest {
    private Path export;
    private P9Server server;

    private void start(int workers, boolean ioUring) throws IOException {
        if (ioUring) {
            Require.feature("io_uring/recv-multishot", P9Server.unavailableIoUringReason());
        }
        export = Files.createTempDirectory("p9-server-splice-");
        server = ServerFixture.builder(export).workers(workers).ioUring(ioUring).build().start();
    }

    @BeforeEach
    void none() {
        server = null;
    }

    /** The stats once {@code n} Rreads since {@code before} are counted (a reply is counted after it left). */
    private ServerStats after(ServerStats before, long n) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        ServerStats now = server.stats();
        while (now.rreads() - before.rreads() < n && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            now = server.stats();
        }
        return now;
    }

    @AfterEach
    void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        ServerFixture.deleteTree(export);
    }

    @ParameterizedTest
    @CsvSource({"0, false", "2, false", "2, true"})
    void splicedBytesAreTheFilesAtEveryOffsetAndSize(int workers, boolean ioUring) throws IOException {
        start(workers, ioUring);
        byte[] data = ServerFixture.bytes(41, 3 * (1 << 20) + 12345);
        Files.write(export.resolve("f"), data);
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("f", P9Flags.P9_DOTL_RDONLY)) {
            int io = c.maxIoSize();
            long[] offsets = {0, 1, 4095, 4096, 100_000, (1 << 20) - 7, 2L * (1 << 20) + 4097};
            int[] sizes = {DirExport.SPLICE_MIN, 65536, 65536 + 3, 300_001, io};
            int reads = 0;
            ServerStats before = server.stats();
            for (long off : offsets) {
                for (int len : sizes) {
                    byte[] got = c.read(f, off, len);
                    int want = (int) Math.min(len, data.length - off);
                    assertArrayEquals(Arrays.copyOfRange(data, (int) off, (int) off + want), got,
                            "offset " + off + ", " + len + " bytes");
                    reads++;
                }
            }
            ServerStats after = after(before, reads);
            assertTrue(after.rreadSplices() - before.rreadSplices() >= reads,
                    "every Tread of at least " + DirExport.SPLICE_MIN + " bytes spliced: " + reads + " reads, "
                            + (after.rreadSplices() - before.rreadSplices()) + " spliced");
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false", "2, false", "2, true"})
    void aShortFileGivesAShortReadThenEndOfFile(int workers, boolean ioUring) throws IOException {
        start(workers, ioUring);
        byte[] data = ServerFixture.bytes(42, 20_000);
        Files.write(export.resolve("short"), data);
        Files.write(export.resolve("empty"), new byte[0]);
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("short", P9Flags.P9_DOTL_RDONLY);
             Fid e = c.open("empty", P9Flags.P9_DOTL_RDONLY)) {
            ServerStats before = server.stats();
            assertArrayEquals(data, c.read(f, 0, 65536));
            assertArrayEquals(Arrays.copyOfRange(data, 19_000, 20_000), c.read(f, 19_000, 65536));
            assertEquals(0, c.read(f, 20_000, 65536).length, "at end of file");
            assertEquals(0, c.read(f, 1 << 30, 65536).length, "far past end of file");
            assertEquals(0, c.read(e, 0, 65536).length, "an empty file");
            ServerStats after = after(before, 5);
            assertEquals(2, after.rreadSplices() - before.rreadSplices(), "the two reads with data were spliced");
        }
    }

    @ParameterizedTest
    @CsvSource({"0, false", "2, false", "2, true"})
    void smallReadsTakeTheCopyingPath(int workers, boolean ioUring) throws IOException {
        start(workers, ioUring);
        byte[] data = ServerFixture.bytes(43, 100_000);
        Files.write(export.resolve("s"), data);
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("s", P9Flags.P9_DOTL_RDONLY)) {
            ServerStats before = server.stats();
            assertArrayEquals(Arrays.copyOfRange(data, 5, 5 + 4000), c.read(f, 5, 4000));
            assertArrayEquals(Arrays.copyOfRange(data, 0, DirExport.SPLICE_MIN - 1), c.read(f, 0, DirExport.SPLICE_MIN - 1));
            ServerStats after = after(before, 2);
            assertEquals(0, after.rreadSplices() - before.rreadSplices());
            assertEquals(2, after.rreadSendmsgs() - before.rreadSendmsgs(), "one sendmsg of [header, data] each");
        }
    }

    /**
     * A writer truncates the file and writes it again while the client reads it in pieces of a whole
     * msize: every Rread carries what its header says (the stream stays in step: every read returns
     * and the connection serves on), and every byte is the file's (0x5A) or a hole's (0).
     */
    @ParameterizedTest
    @CsvSource({"0, false", "2, false", "2, true"})
    void aFileTruncatedDuringTheReadKeepsTheStreamInStep(int workers, boolean ioUring) throws Exception {
        start(workers, ioUring);
        int size = 4 << 20;
        byte[] content = new byte[size];
        Arrays.fill(content, (byte) 0x5A);
        Path p = export.resolve("t");
        Files.write(p, content);
        AtomicBoolean stop = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
                for (int i = 0; !stop.get(); i++) {
                    raf.setLength(i % 2 == 0 ? (i * 7919L) % size : 0);
                    raf.seek(0);
                    raf.write(content);
                }
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        long spliced = 0;
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("t", P9Flags.P9_DOTL_RDONLY)) {
            int io = c.maxIoSize();
            ServerStats before = server.stats();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            int reads = 0;
            while (System.nanoTime() < deadline || reads < 50) {
                long off = (long) (reads % 4) * io;
                byte[] got = c.read(f, off, io);
                assertTrue(got.length <= io);
                for (byte b : got) {
                    if (b != 0x5A && b != 0) {
                        throw new AssertionError("read " + reads + " at " + off + ": byte " + b);
                    }
                }
                reads++;
            }
            spliced = server.stats().rreadSplices() - before.rreadSplices();
        } finally {
            stop.set(true);
            writer.join();
        }
        assertTrue(spliced > 0, "some reads were spliced");
        try (P9Client c = ServerFixture.connect(server); Fid f = c.open("t", P9Flags.P9_DOTL_RDONLY)) {
            assertArrayEquals(content, c.read(f, 0, size), "after the writer stopped");
        }
    }
}
