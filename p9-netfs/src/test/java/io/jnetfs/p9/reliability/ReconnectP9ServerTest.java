package io.jnetfs.p9.reliability;

import java.io.IOException;
import java.nio.file.Path;

/** {@link ReconnectTestBase} against a {@code P9Server} in this JVM, closed and started again on the same export. */
class ReconnectP9ServerTest extends ReconnectTestBase {
    @Override
    SoakTest.Peer start(Path export) throws IOException {
        return SoakTest.jnetfsServer(export);
    }

    @Override
    boolean killable() {
        return false;
    }
}
