package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.server.P9Server;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnetfs serve}'s {@code --no-splice} and (the common) {@code --io-uring}: into the server's builder,
 * the server started from it on loopback, and a 2 MiB file read back from it with {@code jnetfs cat}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeCommandTest {
    @TempDir
    Path tmp;

    private static ServeCommand parse(String... args) {
        ServeCommand c = new ServeCommand();
        new picocli.CommandLine(c).parseArgs(args);
        return c;
    }

    @Test
    void theDefaultsSpliceAndReceiveWithRecvmsg() {
        ServeCommand c = parse(tmp.toString());
        assertFalse(c.noSplice);
        assertEquals("", c.transportSummary(false));
    }

    @Test
    void aServerStartedWithNoSpliceAndIoUringServesTheFile() throws Exception {
        Path served = Files.createDirectory(tmp.resolve("served"));
        byte[] data = new byte[2 << 20];
        new Random(23).nextBytes(data);
        Files.write(served.resolve("big.bin"), data);
        ServeCommand c = parse(served.toString(), "--no-splice");
        assertTrue(c.noSplice);
        String summary = c.transportSummary(true);
        assertTrue(summary.startsWith(", no splice, io_uring "), summary);
        try (P9Server server = c.builder("127.0.0.1", 0, 1 << 20, true).build().start()) {
            CliHarness cli = new CliHarness("--aname", served.toString(), "--no-cache");
            CliHarness.Result r = cli.run("cat", "9p://127.0.0.1:" + server.port() + "/big.bin");
            assertEquals(0, r.code(), r.toString());
            assertArrayEquals(data, r.stdout(), "the bytes read back through the copying path");
        }
    }
}
