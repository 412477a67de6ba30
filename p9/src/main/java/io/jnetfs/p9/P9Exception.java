package io.jnetfs.p9;

import io.jnetfs.ffm.NativeIoException;

/**
 * A 9P operation failed: the message names the request and its key arguments, the errno (the
 * server's Rlerror, or the connection's), and for a failed connection why it failed, e.g.
 * {@code Twalk(fid=3, names=[a, b]) failed: ENOENT (No such file or directory)} or
 * {@code Tread(fid=4, offset=0, count=65512) failed: ECONNRESET (Connection reset by peer): 9P
 * connection to 127.0.0.1:5640 failed: server closed the connection (end of stream)}.
 */
public final class P9Exception extends NativeIoException {
    private static final long serialVersionUID = 1L;

    /** Why the connection failed, or {@code null}. */
    private final String detail;

    /**
     * An exception for a failed request.
     *
     * @param call the request and its key arguments
     * @param errno the positive errno
     * @param detail why the connection failed, or {@code null} for a server's error reply
     */
    public P9Exception(String call, int errno, String detail) {
        super(call, errno);
        this.detail = detail;
    }

    /** {@return why the connection failed, or {@code null} when the server answered with Rlerror} */
    public String detail() {
        return detail;
    }

    @Override
    public String getMessage() {
        return detail == null ? super.getMessage() : super.getMessage() + ": " + detail;
    }
}
