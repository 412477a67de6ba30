package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.server.P9Server;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The process serving a mount dies (SIGKILL; attributes not kept by the kernel, so that stat asks): programs on the mount get ENOTCONN at once (the kernel
 * aborts the FUSE connection; nothing hangs); {@code jnetfs umount} of the dead mount works, and so does
 * {@code jnetfs mount} on the same mountpoint.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MountProcessKilledTest {
    @TempDir
    Path tmp;

    @Test
    void programsGetEnotconnAndTheDeadMountUnmounts() throws Exception {
        killTheMountProcess(false);
    }

    @Test
    void mountingAgainOnTheDeadMountpointWorks() throws Exception {
        killTheMountProcess(true);
    }

    private void killTheMountProcess(boolean remount) throws Exception {
        MountCommandTest.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Files.writeString(export.resolve("x"), "x\n");
        try (P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).build().start()) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1",
                    "-cp", System.getProperty("java.class.path"), "io.jnetfs.cli.Main", "--aname", export.toString(),
                    "--cache", tmp.resolve("cache").toString(), "--uname", "root", "--attr-timeout", "0", "mount", "-f",
                    "127.0.0.1:" + s.port() + ":/", mnt.toString())).redirectErrorStream(true)
                    .redirectOutput(tmp.resolve("mount.log").toFile()).start();
            try {
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (!"fuse.jnetfs".equals(Mounts.typeOf(mnt)) && p.isAlive() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertEquals("fuse.jnetfs", Mounts.typeOf(mnt), Files.readString(tmp.resolve("mount.log")));
                assertEquals("x\n", Files.readString(mnt.resolve("x")));
                p.destroyForcibly(); // SIGKILL
                assertTrue(p.waitFor(30, TimeUnit.SECONDS));
                long t0 = System.nanoTime();
                IOException e = assertThrows(IOException.class, () -> Files.readString(mnt.resolve("x")));
                assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "no hang");
                String stat = new String(new ProcessBuilder("stat", mnt.toString()).redirectErrorStream(true).start()
                        .getInputStream().readAllBytes());
                assertTrue(stat.contains("Transport endpoint is not connected"), "ENOTCONN: " + stat + " / " + e);
                if (remount) {
                    // jnetfs mount on the same mountpoint cleans the dead mount and serves again
                    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
                    java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
                    java.util.concurrent.CompletableFuture<Integer> fg = new java.util.concurrent.CompletableFuture<>();
                    Thread.ofPlatform().daemon().name("jnetfs-mount-f").start(() -> fg.complete(Main.run(out, err,
                            "--aname", export.toString(), "--cache", tmp.resolve("cache").toString(), "--uname", "root",
                            "mount", "-f", "127.0.0.1:" + s.port() + ":/", mnt.toString())));
                    long d2 = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                    while (!out.toString().contains("mounted ") && !fg.isDone() && System.nanoTime() < d2) {
                        Thread.sleep(20);
                    }
                    assertTrue(out.toString().contains("mounted "), out + " " + err);
                    assertEquals("x\n", Files.readString(mnt.resolve("x")), "the new mount serves");
                    CliHarness.Result u = new CliHarness("--cache", tmp.resolve("cache").toString()).run("umount",
                            mnt.toString());
                    assertEquals(0, u.code(), u.toString());
                    assertEquals(0, fg.get(30, TimeUnit.SECONDS), err.toString());
                    assertEquals(null, Mounts.typeOf(mnt), "no mount left, dead or alive");
                    return;
                }
                CliHarness.Result u = new CliHarness("--cache", tmp.resolve("cache").toString()).run("umount", mnt.toString());
                assertEquals(0, u.code(), "jnetfs umount of a dead mount: " + u);
                assertEquals(null, Mounts.typeOf(mnt), "unmounted");
            } finally {
                p.destroyForcibly();
                if (Mounts.typeOf(mnt) != null) {
                    Mounts.unmount(mnt, true);
                }
            }
        }
    }
}
