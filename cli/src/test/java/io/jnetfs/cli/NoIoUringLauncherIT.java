package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jnetfs} with io_uring refused the way Docker's default seccomp profile refuses it
 * ({@code .ci/no-io-uring.c}: a seccomp filter answering io_uring_setup/enter/register with EPERM, for the
 * launched process only) against the same command with io_uring: the same bytes on stdout and the same
 * exit codes, for successes and failures, and {@code -v} says once which transport it took and why.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class NoIoUringLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();
    private static final Path LAUNCHER = ROOT.resolve("bin/jnetfs");
    /** The seccomp launcher's source; {@code .ci/no-io-uring} is the same program for a shell. */
    private static final Path NO_IO_URING_C = ROOT.resolve(".ci/no-io-uring.c");
    private static final String TRANSPORT = "jnetfs: transport: ";

    @TempDir
    Path tmp;
    private Path export;
    private Diod diod;
    private String url;
    private Path noIoUring;

    /** A finished process. */
    record Done(int code, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    @BeforeEach
    void start() throws IOException {
        assertTrue(Files.isRegularFile(ROOT.resolve("cli/target/jnetfs.jar")), "the shaded jar is made before this runs");
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        Require.feature("gcc", onPath("gcc") ? null : "gcc is not on PATH (it builds .ci/no-io-uring.c)");
        noIoUring = tmp.resolve("no-io-uring");
        Process gcc = new ProcessBuilder("gcc", "-O2", "-Wall", "-Werror", "-o", noIoUring.toString(),
                NO_IO_URING_C.toString()).redirectErrorStream(true).start();
        String gccOut = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            assertTrue(gcc.waitFor(60, TimeUnit.SECONDS) && gcc.exitValue() == 0, "gcc " + NO_IO_URING_C + ": " + gccOut);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        export = Files.createDirectory(tmp.resolve("export"));
        diod = Diod.start(export);
        url = "9p://127.0.0.1:" + diod.port();
    }

    @AfterEach
    void stop() {
        if (diod != null) {
            diod.close();
        }
    }

    private Done run(boolean refused, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        if (refused) {
            cmd.add(noIoUring.toString());
        }
        cmd.add(LAUNCHER.toString());
        cmd.addAll(List.of("--aname", diod.aname(), "--cache", tmp.resolve(refused ? "cache-refused" : "cache").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".bin");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", cmd) + " did not exit: " + Files.readString(err));
        }
        return new Done(p.exitValue(), Files.readAllBytes(out), Files.readString(err, StandardCharsets.UTF_8));
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static long count(String text, String what) {
        return text.lines().filter(l -> l.startsWith(what)).count();
    }

    @Test
    void refusedIoUringGivesTheSameBytesAndExitCodesAndSaysWhy() throws Exception {
        byte[] data = new byte[2 << 20];
        new Random(28).nextBytes(data);
        Path local = Files.createDirectory(tmp.resolve("local"));
        Path src = Files.write(local.resolve("a.bin"), data);

        // refused: the seccomp filter's EPERM, named by -v, once for two servers' worth of operands
        Done up = run(true, "-v", "cp", src.toString(), url + "/a.bin");
        assertEquals(0, up.code(), up.err());
        assertArrayEquals(data, Files.readAllBytes(export.resolve("a.bin")));
        Done cat2 = run(true, "-v", "cat", url + "/a.bin", url + "/a.bin");
        assertEquals(0, cat2.code(), cat2.err());
        assertEquals(2L * data.length, cat2.stdout().length);
        assertEquals(1, count(cat2.err(), TRANSPORT), cat2.err());
        String line = cat2.err().lines().filter(l -> l.startsWith(TRANSPORT)).findFirst().orElseThrow();
        assertTrue(line.startsWith(TRANSPORT + "sendmsg/recvmsg: io_uring unavailable: io_uring_setup failed: EPERM"), line);
        // the filter's EPERM names seccomp; where the kernel already refuses everyone (CI's uring-refused stage,
        // kernel.io_uring_disabled=2) that refusal comes first and is the one named
        assertTrue(line.contains("seccomp") || line.contains("kernel.io_uring_disabled"), "the reason names the refusal: " + line);
        assertTrue(cat2.err().contains("SOCKET)"), "the session says SOCKET: " + cat2.err());
        Done asked = run(true, "-v", "--no-io-uring", "stat", url + "/a.bin");
        assertTrue(asked.err().contains(TRANSPORT + "sendmsg/recvmsg (--no-io-uring)"), asked.err());

        // the same commands, with io_uring and without: same stdout, same exit code
        List<String[]> commands = List.of(
                new String[] {"cat", url + "/a.bin"},
                new String[] {"ls", "-l", url + "/"},
                new String[] {"mkdir", url + "/a.bin"},
                new String[] {"rm", url + "/missing"},
                new String[] {"cat", url + "/missing"},
                new String[] {"ls", url + "/a.bin/x"},
                new String[] {"cp", url + "/a.bin", local.resolve("b.bin").toString()},
                new String[] {"cat", "9p://127.0.0.1:1/a.bin"},
                new String[] {"cat"});
        boolean uring = IoUring.isAvailable();
        for (String[] c : commands) {
            Done refused = run(true, c);
            if (c[0].equals("cp")) {
                assertEquals(0, refused.code(), refused.err());
                assertArrayEquals(data, Files.readAllBytes(local.resolve("b.bin")));
                Files.delete(local.resolve("b.bin"));
            }
            if (uring) {
                Done with = run(false, c);
                assertEquals(with.code(), refused.code(), String.join(" ", c) + ": " + with.err() + " / " + refused.err());
                assertArrayEquals(with.stdout(), refused.stdout(), String.join(" ", c) + ": stdout differs");
                assertEquals(with.err(), refused.err(), String.join(" ", c) + ": stderr differs");
            }
        }
        Require.feature("io_uring", IoUring.unavailableReason()); // the comparison above needed it
        Done with = run(false, "-v", "cat", url + "/a.bin");
        assertEquals(1, count(with.err(), TRANSPORT), with.err());
        assertTrue(with.err().contains(TRANSPORT + "io_uring (the kernel allows it"), with.err());
        assertArrayEquals(data, with.stdout());
    }
}
