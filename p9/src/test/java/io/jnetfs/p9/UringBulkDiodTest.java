package io.jnetfs.p9;

import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import org.junit.jupiter.api.BeforeAll;

/** The io_uring transport (SENDMSG/RECVMSG SQEs), replies received in bulk. */
class UringBulkDiodTest extends P9PeerTestBase {
    @BeforeAll
    static void needUring() {
        Require.feature("io_uring", IoUring.unavailableReason());
    }

    @Override
    P9Options.Builder configure(P9Options.Builder b) {
        return b.transport(TransportKind.IO_URING).receiveMode(ReceiveMode.BULK);
    }
}
