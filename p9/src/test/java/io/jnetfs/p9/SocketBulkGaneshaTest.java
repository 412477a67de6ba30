package io.jnetfs.p9;

import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.nio.file.Path;

/** Against NFS-Ganesha (FSAL_VFS): the socket transport, replies received in bulk. */
class SocketBulkGaneshaTest extends P9PeerTestBase {
    @Override
    PeerServer startPeer(Path dir) throws IOException {
        return GaneshaPeer.start(dir);
    }

    @Override
    boolean survivesTremove() {
        return false;
    }

    @Override
    long getattrValid() {
        return P9Flags.P9_GETATTR_BASIC;
    }

    @Override
    boolean opensADirectoryForWriting() {
        return true;
    }

    @Override
    boolean ignoresExclusiveCreate() {
        return true;
    }

    @Override
    boolean answersWithRerror() {
        return true;
    }

    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.SOCKET).receiveMode(ReceiveMode.BULK);
    }
}
