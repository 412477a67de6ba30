package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fuse.uring.UringFuseTransport;
import io.jnetfs.p9.server.P9Server;
import io.jnetfs.testkit.Require;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jnetfs mount --fuse-transport}: {@code io-uring} on a real mount of {@code jnetfs serve} (the
 * test sets the kernel's {@code enable_uring} to Y as root and restores it), the mount line naming the
 * transport; {@code io-uring} refused with the reason while {@code enable_uring} is N; a bad name is a
 * usage error.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountFuseTransportTest {
    @TempDir
    Path tmp;

    @Test
    void ioUringCarriesTheMountAndTheLineSaysSo() throws Exception {
        MountCommandTest.requireFuse();
        String previous = readSwitch();
        Require.feature("fuse/io_uring", previous == null ? "no " + UringFuseTransport.ENABLE_URING
                : CommonOptions.currentUid() != 0 ? "setting enable_uring needs root"
                : io.jnetfs.uring.IoUring.unavailableReason());
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Files.writeString(export.resolve("on-server"), "from the server\n");
        try (P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).build().start()) {
            Files.writeString(UringFuseTransport.ENABLE_URING, "N");
            CliHarness cli = new CliHarness("--aname", export.toRealPath().toString(), "--cache",
                    tmp.resolve("cache").toString(), "--uname", "root");
            CliHarness.Result refused = cli.run("mount", "-f", "--fuse-transport", "io-uring",
                    "127.0.0.1:" + s.port() + ":/", mnt.toString());
            assertTrue(refused.code() != 0 && refused.err().contains("FUSE over io_uring is unavailable")
                    && refused.err().contains("enable_uring is N"), refused.toString());
            assertEquals(null, Mounts.typeOf(mnt), "nothing mounted");

            Files.writeString(UringFuseTransport.ENABLE_URING, "Y");
            Require.feature("fuse/io_uring", UringFuseTransport.unavailableReason(4));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CompletableFuture<Integer> fg = CompletableFuture.supplyAsync(() -> Main.run(out, err, "--aname",
                    export.toString(), "--cache", tmp.resolve("cache").toString(), "mount", "-f", "--fuse-transport",
                    "io-uring", "127.0.0.1:" + s.port() + ":/", mnt.toString()));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!out.toString(StandardCharsets.UTF_8).contains("mounted ") && !fg.isDone()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                String line = out.toString(StandardCharsets.UTF_8);
                assertTrue(line.startsWith("mounted ") && line.contains("fuse.jnetfs, io_uring ("), line + err);
                assertEquals("from the server\n", Files.readString(mnt.resolve("on-server")));
                Files.writeString(mnt.resolve("on-mount"), "through the rings\n");
                assertEquals("through the rings\n", Files.readString(export.resolve("on-mount")));
                CliHarness.Result u = cli.run("umount", mnt.toString());
                assertEquals(0, u.code(), u.toString());
                assertEquals(0, fg.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
            } finally {
                if (Mounts.typeOf(mnt) != null) {
                    Mounts.unmount(mnt, true);
                }
            }
        } finally {
            if (previous != null && CommonOptions.currentUid() == 0) {
                Files.writeString(UringFuseTransport.ENABLE_URING, previous);
            }
        }
    }

    @Test
    void aBadTransportIsAUsageError() throws IOException {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        CliHarness cli = new CliHarness("--cache", tmp.resolve("cache").toString());
        CliHarness.Result r = cli.run("mount", "-f", "--fuse-transport", "ring", "9p://127.0.0.1:1/", mnt.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("invalid fuse transport=\"ring\" (auto, io-uring or dev)"), r.err());
    }

    private static String readSwitch() throws IOException {
        return Files.isReadable(UringFuseTransport.ENABLE_URING)
                ? Files.readString(UringFuseTransport.ENABLE_URING).trim() : null;
    }
}
