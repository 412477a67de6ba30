package io.jnetfs.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.iovec;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failures of real system calls come back as {@code -errno} and become exceptions that name them. */
class ErrnoMappingTest {

    @Test
    void badDescriptorIsEbadfWithTheCallNamed() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment iov = iovec.allocateArray(3, arena);
            int badFd = 1_000_000;
            long r = Native.writev(badFd, iov, 3);
            assertEquals(-Errno.EBADF, r);
            IOException e = Errors.ioException("writev(fd=" + badFd + ", iovcnt=3)", (int) -r);
            NativeIoException n = assertInstanceOf(NativeIoException.class, e);
            assertEquals("writev(fd=1000000, iovcnt=3) failed: EBADF (Bad file descriptor)", n.getMessage());
            assertEquals(Errno.EBADF, n.errno());
            assertEquals("EBADF", n.errnoName());
        }
    }

    @Test
    void missingPathIsNoSuchFileExceptionCarryingTheErrno(@TempDir Path dir) {
        String path = dir.resolve("does-not-exist").toString();
        try (Arena arena = Arena.ofConfined()) {
            int r = Native.open(arena.allocateFrom(path), LibC.O_RDONLY(), 0);
            assertEquals(-Errno.ENOENT, r);
            IOException e = Errors.pathException("open(path=" + path + ", flags=O_RDONLY)", path, -r);
            NoSuchFileException nsf = assertInstanceOf(NoSuchFileException.class, e);
            assertEquals(path, nsf.getFile());
            assertTrue(nsf.getMessage().contains("failed: ENOENT (No such file or directory)"), nsf.getMessage());
            assertEquals(Errno.ENOENT, assertInstanceOf(NativeIoException.class, nsf.getCause()).errno());
        }
    }

    @Test
    void directoryOpenedForWriteIsEisdir(@TempDir Path dir) {
        try (Arena arena = Arena.ofConfined()) {
            int r = Native.open(arena.allocateFrom(dir.toString()), LibC.O_WRONLY(), 0);
            assertEquals(-Errno.EISDIR, r);
            IOException e = Errors.pathException("open(path=" + dir + ", flags=O_WRONLY)", dir.toString(), -r);
            assertEquals("open(path=" + dir + ", flags=O_WRONLY) failed: EISDIR (Is a directory)", e.getMessage());
        }
    }

    @Test
    void refusedLoopbackConnectionIsConnectException() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            // bind a port and never listen on it: connecting to it is refused by the kernel
            int holder = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
            MemorySegment addr = io.jnetfs.ffm.gen.sockaddr_in.allocate(arena);
            io.jnetfs.ffm.gen.sockaddr_in.sin_family(addr, (short) LibC.AF_INET());
            io.jnetfs.ffm.gen.in_addr.s_addr(io.jnetfs.ffm.gen.sockaddr_in.sin_addr(addr),
                    Integer.reverseBytes(0x7f000001));
            assertEquals(0, Native.bind(holder, addr, (int) addr.byteSize()));
            MemorySegment len = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_INT, (int) addr.byteSize());
            assertEquals(0, Native.getsockname(holder, addr, len));

            int fd = Native.socket(LibC.AF_INET(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0);
            int r = Native.connect(fd, addr, (int) addr.byteSize());
            assertEquals(-Errno.ECONNREFUSED, r);
            IOException e = Errors.ioException("connect(fd=" + fd + ", 127.0.0.1)", -r);
            assertInstanceOf(ConnectException.class, e);
            assertTrue(e.getMessage().endsWith("failed: ECONNREFUSED (Connection refused)"), e.getMessage());
            Native.close(fd);
            Native.close(holder);
        }
    }

    @Test
    void errnoTableAgreesWithTheCLibrary() {
        assertEquals("ENOENT", Errno.name(2));
        assertEquals("ENOENT", Errno.name(-2));
        assertEquals(Errno.ECONNREFUSED, Errno.number("ECONNREFUSED"));
        assertEquals("No such file or directory", Errno.description(Errno.ENOENT));
        assertEquals("errno=9999", Errno.name(9999));
        assertEquals(-1, Errno.number("ENOTANERRNO"));
    }
}
