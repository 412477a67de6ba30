package io.jnetfs.p9;

/** Against NFS-Ganesha (FSAL_VFS): the socket transport, replies received in bulk. */
class SocketBulkGaneshaTest extends P9GaneshaTestBase {
    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.SOCKET).receiveMode(ReceiveMode.BULK);
    }
}
