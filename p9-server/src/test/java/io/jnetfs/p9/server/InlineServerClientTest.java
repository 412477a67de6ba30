package io.jnetfs.p9.server;

/** {@link ServerClientTestBase} with every request run by the connection's reader thread ({@code workers(0)}). */
class InlineServerClientTest extends ServerClientTestBase {
    @Override
    int workers() {
        return 0;
    }
}
