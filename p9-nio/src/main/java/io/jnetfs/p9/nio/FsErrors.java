package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/**
 * The provider's public edge for errors: a failed 9P request ({@link io.jnetfs.p9.P9Exception}, or
 * any {@link NativeIoException} of the engine) becomes the exception the default provider throws for
 * the same errno, naming the path, with the original as its cause, so the request and the errno are
 * never lost ({@code ((NativeIoException) e.getCause()).errno()}).
 *
 * <pre>
 *   ENOENT           NoSuchFileException
 *   EEXIST           FileAlreadyExistsException
 *   ENOTEMPTY        DirectoryNotEmptyException
 *   EACCES           AccessDeniedException (EPERM is not: the default provider says FileSystemException)
 *   anything else    FileSystemException (its reason is the request and the errno)
 * </pre>
 */
final class FsErrors {
    private FsErrors() {
    }

    /**
     * Translates {@code e}; an exception that carries no errno is returned as it is.
     *
     * @param e what the client or the engine threw
     * @param file the path the operation was about
     * @param other the second path (copy, move, link), or {@code null}
     * @return the exception to throw
     */
    static IOException translate(IOException e, Path file, Path other) {
        if (!(e instanceof NativeIoException n)) {
            return e;
        }
        return of(n.errno(), file, other, n.getMessage(), n);
    }

    /**
     * An exception for {@code errno} on {@code file}.
     *
     * @param errno the positive errno
     * @param file the path
     * @param other the second path, or {@code null}
     * @param reason what failed, or {@code null} for the errno's own words
     * @param cause the original exception, or {@code null}
     * @return the exception to throw
     */
    static FileSystemException of(int errno, Path file, Path other, String reason, Throwable cause) {
        String f = file == null ? null : file.toString();
        String o = other == null ? null : other.toString();
        String r = reason != null ? reason : Errno.describe(errno);
        FileSystemException x = switch (errno) {
            case Errno.ENOENT -> new NoSuchFileException(f, o, r);
            case Errno.EEXIST -> new FileAlreadyExistsException(f, o, r);
            case Errno.ENOTEMPTY -> new DirectoryNotEmptyException(f);
            case Errno.EACCES -> new AccessDeniedException(f, o, r);
            case Errno.ELOOP -> new FileSystemException(f, o, r + " or unable to access attributes of symbolic link");
            default -> new FileSystemException(f, o, r);
        };
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }

    /** {@return a {@link NotDirectoryException} for {@code dir}, with {@code cause} if any} */
    static NotDirectoryException notDirectory(Path dir, Throwable cause) {
        NotDirectoryException x = new NotDirectoryException(dir.toString());
        if (cause != null) {
            x.initCause(cause);
        }
        return x;
    }

    /** {@return the errno {@code e} carries, or 0} */
    static int errno(IOException e) {
        if (e instanceof NativeIoException n) {
            return n.errno();
        }
        return e.getCause() instanceof NativeIoException n ? n.errno() : 0;
    }
}
