package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine's options end to end (issue 20): a small page cache is back-pressure, never an error; an
 * upload whose server is killed exits 5 with the connection's error; {@code cache show} prints the
 * usage against the limits.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class CliEngineOptionsDiodTest {
    @TempDir
    Path tmp;
    private Path export;
    private Path cache;
    private Diod diod;
    private CliHarness cli;
    private String url;

    @BeforeEach
    void start() throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createDirectory(tmp.resolve("export"));
        cache = tmp.resolve("cache");
        diod = Diod.start(export);
        url = "9p://127.0.0.1:" + diod.port();
        cli = new CliHarness("--aname", diod.aname(), "--cache", cache.toString());
    }

    @AfterEach
    void stop() {
        if (diod != null) {
            diod.close();
        }
    }

    @Test
    void theDemoWithASmallPageCachePassesEveryRun() {
        for (int run = 0; run < 3; run++) { // the 2 GiB x 10 scaled to the test's time bound
            CliHarness.Result r = new CliHarness().run("demo", "--size", "96M", "--page-cache", "4M");
            assertEquals(ExitCodes.OK, r.code(), "run " + run + ": " + r);
            assertTrue(r.out().contains("checksums match"), r.out());
            assertFalse(r.err().contains("internal error"), r.err());
        }
    }

    @Test
    void anUploadWhoseServerIsKilledExitsFiveWithTheConnectionsError() throws Exception {
        Path big = tmp.resolve("big.bin");
        byte[] chunk = new byte[8 << 20];
        new Random(1).nextBytes(chunk);
        try (var out = Files.newOutputStream(big)) {
            for (int i = 0; i < 48; i++) { // 384 MiB
                out.write(chunk);
            }
        }
        AtomicBoolean killed = new AtomicBoolean();
        Thread killer = new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (System.nanoTime() < deadline) {
                try (Stream<Path> s = Files.list(export)) {
                    long bytes = s.mapToLong(p -> p.toFile().length()).sum();
                    if (bytes > (32L << 20)) {
                        diod.kill(); // SIGKILL during the upload
                        killed.set(true);
                        return;
                    }
                } catch (IOException e) {
                    // listing raced a rename: look again
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        killer.start();
        CliHarness.Result r = cli.run("--no-cache", "--page-cache", "8M", "cp", big.toString(), url + "/big.bin");
        killer.join(5_000);
        assertTrue(killed.get(), "the server was killed during the upload: " + r);
        assertEquals(ExitCodes.UNREACHABLE, r.code(), r.toString());
        assertFalse(r.err().contains("internal error") || r.err().contains("exhausted"), r.err());
        assertTrue(r.err().matches("(?s).*(ECONNRESET|EPIPE|ENOTCONN|ECONNABORTED).*"), r.err());
    }

    @Test
    void cacheShowPrintsTheUsageAgainstTheLimits() throws IOException {
        byte[] data = new byte[3 << 20];
        new Random(2).nextBytes(data);
        Files.write(export.resolve("c.bin"), data);
        CliHarness.Result cat = cli.run("cat", url + "/c.bin");
        assertArrayEquals(data, cat.stdout());
        String show = cli.run("--cache-size", "64M", "--cache-cull", "20,15,5", "cache").out();
        assertTrue(show.contains("used 3.0 MiB of 64.0 MiB (--cache-size)"), show);
        assertTrue(show.contains("culling below 15% until 20%, writes stop below 5%; state ok"), show);
        assertTrue(show.endsWith("1 file, 3.0 MiB on disk\n"), show);
        CliHarness.Result bad = cli.run("--cache-cull", "5,7,3", "cache");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        assertTrue(bad.err().contains("invalid --cache-cull=5,7,3"), bad.err());
        CliHarness.Result small = cli.run("--page-cache", "1M", "cache");
        assertEquals(ExitCodes.USAGE, small.code(), small.toString());
    }
}
