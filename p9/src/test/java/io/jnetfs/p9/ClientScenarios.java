package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;

/**
 * Client scenarios run unchanged against diod ({@link P9PeerTestBase}) and against this project's
 * server ({@code ServerClientTestBase}): the same calls must give the same answers, checked on the
 * exported directory itself.
 */
public final class ClientScenarios {
    private ClientScenarios() {
    }

    /**
     * Tlcreate, Twrite of {@code data} (several Twrites), Treads inside, across and at the end of the
     * file, Tgetattr against the local file, Tfsync both ways.
     *
     * @param dir a fid of the export's directory, {@code local} on this machine
     */
    public static void createWriteReadGetattr(P9Client client, Fid dir, Path local, byte[] data) throws IOException {
        createWriteReadGetattr(client, dir, local, data, P9Flags.P9_GETATTR_ALL);
    }

    /**
     * As {@link #createWriteReadGetattr(P9Client, Fid, Path, byte[])}, for a server whose Rgetattr has the
     * valid mask {@code valid} (NFS-Ganesha: {@link P9Flags#P9_GETATTR_BASIC}, no btime, gen or data_version).
     */
    public static void createWriteReadGetattr(P9Client client, Fid dir, Path local, byte[] data, long valid)
            throws IOException {
        try (Fid f = client.create(dir, "file.bin", P9Flags.P9_DOTL_RDWR | P9Flags.P9_DOTL_EXCL, 0640)) {
            assertTrue(f.isOpen());
            assertEquals(data.length, client.write(f, 0, data));
            assertArrayEquals(data, client.read(f, 0, data.length));
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 71_000), client.read(f, 1000, 70_000));
            assertEquals(0, client.read(f, data.length, 10).length, "read at end of file");
            byte[] tail = client.read(f, data.length - 5, 1000);
            assertArrayEquals(Arrays.copyOfRange(data, data.length - 5, data.length), tail, "short read at end");
            P9Attr a = client.getattr(f);
            assertEquals(data.length, a.size());
            assertTrue(a.isRegularFile());
            assertEquals(0640, a.mode() & 07777);
            assertEquals(Files.getAttribute(local.resolve("file.bin"), "unix:ino"), a.qid().path());
            assertEquals(f.qid().path(), a.qid().path());
            assertEquals(valid, a.valid(), "every field the server answers");
            client.fsync(f, false);
            client.fsync(f, true);
        }
        assertArrayEquals(data, Files.readAllBytes(local.resolve("file.bin")));
    }

    /**
     * Trenameat within and across directories, Tmkdir, Tsymlink and Treadlink, Tlink, Tunlinkat of
     * each, Tremove: every step checked on the exported directory, which ends empty.
     */
    public static void namesAndLinks(P9Client client, Fid dir, Path local) throws IOException {
        namesAndLinks(client, dir, local, true);
    }

    /**
     * As {@link #namesAndLinks(P9Client, Fid, Path)}, with the closing Tremove only where {@code tremove}:
     * NFS-Ganesha 4.3 dies (SIGSEGV) on a Tremove of a walked fid, so its runs leave that step out.
     */
    public static void namesAndLinks(P9Client client, Fid dir, Path local, boolean tremove) throws IOException {
        try (Fid f = client.create(dir, "a", P9Flags.P9_DOTL_WRONLY, 0644)) {
            client.write(f, 0, new byte[] {1, 2, 3});
        }
        client.renameat(dir, "a", dir, "b");
        assertFalse(Files.exists(local.resolve("a")));
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(local.resolve("b")));

        Qid sub = client.mkdir(dir, "sub", 0755);
        assertTrue(sub.isDirectory());
        assertTrue(Files.isDirectory(local.resolve("sub")));
        assertEquals("rwxr-xr-x", PosixFilePermissions.toString(Files.getPosixFilePermissions(local.resolve("sub"))));
        try (Fid s = client.walk(dir, "sub")) {
            client.renameat(dir, "b", s, "c");
        }
        assertTrue(Files.exists(local.resolve("sub/c")));

        assertTrue(client.symlink(dir, "link", "sub/c").isSymlink());
        assertEquals("sub/c", Files.readSymbolicLink(local.resolve("link")).toString());
        try (Fid lf = client.walk(dir, "link")) {
            assertEquals("sub/c", client.readlink(lf));
            assertTrue(lf.qid().isSymlink(), "a walk does not follow a symbolic link");
        }
        try (Fid target = client.walk(dir, "sub", "c")) {
            client.link(dir, target, "hard");
            assertEquals(2, client.getattr(target).nlink());
        }
        assertEquals(Files.getAttribute(local.resolve("hard"), "unix:ino"),
                Files.getAttribute(local.resolve("sub/c"), "unix:ino"));

        client.unlinkat(dir, "hard", 0);
        client.unlinkat(dir, "link", 0);
        try (Fid s = client.walk(dir, "sub")) {
            client.unlinkat(s, "c", 0);
        }
        client.unlinkat(dir, "sub", P9Flags.P9_DOTL_AT_REMOVEDIR);
        try (var s = Files.list(local)) {
            assertEquals(0, s.count());
        }

        if (!tremove) {
            return;
        }
        try (Fid f = client.create(dir, "gone", P9Flags.P9_DOTL_WRONLY, 0600)) {
            assertTrue(f.isOpen());
        }
        Fid g = client.walk(dir, "gone");
        client.remove(g);
        assertTrue(g.isClosed());
        assertFalse(Files.exists(local.resolve("gone")));
    }
}
