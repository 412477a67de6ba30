package io.jnetfs.ffm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Turns {@code -errno} results into exceptions at the public edge.
 *
 * <p>Inside jnetfs a call returns its result, or {@code -errno} on failure; only the public edge calls
 * these methods, and only on the failure branch, so the message (which names the call and its key
 * arguments) is built only when something failed.
 */
public final class Errors {
    private Errors() {
    }

    /**
     * An exception for a failed call that is not about a path.
     *
     * @param call the call and its key arguments, such as {@code "writev(fd=7, iovcnt=3)"}
     * @param errno the errno, positive or negative
     * @return a {@link NativeIoException}, or {@link ConnectException} (with the former as cause) where
     *     a connection could not be made
     */
    public static IOException ioException(String call, int errno) {
        NativeIoException e = new NativeIoException(call, errno);
        if (call.startsWith("connect") && (e.errno() == Errno.ECONNREFUSED || e.errno() == Errno.ENETUNREACH
                || e.errno() == Errno.EHOSTUNREACH || e.errno() == Errno.ETIMEDOUT)) {
            return withCause(new ConnectException(e.getMessage()), e);
        }
        return e;
    }

    /**
     * An exception for a failed call on a path: the JDK's own {@link FileSystemException} subclass
     * where one exists ({@link NoSuchFileException} for ENOENT, {@link AccessDeniedException} for
     * EACCES and EPERM, {@link FileAlreadyExistsException}, {@link NotDirectoryException},
     * {@link DirectoryNotEmptyException}), else a {@link NativeIoException}. The JDK types carry the
     * full message as their reason and a {@link NativeIoException} as their cause.
     *
     * @param call the call and its key arguments, such as {@code "open(path=/x, flags=O_RDONLY)"}
     * @param path the path the call was about
     * @param errno the errno, positive or negative
     * @return the exception to throw
     */
    public static IOException pathException(String call, String path, int errno) {
        NativeIoException e = new NativeIoException(call, errno);
        String reason = e.getMessage();
        FileSystemException mapped = switch (e.errno()) {
            case Errno.ENOENT -> new NoSuchFileException(path, null, reason);
            case Errno.EACCES, Errno.EPERM -> new AccessDeniedException(path, null, reason);
            case Errno.EEXIST -> new FileAlreadyExistsException(path, null, reason);
            case Errno.ENOTDIR -> new NotDirectoryException(path);
            case Errno.ENOTEMPTY -> new DirectoryNotEmptyException(path);
            default -> null;
        };
        return mapped == null ? e : withCause(mapped, e);
    }

    /**
     * Throws unless {@code result} is non-negative.
     *
     * @param result a call's result: a value, or {@code -errno}
     * @param call the call and its key arguments, used only if it failed
     * @return {@code result}
     * @throws IOException from {@link #ioException(String, int)} if {@code result < 0}
     */
    public static long check(long result, String call) throws IOException {
        if (result < 0) {
            throw ioException(call, (int) -result);
        }
        return result;
    }

    /**
     * An unchecked wrapper of {@link #ioException(String, int)}, for places that cannot throw
     * {@link IOException} (such as {@code close()} in a try-with-resources of an unchecked API).
     *
     * @param call the call and its key arguments
     * @param errno the errno, positive or negative
     * @return the exception to throw
     */
    public static UncheckedIOException unchecked(String call, int errno) {
        return new UncheckedIOException(ioException(call, errno));
    }

    private static <T extends IOException> T withCause(T mapped, NativeIoException cause) {
        mapped.initCause(cause);
        return mapped;
    }
}
