package io.jnetfs.p9.server;

/**
 * {@link ServerClientTestBase} with splice off: every Rread's data is copied into a data buffer by
 * {@code preadv2} and sent with its header in one {@code sendmsg} (the path splice falls back on).
 */
class CopyingServerClientTest extends ServerClientTestBase {
    @Override
    int workers() {
        return 2;
    }

    @Override
    boolean splice() {
        return false;
    }
}
