package io.jnetfs.ffm;

import java.io.IOException;

/**
 * A system call failed: the message names the call, its key arguments and the errno, for example
 * {@code writev(fd=7, iovcnt=3) failed: EBADF (Bad file descriptor)}.
 *
 * <p>Where the JDK has its own exception for the failure ({@link java.nio.file.NoSuchFileException}
 * and the other {@link java.nio.file.FileSystemException}s, {@link java.net.ConnectException}),
 * {@link Errors} throws that type instead, with a {@code NativeIoException} as its cause, so the errno
 * is never lost.
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;

    /**
     * @param call the call and its key arguments, such as {@code "writev(fd=7, iovcnt=3)"}
     * @param errno the positive errno number (a negative one is taken as {@code -errno})
     */
    public NativeIoException(String call, int errno) {
        super(call + " failed: " + Errno.describe(errno));
        this.call = call;
        this.errno = Math.abs(errno);
    }

    /** @return the call and its key arguments, as given */
    public String call() {
        return call;
    }

    /** @return the positive errno number */
    public int errno() {
        return errno;
    }

    /** @return the errno's kernel name, such as {@code "EBADF"} */
    public String errnoName() {
        return Errno.name(errno);
    }
}
