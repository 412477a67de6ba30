package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.testkit.Require;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The public edge of {@link Fiemap}: what a missing path, a directory, a closed descriptor, tmpfs and bad arguments give. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FiemapErrorsTest {
    @TempDir
    Path dir;

    @Test
    void missingPathIsNoSuchFileExceptionNamingThePath() {
        Path missing = dir.resolve("missing");
        try (Fiemap fm = new Fiemap()) {
            NoSuchFileException e = assertThrows(NoSuchFileException.class,
                    () -> fm.query(missing, 0, Fiemap.WHOLE_FILE, 0));
            assertEquals(missing.toString(), e.getFile());
            assertTrue(e.getMessage().contains("ENOENT"), e.getMessage());
            NativeIoException cause = assertInstanceOf(NativeIoException.class, e.getCause());
            assertEquals(Errno.ENOENT, cause.errno());
        }
    }

    @Test
    void directoryIsRefusedWithEisdirNamingThePath() throws Exception {
        Path sub = Files.createDirectory(dir.resolve("sub"));
        try (Fiemap fm = new Fiemap()) {
            NativeIoException e = assertThrows(NativeIoException.class, () -> fm.query(sub, 0, Fiemap.WHOLE_FILE, 0));
            assertEquals(Errno.EISDIR, e.errno());
            assertEquals("fiemap(path=" + sub + ") failed: EISDIR (Is a directory)", e.getMessage());
        }
    }

    @Test
    void directoryDescriptorIsMappedByTheKernel() throws Exception {
        // what the kernel does: ext4 maps a directory's blocks (filefrag shows them too)
        Require.feature("ext4-tmpdir", TestFiles.notOnExt4(dir));
        int fd = TestFiles.open(dir, io.jnetfs.ffm.gen.LibC.O_RDONLY() | io.jnetfs.ffm.gen.LibC.O_DIRECTORY());
        try (Fiemap fm = new Fiemap()) {
            Extents e = fm.query(fd, 0, Fiemap.WHOLE_FILE, 0);
            assertEquals(1, e.count(), e::toString);
            assertEquals(TestFiles.BLOCK, e.length(0));
        } finally {
            TestFiles.close(fd);
        }
    }

    @Test
    void closedDescriptorIsEbadf() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[10]);
        int fd = TestFiles.create(f);
        TestFiles.close(fd);
        try (Fiemap fm = new Fiemap()) {
            NativeIoException e = assertThrows(NativeIoException.class, () -> fm.query(fd, 0, 4096, 0));
            assertEquals(Errno.EBADF, e.errno());
            assertEquals("ioctl(fd=" + fd + ", FS_IOC_FIEMAP, fm_start=0, fm_length=4096, fm_flags=0x0) failed: "
                    + "EBADF (Bad file descriptor)", e.getMessage());
            assertEquals(-Errno.EBADF, fm.tryQuery(fd, 0, Fiemap.WHOLE_FILE, 0, (l, p, n, fl) -> { }));
        }
    }

    @Test
    void negativeRangeAndUnknownFlagsAreIllegalArguments() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[10]);
        try (Fiemap fm = new Fiemap()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fm.query(f, -1, 10, 0));
            assertEquals("invalid start=-1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> fm.query(f, 0, -5, 0));
            assertEquals("invalid length=-5", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> fm.query(0, -1, 10, 0));
            assertEquals("invalid start=-1", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> fm.query(f, 0, 10, 0x100));
            assertEquals("invalid flags=0x100", e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Fiemap(0));
        assertEquals("invalid nr_slots=0", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Fiemap(Fiemap.MAX_NR_SLOTS + 1));
    }

    @Test
    void tmpfsAnswersEopnotsupp() throws Exception {
        Path shm = Path.of("/dev/shm");
        Require.feature("tmpfs", TestFiles.noTmpfsAtDevShm());
        Path f = Files.createTempFile(shm, "jnetfs-fiemap", ".tmp");
        try (Fiemap fm = new Fiemap()) {
            Files.write(f, new byte[5000]);
            NativeIoException e = assertThrows(NativeIoException.class, () -> fm.query(f, 0, Fiemap.WHOLE_FILE, 0));
            assertEquals(Errno.EOPNOTSUPP, e.errno());
            assertTrue(e.getMessage().startsWith("ioctl(path=" + f + ", FS_IOC_FIEMAP"), e.getMessage());
            int fd = TestFiles.open(f, io.jnetfs.ffm.gen.LibC.O_RDONLY());
            try {
                assertEquals(-Errno.EOPNOTSUPP, fm.tryQuery(fd, 0, Fiemap.WHOLE_FILE, 0, (l, p, n, fl) -> { }));
            } finally {
                TestFiles.close(fd);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }

    @Test
    void closedFiemapIsIllegalStateAndCloseIsIdempotent() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[10]);
        Fiemap fm = new Fiemap(8);
        assertEquals(8, fm.nrSlots());
        fm.close();
        fm.close();
        assertThrows(IllegalStateException.class, () -> fm.query(f, 0, 10, 0));
        assertThrows(IllegalStateException.class, () -> fm.tryQuery(0, 0, 10, 0, (l, p, n, fl) -> { }));
    }

    @Test
    void extentsOfOneShot() throws Exception {
        Path f = dir.resolve("f");
        Files.write(f, new byte[10_000]);
        Extents e = Fiemap.extentsOf(f, Fiemap.FIEMAP_FLAG_SYNC);
        assertEquals(1, e.count(), e::toString);
        assertEquals(0, e.logical(0));
        assertTrue(e.length(0) >= 10_000);
    }
}
