package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;

/** The io_uring transport (placeholder until io-uring lands). */
final class UringTransport {
    record Result(Transport transport, int errno, String why) {
    }

    private UringTransport() {
    }

    static Result open(int fd, long tickNanos) {
        return new Result(null, Errno.ENOSYS, "io_uring transport not built yet");
    }
}
