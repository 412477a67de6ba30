package io.jnetfs.ffm;

import io.jnetfs.ffm.gen.LibC;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;

/**
 * The one native gateway: every system call jnetfs makes goes through a static method here.
 *
 * <p>Each method returns the call's result, or {@code -errno} when the call failed, and never throws
 * for a failure of the call itself ({@link Errors} makes exceptions at the public edge). The downcall
 * handles are built from the jextract-generated addresses and descriptors in
 * {@link io.jnetfs.ffm.gen.LibC} with {@link Linker.Option#captureCallState(String...)
 * captureCallState("errno")}, which jextract does not add, so errno is read in the same downcall and
 * cannot be clobbered by the JVM between the call and the read. Variadic functions ({@code open},
 * {@code openat}, {@code fcntl}, {@code ioctl}, {@code syscall}) get one cached handle per argument
 * shape.
 *
 * <p>Each handle sits in a holder class of its own, so it is linked on first use (a command that makes
 * five kinds of call links five handles, not sixty) and is still a constant to the JIT.
 *
 * <p>The errno capture buffer is per thread and allocated once, so the calls allocate nothing on the
 * Java heap. Pointer arguments are {@link MemorySegment}s owned by the caller; this class keeps no
 * reference to them after the call returns.
 */
public final class Native {
    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE_LAYOUT.varHandle(
            MemoryLayout.PathElement.groupElement("errno"));
    private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");
    private static final ThreadLocal<MemorySegment> CALL_STATE = ThreadLocal.withInitial(
            () -> Arena.ofAuto().allocate(CALL_STATE_LAYOUT));

    private static final ValueLayout.OfInt C_INT = LibC.C_INT;
    private static final ValueLayout.OfLong C_LONG = LibC.C_LONG;
    private static final MemoryLayout C_POINTER = LibC.C_POINTER;

    /** {@code SYS_io_uring_setup}: the same number on x86-64 and aarch64. */
    public static final long NR_IO_URING_SETUP = LibC.__NR_io_uring_setup();
    /** {@code SYS_io_uring_enter}. */
    public static final long NR_IO_URING_ENTER = LibC.__NR_io_uring_enter();
    /** {@code SYS_io_uring_register}. */
    public static final long NR_IO_URING_REGISTER = LibC.__NR_io_uring_register();
    /** {@code SYS_openat2}. */
    public static final long NR_OPENAT2 = LibC.__NR_openat2();

    private static final class READ {
        static final MethodHandle H = capture(LibC.read$address(), LibC.read$descriptor());
    }

    private static final class WRITE {
        static final MethodHandle H = capture(LibC.write$address(), LibC.write$descriptor());
    }

    private static final class PREAD {
        static final MethodHandle H = capture(LibC.pread$address(), LibC.pread$descriptor());
    }

    private static final class PWRITE {
        static final MethodHandle H = capture(LibC.pwrite$address(), LibC.pwrite$descriptor());
    }

    private static final class READV {
        static final MethodHandle H = capture(LibC.readv$address(), LibC.readv$descriptor());
    }

    private static final class WRITEV {
        static final MethodHandle H = capture(LibC.writev$address(), LibC.writev$descriptor());
    }

    private static final class PREADV2 {
        static final MethodHandle H = capture(LibC.preadv2$address(), LibC.preadv2$descriptor());
    }

    private static final class PWRITEV2 {
        static final MethodHandle H = capture(LibC.pwritev2$address(), LibC.pwritev2$descriptor());
    }

    private static final class OPEN {
        static final MethodHandle H = variadic(LibC.open.address(), FunctionDescriptor.of(C_INT, C_POINTER, C_INT), C_INT);
    }

    private static final class OPENAT {
        static final MethodHandle H = variadic(LibC.openat.address(), FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_INT), C_INT);
    }

    private static final class CLOSE {
        static final MethodHandle H = capture(LibC.close$address(), LibC.close$descriptor());
    }

    private static final class FSYNC {
        static final MethodHandle H = capture(LibC.fsync$address(), LibC.fsync$descriptor());
    }

    private static final class FDATASYNC {
        static final MethodHandle H = capture(LibC.fdatasync$address(), LibC.fdatasync$descriptor());
    }

    private static final class FTRUNCATE {
        static final MethodHandle H = capture(LibC.ftruncate$address(), LibC.ftruncate$descriptor());
    }

    private static final class FALLOCATE {
        static final MethodHandle H = capture(LibC.fallocate$address(), LibC.fallocate$descriptor());
    }

    private static final class LSEEK {
        static final MethodHandle H = capture(LibC.lseek$address(), LibC.lseek$descriptor());
    }

    private static final class FSTAT {
        static final MethodHandle H = capture(LibC.fstat$address(), LibC.fstat$descriptor());
    }

    private static final class FSTATAT {
        static final MethodHandle H = capture(LibC.fstatat$address(), LibC.fstatat$descriptor());
    }

    private static final class FSTATFS {
        static final MethodHandle H = capture(LibC.fstatfs$address(), LibC.fstatfs$descriptor());
    }

    private static final class UNLINKAT {
        static final MethodHandle H = capture(LibC.unlinkat$address(), LibC.unlinkat$descriptor());
    }

    private static final class MKDIRAT {
        static final MethodHandle H = capture(LibC.mkdirat$address(), LibC.mkdirat$descriptor());
    }

    private static final class RENAMEAT {
        static final MethodHandle H = capture(LibC.renameat$address(), LibC.renameat$descriptor());
    }

    private static final class SYMLINKAT {
        static final MethodHandle H = capture(LibC.symlinkat$address(), LibC.symlinkat$descriptor());
    }

    private static final class READLINKAT {
        static final MethodHandle H = capture(LibC.readlinkat$address(), LibC.readlinkat$descriptor());
    }

    private static final class LINKAT {
        static final MethodHandle H = capture(LibC.linkat$address(), LibC.linkat$descriptor());
    }

    private static final class FCHMOD {
        static final MethodHandle H = capture(LibC.fchmod$address(), LibC.fchmod$descriptor());
    }

    private static final class FCHMODAT {
        static final MethodHandle H = capture(LibC.fchmodat$address(), LibC.fchmodat$descriptor());
    }

    private static final class FCHOWNAT {
        static final MethodHandle H = capture(LibC.fchownat$address(), LibC.fchownat$descriptor());
    }

    private static final class UTIMENSAT {
        static final MethodHandle H = capture(LibC.utimensat$address(), LibC.utimensat$descriptor());
    }

    private static final class GETDENTS64 {
        static final MethodHandle H = capture(LibC.getdents64$address(), LibC.getdents64$descriptor());
    }

    private static final class FCNTL_INT {
        static final MethodHandle H = variadic(LibC.fcntl.address(), FunctionDescriptor.of(C_INT, C_INT, C_INT), C_INT);
    }

    private static final class DUP {
        static final MethodHandle H = capture(LibC.dup$address(), LibC.dup$descriptor());
    }

    private static final class PIPE2 {
        static final MethodHandle H = capture(LibC.pipe2$address(), LibC.pipe2$descriptor());
    }

    private static final class POLL {
        static final MethodHandle H = capture(LibC.poll$address(), LibC.poll$descriptor());
    }

    private static final class SOCKET {
        static final MethodHandle H = capture(LibC.socket$address(), LibC.socket$descriptor());
    }

    private static final class SOCKETPAIR {
        static final MethodHandle H = capture(LibC.socketpair$address(), LibC.socketpair$descriptor());
    }

    private static final class CONNECT {
        static final MethodHandle H = capture(LibC.connect$address(), LibC.connect$descriptor());
    }

    private static final class BIND {
        static final MethodHandle H = capture(LibC.bind$address(), LibC.bind$descriptor());
    }

    private static final class LISTEN {
        static final MethodHandle H = capture(LibC.listen$address(), LibC.listen$descriptor());
    }

    private static final class ACCEPT4 {
        static final MethodHandle H = capture(LibC.accept4$address(), LibC.accept4$descriptor());
    }

    private static final class SETSOCKOPT {
        static final MethodHandle H = capture(LibC.setsockopt$address(), LibC.setsockopt$descriptor());
    }

    private static final class GETSOCKOPT {
        static final MethodHandle H = capture(LibC.getsockopt$address(), LibC.getsockopt$descriptor());
    }

    private static final class GETSOCKNAME {
        static final MethodHandle H = capture(LibC.getsockname$address(), LibC.getsockname$descriptor());
    }

    private static final class GETPEERNAME {
        static final MethodHandle H = capture(LibC.getpeername$address(), LibC.getpeername$descriptor());
    }

    private static final class SHUTDOWN {
        static final MethodHandle H = capture(LibC.shutdown$address(), LibC.shutdown$descriptor());
    }

    private static final class SENDMSG {
        static final MethodHandle H = capture(LibC.sendmsg$address(), LibC.sendmsg$descriptor());
    }

    private static final class RECVMSG {
        static final MethodHandle H = capture(LibC.recvmsg$address(), LibC.recvmsg$descriptor());
    }

    private static final class IOCTL_PTR {
        static final MethodHandle H = variadic(LibC.ioctl.address(), FunctionDescriptor.of(C_INT, C_INT, C_LONG), C_POINTER);
    }

    private static final class MMAP {
        static final MethodHandle H = capture(LibC.mmap$address(), LibC.mmap$descriptor());
    }

    private static final class MUNMAP {
        static final MethodHandle H = capture(LibC.munmap$address(), LibC.munmap$descriptor());
    }

    private static final class MADVISE {
        static final MethodHandle H = capture(LibC.madvise$address(), LibC.madvise$descriptor());
    }
    // Address variants: the iovec/msghdr pointer passed as a 64-bit integer, so hot paths that keep
    // raw addresses (bvecq segments, io_uring) create no MemorySegment per call. Pointers and longs
    // travel in the same integer registers on x86-64 and aarch64 (LP64).
    private static final class WRITEV_ADDR {
        static final MethodHandle H = capture(LibC.writev$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT));
    }

    private static final class READV_ADDR {
        static final MethodHandle H = capture(LibC.readv$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT));
    }

    private static final class PREADV2_ADDR {
        static final MethodHandle H = capture(LibC.preadv2$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT, C_LONG, C_INT));
    }

    private static final class PWRITEV2_ADDR {
        static final MethodHandle H = capture(LibC.pwritev2$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT, C_LONG, C_INT));
    }

    private static final class SENDMSG_ADDR {
        static final MethodHandle H = capture(LibC.sendmsg$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT));
    }

    private static final class RECVMSG_ADDR {
        static final MethodHandle H = capture(LibC.recvmsg$address(), FunctionDescriptor.of(C_LONG, C_INT, C_LONG, C_INT));
    }
    private static final class MOUNT {
        static final MethodHandle H = capture(LibC.mount$address(), LibC.mount$descriptor());
    }

    private static final class UMOUNT2 {
        static final MethodHandle H = capture(LibC.umount2$address(), LibC.umount2$descriptor());
    }

    private static final class WAITPID {
        static final MethodHandle H = capture(LibC.waitpid$address(), LibC.waitpid$descriptor());
    }

    private static final class KILL {
        static final MethodHandle H = capture(LibC.kill$address(), LibC.kill$descriptor());
    }

    private static final FunctionDescriptor SYSCALL_BASE = FunctionDescriptor.of(C_LONG, C_LONG);
    /** io_uring_setup(entries, params). */
    private static final class SYSCALL_I_P {
        static final MethodHandle H = variadic(LibC.syscall.address(), SYSCALL_BASE, C_INT, C_POINTER);
    }
    /** io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz). */
    private static final class SYSCALL_IIII_P_L {
        static final MethodHandle H = variadic(LibC.syscall.address(), SYSCALL_BASE, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_LONG);
    }
    /** io_uring_register(fd, opcode, arg, nr_args). */
    private static final class SYSCALL_II_P_I {
        static final MethodHandle H = variadic(LibC.syscall.address(), SYSCALL_BASE, C_INT, C_INT, C_POINTER, C_INT);
    }
    /** openat2(dirfd, path, how, size). */
    private static final class SYSCALL_I_PP_L {
        static final MethodHandle H = variadic(LibC.syscall.address(), SYSCALL_BASE, C_INT, C_POINTER, C_POINTER, C_LONG);
    }

    private Native() {
    }

    private static MethodHandle capture(MemorySegment address, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(address, descriptor, CAPTURE_ERRNO);
    }

    private static MethodHandle variadic(MemorySegment address, FunctionDescriptor fixed,
                                         MemoryLayout... variadicLayouts) {
        return LINKER.downcallHandle(address, fixed.appendArgumentLayouts(variadicLayouts),
                Linker.Option.firstVariadicArg(fixed.argumentLayouts().size()), CAPTURE_ERRNO);
    }

    /**
     * A new call-state buffer (where a downcall leaves {@code errno}) for the hot-path overloads that
     * take one. An object used by one thread at a time (a {@code BvecqIo}, a ring) keeps one and saves
     * the thread-local lookup on every call; it must not be used by two threads at once.
     *
     * <p>Its memory belongs to an automatic arena (freed when the buffer is unreachable): passing a
     * segment of a shared arena to a downcall would make every call acquire and release that arena
     * with atomic operations.
     *
     * @return the buffer
     */
    public static MemorySegment newCallState() {
        return Arena.ofAuto().allocate(CALL_STATE_LAYOUT);
    }

    private static MemorySegment callState() {
        return CALL_STATE.get();
    }

    /** A C {@code long}/{@code ssize_t} result: itself, or {@code -errno} when it is {@code -1}. */
    private static long result(long r, MemorySegment state) {
        return r == -1 ? -(int) ERRNO.get(state, 0L) : r;
    }

    private static int result(int r, MemorySegment state) {
        return r == -1 ? -(int) ERRNO.get(state, 0L) : r;
    }

    private static AssertionError unexpected(Throwable t) {
        // invokeExact on a downcall with matching types throws only on a JVM bug or a crash guard
        return new AssertionError("downcall failed unexpectedly", t);
    }

    // ---- file I/O -------------------------------------------------------------------------------

    /** {@code read(fd, buf, count)}: bytes read, or {@code -errno}. */
    public static long read(int fd, MemorySegment buf, long count) {
        MemorySegment st = callState();
        try {
            return result((long) READ.H.invokeExact(st, fd, buf, count), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code write(fd, buf, count)}: bytes written, or {@code -errno}. */
    public static long write(int fd, MemorySegment buf, long count) {
        MemorySegment st = callState();
        try {
            return result((long) WRITE.H.invokeExact(st, fd, buf, count), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pread(fd, buf, count, offset)}: bytes read, or {@code -errno}. */
    public static long pread(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment st = callState();
        try {
            return result((long) PREAD.H.invokeExact(st, fd, buf, count, offset), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pwrite(fd, buf, count, offset)}: bytes written, or {@code -errno}. */
    public static long pwrite(int fd, MemorySegment buf, long count, long offset) {
        MemorySegment st = callState();
        try {
            return result((long) PWRITE.H.invokeExact(st, fd, buf, count, offset), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code readv(fd, iov, iovcnt)}: bytes read, or {@code -errno}. */
    public static long readv(int fd, MemorySegment iov, int iovcnt) {
        MemorySegment st = callState();
        try {
            return result((long) READV.H.invokeExact(st, fd, iov, iovcnt), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code writev(fd, iov, iovcnt)}: bytes written, or {@code -errno}. */
    public static long writev(int fd, MemorySegment iov, int iovcnt) {
        MemorySegment st = callState();
        try {
            return result((long) WRITEV.H.invokeExact(st, fd, iov, iovcnt), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code preadv2(fd, iov, iovcnt, offset, flags)} ({@code offset} -1: the file position). */
    public static long preadv2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        MemorySegment st = callState();
        try {
            return result((long) PREADV2.H.invokeExact(st, fd, iov, iovcnt, offset, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pwritev2(fd, iov, iovcnt, offset, flags)} ({@code offset} -1: the file position). */
    public static long pwritev2(int fd, MemorySegment iov, int iovcnt, long offset, int flags) {
        MemorySegment st = callState();
        try {
            return result((long) PWRITEV2.H.invokeExact(st, fd, iov, iovcnt, offset, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code open(path, flags, mode)}: a descriptor, or {@code -errno}. */
    public static int open(MemorySegment path, int flags, int mode) {
        MemorySegment st = callState();
        try {
            return result((int) OPEN.H.invokeExact(st, path, flags, mode), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code openat(dirfd, path, flags, mode)}: a descriptor, or {@code -errno}. */
    public static int openat(int dirfd, MemorySegment path, int flags, int mode) {
        MemorySegment st = callState();
        try {
            return result((int) OPENAT.H.invokeExact(st, dirfd, path, flags, mode), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code openat2(dirfd, path, how, size)} through {@code syscall}: a descriptor, or {@code -errno}. */
    public static int openat2(int dirfd, MemorySegment path, MemorySegment how, long size) {
        MemorySegment st = callState();
        try {
            return (int) result((long) SYSCALL_I_PP_L.H.invokeExact(st, NR_OPENAT2, dirfd, path, how, size), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code close(fd)}: 0, or {@code -errno}. */
    public static int close(int fd) {
        MemorySegment st = callState();
        try {
            return result((int) CLOSE.H.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fsync(fd)}: 0, or {@code -errno}. */
    public static int fsync(int fd) {
        MemorySegment st = callState();
        try {
            return result((int) FSYNC.H.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fdatasync(fd)}: 0, or {@code -errno}. */
    public static int fdatasync(int fd) {
        MemorySegment st = callState();
        try {
            return result((int) FDATASYNC.H.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code ftruncate(fd, length)}: 0, or {@code -errno}. */
    public static int ftruncate(int fd, long length) {
        MemorySegment st = callState();
        try {
            return result((int) FTRUNCATE.H.invokeExact(st, fd, length), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fallocate(fd, mode, offset, len)}: 0, or {@code -errno}. */
    public static int fallocate(int fd, int mode, long offset, long len) {
        MemorySegment st = callState();
        try {
            return result((int) FALLOCATE.H.invokeExact(st, fd, mode, offset, len), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code lseek(fd, offset, whence)}: the new offset, or {@code -errno} (ENXIO past data/holes). */
    public static long lseek(int fd, long offset, int whence) {
        MemorySegment st = callState();
        try {
            return result((long) LSEEK.H.invokeExact(st, fd, offset, whence), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fstat(fd, statbuf)}: 0, or {@code -errno}; {@code statbuf} is a {@code struct stat}. */
    public static int fstat(int fd, MemorySegment statbuf) {
        MemorySegment st = callState();
        try {
            return result((int) FSTAT.H.invokeExact(st, fd, statbuf), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fstatat(dirfd, path, statbuf, flags)}: 0, or {@code -errno}. */
    public static int fstatat(int dirfd, MemorySegment path, MemorySegment statbuf, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) FSTATAT.H.invokeExact(st, dirfd, path, statbuf, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fstatfs(fd, buf)}: 0, or {@code -errno}; {@code buf} is a {@code struct statfs}. */
    public static int fstatfs(int fd, MemorySegment buf) {
        MemorySegment st = callState();
        try {
            return result((int) FSTATFS.H.invokeExact(st, fd, buf), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code unlinkat(dirfd, path, flags)}: 0, or {@code -errno}. */
    public static int unlinkat(int dirfd, MemorySegment path, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) UNLINKAT.H.invokeExact(st, dirfd, path, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code mkdirat(dirfd, path, mode)}: 0, or {@code -errno}. */
    public static int mkdirat(int dirfd, MemorySegment path, int mode) {
        MemorySegment st = callState();
        try {
            return result((int) MKDIRAT.H.invokeExact(st, dirfd, path, mode), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code renameat(olddirfd, oldpath, newdirfd, newpath)}: 0, or {@code -errno}. */
    public static int renameat(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath) {
        MemorySegment st = callState();
        try {
            return result((int) RENAMEAT.H.invokeExact(st, olddirfd, oldpath, newdirfd, newpath), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code symlinkat(target, newdirfd, linkpath)}: 0, or {@code -errno}. */
    public static int symlinkat(MemorySegment target, int newdirfd, MemorySegment linkpath) {
        MemorySegment st = callState();
        try {
            return result((int) SYMLINKAT.H.invokeExact(st, target, newdirfd, linkpath), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code readlinkat(dirfd, path, buf, size)}: bytes placed in {@code buf}, or {@code -errno}. */
    public static long readlinkat(int dirfd, MemorySegment path, MemorySegment buf, long size) {
        MemorySegment st = callState();
        try {
            return result((long) READLINKAT.H.invokeExact(st, dirfd, path, buf, size), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code linkat(olddirfd, oldpath, newdirfd, newpath, flags)}: 0, or {@code -errno}. */
    public static int linkat(int olddirfd, MemorySegment oldpath, int newdirfd, MemorySegment newpath, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) LINKAT.H.invokeExact(st, olddirfd, oldpath, newdirfd, newpath, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fchmod(fd, mode)}: 0, or {@code -errno}. */
    public static int fchmod(int fd, int mode) {
        MemorySegment st = callState();
        try {
            return result((int) FCHMOD.H.invokeExact(st, fd, mode), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fchmodat(dirfd, path, mode, flags)}: 0, or {@code -errno}. */
    public static int fchmodat(int dirfd, MemorySegment path, int mode, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) FCHMODAT.H.invokeExact(st, dirfd, path, mode, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fchownat(dirfd, path, uid, gid, flags)}: 0, or {@code -errno}. */
    public static int fchownat(int dirfd, MemorySegment path, int uid, int gid, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) FCHOWNAT.H.invokeExact(st, dirfd, path, uid, gid, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code utimensat(dirfd, path, times, flags)}: 0, or {@code -errno}; {@code times} is 2 timespecs. */
    public static int utimensat(int dirfd, MemorySegment path, MemorySegment times, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) UTIMENSAT.H.invokeExact(st, dirfd, path, times, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getdents64(fd, buf, len)}: bytes of {@code linux_dirent64} records, 0 at the end, or {@code -errno}. */
    public static long getdents64(int fd, MemorySegment buf, long len) {
        MemorySegment st = callState();
        try {
            return result((long) GETDENTS64.H.invokeExact(st, fd, buf, len), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)} with an int argument: the result, or {@code -errno}. */
    public static int fcntl(int fd, int cmd, int arg) {
        MemorySegment st = callState();
        try {
            return result((int) FCNTL_INT.H.invokeExact(st, fd, cmd, arg), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code dup(fd)}: a new descriptor, or {@code -errno}. */
    public static int dup(int fd) {
        MemorySegment st = callState();
        try {
            return result((int) DUP.H.invokeExact(st, fd), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pipe2(fds, flags)}: 0, or {@code -errno}; {@code fds} holds two ints. */
    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) PIPE2.H.invokeExact(st, fds, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code poll(fds, nfds, timeoutMillis)}: the number of ready descriptors, 0 on timeout, or {@code -errno}. */
    public static int poll(MemorySegment fds, long nfds, int timeoutMillis) {
        MemorySegment st = callState();
        try {
            return result((int) POLL.H.invokeExact(st, fds, nfds, timeoutMillis), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- sockets --------------------------------------------------------------------------------

    /** {@code socket(domain, type, protocol)}: a descriptor, or {@code -errno}. */
    public static int socket(int domain, int type, int protocol) {
        MemorySegment st = callState();
        try {
            return result((int) SOCKET.H.invokeExact(st, domain, type, protocol), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code socketpair(domain, type, protocol, fds)}: 0, or {@code -errno}; {@code fds} holds two ints. */
    public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        MemorySegment st = callState();
        try {
            return result((int) SOCKETPAIR.H.invokeExact(st, domain, type, protocol, fds), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code connect(fd, addr, addrlen)}: 0, or {@code -errno}. */
    public static int connect(int fd, MemorySegment addr, int addrlen) {
        MemorySegment st = callState();
        try {
            return result((int) CONNECT.H.invokeExact(st, fd, addr, addrlen), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code bind(fd, addr, addrlen)}: 0, or {@code -errno}. */
    public static int bind(int fd, MemorySegment addr, int addrlen) {
        MemorySegment st = callState();
        try {
            return result((int) BIND.H.invokeExact(st, fd, addr, addrlen), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code listen(fd, backlog)}: 0, or {@code -errno}. */
    public static int listen(int fd, int backlog) {
        MemorySegment st = callState();
        try {
            return result((int) LISTEN.H.invokeExact(st, fd, backlog), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code accept4(fd, addr, addrlen, flags)}: a descriptor, or {@code -errno}; addr may be NULL. */
    public static int accept4(int fd, MemorySegment addr, MemorySegment addrlen, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) ACCEPT4.H.invokeExact(st, fd, addr, addrlen, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code setsockopt(fd, level, name, value, len)}: 0, or {@code -errno}. */
    public static int setsockopt(int fd, int level, int name, MemorySegment value, int len) {
        MemorySegment st = callState();
        try {
            return result((int) SETSOCKOPT.H.invokeExact(st, fd, level, name, value, len), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getsockopt(fd, level, name, value, lenp)}: 0, or {@code -errno}. */
    public static int getsockopt(int fd, int level, int name, MemorySegment value, MemorySegment lenp) {
        MemorySegment st = callState();
        try {
            return result((int) GETSOCKOPT.H.invokeExact(st, fd, level, name, value, lenp), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getsockname(fd, addr, lenp)}: 0, or {@code -errno}. */
    public static int getsockname(int fd, MemorySegment addr, MemorySegment lenp) {
        MemorySegment st = callState();
        try {
            return result((int) GETSOCKNAME.H.invokeExact(st, fd, addr, lenp), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getpeername(fd, addr, lenp)}: 0, or {@code -errno}. */
    public static int getpeername(int fd, MemorySegment addr, MemorySegment lenp) {
        MemorySegment st = callState();
        try {
            return result((int) GETPEERNAME.H.invokeExact(st, fd, addr, lenp), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code shutdown(fd, how)}: 0, or {@code -errno}. */
    public static int shutdown(int fd, int how) {
        MemorySegment st = callState();
        try {
            return result((int) SHUTDOWN.H.invokeExact(st, fd, how), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendmsg(fd, msg, flags)}: bytes sent, or {@code -errno}. */
    public static long sendmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = callState();
        try {
            return result((long) SENDMSG.H.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvmsg(fd, msg, flags)}: bytes received (0 at end of stream), or {@code -errno}. */
    public static long recvmsg(int fd, MemorySegment msg, int flags) {
        MemorySegment st = callState();
        try {
            return result((long) RECVMSG.H.invokeExact(st, fd, msg, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- ioctl, memory, io_uring ----------------------------------------------------------------

    /** {@code ioctl(fd, request, argp)} with a pointer argument: the result, or {@code -errno}. */
    public static int ioctl(int fd, long request, MemorySegment argp) {
        MemorySegment st = callState();
        try {
            return result((int) IOCTL_PTR.H.invokeExact(st, fd, request, argp), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code mmap(addr, length, prot, flags, fd, offset)}.
     *
     * @return the mapped address (positive), or {@code -errno}
     */
    public static long mmap(MemorySegment addr, long length, int prot, int flags, int fd, long offset) {
        MemorySegment st = callState();
        try {
            MemorySegment p = (MemorySegment) MMAP.H.invokeExact(st, addr, length, prot, flags, fd, offset);
            return result(p.address(), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code munmap(addr, length)}: 0, or {@code -errno}. */
    public static int munmap(MemorySegment addr, long length) {
        MemorySegment st = callState();
        try {
            return result((int) MUNMAP.H.invokeExact(st, addr, length), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code madvise(addr, length, advice)}: 0, or {@code -errno}. */
    public static int madvise(MemorySegment addr, long length, int advice) {
        MemorySegment st = callState();
        try {
            return result((int) MADVISE.H.invokeExact(st, addr, length, advice), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code io_uring_setup(entries, params)}: the ring's descriptor, or {@code -errno}. */
    public static int ioUringSetup(int entries, MemorySegment params) {
        MemorySegment st = callState();
        try {
            return (int) result((long) SYSCALL_I_P.H.invokeExact(st, NR_IO_URING_SETUP, entries, params), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code io_uring_enter(fd, to_submit, min_complete, flags, arg, argsz)}.
     *
     * @return the number of SQEs consumed, or {@code -errno}
     */
    public static int ioUringEnter(int fd, int toSubmit, int minComplete, int flags, MemorySegment arg, long argsz) {
        return ioUringEnter(callState(), fd, toSubmit, minComplete, flags, arg, argsz);
    }

    /**
     * {@code io_uring_enter} with a caller-owned call-state buffer, for a ring's submit and wait path.
     * Give it one from a shared arena the caller owns (as {@code BvecqIo} does), not
     * {@link #newCallState()}: with a thread-local or automatic buffer, C2 left the JDK's per-call slice
     * of the capture segment ({@code SharedUtils.checkCaptureSegment}, 40 bytes) allocated in some
     * compilations.
     *
     * @param callState where errno is left; used by one thread at a time
     * @return the number of SQEs consumed, or {@code -errno}
     */
    public static int ioUringEnter(MemorySegment callState, int fd, int toSubmit, int minComplete, int flags,
                                   MemorySegment arg, long argsz) {
        try {
            return (int) result((long) SYSCALL_IIII_P_L.H.invokeExact(callState, NR_IO_URING_ENTER, fd, toSubmit,
                    minComplete, flags, arg, argsz), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code io_uring_register(fd, opcode, arg, nr_args)}: the result, or {@code -errno}. */
    public static int ioUringRegister(int fd, int opcode, MemorySegment arg, int nrArgs) {
        MemorySegment st = callState();
        try {
            return (int) result((long) SYSCALL_II_P_I.H.invokeExact(st, NR_IO_URING_REGISTER, fd, opcode, arg,
                    nrArgs), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- address variants for hot paths ---------------------------------------------------------

    /** {@code writev(fd, iov, iovcnt)} with the iovec array's address: bytes written, or {@code -errno}. */
    public static long writevAddress(int fd, long iov, int iovcnt) {
        return writevAddress(callState(), fd, iov, iovcnt);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long writevAddress(MemorySegment callState, int fd, long iov, int iovcnt) {
        try {
            return result((long) WRITEV_ADDR.H.invokeExact(callState, fd, iov, iovcnt), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code readv(fd, iov, iovcnt)} with the iovec array's address: bytes read, or {@code -errno}. */
    public static long readvAddress(int fd, long iov, int iovcnt) {
        return readvAddress(callState(), fd, iov, iovcnt);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long readvAddress(MemorySegment callState, int fd, long iov, int iovcnt) {
        try {
            return result((long) READV_ADDR.H.invokeExact(callState, fd, iov, iovcnt), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code preadv2} with the iovec array's address: bytes read, or {@code -errno}. */
    public static long preadv2Address(int fd, long iov, int iovcnt, long offset, int flags) {
        return preadv2Address(callState(), fd, iov, iovcnt, offset, flags);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long preadv2Address(MemorySegment callState, int fd, long iov, int iovcnt, long offset, int flags) {
        try {
            return result((long) PREADV2_ADDR.H.invokeExact(callState, fd, iov, iovcnt, offset, flags), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code pwritev2} with the iovec array's address: bytes written, or {@code -errno}. */
    public static long pwritev2Address(int fd, long iov, int iovcnt, long offset, int flags) {
        return pwritev2Address(callState(), fd, iov, iovcnt, offset, flags);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long pwritev2Address(MemorySegment callState, int fd, long iov, int iovcnt, long offset, int flags) {
        try {
            return result((long) PWRITEV2_ADDR.H.invokeExact(callState, fd, iov, iovcnt, offset, flags), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code sendmsg(fd, msg, flags)} with the msghdr's address: bytes sent, or {@code -errno}. */
    public static long sendmsgAddress(int fd, long msg, int flags) {
        return sendmsgAddress(callState(), fd, msg, flags);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long sendmsgAddress(MemorySegment callState, int fd, long msg, int flags) {
        try {
            return result((long) SENDMSG_ADDR.H.invokeExact(callState, fd, msg, flags), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code recvmsg(fd, msg, flags)} with the msghdr's address: bytes received, or {@code -errno}. */
    public static long recvmsgAddress(int fd, long msg, int flags) {
        return recvmsgAddress(callState(), fd, msg, flags);
    }

    /** The same with a caller-owned call-state buffer from {@link #newCallState}: no thread-local lookup. */
    public static long recvmsgAddress(MemorySegment callState, int fd, long msg, int flags) {
        try {
            return result((long) RECVMSG_ADDR.H.invokeExact(callState, fd, msg, flags), callState);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- mounts -----------------------------------------------------------------------------------

    /**
     * {@code mount(source, target, fstype, flags, data)}: 0, or {@code -errno}.
     *
     * @param source NUL-terminated
     * @param target NUL-terminated
     * @param fstype NUL-terminated
     * @param flags {@code MS_*}
     * @param data NUL-terminated options, or {@link MemorySegment#NULL}
     * @return 0 or {@code -errno}
     */
    public static int mount(MemorySegment source, MemorySegment target, MemorySegment fstype, long flags,
            MemorySegment data) {
        MemorySegment st = callState();
        try {
            return result((int) MOUNT.H.invokeExact(st, source, target, fstype, flags, data), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code umount2(target, flags)}: 0, or {@code -errno}.
     *
     * @param target NUL-terminated
     * @param flags {@code MNT_DETACH}, {@code MNT_FORCE}, {@code UMOUNT_NOFOLLOW}
     * @return 0 or {@code -errno}
     */
    public static int umount2(MemorySegment target, int flags) {
        MemorySegment st = callState();
        try {
            return result((int) UMOUNT2.H.invokeExact(st, target, flags), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    // ---- process ----------------------------------------------------------------------------------

    /**
     * {@code posix_spawnp(pid, file, NULL, NULL, argv, envp)}: runs a program found on PATH, inheriting
     * every descriptor not marked close-on-exec (what ProcessBuilder cannot do).
     *
     * @param pid where the child's pid goes (a {@code pid_t})
     * @param file the program, NUL-terminated
     * @param argv NULL-terminated array of NUL-terminated strings
     * @param envp NULL-terminated array of NUL-terminated strings
     * @return 0, or {@code -errno} (posix_spawnp returns the error number instead of setting errno)
     */
    public static int posixSpawnp(MemorySegment pid, MemorySegment file, MemorySegment argv, MemorySegment envp) {
        int r = LibC.posix_spawnp(pid, file, MemorySegment.NULL, MemorySegment.NULL, argv, envp);
        return -r;
    }

    /**
     * {@code waitpid(pid, status, options)}.
     *
     * @param status where the wait status goes (an {@code int}), or {@link MemorySegment#NULL}
     * @param options 0 or {@code WNOHANG}
     * @return the pid waited for, 0 with {@code WNOHANG} if it is still running, or {@code -errno}
     */
    public static int waitpid(int pid, MemorySegment status, int options) {
        MemorySegment st = callState();
        try {
            return result((int) WAITPID.H.invokeExact(st, pid, status, options), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /**
     * {@code kill(pid, sig)}.
     *
     * @return 0 or {@code -errno}
     */
    public static int kill(int pid, int sig) {
        MemorySegment st = callState();
        try {
            return result((int) KILL.H.invokeExact(st, pid, sig), st);
        } catch (Throwable t) {
            throw unexpected(t);
        }
    }

    /** {@code getuid()}. */
    public static int getuid() {
        return LibC.getuid();
    }

    /** {@code getgid()}. */
    public static int getgid() {
        return LibC.getgid();
    }

    /** {@code getpid()}. */
    public static int getpid() {
        return LibC.getpid();
    }

    /** {@code gettid()}. */
    public static int gettid() {
        return LibC.gettid();
    }

    /** {@code sysconf(name)}: the value, or -1 where unsupported. */
    public static long sysconf(int name) {
        return LibC.sysconf(name);
    }

    /**
     * {@code strerror(errno)}, copied into a Java string.
     *
     * @param errno a positive errno number
     * @return the C library's description
     */
    public static String strerror(int errno) {
        // glibc returns a pointer into its constant message table for known numbers
        return LibC.strerror(errno).reinterpret(1024).getString(0);
    }
}
