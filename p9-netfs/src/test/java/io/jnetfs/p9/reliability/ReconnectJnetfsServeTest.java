package io.jnetfs.p9.reliability;

import java.io.IOException;
import java.nio.file.Path;

/**
 * {@link ReconnectTestBase} against {@code jnetfs serve} as a process of its own ({@link ServeProcess}),
 * killed with SIGKILL or stopped with SIGTERM and started again.
 */
class ReconnectJnetfsServeTest extends ReconnectTestBase {
    @Override
    SoakTest.Peer start(Path export) throws IOException {
        return ServeProcess.start(export);
    }

    @Override
    boolean killable() {
        return true;
    }
}
