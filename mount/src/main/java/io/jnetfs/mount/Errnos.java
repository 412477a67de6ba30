package io.jnetfs.mount;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.nio.channels.ClosedChannelException;

/**
 * What a failure is worth to the kernel: a positive errno for the FUSE reply. A 9P {@code Rlerror}
 * ({@link io.jnetfs.p9.P9Exception}) and every {@link NativeIoException} of the engine pass their errno
 * through unchanged; a timeout is {@code ETIMEDOUT}; anything else that is an I/O failure is
 * {@code EIO}. Misuse inside the filesystem (a bug) is {@code EIO} too, never a hang of the caller.
 */
final class Errnos {
    private Errnos() {
    }

    /** {@return the positive errno for {@code t}} */
    static int of(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof NativeIoException n && n.errno() > 0) {
                return n.errno();
            }
        }
        if (t instanceof ClosedChannelException) {
            return Errno.ENOTCONN;
        }
        if (t instanceof IOException && t.getMessage() != null && t.getMessage().contains("timed out")) {
            return Errno.ETIMEDOUT;
        }
        return Errno.EIO;
    }
}
