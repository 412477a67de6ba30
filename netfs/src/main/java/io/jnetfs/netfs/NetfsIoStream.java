package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqPos;
import java.util.ArrayDeque;

/**
 * One stream of a write request (the kernel's {@code struct netfs_io_stream}): stream 0 uploads to the
 * server, stream 1 writes to the disk cache. Each has its own dispatch cursor on the shared buffer and
 * its own subrequests, collected in order; a folio is clean once every active stream has passed it.
 */
final class NetfsIoStream {
    final int nr;
    final NetfsSource source;
    final ArrayDeque<NetfsIoSubrequest> subrequests = new ArrayDeque<>();
    final BvecqPos dispatchPos = new BvecqPos();
    boolean active;
    long issuedTo;
    long collectedTo;
    int error;

    NetfsIoStream(int nr, NetfsSource source) {
        this.nr = nr;
        this.source = source;
    }
}
