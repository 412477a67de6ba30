package io.jnetfs.p9.server;

/** {@link ServerClientTestBase} with two worker threads per connection. */
class WorkersServerClientTest extends ServerClientTestBase {
    @Override
    int workers() {
        return 2;
    }
}
