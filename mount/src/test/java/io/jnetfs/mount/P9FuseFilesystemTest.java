package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.fuse.FuseAttr;
import io.jnetfs.fuse.FuseEntry;
import io.jnetfs.fuse.FuseFilesystem;
import io.jnetfs.fuse.FuseOpen;
import io.jnetfs.fuse.FuseSetattr;
import io.jnetfs.fuse.FuseStatfs;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The FUSE operations called the way the session calls them, against {@code jnetfs serve} in this JVM
 * (and diod: {@link P9FuseFilesystemDiodTest}):
 * what the server's directory shows after each, lookup counts and fids, READ from page-cache folios.
 * (The same through a real mount and real programs: {@code MountJnetfsServeTest}, {@code MountDiodTest}.)
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class P9FuseFilesystemTest {
    private static final int O_RDONLY = 0;
    private static final int O_RDWR = 2;
    private static final int O_CREAT = 0100;
    private static final int O_TRUNC = 01000;

    @TempDir
    Path export;

    /** {@return the server these tests talk to} */
    Remote remote(Path dir) throws java.io.IOException {
        return Remote.jnetfsServe(dir);
    }

    private static P9FuseFilesystem fs(Remote r) {
        return new P9FuseFilesystem(r.client, r.netfs, null, r.serverId(), MountSettings.defaults());
    }

    @Test
    void createWriteReleaseThenTheServerHasTheBytesAndAReadComesFromFolios() throws Exception {
        try (Remote r = remote(export); Arena a = Arena.ofConfined()) {
            P9FuseFilesystem fs = fs(r);
            int fidsBefore = r.client.liveFids();
            byte[] data = new byte[3 << 20];
            new Random(7).nextBytes(data);
            FuseEntry e = new FuseEntry().reset(0, 0);
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.create(null, FuseFilesystem.ROOT_ID, "f.bin", FuseAttr.S_IFREG | 0644, 022,
                    O_CREAT | O_RDWR, e, o));
            long node = e.nodeId();
            assertTrue(node > FuseFilesystem.ROOT_ID);
            assertEquals(data.length, fs.write(null, node, o.fh(), 0, Replies.nativeCopy(a, data), 0, O_RDWR));
            FuseAttr attr = new FuseAttr();
            assertEquals(0, fs.getattr(null, node, o.fh(), attr));
            assertEquals(data.length, attr.size(), "the size a writer sees before writeback");
            assertEquals(0, fs.flush(null, node, o.fh(), 0));
            assertArrayEquals(data, Files.readAllBytes(export.resolve("f.bin")), "on the server after FLUSH");

            Replies.Data rd = new Replies.Data(1 << 20);
            assertEquals(0, fs.read(null, node, o.fh(), 1 << 20, 1 << 20, O_RDWR, rd));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 1 << 20, 2 << 20), rd.bytes());
            assertTrue(rd.folios > 0 && rd.copies == 0, "READ handed page-cache folios: " + rd.folios + " folios, "
                    + rd.copies + " copies");
            Replies.Data eof = new Replies.Data(1 << 20);
            assertEquals(0, fs.read(null, node, o.fh(), data.length - 10, 1 << 20, O_RDWR, eof));
            assertEquals(10, eof.bytes().length, "a read over the end is short");

            assertEquals(0, fs.release(null, node, o.fh(), O_RDWR));
            assertEquals(0, fs.openHandles());
            fs.forget(node, 1);
            assertEquals(1, fs.nodeCount(), "the root only");
            assertEquals(fidsBefore, r.client.liveFids(), "FORGET clunked the node's fid");
        }
    }

    @Test
    void openWithTruncAndSetattrSizeGoThroughTheEngine() throws Exception {
        try (Remote r = remote(export); Arena a = Arena.ofConfined()) {
            Files.write(export.resolve("t"), new byte[100_000]);
            P9FuseFilesystem fs = fs(r);
            FuseEntry e = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.lookup(null, FuseFilesystem.ROOT_ID, "t", e));
            assertEquals(100_000, e.attr().size());
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.open(null, e.nodeId(), O_RDWR | O_TRUNC, o));
            assertEquals(0, Files.size(export.resolve("t")), "O_TRUNC reached the server");
            assertEquals(5, fs.write(null, e.nodeId(), o.fh(), 0, Replies.nativeCopy(a, "hello".getBytes()), 0, O_RDWR));
            FuseSetattr grow = setattr(FuseSetattr.FATTR_SIZE, 8192);
            FuseAttr attr = new FuseAttr();
            assertEquals(0, fs.setattr(null, e.nodeId(), grow, attr));
            assertEquals(8192, attr.size());
            byte[] want = new byte[8192];
            System.arraycopy("hello".getBytes(), 0, want, 0, 5);
            assertArrayEquals(want, Files.readAllBytes(export.resolve("t")), "written back before the truncate");
            assertEquals(0, fs.release(null, e.nodeId(), o.fh(), 0));
            assertEquals(0, fs.setattr(null, e.nodeId(), setattr(FuseSetattr.FATTR_SIZE, 3), attr), "closed: Tsetattr");
            assertEquals("hel", Files.readString(export.resolve("t")));
        }
    }

    @Test
    void lseekDataAndHoleAndFallocateGrowing() throws Exception {
        try (Remote r = remote(export)) {
            Files.write(export.resolve("s"), new byte[10_000]);
            P9FuseFilesystem fs = fs(r);
            FuseEntry e = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.lookup(null, FuseFilesystem.ROOT_ID, "s", e));
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.open(null, e.nodeId(), O_RDWR, o));
            assertEquals(100, fs.lseek(null, e.nodeId(), o.fh(), 100, FuseFilesystem.SEEK_DATA));
            assertEquals(10_000, fs.lseek(null, e.nodeId(), o.fh(), 100, FuseFilesystem.SEEK_HOLE));
            assertEquals(-Errno.ENXIO, fs.lseek(null, e.nodeId(), o.fh(), 10_000, FuseFilesystem.SEEK_DATA));
            assertEquals(0, fs.fallocate(null, e.nodeId(), o.fh(), 8_000, 12_000, 0));
            assertEquals(20_000, Files.size(export.resolve("s")), "grown to cover the range");
            assertEquals(0, fs.fallocate(null, e.nodeId(), o.fh(), 0, 100, 0));
            assertEquals(20_000, Files.size(export.resolve("s")), "never shrunk");
            assertEquals(-Errno.EOPNOTSUPP, fs.fallocate(null, e.nodeId(), o.fh(), 0, 100, 3), "punching holes");
            assertEquals(0, fs.release(null, e.nodeId(), o.fh(), 0));
        }
    }

    @Test
    void namesMkdirSymlinkLinkRenameUnlinkRmdir() throws Exception {
        try (Remote r = remote(export)) {
            P9FuseFilesystem fs = fs(r);
            FuseEntry d = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.mkdir(null, FuseFilesystem.ROOT_ID, "d", 0755, 0, d));
            assertTrue(Files.isDirectory(export.resolve("d")));
            assertEquals(FuseAttr.S_IFDIR, d.attr().mode() & FuseAttr.S_IFMT);
            FuseEntry f = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.mknod(null, d.nodeId(), "f", FuseAttr.S_IFREG | 0600, 0, 0, f));
            FuseEntry s = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.symlink(null, d.nodeId(), "s", "f", s));
            assertEquals("f", Files.readSymbolicLink(export.resolve("d/s")).toString());
            Replies.Data target = new Replies.Data(4096);
            assertEquals(0, fs.readlink(null, s.nodeId(), target));
            assertEquals("f", new String(target.bytes()));
            FuseEntry l = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.link(null, f.nodeId(), FuseFilesystem.ROOT_ID, "hard", l));
            assertEquals(f.nodeId(), l.nodeId(), "a hard link is the same node");
            assertEquals(2, l.attr().nlink());
            assertEquals(-Errno.EEXIST, fs.mkdir(null, FuseFilesystem.ROOT_ID, "d", 0755, 0, new FuseEntry().reset(0, 0)));

            assertEquals(0, fs.rename(null, d.nodeId(), "f", FuseFilesystem.ROOT_ID, "g", 0));
            assertTrue(Files.exists(export.resolve("g")) && !Files.exists(export.resolve("d/f")));
            FuseAttr attr = new FuseAttr();
            assertEquals(0, fs.getattr(null, f.nodeId(), FuseFilesystem.NO_FH, attr), "the moved node still answers");
            assertEquals(-Errno.EEXIST, fs.rename(null, FuseFilesystem.ROOT_ID, "g", FuseFilesystem.ROOT_ID, "hard",
                    FuseFilesystem.RENAME_NOREPLACE));
            assertEquals(-Errno.EINVAL, fs.rename(null, FuseFilesystem.ROOT_ID, "g", FuseFilesystem.ROOT_ID, "hard",
                    FuseFilesystem.RENAME_EXCHANGE));
            assertEquals(-Errno.ENOTEMPTY, fs.rmdir(null, FuseFilesystem.ROOT_ID, "d"));
            assertEquals(0, fs.unlink(null, d.nodeId(), "s"));
            assertEquals(0, fs.rmdir(null, FuseFilesystem.ROOT_ID, "d"));
            assertEquals(0, fs.unlink(null, FuseFilesystem.ROOT_ID, "hard"));
            FuseEntry missing = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.lookup(null, FuseFilesystem.ROOT_ID, "hard", missing), "a negative entry");
            assertEquals(0, missing.nodeId());
            assertEquals(MountSettings.DEFAULT_TIMEOUT.toNanos(), missing.entryTimeoutNanos());
            assertEquals(-Errno.ENOTDIR, fs.lookup(null, l.nodeId(), "x", new FuseEntry().reset(0, 0)),
                    "the server's errno passes through");
            assertEquals(List.of("g"), list(export));
            FuseStatfs st = new FuseStatfs().reset();
            assertEquals(0, fs.statfs(null, FuseFilesystem.ROOT_ID, st));
            assertTrue(st.blocks() > 0);
        }
    }

    @Test
    void anUnlinkedFilesNumberReusedOnTheServerIsANewNode() throws Exception {
        try (Remote r = remote(export); Arena a = Arena.ofConfined()) {
            P9FuseFilesystem fs = fs(r);
            FuseEntry e1 = new FuseEntry().reset(0, 0);
            FuseOpen o1 = new FuseOpen().reset(0);
            assertEquals(0, fs.create(null, FuseFilesystem.ROOT_ID, "x", 0644, 0, O_CREAT | O_RDWR, e1, o1));
            assertEquals(0, fs.release(null, e1.nodeId(), o1.fh(), 0));
            assertEquals(0, fs.unlink(null, FuseFilesystem.ROOT_ID, "x"));
            // the kernel still holds the old node (no FORGET yet); ext4 hands the inode number out again
            FuseEntry e2 = new FuseEntry().reset(0, 0);
            FuseOpen o2 = new FuseOpen().reset(0);
            assertEquals(0, fs.create(null, FuseFilesystem.ROOT_ID, "y", 0644, 0, O_CREAT | O_RDWR, e2, o2));
            assertTrue(e2.nodeId() != e1.nodeId(), "a removed name's node is never found again");
            assertEquals(3, fs.write(null, e2.nodeId(), o2.fh(), 0, Replies.nativeCopy(a, "abc".getBytes()), 0, 0));
            assertEquals(0, fs.release(null, e2.nodeId(), o2.fh(), 0));
            assertEquals("abc", Files.readString(export.resolve("y")));
        }
    }

    @Test
    void aFileLinkedUnderItsFinalNameThenUnlinkedUnderItsFirstStillAnswers() throws Exception {
        try (Remote r = remote(export); Arena a = Arena.ofConfined()) {
            P9FuseFilesystem fs = fs(r);
            FuseEntry e = new FuseEntry().reset(0, 0);
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.create(null, FuseFilesystem.ROOT_ID, "tmp_obj", 0444, 0, O_CREAT | O_RDWR, e, o));
            assertEquals(3, fs.write(null, e.nodeId(), o.fh(), 0, Replies.nativeCopy(a, "obj".getBytes()), 0, 0));
            assertEquals(0, fs.release(null, e.nodeId(), o.fh(), 0));
            FuseEntry l = new FuseEntry().reset(0, 0);
            assertEquals(0, fs.link(null, e.nodeId(), FuseFilesystem.ROOT_ID, "final", l)); // what git does
            assertEquals(0, fs.unlink(null, FuseFilesystem.ROOT_ID, "tmp_obj"));
            FuseAttr attr = new FuseAttr();
            assertEquals(0, fs.getattr(null, l.nodeId(), FuseFilesystem.NO_FH, attr),
                    "the node answers after its first name is gone (diod keeps a path in each fid)");
            assertEquals(3, attr.size());
            FuseOpen ro = new FuseOpen().reset(0);
            assertEquals(0, fs.open(null, l.nodeId(), O_RDONLY, ro));
            Replies.Data d = new Replies.Data(4096);
            assertEquals(0, fs.read(null, l.nodeId(), ro.fh(), 0, 4096, O_RDONLY, d));
            assertEquals("obj", new String(d.bytes()));
            assertEquals(0, fs.release(null, l.nodeId(), ro.fh(), 0));
        }
    }

    @Test
    void readdirPlusCountsOnlyTheEntriesTheKernelTook() throws Exception {
        try (Remote r = remote(export)) {
            for (int i = 0; i < 10; i++) {
                Files.writeString(export.resolve("n" + i), "x".repeat(i));
            }
            P9FuseFilesystem fs = fs(r);
            int fids = r.client.liveFids();
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.opendir(null, FuseFilesystem.ROOT_ID, 0, o));
            Replies.Dir first = new Replies.Dir(true, 5);
            assertEquals(0, fs.readdir(null, FuseFilesystem.ROOT_ID, o.fh(), 0, first));
            assertEquals(5, first.entries.size());
            long counted = first.entries.stream().filter(x -> x.nodeId() != 0).count();
            assertEquals(counted + 1, fs.nodeCount(), "one node per accepted entry with attributes, the root");
            Replies.Dir rest = new Replies.Dir(true, 100);
            assertEquals(0, fs.readdir(null, FuseFilesystem.ROOT_ID, o.fh(), first.entries.getLast().off(), rest));
            List<String> names = new java.util.ArrayList<>();
            first.entries.forEach(x -> names.add(x.name()));
            rest.entries.forEach(x -> names.add(x.name()));
            names.removeIf(n -> n.equals(".") || n.equals(".."));
            names.sort(null);
            assertEquals(list(export), names, "every entry once, across the two calls");
            for (Replies.Entry x : rest.entries) {
                if (x.name().startsWith("n")) {
                    assertEquals(FuseAttr.S_IFREG, x.mode() & FuseAttr.S_IFMT);
                }
            }
            Replies.Dir end = new Replies.Dir(true, 100);
            assertEquals(0, fs.readdir(null, FuseFilesystem.ROOT_ID, o.fh(), rest.entries.getLast().off(), end));
            assertTrue(end.entries.isEmpty(), "the end");
            assertEquals(0, fs.releasedir(null, FuseFilesystem.ROOT_ID, o.fh(), 0));
            first.entries.forEach(x -> fs.forget(x.nodeId(), 1));
            rest.entries.forEach(x -> fs.forget(x.nodeId(), 1));
            assertEquals(1, fs.nodeCount());
            assertEquals(fids, r.client.liveFids(), "every fid clunked");
            Replies.Dir plain = new Replies.Dir(false, 100);
            FuseOpen o2 = new FuseOpen().reset(0);
            assertEquals(0, fs.opendir(null, FuseFilesystem.ROOT_ID, 0, o2));
            assertEquals(0, fs.readdir(null, FuseFilesystem.ROOT_ID, o2.fh(), 0, plain));
            assertEquals(12, plain.entries.size());
            assertFalse(plain.entries.stream().anyMatch(x -> x.nodeId() != 0), "READDIR counts nothing");
            assertEquals(1, fs.nodeCount());
            assertEquals(0, fs.releasedir(null, FuseFilesystem.ROOT_ID, o2.fh(), 0));
        }
    }

    @Test
    void setattrModeAndTimesAfterWritingKeepTheTimes() throws Exception {
        try (Remote r = remote(export); Arena a = Arena.ofConfined()) {
            P9FuseFilesystem fs = fs(r);
            FuseEntry e = new FuseEntry().reset(0, 0);
            FuseOpen o = new FuseOpen().reset(0);
            assertEquals(0, fs.create(null, FuseFilesystem.ROOT_ID, "m", 0644, 0, O_CREAT | O_RDWR, e, o));
            assertEquals(4, fs.write(null, e.nodeId(), o.fh(), 0, Replies.nativeCopy(a, "data".getBytes()), 0, 0));
            FuseSetattr t = setattr(FuseSetattr.FATTR_MTIME | FuseSetattr.FATTR_ATIME | FuseSetattr.FATTR_MODE, 0);
            set(t, "mtime", 1_000_000_000L);
            set(t, "atime", 1_000_000_000L);
            set(t, "mode", 0600);
            FuseAttr attr = new FuseAttr();
            assertEquals(0, fs.setattr(null, e.nodeId(), t, attr));
            assertEquals(0, fs.release(null, e.nodeId(), o.fh(), 0));
            assertEquals(1_000_000_000L, Files.getLastModifiedTime(export.resolve("m")).toMillis() / 1000,
                    "the data written before the times did not move them again");
            assertEquals(0600, attr.mode() & 07777);
            assertEquals("data", Files.readString(export.resolve("m")));
            FuseOpen ro = new FuseOpen().reset(0);
            assertEquals(0, fs.open(null, e.nodeId(), O_RDONLY, ro));
            assertEquals(-Errno.EBADF, fs.write(null, e.nodeId(), 12345, 0, Replies.nativeCopy(a, new byte[1]), 0, 0));
            assertEquals(0, fs.release(null, e.nodeId(), ro.fh(), 0));
        }
    }

    /** A SETATTR as the dispatcher fills it from the request (its fields are the fuse package's). */
    private static FuseSetattr setattr(int valid, long size) throws Exception {
        FuseSetattr s = new FuseSetattr();
        set(s, "valid", valid);
        set(s, "size", size);
        return s;
    }

    private static void set(FuseSetattr s, String field, Object value) throws Exception {
        java.lang.reflect.Field f = FuseSetattr.class.getDeclaredField(field);
        f.setAccessible(true);
        f.set(s, value);
    }

    private static List<String> list(Path dir) throws java.io.IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
