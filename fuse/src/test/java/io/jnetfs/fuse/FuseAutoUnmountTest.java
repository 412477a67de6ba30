package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auto_unmount}: a JVM that mounts and then dies without unmounting leaves no mount behind,
 * because fusermount3's watcher unmounts when the socket to that JVM closes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseAutoUnmountTest {
    @TempDir
    Path tmp;

    @Test
    void aSessionWithAutoUnmountClosesNormallyToo() throws Exception {
        Require.feature("fuse/fusermount3", FuseSession.unavailableReason(FuseOptions.MountMethod.FUSERMOUNT));
        Path mnt = Files.createDirectories(tmp.resolve("mnt2")).toRealPath();
        try (FuseSession s = FuseSession.mount(mnt, new MemFs(), new FuseOptions().autoUnmount(true))) {
            assertEquals(FuseOptions.MountMethod.FUSERMOUNT, s.mountMethod(), "AUTO picks fusermount3 for auto_unmount");
            Files.writeString(mnt.resolve("f"), "x");
            assertEquals("x", Files.readString(mnt.resolve("f")));
        } finally {
            if (FuseMount.isMounted(mnt)) {
                FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
                throw new AssertionError("still mounted after close()");
            }
        }
    }

    @Test
    void aProcessThatDiesLeavesNoMountBehind() throws Exception {
        Require.feature("fuse/fusermount3", FuseSession.unavailableReason(FuseOptions.MountMethod.FUSERMOUNT));
        Path mnt = Files.createDirectories(tmp.resolve("mnt")).toRealPath();
        Path out = tmp.resolve("out");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(javaBin, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), DyingMountMain.class.getName(), mnt.toString())
                .redirectErrorStream(true).redirectOutput(out.toFile()).start();
        try {
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the child did not die");
            String output = Files.readString(out);
            assertEquals(3, p.exitValue(), output);
            assertTrue(output.contains("MOUNTED FUSERMOUNT"), output);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (FuseMount.isMounted(mnt) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertFalse(FuseMount.isMounted(mnt), "the dead process's mount is still there");
        } finally {
            p.destroyForcibly();
            if (FuseMount.isMounted(mnt)) {
                FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
            }
        }
    }
}
