package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FUSE module against the real kernel: an in-memory filesystem ({@link MemFs}) mounted under a
 * temporary directory and used through real system calls (java.nio on the mount path) and real programs
 * ({@code ls}, {@code cat}, {@code cp}, {@code dd}, {@code stat}). Every test unmounts in a finally; a
 * leftover mount is detached with {@code umount -l}; every wait is bounded.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FuseKernelMountTest {
    @TempDir
    Path tmp;
    private Path mnt;
    private MemFs fs;
    private FuseSession session;

    @BeforeEach
    void setUp() throws IOException {
        Require.feature("fuse", FuseSession.unavailableReason(FuseOptions.MountMethod.AUTO));
        mnt = Files.createDirectories(tmp.resolve("mnt")).toRealPath();
        fs = new MemFs();
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (session != null) {
                session.close();
            }
        } finally {
            if (mnt != null && FuseMount.isMounted(mnt)) {
                run(10, "umount", "-l", mnt.toString()); // a leftover: detach it so the temp dir can go
            }
        }
        assertFalse(mnt != null && FuseMount.isMounted(mnt), "still mounted after close: " + mnt);
    }

    FuseSession mount(FuseOptions o) throws IOException {
        session = FuseSession.mount(mnt, fs, configure(o));
        return session;
    }

    /** The transport the tests run on: /dev/fuse here, io_uring in {@link FuseKernelMountUringTest}. */
    FuseOptions configure(FuseOptions o) {
        return o.transport(FuseOptions.Transport.DEV);
    }

    /** What the parallel test expects of the workers' channels. */
    void assertParallelChannels(FuseSession s) {
        assertTrue(s.describe().contains("3 cloned fds"), s.describe());
    }

    private static String mountLine(Path mp) throws IOException {
        for (String l : Files.readAllLines(Path.of("/proc/self/mounts"))) {
            String[] f = l.split(" ");
            if (f[1].equals(mp.toString())) {
                return l;
            }
        }
        return null;
    }

    @Test
    void javaNioOperationsReachTheFilesystem() throws Exception {
        FuseSession s = mount(new FuseOptions().fsName("memfs-test"));
        String line = mountLine(mnt);
        assertTrue(line != null && line.startsWith("memfs-test " + mnt + " fuse.jnetfs "), "/proc/self/mounts: " + line);
        FuseConnInfo c = s.conn();
        assertEquals(7, c.protoMajor());
        assertTrue(c.protoMinor() >= 12, c.toString());
        assertTrue(c.enabled(FuseConnInfo.FUSE_ASYNC_READ), c.toString());

        Path dir = Files.createDirectory(mnt.resolve("dir"));
        Path f = dir.resolve("hello.txt");
        Files.writeString(f, "hello, fuse\n");
        assertEquals("hello, fuse\n", Files.readString(f));
        assertArrayEquals("hello, fuse\n".getBytes(StandardCharsets.UTF_8), fs.contents("dir/hello.txt"));
        assertEquals(12, Files.size(f));

        Files.writeString(f, "more\n", StandardOpenOption.APPEND);
        assertEquals("hello, fuse\nmore\n", new String(fs.contents("dir/hello.txt"), StandardCharsets.UTF_8));

        Path moved = mnt.resolve("moved.txt");
        Files.move(f, moved);
        assertFalse(Files.exists(f));
        assertEquals("hello, fuse\nmore\n", Files.readString(moved));
        Files.writeString(f, "replaced");
        Files.move(f, moved, StandardCopyOption.REPLACE_EXISTING);
        assertEquals("replaced", Files.readString(moved));
        Files.writeString(moved, "hello, fuse\nmore\n");

        Path link = mnt.resolve("link");
        Files.createSymbolicLink(link, Path.of("moved.txt"));
        assertEquals(Path.of("moved.txt"), Files.readSymbolicLink(link));
        assertEquals("hello, fuse\nmore\n", Files.readString(link));
        Path hard = mnt.resolve("hard");
        Files.createLink(hard, mnt.resolve("moved.txt"));
        assertEquals(2, Files.getAttribute(hard, "unix:nlink"));

        Files.setPosixFilePermissions(hard, PosixFilePermissions.fromString("rw-------"));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(mnt.resolve("moved.txt"))));

        try (FileChannel ch = FileChannel.open(hard, StandardOpenOption.WRITE)) {
            ch.truncate(5);
        }
        assertEquals("hello", Files.readString(hard));

        try (Stream<Path> list = Files.list(mnt)) {
            assertEquals(List.of("dir", "hard", "link", "moved.txt"), list.map(p -> p.getFileName().toString()).sorted().toList());
        }
        Files.delete(hard);
        Files.delete(link);
        assertThrows(NoSuchFileException.class, () -> Files.delete(link));
        Path keep = Files.writeString(dir.resolve("keep"), "k");
        assertThrows(FileSystemException.class, () -> Files.delete(dir)); // ENOTEMPTY
        Files.delete(keep);
        Files.delete(dir);
        assertFalse(Files.exists(dir));
        assertTrue(s.stats().requests(FuseOpcode.FUSE_LOOKUP) > 0);
        assertEquals(0, s.stats().malformed());
    }

    @Test
    void largeFilesGoThroughWholeAndIntact() throws Exception {
        FuseSession s = mount(new FuseOptions().threads(2));
        assertEquals(1 << 20, s.conn().maxWrite(), s.conn().toString());
        byte[] data = new byte[12 << 20];
        new Random(21).nextBytes(data);
        Path f = mnt.resolve("big");
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ByteBuffer b = ByteBuffer.wrap(data);
            while (b.hasRemaining()) {
                ch.write(b);
            }
        }
        assertArrayEquals(data, fs.contents("big"));
        long writes = s.stats().requests(FuseOpcode.FUSE_WRITE);
        assertTrue(writes >= 12 && writes < 12 * 8, "12 MiB in " + writes + " WRITEs: max_write 1 MiB is not used");
        assertArrayEquals(data, Files.readAllBytes(f));
        // a read at an odd offset across request boundaries
        try (FileChannel ch = FileChannel.open(f)) {
            ByteBuffer b = ByteBuffer.allocate(3 << 20);
            long pos = (1 << 20) - 123;
            while (b.hasRemaining()) {
                ch.read(b, pos + b.position());
            }
            assertArrayEquals(java.util.Arrays.copyOfRange(data, (int) pos, (int) pos + (3 << 20)), b.array());
        }
    }

    @Test
    void realProgramsWork() throws Exception {
        mount(new FuseOptions());
        byte[] src = new byte[3 << 20];
        new Random(7).nextBytes(src);
        Path local = Files.write(tmp.resolve("local.bin"), src);
        run(30, "cp", local.toString(), mnt.resolve("copy.bin").toString());
        assertArrayEquals(src, fs.contents("copy.bin"));
        assertEquals(Integer.toString(src.length), run(10, "stat", "-c", "%s", mnt.resolve("copy.bin").toString()).trim());
        run(30, "dd", "if=" + local, "of=" + mnt.resolve("dd.bin"), "bs=64k", "conv=fsync", "status=none");
        assertArrayEquals(src, fs.contents("dd.bin"));
        run(30, "cmp", local.toString(), mnt.resolve("dd.bin").toString());
        Files.createDirectories(mnt.resolve("a/b/c"));
        Files.writeString(mnt.resolve("a/b/c/note"), "note\n");
        assertEquals("note\n", run(10, "cat", mnt.resolve("a/b/c/note").toString()));
        String ls = run(10, "ls", "-lR", mnt.toString());
        assertTrue(ls.contains("copy.bin") && ls.contains("note") && ls.contains("c"), ls);
        run(10, "mkdir", "-p", mnt.resolve("x/y/z").toString());
        run(10, "ln", "-s", "../a", mnt.resolve("x/lnk").toString());
        assertEquals("note\n", run(10, "cat", mnt.resolve("x/lnk/b/c/note").toString()));
        run(10, "touch", "-d", "2001-02-03 04:05:06", mnt.resolve("a/b/c/note").toString());
        assertEquals("2001-02-03", run(10, "date", "-r", mnt.resolve("a/b/c/note").toString(), "+%Y-%m-%d").trim());
        run(10, "truncate", "-s", "2", mnt.resolve("a/b/c/note").toString());
        assertEquals("no", Files.readString(mnt.resolve("a/b/c/note")));
        run(30, "rm", "-r", mnt.resolve("a").toString(), mnt.resolve("x").toString());
        assertFalse(Files.exists(mnt.resolve("a")));
        String df = run(10, "df", "-P", mnt.toString());
        assertTrue(df.contains(mnt.toString()), df);
    }

    @Test
    void opcodesWithoutHandlerAreAnsweredEnosysAndTheMountGoesOn() throws Exception {
        FuseSession s = mount(new FuseOptions());
        Path f = Files.writeString(mnt.resolve("f"), "data");
        UserDefinedFileAttributeView xattrs = Files.getFileAttributeView(f, UserDefinedFileAttributeView.class);
        // listxattr(2) becomes FUSE_LISTXATTR, which MemFs cannot answer: ENOSYS, which the kernel turns into
        // EOPNOTSUPP for the program
        assertThrows(IOException.class, xattrs::list);
        assertTrue(s.stats().requests(FuseOpcode.FUSE_LISTXATTR) >= 1, s.stats().toString());
        assertTrue(s.stats().enosys() >= 1, s.stats().toString());
        assertEquals("data", Files.readString(f));
    }

    @Test
    void aSignalInterruptsABlockedRequest() throws Exception {
        FuseSession s = mount(new FuseOptions());
        Files.writeString(mnt.resolve("slow"), "never read");
        Process cat = new ProcessBuilder("cat", mnt.resolve("slow").toString()).redirectErrorStream(true).start();
        try {
            assertTrue(fs.slowReadStarted.await(20, TimeUnit.SECONDS), "the READ did not reach the filesystem");
            cat.destroy(); // SIGTERM: the kernel sends INTERRUPT for the READ it waits on
            assertTrue(cat.waitFor(20, TimeUnit.SECONDS), "cat did not end after SIGTERM: the interrupt was lost");
        } finally {
            cat.destroyForcibly();
        }
        assertEquals(1, fs.slowReadsInterrupted.get(), s.stats().toString());
        assertTrue(s.stats().interrupts() >= 1, s.stats().toString());
        Files.writeString(mnt.resolve("after"), "hi"); // the mount still answers
        assertEquals("hi", Files.readString(mnt.resolve("after")));
    }

    @Test
    void closeDoesNotHangOnAHandlerBlockedInTheFilesystem() throws Exception {
        FuseSession s = mount(new FuseOptions());
        Files.writeString(mnt.resolve("slow"), "never read");
        Process cat = new ProcessBuilder("cat", mnt.resolve("slow").toString()).redirectErrorStream(true).start();
        try {
            assertTrue(fs.slowReadStarted.await(20, TimeUnit.SECONDS), "the READ did not reach the filesystem");
            long t0 = System.nanoTime();
            s.close(); // busy (cat has the file open): lazy unmount, the blocked READ is interrupted
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "close() took too long");
            assertTrue(cat.waitFor(10, TimeUnit.SECONDS), "cat still hangs after the session closed (a retried READ reached the filesystem again?)");
        } finally {
            cat.destroyForcibly();
        }
        assertEquals(1, fs.slowReadsInterrupted.get());
        assertFalse(s.isRunning());
        assertFalse(mnt != null && FuseMount.isMounted(mnt));
    }

    @Test
    void aBusyMountUnmountsOnlyLazilyAndIsServedUntilLetGo() throws Exception {
        FuseSession s = mount(new FuseOptions());
        Path f = Files.writeString(mnt.resolve("held"), "held open");
        try (FileChannel ch = FileChannel.open(f)) {
            IOException busy = assertThrows(IOException.class, () -> s.unmount(false));
            assertTrue(busy.getMessage().contains("EBUSY"), busy.getMessage());
            s.unmount(true);
            assertFalse(FuseMount.isMounted(mnt));
            ByteBuffer b = ByteBuffer.allocate(64);
            ch.read(b, 0); // still served after the lazy unmount
            assertEquals("held open", new String(b.array(), 0, b.position(), StandardCharsets.UTF_8));
            assertTrue(s.isRunning());
        }
        assertTrue(s.awaitTermination(Duration.ofSeconds(20)), "the session did not end once the file was closed");
        assertTrue(fs.destroyed);
    }

    @Test
    void anUnmountFromOutsideEndsTheSession() throws Exception {
        FuseSession s = mount(new FuseOptions());
        Files.writeString(mnt.resolve("f"), "x");
        run(10, "umount", mnt.toString());
        assertTrue(s.awaitTermination(Duration.ofSeconds(20)), "workers did not see the unmount");
        assertTrue(fs.destroyed);
        assertFalse(s.isRunning());
    }

    @Test
    void fusermount3MountsAndUnmounts() throws Exception {
        Require.feature("fuse/fusermount3", FuseSession.unavailableReason(FuseOptions.MountMethod.FUSERMOUNT));
        FuseSession s = mount(new FuseOptions().mountMethod(FuseOptions.MountMethod.FUSERMOUNT).threads(2).fsName("viafusermount"));
        assertEquals(FuseOptions.MountMethod.FUSERMOUNT, s.mountMethod());
        String line = mountLine(mnt);
        assertTrue(line != null && line.startsWith("viafusermount " + mnt + " fuse.jnetfs "), "/proc/self/mounts: " + line);
        Files.writeString(mnt.resolve("f"), "through fusermount3");
        assertEquals("through fusermount3", run(10, "cat", mnt.resolve("f").toString()));
        s.unmount(false); // fusermount3 -u
        assertTrue(s.awaitTermination(Duration.ofSeconds(20)));
        assertFalse(mnt != null && FuseMount.isMounted(mnt));
    }

    @Test
    void parallelReadersAndWritersOnClonedDescriptors() throws Exception {
        FuseSession s = mount(new FuseOptions().threads(4));
        int n = 8;
        Thread[] ts = new Thread[n];
        Throwable[] errors = new Throwable[n];
        for (int i = 0; i < n; i++) {
            int k = i;
            ts[i] = new Thread(() -> {
                try {
                    byte[] d = new byte[(256 << 10) + k];
                    new Random(k).nextBytes(d);
                    Path p = mnt.resolve("p" + k);
                    for (int round = 0; round < 5; round++) {
                        Files.write(p, d);
                        assertArrayEquals(d, Files.readAllBytes(p));
                    }
                } catch (Throwable t) {
                    errors[k] = t;
                }
            });
            ts[i].start();
        }
        for (Thread t : ts) {
            t.join(60_000);
            assertFalse(t.isAlive(), "a writer hung");
        }
        for (Throwable t : errors) {
            if (t != null) {
                throw new AssertionError(t);
            }
        }
        assertEquals(0, s.stats().sendFailures(), s.stats().toString());
        assertParallelChannels(s);
    }

    @Test
    void lookupCountsFromLookupAndReaddirplusAreAllForgotten() throws Exception {
        Require.feature("fuse/drop_caches", Files.isWritable(Path.of("/proc/sys/vm/drop_caches")) ? null
                : "/proc/sys/vm/drop_caches is not writable (needs root): the kernel cannot be made to forget");
        FuseSession s = mount(new FuseOptions().entryTimeout(Duration.ofSeconds(60)).attrTimeout(Duration.ofSeconds(60)));
        Files.createDirectories(mnt.resolve("d/e"));
        for (int i = 0; i < 50; i++) {
            Files.writeString(mnt.resolve("d/f" + i), "x" + i);
        }
        run(10, "ls", "-lR", mnt.toString()); // READDIRPLUS entries take lookups too
        assertTrue(s.stats().requests(FuseOpcode.FUSE_READDIRPLUS) > 0, s.stats().toString());
        Files.delete(mnt.resolve("d/f7"));
        synchronized (fs) {
            assertTrue(fs.nodes.values().stream().anyMatch(n -> n.id != FuseFilesystem.ROOT_ID && n.lookups > 0));
        }
        // make the kernel evict its dentries and inodes: it FORGETs every lookup it holds
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        long held;
        do {
            Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
            Thread.sleep(100);
            synchronized (fs) {
                held = fs.nodes.values().stream().filter(n -> n.id != FuseFilesystem.ROOT_ID)
                        .mapToLong(n -> n.lookups).sum();
            }
        } while (held != 0 && System.nanoTime() < deadline);
        assertEquals(0, held, "lookups the kernel never gave back (or gave back twice): " + s.stats());
        synchronized (fs) {
            assertTrue(fs.nodes.values().stream().allMatch(n -> n.lookups == 0 || n.id == FuseFilesystem.ROOT_ID));
            assertEquals(1 + 2 + 49, fs.nodes.size(), "the unlinked file is freed at its last forget, the others stay");
        }
        assertTrue(s.stats().requests(FuseOpcode.FUSE_FORGET) + s.stats().requests(FuseOpcode.FUSE_BATCH_FORGET) > 0);
        assertEquals("x3", Files.readString(mnt.resolve("d/f3"))); // looked up afresh
    }

    @Test
    void notificationsDropWhatTheKernelCached() throws Exception {
        fs.keepCache = true;
        FuseSession s = mount(new FuseOptions().entryTimeout(Duration.ofSeconds(60)).attrTimeout(Duration.ofSeconds(60)));
        Path f = Files.writeString(mnt.resolve("f"), "first");
        assertEquals("first", Files.readString(f));
        long id;
        synchronized (fs) {
            id = fs.nodes.get(FuseFilesystem.ROOT_ID).children.get("f");
            MemFs.Node n = fs.nodes.get(id);
            // another client changed it: same size and mtime, so the kernel cannot tell by the attributes
            n.data = "FIRST".getBytes(StandardCharsets.UTF_8);
        }
        String again = Files.readString(f);
        assertEquals("first", again, "served from the kernel's caches (60 s timeouts)");
        assertEquals(0, s.notifyInvalInode(id, 0, 0));
        assertEquals("FIRST", Files.readString(f));
        synchronized (fs) {
            fs.nodes.get(FuseFilesystem.ROOT_ID).children.remove("f"); // another client removed it
        }
        assertTrue(Files.exists(f), "the kernel still has the name cached");
        assertEquals(0, s.notifyInvalEntry(FuseFilesystem.ROOT_ID, "f"));
        assertFalse(Files.exists(f));
        assertEquals(-io.jnetfs.ffm.Errno.ENOENT, s.notifyInvalEntry(FuseFilesystem.ROOT_ID, "never-looked-up"));
    }

    @Test
    void writebackCacheGathersWritesAndLosesNothing() throws Exception {
        FuseSession s = mount(new FuseOptions().writebackCache(true));
        assertTrue(s.conn().enabled(FuseConnInfo.FUSE_WRITEBACK_CACHE), s.conn().toString());
        byte[] data = new byte[5 << 20];
        new Random(5).nextBytes(data);
        Path local = Files.write(tmp.resolve("wb.bin"), data);
        run(30, "dd", "if=" + local, "of=" + mnt.resolve("wb.bin"), "bs=4k", "conv=fsync", "status=none");
        assertArrayEquals(data, fs.contents("wb.bin"));
        // 4 KiB writes reached the filesystem gathered into larger WRITEs
        assertTrue(s.stats().requests(FuseOpcode.FUSE_WRITE) < data.length / 4096, s.stats().toString());
    }

    @Test
    void aReadOnlyMountRefusesWrites() throws Exception {
        mount(new FuseOptions().readOnly(true));
        assertTrue(mountLine(mnt).contains(" ro,"), mountLine(mnt));
        IOException e = assertThrows(IOException.class, () -> Files.writeString(mnt.resolve("f"), "x"));
        assertTrue(e.getMessage().contains("Read-only file system"), e.getMessage());
        assertEquals(0, fs.nodes.size() - 1);
    }

    @Test
    void allowOtherLetsOtherUsersIn() throws Exception {
        Require.feature("fuse/non-root", FuseMount.isRoot() && FuseMount.findOnPath("setpriv") != null ? null
                : "needs root and setpriv to act as another user");
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "fuse-allow-other",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path mp = Files.createDirectory(dir.resolve("mnt"));
        try {
            for (boolean allowOther : new boolean[] {false, true}) {
                MemFs memfs = new MemFs();
                try (FuseSession s = FuseSession.mount(mp, memfs, new FuseOptions().allowOther(allowOther))) {
                    Files.writeString(mp.resolve("f"), "for everyone\n");
                    Process p = new ProcessBuilder("setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
                            "cat", mp.resolve("f").toString()).redirectErrorStream(true).start();
                    assertTrue(p.waitFor(20, TimeUnit.SECONDS));
                    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    if (allowOther) {
                        assertEquals(0, p.exitValue(), out);
                        assertEquals("for everyone\n", out);
                    } else {
                        assertTrue(p.exitValue() != 0 && out.contains("Permission denied"), out);
                    }
                }
            }
        } finally {
            if (FuseMount.isMounted(mp)) {
                run(10, "umount", "-l", mp.toString());
            }
            Files.deleteIfExists(mp);
            Files.deleteIfExists(dir);
        }
    }

    /** Runs a program with a bounded wait: its output, or fails with it. */
    static String run(int seconds, String... cmd) throws Exception {
        Path outFile = Files.createTempFile("fuse-test", ".out");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(outFile.toFile()).start();
            boolean done = p.waitFor(seconds, TimeUnit.SECONDS);
            if (!done) {
                p.destroyForcibly();
                throw new AssertionError("timed out after " + seconds + " s: " + String.join(" ", cmd));
            }
            String out = Files.readString(outFile);
            assertEquals(0, p.exitValue(), String.join(" ", cmd) + ":\n" + out);
            return out;
        } finally {
            Files.deleteIfExists(outFile);
        }
    }
}
