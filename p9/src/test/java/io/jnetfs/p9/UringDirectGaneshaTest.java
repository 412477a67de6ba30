package io.jnetfs.p9;

import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.file.Path;

/** Against NFS-Ganesha (FSAL_VFS): the io_uring transport, replies received header first. */
class UringDirectGaneshaTest extends P9GaneshaTestBase {
    @Override
    PeerServer startPeer(Path dir) throws IOException {
        Require.feature("io_uring", IoUring.unavailableReason());
        return super.startPeer(dir);
    }

    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.IO_URING).receiveMode(ReceiveMode.DIRECT);
    }
}
