package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * The exit codes of {@code jnetfs}, one per kind of failure a script may want to tell apart, and the
 * mapping from an exception (by the errno it carries) to its code.
 *
 * <pre>
 *   0    OK
 *   1    USAGE          bad command line (unknown option, missing operand, malformed 9p:// path)
 *   2    NOT_FOUND      ENOENT, ENOTDIR: a path that does not exist
 *   3    PERMISSION     EACCES, EPERM, EROFS
 *   4    NO_SPACE       ENOSPC, EDQUOT
 *   5    UNREACHABLE    the server cannot be reached or the connection failed: ECONNREFUSED,
 *                      ECONNRESET, ECONNABORTED, ETIMEDOUT, EHOSTUNREACH, ENETUNREACH, EPIPE, ...
 *   6    IO             any other failure (EISDIR, EEXIST, ENOTEMPTY, EIO, ...)
 *   7    SETUP          a tool the command needs is missing (the demo's diod) and cannot be installed
 *   130  INTERRUPTED    Ctrl-C (SIGINT): 128 + 2, as shells report it
 * </pre>
 */
public final class ExitCodes {
    /** Success. */
    public static final int OK = 0;
    /** A bad command line. */
    public static final int USAGE = 1;
    /** A path that does not exist (ENOENT, ENOTDIR). */
    public static final int NOT_FOUND = 2;
    /** Permission denied (EACCES, EPERM, EROFS). */
    public static final int PERMISSION = 3;
    /** No space left (ENOSPC, EDQUOT). */
    public static final int NO_SPACE = 4;
    /** The server cannot be reached, or the connection to it failed. */
    public static final int UNREACHABLE = 5;
    /** Any other I/O failure. */
    public static final int IO = 6;
    /** A tool the command needs is missing and could not be installed. */
    public static final int SETUP = 7;
    /** Interrupted by Ctrl-C (SIGINT). */
    public static final int INTERRUPTED = 130;

    /** {@code EDQUOT}, which {@link Errno} does not name. */
    static final int EDQUOT = 122;

    private ExitCodes() {
    }

    /**
     * The exit code of a failure.
     *
     * @param t the failure
     * @return one of the codes above ({@link #IO} when nothing more specific is known)
     */
    public static int of(Throwable t) {
        if (t instanceof CommandFailure f) {
            return f.exitCode();
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof InterruptedIOException || c instanceof ClosedByInterruptException
                    || c instanceof InterruptedException) {
                return INTERRUPTED;
            }
            if (c instanceof ConnectException || c instanceof UnknownHostException) {
                return UNREACHABLE;
            }
        }
        return ofErrno(errnoOf(t));
    }

    /**
     * The exit code of an errno.
     *
     * @param errno a positive errno, or 0 for none known
     * @return the code
     */
    public static int ofErrno(int errno) {
        return switch (errno) {
            case Errno.ENOENT, Errno.ENOTDIR -> NOT_FOUND;
            case Errno.EACCES, Errno.EPERM, Errno.EROFS -> PERMISSION;
            case Errno.ENOSPC, EDQUOT -> NO_SPACE;
            case Errno.ECONNREFUSED, Errno.ECONNRESET, Errno.ECONNABORTED, Errno.ETIMEDOUT, Errno.EHOSTUNREACH,
                 Errno.ENETUNREACH, Errno.ENOTCONN, Errno.EPIPE, Errno.EPROTO, Errno.EBADMSG -> UNREACHABLE;
            default -> IO;
        };
    }

    /**
     * The errno a failure carries: a {@link NativeIoException} in its causes, else the errno the JDK's
     * own exception type or message stands for ({@link NoSuchFileException}: ENOENT, a
     * {@link FileSystemException} whose reason is "No space left on device": ENOSPC).
     *
     * @param t the failure
     * @return a positive errno, or 0 if none is known
     */
    public static int errnoOf(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeIoException n) {
                return n.errno();
            }
        }
        for (Throwable c = t; c != null; c = c.getCause()) {
            switch (c) {
                case NoSuchFileException e -> {
                    return Errno.ENOENT;
                }
                case AccessDeniedException e -> {
                    return Errno.EACCES;
                }
                case FileAlreadyExistsException e -> {
                    return Errno.EEXIST;
                }
                case DirectoryNotEmptyException e -> {
                    return Errno.ENOTEMPTY;
                }
                case NotDirectoryException e -> {
                    return Errno.ENOTDIR;
                }
                case ConnectException e -> {
                    return Errno.ECONNREFUSED;
                }
                case FileSystemException e when e.getReason() != null -> {
                    int n = byDescription(e.getReason());
                    if (n > 0) {
                        return n;
                    }
                }
                default -> {
                    int n = byDescription(c.getMessage());
                    if (n > 0) {
                        return n;
                    }
                }
            }
        }
        return 0;
    }

    /** The errno whose strerror text is {@code text} (the JDK reports local I/O errors that way). */
    private static int byDescription(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        for (int e = 1; e < 134; e++) {
            if (text.equals(Errno.description(e))) {
                return e;
            }
        }
        return 0;
    }
}
