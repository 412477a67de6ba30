package io.jnetfs.p9.reliability;

import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;

/** {@link ReconnectTestBase} against the real diod, killed with SIGKILL or stopped with SIGTERM and started again. */
class ReconnectDiodTest extends ReconnectTestBase {
    @BeforeAll
    static void need() {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
    }

    @Override
    SoakTest.Peer start(Path export) throws IOException {
        return SoakTest.diod(export);
    }

    @Override
    boolean killable() {
        return true;
    }
}
