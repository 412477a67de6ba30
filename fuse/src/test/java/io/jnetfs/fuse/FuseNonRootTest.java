package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The non-root path for real: a JVM running as {@code nobody} (setpriv) mounts through fusermount3,
 * which receives no descriptor from it but sends one back over {@code _FUSE_COMMFD} with SCM_RIGHTS,
 * uses the mount and unmounts with {@code fusermount3 -u}. Where {@code /dev/fuse} is root's alone (mode
 * 0600 in a container), the child runs in a private mount namespace with a 0666 node of the device
 * bound over it, as Debian's udev rule would make it.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseNonRootTest {
    @Test
    void anUnprivilegedUserMountsThroughFusermount3() throws Exception {
        Require.feature("fuse/fusermount3", FuseSession.unavailableReason(FuseOptions.MountMethod.FUSERMOUNT));
        Require.feature("fuse/non-root", FuseMount.isRoot() && FuseMount.findOnPath("setpriv") != null
                && FuseMount.findOnPath("unshare") != null ? null
                : "needs root, setpriv and unshare (util-linux) to start a JVM as nobody");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "fuse-nonroot",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
        Files.setOwner(mnt, users.lookupPrincipalByName("nobody"));
        Path out = dir.resolve("out");
        try {
            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            // the class path as nobody can read it: jars copied out of a private Maven repository
            Path cpDir = Files.createDirectory(dir.resolve("cp"));
            List<String> cp = new ArrayList<>();
            int i = 0;
            for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
                Path src = Path.of(e);
                if (Files.isRegularFile(src)) {
                    Path copy = cpDir.resolve((i++) + "-" + src.getFileName());
                    Files.copy(src, copy);
                    cp.add(copy.toString());
                } else {
                    cp.add(e);
                }
            }
            List<String> cmd = new ArrayList<>(List.of("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
                    "--", javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", String.join(File.pathSeparator, cp),
                    NonRootMountMain.class.getName(), mnt.toString()));
            String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(Path.of("/dev/fuse")));
            if (!mode.endsWith("rw-")) {
                // /dev/fuse is root's alone here (a container's device node; Debian's udev makes it 0666):
                // give the child a private mount namespace in which a 0666 node of the same device covers it
                Path node = dir.resolve("fuse");
                FuseKernelMountTest.run(10, "mknod", "-m", "666", node.toString(), "c", "10", "229");
                List<String> wrapped = new ArrayList<>(List.of("unshare", "-m", "--propagation", "private", "sh", "-c",
                        "mount --bind \"$0\" /dev/fuse && exec \"$@\"", node.toString()));
                wrapped.addAll(cmd);
                cmd = wrapped;
            }
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            boolean done = p.waitFor(90, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
            }
            String output = Files.readString(out);
            assertTrue(done, "the unprivileged JVM did not finish:\n" + output);
            assertEquals(0, p.exitValue(), output);
            assertTrue(output.contains("OK uid=65534 method=FUSERMOUNT"), output);
            assertFalse(FuseMount.isMounted(mnt.toRealPath()));
        } finally {
            if (FuseMount.isMounted(mnt.toRealPath())) {
                FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
            }
            try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
                for (Path x : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(x);
                }
            }
        }
    }
}
