package io.jnetfs.fuse;

import io.jnetfs.fuse.uring.UringFuseTransport;
import java.io.IOException;

/** Chooses the transport a mounted session uses from {@link FuseOptions#transport()}. */
final class FuseTransports {
    private FuseTransports() {
    }

    /** Fails, before anything is mounted, when io_uring is demanded and this machine cannot give it. */
    static void check(FuseOptions o) throws IOException {
        if (o.transport() == FuseOptions.Transport.IO_URING) {
            String why = UringFuseTransport.unavailableReason(o.threads());
            if (why != null) {
                throw new IOException("FUSE over io_uring is unavailable: " + why);
            }
        }
    }

    /** The transport for the mounted descriptor {@code fd}: {@code /dev/fuse}, or io_uring with /dev/fuse beside it. */
    static FuseTransport open(int fd, FuseOptions o) {
        if (o.transport() == FuseOptions.Transport.DEV) {
            return new DevFuseTransport(fd, o.cloneFd());
        }
        return new UringFuseTransport(fd, o);
    }
}
