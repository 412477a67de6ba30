package io.jnetfs.p9;

/** The socket transport, replies received header first then straight into the destination. */
class SocketDirectDiodTest extends P9PeerTestBase {
    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.SOCKET).receiveMode(ReceiveMode.DIRECT);
    }
}
