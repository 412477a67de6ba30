package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
 * {@code jnetfs mount -f} and {@code jnetfs umount} in this JVM on a real FUSE mount of {@code jnetfs
 * serve}; the bad command lines. (The detached mount through {@code bin/jnetfs}: {@code MountLauncherIT}.)
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountCommandTest {
    @TempDir
    Path tmp;

    static void requireFuse() {
        String missing = null;
        if (!Files.isReadable(Path.of("/dev/fuse")) || !Files.isWritable(Path.of("/dev/fuse"))) {
            missing = "no /dev/fuse this user can open";
        } else if (CommonOptions.currentUid() != 0 && !Files.isExecutable(Path.of("/usr/bin/fusermount3"))) {
            missing = "not root and no fusermount3 (Debian package fuse3)";
        }
        Require.feature("fuse", missing);
    }

    @Test
    void mountInTheForegroundServesProgramsUntilUmount() throws Exception {
        requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Files.writeString(export.resolve("on-server"), "from the server\n");
        try (P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).build().start()) {
            CliHarness cli = new CliHarness("--aname", export.toRealPath().toString(), "--cache",
                    tmp.resolve("cache").toString(), "--uname", "root");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CompletableFuture<Integer> fg = CompletableFuture.supplyAsync(() -> Main.run(out, err, "--aname",
                    export.toString(), "--cache", tmp.resolve("cache").toString(), "mount", "-f",
                    "--attr-timeout", "0.1", "127.0.0.1:" + s.port() + ":/", mnt.toString()));
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!out.toString(StandardCharsets.UTF_8).contains("mounted ") && !fg.isDone()
                        && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                String line = out.toString(StandardCharsets.UTF_8);
                assertTrue(line.startsWith("mounted 9p://127.0.0.1:" + s.port() + "/ ") && line.contains(" on " + mnt)
                        && line.contains("fuse.jnetfs"), line + err);
                assertEquals("fuse.jnetfs", Mounts.typeOf(mnt), "the type in /proc/mounts");
                assertEquals("from the server\n", Files.readString(mnt.resolve("on-server")));
                Files.writeString(mnt.resolve("on-mount"), "through the mount\n");
                assertEquals("through the mount\n", Files.readString(export.resolve("on-mount")));
                CliHarness.Result u = cli.run("umount", mnt.toString());
                assertEquals(0, u.code(), u.toString());
                assertEquals(0, fg.get(30, TimeUnit.SECONDS), err.toString(StandardCharsets.UTF_8));
                assertEquals(null, Mounts.typeOf(mnt), "unmounted");
            } finally {
                if (Mounts.typeOf(mnt) != null) {
                    Mounts.unmount(mnt, true);
                }
            }
        }
    }

    @Test
    void badCommandLinesAreUsageErrors() throws IOException {
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        CliHarness cli = new CliHarness("--cache", tmp.resolve("cache").toString());
        CliHarness.Result r = cli.run("mount", "-f", "-o", "nosuchoption", "9p://127.0.0.1:1/", mnt.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("unknown mount option -o nosuchoption"), r.err());
        r = cli.run("mount", "9p://127.0.0.1:1/", mnt.toString());
        assertEquals(ExitCodes.USAGE, r.code(), "no launcher to detach from: " + r);
        assertTrue(r.err().contains("use -f"), r.err());
        r = cli.run("mount", "-f", "--attr-timeout", "-1", "9p://127.0.0.1:1/", mnt.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        r = cli.run("umount", mnt.toString());
        assertEquals(ExitCodes.USAGE, r.code(), r.toString());
        assertTrue(r.err().contains("not a jnetfs mount"), r.err());
        r = cli.run("mount", "-f", "9p://127.0.0.1:1/", mnt.toString());
        assertEquals(ExitCodes.UNREACHABLE, r.code(), "nothing listens: " + r);
        assertEquals("9p://127.0.0.1:1/x", RemotePath.parse(MountCommand.asUri("127.0.0.1:1:/x")).toString());
        assertEquals("9p://host:564/", RemotePath.parse(MountCommand.asUri("host")).toString());
    }
}
