package io.jnetfs.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The path calls on real files: what the kernel says, in Java values, and failures that name the call and the path. */
class PathCallsTest {
    private static final int S_IFMT = 0170000;
    private static final int S_IFREG = 0100000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFLNK = 0120000;

    @TempDir
    Path dir;

    @Test
    void statSaysWhatTheJdkSeesAndNanosecondTimesRoundTrip() throws IOException {
        Path f = Files.write(dir.resolve("f"), new byte[10_000]);
        long mtime = 1_600_000_000_123_456_789L;
        long atime = -1_000_000_001L; // before the epoch: floorDiv/floorMod, not truncation
        PathCalls.setTimes(f.toString(), atime, mtime);
        PathCalls.chmod(f.toString(), 0100640);
        FileStat st = PathCalls.stat(f.toString());
        Map<String, Object> unix = Files.readAttributes(f, "unix:*", LinkOption.NOFOLLOW_LINKS);
        assertEquals(S_IFREG, st.mode() & S_IFMT);
        assertEquals(0640, st.mode() & 07777);
        assertEquals(unix.get("mode"), st.mode());
        assertEquals(10_000, st.size());
        assertEquals(unix.get("ino"), st.ino());
        assertEquals(unix.get("nlink"), (int) st.nlink());
        assertEquals(unix.get("uid"), st.uid());
        assertEquals(unix.get("gid"), st.gid());
        assertEquals(mtime, st.mtimeNanos());
        assertEquals(atime, st.atimeNanos());
        assertTrue(st.ctimeNanos() > 0);
        assertTrue(st.blksize() > 0);
        assertEquals(st.blocks() * 512, st.allocatedBytes());

        Path link = Files.createSymbolicLink(dir.resolve("l"), f.getFileName());
        assertEquals(S_IFLNK, PathCalls.lstat(link.toString()).mode() & S_IFMT);
        assertEquals(st, PathCalls.stat(link.toString()), "stat follows the link");
    }

    @Test
    void directoriesLinksAndRenamesAreMadeAndTheirFailuresNamed() throws IOException {
        String d = dir.resolve("d").toString();
        PathCalls.mkdir(d, 0755);
        assertEquals(S_IFDIR, PathCalls.stat(d).mode() & S_IFMT);
        IOException exists = assertThrows(FileAlreadyExistsException.class, () -> PathCalls.mkdir(d, 0755));
        assertEquals(d + ": mkdirat(path=" + d + ") failed: EEXIST (File exists)", exists.getMessage());
        assertInstanceOf(NativeIoException.class, exists.getCause());

        String link = dir.resolve("to-d").toString();
        PathCalls.symlink(link, "d");
        assertEquals(d, dir.resolve(Files.readSymbolicLink(Path.of(link))).toString());

        String e = dir.resolve("e").toString();
        PathCalls.rename(d, e);
        assertFalse(Files.exists(Path.of(d)));
        IOException gone = assertThrows(NoSuchFileException.class, () -> PathCalls.rename(d, e));
        assertEquals(d + ": renameat(from=" + d + ", to=" + e + ") failed: ENOENT (No such file or directory)",
                gone.getMessage());

        Files.writeString(Path.of(e, "x"), "x");
        assertThrows(DirectoryNotEmptyException.class, () -> PathCalls.remove(e, true));
        PathCalls.remove(Path.of(e, "x").toString(), false);
        PathCalls.remove(e, true);
        PathCalls.remove(link, false);
        assertEquals(0, Files.list(dir).count());
        IOException noStat = assertThrows(NoSuchFileException.class, () -> PathCalls.lstat(e));
        assertTrue(noStat.getMessage().contains("fstatat(path=" + e + ") failed: ENOENT"), noStat.getMessage());
    }

    @Test
    void statfsSaysTheFileSystem() throws IOException, InterruptedException {
        FsStat proc = PathCalls.statfs("/proc");
        assertEquals(0x9fa0, proc.type(), "PROC_SUPER_MAGIC");
        assertTrue(PathCalls.statfs(dir.toString()).blockSize() > 0);
        Path fifo = dir.resolve("fifo");
        assertEquals(0, new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start().waitFor());
        assertTrue(PathCalls.statfs(fifo.toString()).blockSize() > 0, "a FIFO does not block the open");
        IOException missing = assertThrows(NoSuchFileException.class, () -> PathCalls.statfs(dir.resolve("m").toString()));
        assertTrue(missing.getMessage().contains("open(path=" + dir.resolve("m") + ") failed: ENOENT"),
                missing.getMessage());
    }
}
