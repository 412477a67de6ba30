package io.jnetfs.mount;

import io.jnetfs.fuse.FuseOptions;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** Every test of {@link MountOptionsTest} (direct_io, writeback cache, ro) again on FUSE over io_uring. */
class MountOptionsUringTest extends MountOptionsTest {
    private static String previous;

    @BeforeAll
    static void enableUring() {
        previous = UringSwitch.enable();
    }

    @AfterAll
    static void restoreUring() throws IOException {
        UringSwitch.restore(previous);
    }

    @Override
    FuseOptions.Transport transport() {
        UringSwitch.require();
        return FuseOptions.Transport.IO_URING;
    }
}
