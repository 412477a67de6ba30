package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jnetfs}, the real launcher, as a process against the real diod: a round trip, Ctrl-C
 * (SIGINT) in the middle of an upload and of a download, the progress bar on a terminal, and the
 * message when the jar is missing. Runs in the integration-test phase, after the shaded jar is made.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("bin/jnetfs");

    @TempDir
    Path tmp;
    private Path export;
    private Path local;
    private Diod diod;
    private String url;
    private List<String> common;

    /** A finished process. */
    record Done(int code, byte[] stdout, String err) {
    }

    /** A started process whose stdout and stderr go to files (a pipe left unread would stall it). */
    record Started(Process process, Path out, Path err) {
        String errSoFar() throws IOException {
            return Files.readString(err, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void start() throws IOException {
        assertTrue(Files.isRegularFile(ROOT.resolve("cli/target/jnetfs.jar")), "the shaded jar is made before this runs");
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createDirectory(tmp.resolve("export"));
        local = Files.createDirectory(tmp.resolve("local"));
        diod = Diod.start(export);
        url = "9p://127.0.0.1:" + diod.port();
        common = List.of("--aname", diod.aname(), "--cache", tmp.resolve("cache").toString());
    }

    @AfterEach
    void stop() {
        if (diod != null) {
            diod.close();
        }
    }

    private ProcessBuilder launcher(String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(LAUNCHER.toString());
        cmd.addAll(common);
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    private Started start(ProcessBuilder pb) throws IOException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        return new Started(pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start(), out, err);
    }

    private static Done finish(Started s) throws Exception {
        if (!s.process().waitFor(90, TimeUnit.SECONDS)) {
            s.process().destroyForcibly();
            throw new AssertionError("the launcher did not exit: " + s.errSoFar());
        }
        return new Done(s.process().exitValue(), Files.readAllBytes(s.out()), s.errSoFar());
    }

    private Done run(String... args) throws Exception {
        return finish(start(launcher(args)));
    }

    private static void sigint(Process p) throws Exception {
        assertEquals(0, CliDiodTest.run("kill", "-INT", Long.toString(p.pid())), "kill -INT");
    }

    private static List<String> names(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition, Started s) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (!s.process().isAlive()) {
                throw new AssertionError(what + ": the process ended first with " + s.process().exitValue() + ": "
                        + s.errSoFar());
            }
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(5);
        }
    }

    @Test
    void serveExportsADirectoryThatTheCommandThenReadsAndWrites() throws Exception {
        Path served = Files.createDirectory(tmp.resolve("served"));
        Files.writeString(served.resolve("hello.txt"), "hello from jnetfs serve\n");
        Started server = start(new ProcessBuilder(LAUNCHER.toString(), "serve", served.toString(), "--listen",
                "127.0.0.1:0"));
        try {
            await("the serving line", () -> {
                try {
                    return Files.readString(server.out()).contains("serving ");
                } catch (IOException e) {
                    return false;
                }
            }, server);
            String line = Files.readString(server.out());
            String port = line.replaceAll("(?s).* on 127\\.0\\.0\\.1:(\\d+) .*", "$1");
            String srv = "9p://127.0.0.1:" + port;
            List<String> opts = List.of("--aname", served.toString(), "--no-cache");
            List<String> cat = new ArrayList<>(List.of(LAUNCHER.toString()));
            cat.addAll(opts);
            cat.addAll(List.of("cat", srv + "/hello.txt"));
            Done got = finish(start(new ProcessBuilder(cat)));
            assertEquals(0, got.code(), got.err());
            assertEquals("hello from jnetfs serve\n", new String(got.stdout(), StandardCharsets.UTF_8));
            byte[] data = new byte[5 << 20];
            new Random(9).nextBytes(data);
            Path src = Files.write(local.resolve("up.bin"), data);
            List<String> cp = new ArrayList<>(List.of(LAUNCHER.toString()));
            cp.addAll(opts);
            cp.addAll(List.of("cp", src.toString(), srv + "/up.bin"));
            Done put = finish(start(new ProcessBuilder(cp)));
            assertEquals(0, put.code(), put.err());
            assertArrayEquals(data, Files.readAllBytes(served.resolve("up.bin")));
        } finally {
            sigint(server.process());
            assertTrue(server.process().waitFor(30, TimeUnit.SECONDS), "serve stops on SIGINT");
        }
    }

    @Test
    void theLauncherCopiesListsAndReportsErrorsWithExitCodes() throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(1).nextBytes(data);
        Path src = Files.write(local.resolve("a.bin"), data);
        Done cp = run("cp", src.toString(), url + "/a.bin");
        assertEquals(0, cp.code(), cp.err());
        assertEquals("", cp.err(), "silent when stderr is not a terminal");
        assertArrayEquals(data, Files.readAllBytes(export.resolve("a.bin")));
        Done cat = run("--stats", "cat", url + "/a.bin");
        assertEquals(0, cat.code(), cat.err());
        assertArrayEquals(data, cat.stdout());
        assertTrue(cat.err().contains("bytes from server   " + data.length), cat.err());
        Done ls = run("ls", "-l", url + "/");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(new String(ls.stdout(), StandardCharsets.UTF_8).endsWith(" a.bin\n"));
        Done missing = run("stat", url + "/missing");
        assertEquals(ExitCodes.NOT_FOUND, missing.code());
        assertEquals("jnetfs: stat: " + url + "/missing: No such file or directory (ENOENT)\n", missing.err());
        Done usage = run("cp");
        assertEquals(ExitCodes.USAGE, usage.code());
    }

    @Test
    void ctrlCDuringAnUploadLeavesNoFileOnTheServer() throws Exception {
        Path fifo = local.resolve("fifo");
        assertEquals(0, CliDiodTest.run("mkfifo", fifo.toString()));
        Started s = start(launcher("cp", fifo.toString(), url + "/up.bin"));
        try (OutputStream w = new FileOutputStream(fifo.toFile())) { // opens once the copy opens its end
            w.write(new byte[Copier.CHUNK + 4096]); // one whole chunk reaches the partial file on the server
            await("the partial file on the server", () -> {
                try {
                    return names(export).stream().anyMatch(n -> n.startsWith(".up.bin" + Partials.SUFFIX));
                } catch (IOException e) {
                    return false;
                }
            }, s);
            sigint(s.process()); // the copy waits for more from the FIFO
            Done d = finish(s);
            assertEquals(ExitCodes.INTERRUPTED, d.code(), d.err());
            assertTrue(d.err().contains("interrupted: removed the partial file " + url + "/.up.bin" + Partials.SUFFIX), d.err());
        } catch (IOException brokenPipe) {
            // the reader is gone: expected once the process ended
        } finally {
            s.process().destroyForcibly();
        }
        assertEquals(List.of(), names(export), "no file, whole or partial, under the destination's directory");
    }

    @Test
    void ctrlCDuringADownloadLeavesNoFileLocally() throws Exception {
        byte[] data = new byte[16 << 20];
        new Random(2).nextBytes(data);
        Files.write(export.resolve("down.bin"), data);
        Path dest = Files.createDirectory(local.resolve("dest"));
        // the replies stop after 2 MiB: the copy is caught in the middle, for as long as the test needs
        try (ThrottleProxy proxy = new ThrottleProxy(diod.port(), 1L << 30, 2 << 20)) {
            Started s = start(launcher("--no-cache", "cp", "9p://127.0.0.1:" + proxy.port() + "/down.bin",
                    dest.resolve("down.bin").toString()));
            try {
                await("the copy stalled in the middle", () -> proxy.forwarded() >= (2 << 20), s);
                List<String> during = names(dest);
                assertEquals(1, during.size(), during.toString());
                assertTrue(during.getFirst().startsWith(".down.bin" + Partials.SUFFIX), during.toString());
                sigint(s.process());
                Done d = finish(s);
                assertEquals(ExitCodes.INTERRUPTED, d.code(), d.err());
                assertTrue(d.err().contains("interrupted: removed the partial file " + dest + "/.down.bin"), d.err());
            } finally {
                s.process().destroyForcibly();
            }
        }
        assertEquals(List.of(), names(dest), "no file, whole or partial, under the destination's directory");
    }

    @Test
    void aProgressBarIsDrawnOnlyOnATerminal() throws Exception {
        Path script = Path.of("/usr/bin/script");
        Require.feature("script", Files.isExecutable(script) ? null
                : script + " (util-linux) is not installed: no pseudo-terminal to test the progress bar with");
        byte[] data = new byte[12 << 20];
        new Random(3).nextBytes(data);
        Files.write(export.resolve("p.bin"), data);
        // 8 MiB/s: the copy takes 1.5 s, long enough for the bar (drawn after half a second)
        try (ThrottleProxy proxy = new ThrottleProxy(diod.port(), 8L << 20, Long.MAX_VALUE)) {
            String remote = "9p://127.0.0.1:" + proxy.port() + "/p.bin";
            Path log = tmp.resolve("tty.log");
            String cmd = String.join(" ", launcher("--no-cache", "cp", remote, local.resolve("p.bin").toString())
                    .command());
            // script gives the command a pseudo-terminal as stdin, stdout and stderr, and logs what it printed
            Done d = finish(start(new ProcessBuilder(script.toString(), "-qefc", cmd, log.toString())));
            assertEquals(0, d.code(), d.err());
            String shown = Files.readString(log, StandardCharsets.ISO_8859_1);
            assertTrue(shown.contains("\rp.bin") && shown.contains("MiB/s") && shown.contains("ETA") && shown.contains("%"),
                    "a bar on the terminal: " + shown);
            assertArrayEquals(data, Files.readAllBytes(local.resolve("p.bin")));
            Done piped = run("--no-cache", "cp", remote, local.resolve("q.bin").toString());
            assertEquals(0, piped.code(), piped.err());
            assertEquals("", piped.err(), "nothing when stderr is not a terminal");
        }
    }

    @Test
    void aMissingJarIsOneClearLine() throws Exception {
        Path root = tmp.resolve("checkout");
        Files.createDirectories(root.resolve("bin"));
        Files.createDirectories(root.resolve(".ci"));
        Files.copy(LAUNCHER, root.resolve("bin/jnetfs"));
        Files.copy(ROOT.resolve(".ci/find-jdk"), root.resolve(".ci/find-jdk"));
        Done d = finish(start(new ProcessBuilder(root.resolve("bin/jnetfs").toString(), "--version")));
        assertEquals(1, d.code());
        assertEquals("jnetfs: " + root.resolve("cli/target/jnetfs.jar") + " is missing: run make build (in " + root
                + ") first\n", d.err());
        assertFalse(d.err().contains("Exception"));
    }
}
