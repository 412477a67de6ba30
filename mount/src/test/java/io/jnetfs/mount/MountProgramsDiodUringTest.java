package io.jnetfs.mount;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fuse.FuseOptions;
import io.jnetfs.fuse.uring.UringFuseTransport;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Every test of {@link MountProgramsDiodTest} (diod) again with the mount's requests carried by FUSE over
 * io_uring ({@code --fuse-transport io-uring}); each mount is checked to have taken the rings.
 */
class MountProgramsDiodUringTest extends MountProgramsDiodTest {
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
        return FuseOptions.Transport.IO_URING;
    }

    @Override
    Mounted mount() throws IOException {
        Mounted.requireFuse();
        UringSwitch.require();
        Mounted m = super.mount();
        String d = m.mount.session().describe();
        assertTrue(d.startsWith("io_uring (") && ((UringFuseTransport) m.mount.session().transport()).usesUring(), d);
        return m;
    }
}
