package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real programs on a real FUSE mount of {@code jnetfs serve} (in this JVM); {@link MountProgramsDiodTest}
 * runs the same on diod. Every byte is checked on the server's side too (its exported directory).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class MountProgramsTest {
    @TempDir
    Path tmp;

    /** {@return the server these tests mount} */
    Remote remote(Path export) throws IOException {
        return Remote.jnetfsServe(export);
    }

    /** {@return the FUSE transport these tests run on: /dev/fuse here, io_uring in the *UringTest classes} */
    io.jnetfs.fuse.FuseOptions.Transport transport() {
        return io.jnetfs.fuse.FuseOptions.Transport.DEV;
    }

    Mounted mount() throws IOException {
        Path export = Files.createDirectories(tmp.resolve("export"));
        Mounted.requireFuse();
        return Mounted.of(remote(export), tmp.resolve("mnt"), transport());
    }

    @Test
    void lsCpBothWaysCatAndChecksums() throws Exception {
        try (Mounted m = mount()) {
            Path local = Files.createDirectories(tmp.resolve("local"));
            byte[] data = new byte[5_000_000];
            new Random(1).nextBytes(data);
            Files.write(local.resolve("a.bin"), data);
            String out = Mounted.sh(tmp, 60, "cp local/a.bin mnt/a.bin && ls -l mnt && cp mnt/a.bin local/back.bin"
                    + " && cmp local/a.bin local/back.bin && cat mnt/a.bin | sha256sum && sha256sum < local/a.bin"
                    + " && stat -c '%s %F' mnt/a.bin");
            assertTrue(out.contains("a.bin"), out);
            assertTrue(out.contains("5000000 regular file"), out);
            String[] lines = out.strip().split("\n");
            assertEquals(lines[lines.length - 3], lines[lines.length - 2], "the same checksum through the mount");
            assertArrayEquals(data, Files.readAllBytes(m.remote.export.resolve("a.bin")), "on the server");
        }
    }

    @Test
    void namesMkdirMvRmLnTouchChmodTruncate() throws Exception {
        try (Mounted m = mount()) {
            Path e = m.remote.export;
            Mounted.sh(m.dir, 60, String.join(" && ",
                    "mkdir -p a/b/c", "echo hello > a/b/c/f", "mv a/b/c/f a/g", "ln -s g a/s", "ln a/g a/h",
                    "test \"$(readlink a/s)\" = g", "test \"$(cat a/s)\" = hello", "test \"$(stat -c %h a/g)\" = 2",
                    "truncate -s 3 a/h", "touch -d '2001-02-03 04:05:06 UTC' a/g", "chmod 0600 a/g",
                    "test \"$(cat a/g)\" = hel", "rmdir a/b/c", "rm a/h", "mkdir d", "mv d a/", "ls -lR . > /dev/null"));
            assertTrue(Files.isDirectory(e.resolve("a/b")) && !Files.exists(e.resolve("a/b/c")));
            assertEquals("hel", Files.readString(e.resolve("a/g")));
            assertEquals("g", Files.readSymbolicLink(e.resolve("a/s")).toString());
            assertFalse(Files.exists(e.resolve("a/h")));
            assertTrue(Files.isDirectory(e.resolve("a/d")));
            assertEquals(981173106L, Files.getLastModifiedTime(e.resolve("a/g")).toMillis() / 1000);
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(e.resolve("a/g"))));
            Mounted.sh(m.dir, 30, "rm -r a && test -z \"$(ls -A)\"");
            assertEquals(0, Files.list(e).count(), "rm -r reached the server");
        }
    }

    @Test
    void tarATreeInAndOutAndDiffAgainstItsSource() throws Exception {
        try (Mounted m = mount()) {
            Path src = Files.createDirectories(tmp.resolve("src"));
            Random r = new Random(3);
            for (int d = 0; d < 20; d++) {
                Path dir = Files.createDirectories(src.resolve("d" + d).resolve("sub"));
                for (int f = 0; f < 25; f++) {
                    byte[] b = new byte[r.nextInt(20_000)];
                    r.nextBytes(b);
                    Files.write((f % 2 == 0 ? dir : dir.getParent()).resolve("f" + f), b);
                }
                Files.createSymbolicLink(dir.resolve("link"), Path.of("../f1"));
            }
            Mounted.sh(tmp, 120, "mkdir mnt/t && tar c -C src . | tar x -C mnt/t && diff -r src mnt/t"
                    + " && diff -r src export/t && mkdir out && tar c -C mnt/t . | tar x -C out && diff -r src out");
        }
    }

    @Test
    void gitInitAddCommitOnTheMount() throws Exception {
        Require.feature("git", Files.isExecutable(Path.of("/usr/bin/git")) ? null : "no /usr/bin/git");
        try (Mounted m = mount()) {
            String out = Mounted.sh(m.dir, 120, String.join(" && ",
                    "mkdir repo", "cd repo", "git init -q", "git config user.email t@example.com",
                    "git config user.name t", "for i in $(seq 1 50); do echo line $i > file$i.txt; done",
                    "git add .", "git commit -qm first", "echo more >> file1.txt", "git commit -qam second",
                    "git log --oneline | wc -l", "git fsck --strict 2>&1 | grep -v '^Checking' || true",
                    "git status --porcelain | wc -l"));
            assertTrue(out.contains("2\n"), "two commits: " + out);
            assertTrue(Files.isDirectory(m.remote.export.resolve("repo/.git/objects")));
        }
    }

    @Test
    void aLargeFileByDdWithFsyncIsIntactBothWays() throws Exception {
        try (Mounted m = mount()) {
            Mounted.sh(tmp, 150, "head -c 67108864 /dev/urandom > big.local"
                    + " && dd if=big.local of=mnt/big bs=1M conv=fsync status=none"
                    + " && a=$(sha256sum < big.local) && b=$(sha256sum < mnt/big) && c=$(sha256sum < export/big)"
                    + " && test \"$a\" = \"$b\" && test \"$a\" = \"$c\""
                    + " && dd if=mnt/big of=big.back bs=256k status=none && cmp big.local big.back");
        }
    }

    @Test
    void parallelWritersToDifferentFilesAndParallelReaders() throws Exception {
        try (Mounted m = mount()) {
            Mounted.sh(tmp, 150, "for i in 1 2 3 4; do head -c 12000000 /dev/urandom > src$i; done"
                    + " && for i in 1 2 3 4; do cp src$i mnt/w$i & done; wait"
                    + " && for i in 1 2 3 4; do cmp src$i export/w$i; done"
                    + " && for i in 1 2 3 4; do cmp src$i mnt/w$i & done; wait"
                    + " && for i in 1 2 3 4; do (cmp src$i mnt/w$i || echo MISMATCH $i); done | (! grep MISMATCH)");
        }
    }

    @Test
    void aFileChangedOnTheServerShowsAfterTheAttributeTimeoutAndBack() throws Exception {
        try (Mounted m = mount()) {
            Path e = m.remote.export;
            Files.writeString(e.resolve("x"), "one");
            Mounted.sh(m.dir, 30, "test \"$(cat x)\" = one");
            Files.writeString(e.resolve("x"), "two, longer");
            Thread.sleep(500); // beyond the 0.2 s timeouts
            Mounted.sh(m.dir, 30, "test \"$(cat x)\" = 'two, longer' && echo three > y");
            assertEquals("three\n", Files.readString(e.resolve("y")), "closed on the mount: on the server");
        }
    }

    @Test
    void unmountWritesBackWhatAProgramLeftOpen() throws Exception {
        Mounted m = mount();
        byte[] data = new byte[3 << 20];
        new Random(5).nextBytes(data);
        FileOutputStream open = null;
        try {
            open = new FileOutputStream(m.dir.resolve("dirty").toFile());
            open.write(data);
            // not closed: the data sits in the engine's page cache, not yet written back
        } finally {
            m.close(); // busy: unmounted lazily, then everything is written back
        }
        assertArrayEquals(data, Files.readAllBytes(m.remote.export.resolve("dirty")));
        try {
            open.close();
        } catch (IOException gone) {
            // ENOTCONN: the mount is gone
        }
    }

    @Test
    void aLostServerGivesProgramsAnErrorNotAHangAndTheMountStillUnmounts() throws Exception {
        Mounted m = mount();
        try {
            Files.writeString(m.remote.export.resolve("before"), "x");
            Mounted.sh(m.dir, 30, "ls -l > /dev/null");
            m.remote.stopServer();
            Thread.sleep(300); // past the 0.2 s attribute and entry timeouts: the kernel asks again
            long t0 = System.nanoTime();
            for (String cmd : new String[] {"cat mnt/before", "ls mnt/nothing-here", "echo more > mnt/new", "cd mnt"}) {
                Process p = new ProcessBuilder("bash", "-c", cmd).directory(tmp.toFile()).redirectErrorStream(true)
                        .start();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bounded by the client's timeout, not a hang: " + cmd);
                String out = new String(p.getInputStream().readAllBytes());
                assertTrue(p.exitValue() != 0, cmd + ": " + out);
                assertTrue(out.contains("Connection reset by peer") || out.contains("Input/output error"),
                        "the connection's errno: " + out);
            }
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(60));
        } finally {
            m.close();
        }
        assertFalse(Mounted.isMounted(m.dir), "unmounted");
    }

    @Test
    void fioRandomWritesVerifiedWithCrc32c() throws Exception {
        Require.feature("fio", Files.isExecutable(Path.of("/usr/bin/fio")) ? null : "no /usr/bin/fio");
        try (Mounted m = mount()) {
            Mounted.sh(m.dir, 150, "fio --name=v --filename=fio.dat --size=16M --bs=4k --rw=randwrite --verify=crc32c"
                    + " --do_verify=1 --ioengine=psync --numjobs=1 --output=/dev/null"
                    + " && fio --name=p --directory=. --size=4M --bs=64k --rw=write --numjobs=4 --output=/dev/null");
            assertEquals(16 << 20, Files.size(m.remote.export.resolve("fio.dat")));
        }
    }
}
