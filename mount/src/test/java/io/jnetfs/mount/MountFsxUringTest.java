package io.jnetfs.mount;

import io.jnetfs.fuse.FuseOptions;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MountFsxTest}'s random operation sequence again on FUSE over io_uring. */
class MountFsxUringTest extends MountFsxTest {
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
    Mounted mount(Path export) throws IOException {
        Mounted.requireFuse();
        UringSwitch.require();
        return Mounted.of(Remote.jnetfsServe(export), tmp.resolve("mnt"), FuseOptions.Transport.IO_URING);
    }
}
