package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Every command end to end against the real diod, through picocli in this JVM. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class CliDiodTest {
    /** Who this test runs as: the owner diod gives the files (root, or the CI job's user). */
    private static final int UID = PeerServer.attachUid();
    private static final int GID = gid();

    private static final Instant MTIME = Instant.parse("2020-01-02T03:04:05.123456789Z");

    @TempDir
    Path tmp;
    private Path export;
    private Path local;
    private Path cache;
    private Diod diod;
    private CliHarness cli;
    private String url;

    @BeforeEach
    void start() throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createDirectory(tmp.resolve("export"));
        local = Files.createDirectory(tmp.resolve("local"));
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

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Path file(Path p, byte[] data, String perms) throws IOException {
        Files.write(p, data);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(perms));
        Files.setLastModifiedTime(p, FileTime.from(MTIME));
        return p;
    }

    private static void ok(CliHarness.Result r) {
        assertEquals(ExitCodes.OK, r.code(), r.toString());
    }

    private static void assertSameFile(Path expected, Path actual) throws IOException {
        assertArrayEquals(Files.readAllBytes(expected), Files.readAllBytes(actual), actual.toString());
        assertEquals(Files.getPosixFilePermissions(expected), Files.getPosixFilePermissions(actual), actual + " mode");
        assertEquals(Files.getLastModifiedTime(expected), Files.getLastModifiedTime(actual), actual + " mtime");
    }

    private static List<String> partials(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.contains(Partials.SUFFIX)).toList();
        }
    }

    // ---- cp -------------------------------------------------------------------------------------------

    @Test
    void cpLocalToRemoteAndBackKeepsBytesModeAndMtime() throws IOException {
        Path src = file(local.resolve("a.bin"), random(3_000_001, 1), "rw-r-----");
        ok(cli.run("cp", src.toString(), url + "/a.bin"));
        assertSameFile(src, export.resolve("a.bin"));
        ok(cli.run("cp", url + "/a.bin", local.resolve("back.bin").toString()));
        assertSameFile(src, local.resolve("back.bin"));
        assertEquals(List.of(), partials(tmp), "no partial file is left");
        assertEquals(0, Partials.live());
    }

    @Test
    void cpIntoAnExistingDirectoryAndOfSeveralSources() throws IOException {
        Path a = file(local.resolve("a"), random(1000, 2), "rw-r--r--");
        Path b = file(local.resolve("b"), random(0, 3), "rwx------");
        Files.createDirectory(export.resolve("dir"));
        ok(cli.run("cp", a.toString(), b.toString(), url + "/dir"));
        assertSameFile(a, export.resolve("dir/a"));
        assertSameFile(b, export.resolve("dir/b"));
        CliHarness.Result r = cli.run("cp", a.toString(), b.toString(), url + "/nodir");
        assertEquals(ExitCodes.NOT_FOUND, r.code(), r.toString());
        assertTrue(r.err().contains("/nodir: Not a directory (ENOTDIR)"), r.err());
        Path into = Files.createDirectory(local.resolve("into"));
        ok(cli.run("cp", url + "/dir/a", into.toString()));
        assertSameFile(a, into.resolve("a"));
    }

    @Test
    void cpRecursiveCopiesTreesBothWaysWithLinksAndEmptyFiles() throws IOException {
        Files.createDirectories(local.resolve("tree/sub/deeper"));
        Path tree = local.resolve("tree");
        file(local.resolve("tree/top.txt"), "top\n".getBytes(StandardCharsets.UTF_8), "rw-r--r--");
        file(local.resolve("tree/sub/empty"), new byte[0], "rw-------");
        file(local.resolve("tree/sub/deeper/big.bin"), random(5 << 20, 4), "rwxr-x---");
        Files.createSymbolicLink(local.resolve("tree/sub/link"), Path.of("../top.txt"));
        Files.setPosixFilePermissions(local.resolve("tree/sub"), PosixFilePermissions.fromString("rwx--x---"));
        CliHarness.Result noR = cli.run("cp", tree.toString(), url + "/tree");
        assertEquals(ExitCodes.IO, noR.code(), noR.toString());
        assertTrue(noR.err().contains("Is a directory (EISDIR); use -r"), noR.err());
        ok(cli.run("cp", "-r", tree.toString(), url + "/tree"));
        assertSameFile(local.resolve("tree/top.txt"), export.resolve("tree/top.txt"));
        assertSameFile(local.resolve("tree/sub/empty"), export.resolve("tree/sub/empty"));
        assertSameFile(local.resolve("tree/sub/deeper/big.bin"), export.resolve("tree/sub/deeper/big.bin"));
        assertEquals(Path.of("../top.txt"), Files.readSymbolicLink(export.resolve("tree/sub/link")));
        assertEquals("rwx--x---", PosixFilePermissions.toString(Files.getPosixFilePermissions(export.resolve("tree/sub"))));
        ok(cli.run("cp", "-r", url + "/tree", local.resolve("copy").toString()));
        assertSameFile(local.resolve("tree/sub/deeper/big.bin"), local.resolve("copy/sub/deeper/big.bin"));
        assertSameFile(local.resolve("tree/sub/empty"), local.resolve("copy/sub/empty"));
        assertEquals(Path.of("../top.txt"), Files.readSymbolicLink(local.resolve("copy/sub/link")));
        assertEquals(Files.getLastModifiedTime(tree.resolve("sub")), Files.getLastModifiedTime(local.resolve("copy/sub")),
                "a directory's mtime is set after its contents");
        assertEquals(List.of(), partials(tmp));
    }

    @Test
    void cpRemoteToRemoteStreamsThroughThisProcess() throws IOException {
        Path src = file(export.resolve("r.bin"), random(2 << 20, 5), "rw-r--r--");
        ok(cli.run("cp", url + "/r.bin", url + "/r2.bin"));
        assertSameFile(src, export.resolve("r2.bin"));
        ok(cli.run("cp", url + "/r.bin", "p9" + url.substring("9p".length()) + "/r3.bin")); // the URI scheme too
        assertSameFile(src, export.resolve("r3.bin"));
        CliHarness.Result same = cli.run("cp", url + "/r.bin", url + "/r.bin");
        assertEquals(ExitCodes.IO, same.code(), same.toString());
    }

    @Test
    void cpWorksOnBothTransportsAndSmallMsizes() throws IOException {
        Path src = file(local.resolve("t.bin"), random(1 << 20, 6), "rw-r--r--");
        ok(cli.run("--no-io-uring", "--msize", "8K", "--inflight", "2", "cp", src.toString(), url + "/socket.bin"));
        assertSameFile(src, export.resolve("socket.bin"));
        CliHarness.Result bad = cli.run("--msize", "1K", "ls", url + "/");
        assertEquals(ExitCodes.USAGE, bad.code(), bad.toString());
        CliHarness.Result uring = cli.run("--io-uring", "--inflight", "1", "cp", url + "/socket.bin",
                local.resolve("uring.bin").toString());
        String missing = IoUring.unavailableReason();
        if (missing != null) { // asked for by name where the kernel refuses it: an I/O error naming why
            assertEquals(ExitCodes.IO, uring.code(), uring.toString());
            assertTrue(uring.toString().contains(missing), uring.toString());
            Require.feature("io_uring", missing);
        }
        ok(uring);
        assertSameFile(src, local.resolve("uring.bin"));
    }

    // ---- cat, ls, stat --------------------------------------------------------------------------------

    @Test
    void catPrintsRemoteAndLocalFilesInOrder() throws IOException {
        byte[] a = random(1_500_000, 7);
        byte[] b = "local\n".getBytes(StandardCharsets.UTF_8);
        Files.write(export.resolve("a"), a);
        Files.write(local.resolve("b"), b);
        CliHarness.Result r = cli.run("cat", url + "/a", local.resolve("b").toString());
        ok(r);
        byte[] both = new byte[a.length + b.length];
        System.arraycopy(a, 0, both, 0, a.length);
        System.arraycopy(b, 0, both, a.length, b.length);
        assertArrayEquals(both, r.stdout());
        Files.createDirectory(export.resolve("d"));
        CliHarness.Result dir = cli.run("cat", url + "/d");
        assertEquals(ExitCodes.IO, dir.code());
        assertEquals("jnetfs: cat: " + url + "/d: Is a directory (EISDIR)\n", dir.err());
    }

    @Test
    void lsListsNamesOrLongLines() throws IOException {
        file(export.resolve("b.bin"), random(1234, 8), "rw-r-----");
        Files.createDirectory(export.resolve("a-dir"));
        Files.write(export.resolve(".hidden"), new byte[1]);
        Files.createSymbolicLink(export.resolve("link"), Path.of("b.bin"));
        assertEquals("a-dir\nb.bin\nlink\n", cli.run("ls", url + "/").out());
        assertEquals(".hidden\na-dir\nb.bin\nlink\n", cli.run("ls", "-a", url).out());
        String[] lines = cli.run("ls", "-l", url + "/").out().split("\n");
        assertEquals(3, lines.length, String.join("\n", lines));
        assertTrue(lines[0].startsWith("drwx") && lines[0].endsWith(" a-dir"), lines[0]);
        assertTrue(lines[1].matches("-rw-r----- 1 " + UID + " " + GID + " 1234 2020-01-0[12] \\d\\d:\\d\\d b.bin"), lines[1]);
        assertTrue(lines[2].startsWith("lrwxrwxrwx") && lines[2].endsWith(" link -> b.bin"), lines[2]);
        assertEquals(url + "/b.bin\n", cli.run("ls", url + "/b.bin").out());
        String two = cli.run("ls", url + "/a-dir", local.toString()).out();
        assertEquals(url + "/a-dir:\n\n" + local + ":\n", two);
    }

    @Test
    void statShowsWhatTheServerHas() throws IOException {
        Path f = file(export.resolve("s.bin"), random(70_000, 9), "rwxr-x--x");
        String out = cli.run("stat", url + "/s.bin").out();
        long ino = (Long) Files.getAttribute(f, "unix:ino");
        assertTrue(out.startsWith("  File: " + url + "/s.bin\n"), out);
        assertTrue(out.contains("Size: 70000 "), out);
        assertTrue(out.contains("regular file"), out);
        assertTrue(out.contains("Inode: " + ino + " "), out);
        assertTrue(out.contains("Access: (0751/-rwxr-x--x)  Uid: " + UID + "  Gid: " + GID), out);
        assertTrue(out.contains("Modify: 2020-01-0") && out.contains(".123456789 "), out);
        String localOut = cli.run("stat", f.toString()).out();
        assertEquals(out.substring(out.indexOf("  Size:")), localOut.substring(localOut.indexOf("  Size:")),
                "the same file stats the same, remote or local");
    }

    // ---- rm, mkdir, mv --------------------------------------------------------------------------------

    @Test
    void mkdirMakesDirectoriesAndParents() throws IOException {
        ok(cli.run("mkdir", url + "/m"));
        assertTrue(Files.isDirectory(export.resolve("m")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(export.resolve("m"))),
                "the umask (022) applies");
        CliHarness.Result again = cli.run("mkdir", url + "/m");
        assertEquals(ExitCodes.IO, again.code());
        assertEquals("jnetfs: mkdir: " + url + "/m: File exists (EEXIST)\n", again.err());
        CliHarness.Result noParent = cli.run("mkdir", url + "/x/y/z");
        assertEquals(ExitCodes.NOT_FOUND, noParent.code(), noParent.toString());
        ok(cli.run("mkdir", "-p", "-m", "700", url + "/x/y/z", url + "/m"));
        assertTrue(Files.isDirectory(export.resolve("x/y/z")));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(export.resolve("x/y/z"))));
        ok(cli.run("mkdir", "-p", local.resolve("l1/l2").toString()));
        assertTrue(Files.isDirectory(local.resolve("l1/l2")));
    }

    @Test
    void rmRemovesFilesAndWithRTrees() throws IOException {
        Files.createDirectories(export.resolve("t/u"));
        Files.write(export.resolve("t/u/f"), new byte[10]);
        Files.write(export.resolve("f"), new byte[10]);
        ok(cli.run("rm", url + "/f"));
        assertFalse(Files.exists(export.resolve("f")));
        CliHarness.Result missing = cli.run("rm", url + "/f");
        assertEquals(ExitCodes.NOT_FOUND, missing.code());
        assertEquals("jnetfs: rm: " + url + "/f: No such file or directory (ENOENT)\n", missing.err());
        ok(cli.run("rm", "-f", url + "/f"));
        CliHarness.Result dir = cli.run("rm", url + "/t");
        assertEquals(ExitCodes.IO, dir.code());
        assertTrue(Files.exists(export.resolve("t/u/f")));
        ok(cli.run("rm", "-r", url + "/t"));
        assertFalse(Files.exists(export.resolve("t")));
    }

    @Test
    void mvRenamesOnTheServerAndMovesBetweenSides() throws IOException {
        Path f = file(export.resolve("old"), random(100_000, 10), "rw-r--r--");
        byte[] data = Files.readAllBytes(f);
        Files.createDirectory(export.resolve("dir"));
        long ino = (Long) Files.getAttribute(f, "unix:ino");
        ok(cli.run("mv", url + "/old", url + "/dir"));
        assertFalse(Files.exists(f));
        assertEquals(ino, (Long) Files.getAttribute(export.resolve("dir/old"), "unix:ino"), "a rename, not a copy");
        ok(cli.run("mv", url + "/dir", local.resolve("moved").toString()));
        assertFalse(Files.exists(export.resolve("dir")));
        assertArrayEquals(data, Files.readAllBytes(local.resolve("moved/old")));
        assertEquals(FileTime.from(MTIME), Files.getLastModifiedTime(local.resolve("moved/old")));
        ok(cli.run("mv", local.resolve("moved/old").toString(), url + "/back"));
        assertFalse(Files.exists(local.resolve("moved/old")));
        assertArrayEquals(data, Files.readAllBytes(export.resolve("back")));
    }

    // ---- extents, stats, cache ------------------------------------------------------------------------

    @Test
    void extentsPrintsWhatFilefragPrints() throws Exception {
        Path f = local.resolve("e.bin");
        Files.write(f, random(300_000, 11));
        try (var ch = java.nio.channels.FileChannel.open(f, java.nio.file.StandardOpenOption.WRITE)) {
            ch.force(true); // allocated, so both see the same extents
        }
        CliHarness.Result r = cli.run("extents", f.toString());
        ok(r);
        Path filefrag = Path.of("/usr/sbin/filefrag");
        Require.feature("filefrag", Files.isExecutable(filefrag) ? null
                : filefrag + " is not installed (apt-get install e2fsprogs; .ci/run installs it)");
        Process p = new ProcessBuilder(filefrag.toString(), "-v", f.toString()).redirectErrorStream(true).start();
        String expected = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        String[] want = expected.split("\n");
        String[] got = r.out().split("\n");
        assertEquals(want.length, got.length, r.out() + "\nvs filefrag:\n" + expected);
        assertEquals(want[0], got[0], "filesystem type");
        assertEquals(want[1], got[1], "size line");
        assertEquals(want[want.length - 1], got[got.length - 1], "the extent count");
        for (int i = 2; i < want.length - 1; i++) {
            assertEquals(List.of(want[i].trim().split("[\\s:.]+")), List.of(got[i].trim().split("[\\s:.]+")), "line " + i);
        }
        CliHarness.Result remote = cli.run("extents", url + "/x");
        assertEquals(ExitCodes.USAGE, remote.code());
    }

    @Test
    void aColdReadFillsTheCacheAWarmOneReadsItAndStatsSaySo() throws IOException {
        byte[] data = random(6 << 20, 12);
        Files.write(export.resolve("c.bin"), data);
        CliHarness.Result none = cli.run("stats");
        ok(none);
        assertTrue(none.out().startsWith("no transfer recorded yet"), none.out());
        CliHarness.Result cold = cli.run("--stats", "cat", url + "/c.bin");
        ok(cold);
        assertArrayEquals(data, cold.stdout());
        assertTrue(cold.err().contains("bytes from server   " + data.length + "\n"), cold.err());
        String coldStats = cli.run("stats").out();
        assertTrue(coldStats.contains("bytes from server   " + data.length + "\n"), coldStats);
        assertTrue(coldStats.contains("bytes               " + data.length + " "), coldStats);
        assertFalse(coldStats.contains("read RPCs           0\n"), coldStats);
        assertFalse(coldStats.contains("sendmsg calls       0\n"), coldStats);
        CliHarness.Result warm = cli.run("cat", url + "/c.bin");
        assertArrayEquals(data, warm.stdout());
        String warmStats = cli.run("stats").out();
        assertTrue(warmStats.contains("bytes from cache    " + data.length + "\n"), warmStats);
        assertTrue(warmStats.contains("bytes from server   0\n"), warmStats);
        assertTrue(warmStats.contains("read RPCs           0\n"), warmStats);
        String usage = cli.run("cache").out();
        assertTrue(usage.contains(cache.toString()), usage);
        assertTrue(usage.contains("#" + Files.getAttribute(export.resolve("c.bin"), "unix:ino")), usage);
        assertTrue(usage.contains("6.0 MiB      6.0 MiB  9p://127.0.0.1:" + diod.port() + diod.aname()), usage);
        assertTrue(usage.contains("1 file, 6.0 MiB on disk"), usage);
        assertEquals("removed 1 cache file from " + cache + "\n", cli.run("cache", "clear").out());
        assertTrue(cli.run("cache").out().endsWith("0 files, 0 B on disk\n"));
        CliHarness.Result uncached = cli.run("--no-cache", "cat", url + "/c.bin");
        assertArrayEquals(data, uncached.stdout());
        assertTrue(cli.run("cache").out().endsWith("0 files, 0 B on disk\n"), "--no-cache leaves no cache file");
    }

    // ---- errors ---------------------------------------------------------------------------------------

    @Test
    void anUnknownPathIsExitCode2WithOneLine() {
        CliHarness.Result r = cli.run("cp", url + "/missing", local.resolve("x").toString());
        assertEquals(ExitCodes.NOT_FOUND, r.code());
        assertEquals("jnetfs: cp: " + url + "/missing: No such file or directory (ENOENT)\n", r.err());
        CliHarness.Result l = cli.run("cp", local.resolve("nope").toString(), url + "/x");
        assertEquals(ExitCodes.NOT_FOUND, l.code());
        assertEquals("jnetfs: cp: " + local.resolve("nope") + ": No such file or directory (ENOENT)\n", l.err());
        CliHarness.Result d = cli.run("ls", url + "/no/such/dir");
        assertEquals(ExitCodes.NOT_FOUND, d.code());
    }

    @Test
    void anUnreachableServerIsExitCode5WithOneLine() throws IOException {
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        } // closed: nothing listens there now
        CliHarness.Result r = cli.run("ls", "9p://127.0.0.1:" + port + "/");
        assertEquals(ExitCodes.UNREACHABLE, r.code(), r.toString());
        assertEquals("jnetfs: ls: 9p://127.0.0.1:" + port + ": connect: Connection refused (ECONNREFUSED)\n", r.err());
        diod.kill();
        CliHarness.Result gone = cli.run("cat", url + "/x");
        assertEquals(ExitCodes.UNREACHABLE, gone.code(), gone.toString());
    }

    @Test
    void aWrongExportOrPermissionIsExitCode3() throws IOException {
        CliHarness.Result attach = new CliHarness("--aname", "/no/such/export", "--cache", cache.toString())
                .run("ls", url + "/");
        assertEquals(ExitCodes.PERMISSION, attach.code(), attach.toString());
        assertTrue(attach.err().startsWith("jnetfs: ls: " + url + ": attach (aname=/no/such/export, uname=" + diod.uname() + "): "), attach.err());
        Path secret = Files.createDirectory(export.resolve("secret"));
        Files.write(secret.resolve("f"), new byte[1]);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rwx------"));
        CliHarness.Result nobody = cli.run("--uname", "nobody", "cat", url + "/secret/f");
        assertEquals(ExitCodes.PERMISSION, nobody.code(), nobody.toString());
        if (diod.nUname() == 0) { // diod serves every user: nobody attaches, and the file's mode refuses it
            assertEquals("jnetfs: cat: " + url + "/secret/f: Permission denied (EACCES)\n", nobody.err());
        } else { // a diod run by a user serves that user only: nobody's attach is refused
            assertEquals("jnetfs: cat: " + url + ": attach (aname=" + diod.aname() + ", uname=nobody): Operation not"
                    + " permitted (EPERM)\n", nobody.err());
        }
        CliHarness.Result write = cli.run("--uname", "nobody", "cp", "/etc/hostname", url + "/secret/g");
        assertEquals(ExitCodes.PERMISSION, write.code(), write.toString());
    }

    @Test
    void aLocalPermissionErrorIsExitCode3AndLeavesNoPartial() throws Exception {
        Files.write(export.resolve("f"), random(1000, 13));
        Path locked = Files.createDirectory(local.resolve("locked"));
        int chattr = run("chattr", "+i", locked.toString());
        Require.feature("root/chattr", chattr == 0 ? null
                : "chattr +i exited with " + chattr + ": the immutable flag needs root (CAP_LINUX_IMMUTABLE) on ext2/3/4,"
                        + " xfs or btrfs");
        try {
            CliHarness.Result r = cli.run("cp", url + "/f", locked.resolve("f").toString());
            assertEquals(ExitCodes.PERMISSION, r.code(), r.toString());
            assertEquals("jnetfs: cp: " + locked.resolve("f") + ": Operation not permitted (EPERM)\n", r.err(),
                    "the destination is named, not its partial file");
        } finally {
            run("chattr", "-i", locked.toString());
        }
        assertEquals(List.of(), partials(local));
    }

    @Test
    void noSpaceIsExitCode4AndLeavesNoPartialFile() throws Exception {
        Path small = Files.createDirectory(tmp.resolve("small"));
        int mount = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", small.toString());
        Require.feature("root/tmpfs-mount", mount == 0 ? null
                : "mount -t tmpfs exited with " + mount + ": mounting a 1 MiB tmpfs needs root with CAP_SYS_ADMIN");
        try (Diod full = Diod.start(small)) {
            Path big = file(local.resolve("big"), random(4 << 20, 14), "rw-r--r--");
            String fullUrl = "9p://127.0.0.1:" + full.port();
            CliHarness.Result up = new CliHarness("--aname", full.aname(), "--cache", cache.toString())
                    .run("cp", big.toString(), fullUrl + "/big");
            assertEquals(ExitCodes.NO_SPACE, up.code(), up.toString());
            assertEquals("jnetfs: cp: " + fullUrl + "/big: No space left on device (ENOSPC)\n", up.err());
            assertEquals(List.of(), listing(small), "neither the file nor its partial is left on the server");
            Files.write(export.resolve("big"), random(4 << 20, 15));
            CliHarness.Result down = cli.run("cp", url + "/big", small.resolve("big").toString());
            assertEquals(ExitCodes.NO_SPACE, down.code(), down.toString());
            assertEquals("jnetfs: cp: " + small.resolve("big") + ": No space left on device (ENOSPC)\n", down.err());
            assertEquals(List.of(), listing(small), "neither the file nor its partial is left locally");
            // a full disk cache is not a failure: the cache switches itself off and the data comes from the server
            CliHarness.Result cat = new CliHarness("--aname", diod.aname(), "--cache", small.resolve("c").toString())
                    .run("--stats", "cat", url + "/big");
            assertEquals(ExitCodes.OK, cat.code(), cat.err());
            assertArrayEquals(Files.readAllBytes(export.resolve("big")), cat.stdout());
            assertTrue(cat.err().contains("bytes from server   " + (4 << 20) + "\n"), cat.err());
            assertEquals(List.of(), partials(small), "no partial file of the counters either");
        } finally {
            if (run("umount", small.toString()) != 0) {
                run("umount", "-l", small.toString());
            }
        }
    }

    @Test
    void usageErrorsAreExitCode1() {
        assertEquals(ExitCodes.USAGE, cli.run().code(), "no command");
        assertEquals(ExitCodes.USAGE, cli.run("cp", "only-one").code());
        assertEquals(ExitCodes.USAGE, cli.run("frobnicate").code());
        CliHarness.Result bad = cli.run("cp", "--bogus", "a", "b");
        assertEquals(ExitCodes.USAGE, bad.code());
        assertEquals("jnetfs: cp: Unknown option: '--bogus'\nTry 'jnetfs cp --help'.\n", bad.err());
        CliHarness.Result port = cli.run("ls", "9p://127.0.0.1:0/");
        assertEquals(ExitCodes.USAGE, port.code());
        assertEquals("jnetfs: ls: invalid port in 9p://127.0.0.1:0/ (1 .. 65535)\n", port.err());
        assertEquals(ExitCodes.OK, cli.run("cp", "--help").code());
    }

    @Test
    void theDemoWritesReadsColdAndWarmAndChecks() {
        CliHarness.Result r = new CliHarness().run("demo", "--size", "8M");
        ok(r);
        String out = r.out();
        assertTrue(out.contains("checksums match: crc32c 0x"), out);
        String[] rows = out.lines().filter(l -> l.startsWith("write ") || l.startsWith("cold ") || l.startsWith("warm "))
                .toArray(String[]::new);
        assertEquals(3, rows.length, out);
        assertTrue(rows[0].contains("8.0 MiB") && rows[1].contains("8.0 MiB"), out);
        String[] warm = rows[2].trim().split("\\s+");
        // warm  MiB/s  seconds  0.0 MiB(server)  8.0 MiB(cache)  0.0 MiB(to server)  0(read RPCs) ...
        assertEquals(List.of("0.0", "MiB", "8.0", "MiB", "0.0", "MiB", "0", "0"), List.of(warm).subList(3, 11), out);
        assertFalse(out.contains("note:"), out);
    }

    @Test
    void theDemoRunsAgainstDiodAndStopsIt() {
        CliHarness.Result r = new CliHarness().run("demo", "--size", "8M", "--server", "diod");
        ok(r);
        String out = r.out();
        assertTrue(out.contains("checksums match: crc32c 0x"), out);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("diod \\(pid ([0-9]+)\\) on 127\\.0\\.0\\.1:[0-9]+ ")
                .matcher(out);
        assertTrue(m.find(), out);
        long pid = Long.parseLong(m.group(1));
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the demo's diod " + pid + " is stopped");
    }

    private static List<String> listing(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }

    private static int gid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid");
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static int run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }
}
