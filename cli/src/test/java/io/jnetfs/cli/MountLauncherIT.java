package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.server.P9Server;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jnetfs mount} as a user runs it: returns 0 once the mountpoint answers, the filesystem left
 * running in a detached process that {@code bin/jnetfs umount} stops after writing back. Runs in the
 * integration-test phase, after the shaded jar is made.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class MountLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes(); // the detached child does not keep the pipe: it logs to a file
        assertTrue(p.waitFor(90, TimeUnit.SECONDS), "bounded: " + cmd);
        String s = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), cmd + ": " + s);
        return s;
    }

    @Test
    void mountDetachesAndUmountWritesBackAndStopsIt() throws Exception {
        MountCommandTest.requireFuse();
        Path export = Files.createDirectories(tmp.resolve("export"));
        Path mnt = Files.createDirectories(tmp.resolve("mnt"));
        Path cache = tmp.resolve("cache");
        try (P9Server s = P9Server.builder(export).listen("127.0.0.1", 0).build().start()) {
            List<String> mount = new ArrayList<>(List.of(ROOT.resolve("bin/jnetfs").toString(), "--aname",
                    export.toRealPath().toString(), "--cache", cache.toString(), "mount",
                    "p9://127.0.0.1:" + s.port() + "/", mnt.toString()));
            try {
                String line = run(mount);
                assertTrue(line.startsWith("mounted 9p://127.0.0.1:" + s.port() + "/"), line);
                Matcher pid = Pattern.compile("\\[pid (\\d+),").matcher(line);
                assertTrue(pid.find(), line);
                ProcessHandle fs = ProcessHandle.of(Long.parseLong(pid.group(1))).orElseThrow();
                byte[] data = new byte[2 << 20];
                new java.util.Random(9).nextBytes(data);
                Files.write(mnt.resolve("f"), data);
                run(List.of(ROOT.resolve("bin/jnetfs").toString(), "--cache", cache.toString(), "umount",
                        mnt.toString()));
                assertFalse(fs.isAlive(), "umount returns once the filesystem process has exited");
                assertEquals(null, Mounts.typeOf(mnt));
                assertTrue(java.util.Arrays.equals(data, Files.readAllBytes(export.resolve("f"))), "on the server");
            } finally {
                if (Mounts.typeOf(mnt) != null) {
                    Mounts.unmount(mnt, true);
                }
            }
        }
    }
}
