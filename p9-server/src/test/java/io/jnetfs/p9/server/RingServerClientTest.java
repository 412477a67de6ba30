package io.jnetfs.p9.server;

/**
 * {@link ServerClientTestBase} with the connections receiving on io_uring (a multishot receive into a
 * provided-buffer ring, SINGLE_ISSUER | DEFER_TASKRUN) and two workers: the same client suite as on the
 * blocking receive.
 */
class RingServerClientTest extends ServerClientTestBase {
    @Override
    int workers() {
        return 2;
    }

    @Override
    boolean ioUring() {
        return true;
    }
}
