package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.DiodTools;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * diod's own clients, which nobody here wrote, against this server: {@code diodcat} and
 * {@code diodls} on the exported directory (and on the same directory exported by diod, their output
 * compared), and {@code diodload} on the {@code ctl} export.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DiodToolsTest {
    static Path export;
    static byte[] data;
    static P9Server server;
    static Diod diod;

    @BeforeAll
    static void start() throws IOException {
        Require.feature(DiodTools.FEATURE, DiodTools.unavailableReason());
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createTempDirectory("p9-server-tools-");
        data = ServerFixture.bytes(5, 3_000_000);
        Files.write(export.resolve("data.bin"), data);
        Files.writeString(export.resolve("hello.txt"), "hello from jnetfs\n");
        Files.createDirectory(export.resolve("sub"));
        Files.createSymbolicLink(export.resolve("link"), Path.of("hello.txt"));
        server = ServerFixture.builder(export).ctl(true).build().start();
        diod = Diod.builder(export).ctl(true).start();
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (diod != null) {
            diod.close();
        }
        ServerFixture.deleteTree(export);
    }

    private record Result(int exit, byte[] out, String err) {
        String text() {
            return new String(out, StandardCharsets.UTF_8);
        }
    }

    private static Result run(String... cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("diod-tool-", ".out");
        Path err = Files.createTempFile("diod-tool-", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish");
            }
            return new Result(p.exitValue(), Files.readAllBytes(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static String at(int port) {
        return ServerFixture.HOST + ":" + port;
    }

    @Test
    void diodcatReadsFiles() throws Exception {
        long spliced = server.stats().rreadSplices();
        for (String msize : new String[] {"65536", "1048576", "8192"}) {
            Result r = run(DiodTools.DIODCAT.toString(), "-s", at(server.port()), "-m", msize, "-a", export.toString(),
                    "data.bin");
            assertEquals(0, r.exit(), r.err());
            assertArrayEquals(data, r.out(), "diodcat -m " + msize);
        }
        assertTrue(server.stats().rreadSplices() > spliced, "diodcat's reads of 64 KiB and 1 MiB are spliced");
        Result two = run(DiodTools.DIODCAT.toString(), "-s", at(server.port()), "-a", export.toString(), "hello.txt",
                "link");
        assertEquals(0, two.exit(), two.err());
        assertEquals("hello from jnetfs\n", two.text().substring(0, 18));
    }

    /**
     * The same tools against a server whose connections receive on io_uring: diodcat's bytes at three
     * msizes (spliced at 64 KiB and 1 MiB, copied at 8 KiB) and a diodload run of ctl:zero to ctl:null.
     */
    @Test
    void diodToolsAgainstTheIoUringReceive() throws Exception {
        Require.feature("io_uring/recv-multishot", P9Server.unavailableIoUringReason());
        try (P9Server ring = ServerFixture.builder(export).ctl(true).ioUring(true).build().start()) {
            for (String msize : new String[] {"65536", "1048576", "8192"}) {
                Result r = run(DiodTools.DIODCAT.toString(), "-s", at(ring.port()), "-m", msize, "-a",
                        export.toString(), "data.bin");
                assertEquals(0, r.exit(), r.err());
                assertArrayEquals(data, r.out(), "diodcat -m " + msize);
            }
            Result l = run(DiodTools.DIODLOAD.toString(), "-s", at(ring.port()), "-n", "2", "-r", "1");
            assertEquals(0, l.exit(), l.err() + l.text());
            ServerStats st = ring.stats();
            assertEquals(st.accepted(), st.ringConnections(), "every connection received on io_uring");
            assertTrue(st.rreadSplices() > 0, "diodcat's large reads were spliced");
        }
    }

    @Test
    void diodcatAnswersLikeDiodForMissingFiles() throws Exception {
        Result ours = run(DiodTools.DIODCAT.toString(), "-s", at(server.port()), "-a", export.toString(), "missing");
        Result theirs = run(DiodTools.DIODCAT.toString(), "-s", at(diod.port()), "-a", export.toString(), "missing");
        assertTrue(ours.exit() != 0);
        assertEquals(theirs.exit(), ours.exit());
        assertEquals(theirs.err().replace(at(diod.port()), "S"), ours.err().replace(at(server.port()), "S"));
    }

    /** Every entry but ".." (which of the export's root is the root here, the directory above in diod). */
    @Test
    void diodlsListsLikeDiod() throws Exception {
        for (String opt : new String[] {"-l", ""}) {
            List<String> ours = lines(at(server.port()), opt);
            List<String> theirs = lines(at(diod.port()), opt);
            ours.removeIf(l -> l.endsWith(" ..") || l.equals(".."));
            theirs.removeIf(l -> l.endsWith(" ..") || l.equals(".."));
            assertEquals(theirs, ours, "diodls " + opt);
            assertTrue(ours.stream().anyMatch(l -> l.endsWith("data.bin")), ours.toString());
        }
    }

    private static List<String> lines(String where, String opt) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(DiodTools.DIODLS.toString(), "-s", where, "-a", export.toString()));
        if (!opt.isEmpty()) {
            cmd.add(opt);
        }
        cmd.add("/");
        Result r = run(cmd.toArray(String[]::new));
        assertEquals(0, r.exit(), r.err());
        List<String> l = new ArrayList<>(Arrays.asList(r.text().split("\n")));
        l.sort(null);
        return l;
    }

    @Test
    void diodloadDrivesTheCtlExport() throws Exception {
        Result r = run(DiodTools.DIODLOAD.toString(), "-s", at(server.port()), "-n", "2", "-r", "1");
        assertEquals(0, r.exit(), r.err() + r.text());
        Matcher m = Pattern.compile("([0-9]+) ops/s, ([0-9]+) rMB/s, ([0-9]+) wMB/s").matcher(r.text() + r.err());
        assertTrue(m.find(), r.text() + r.err());
        assertTrue(Long.parseLong(m.group(2)) > 0 && Long.parseLong(m.group(3)) > 0, m.group());
        Result g = run(DiodTools.DIODLOAD.toString(), "-s", at(server.port()), "-n", "2", "-r", "1", "-g");
        assertEquals(0, g.exit(), g.err() + g.text());
        Matcher gm = Pattern.compile("([0-9]+) ops/s").matcher(g.text() + g.err());
        assertTrue(gm.find() && Long.parseLong(gm.group(1)) > 0, g.text() + g.err());
        // and diodls sees the same ctl files as in diod's, zero and null
        Result ls = run(DiodTools.DIODLS.toString(), "-s", at(server.port()), "/");
        assertEquals(0, ls.exit(), ls.err());
        List<String> names = new ArrayList<>(Arrays.asList(ls.text().split("\n")));
        assertTrue(names.containsAll(List.of("zero", "null")), names.toString());
    }
}
