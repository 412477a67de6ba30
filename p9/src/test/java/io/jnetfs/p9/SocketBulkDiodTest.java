package io.jnetfs.p9;

/** The socket transport, replies received in bulk into pooled chunks and sliced or copied out. */
class SocketBulkDiodTest extends P9PeerTestBase {
    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.SOCKET).receiveMode(ReceiveMode.BULK);
    }
}
