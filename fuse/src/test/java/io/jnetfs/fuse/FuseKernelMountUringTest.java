package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fuse.uring.UringFuseTransport;
import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * Every test of {@link FuseKernelMountTest} again with the requests carried by io_uring
 * ({@code --fuse-transport io-uring}): the same in-memory filesystem, programs and checks, with INIT,
 * FORGET and INTERRUPT on /dev/fuse and everything else on the rings. Each mount is checked to have
 * taken io_uring, and each test to have served requests from the ring entries.
 */
class FuseKernelMountUringTest extends FuseKernelMountTest {
    private static String previous;
    private FuseSession current;

    @BeforeAll
    static void enableUring() {
        previous = EnableUring.enable();
    }

    @AfterAll
    static void restoreUring() throws IOException {
        EnableUring.restore(previous);
    }

    @BeforeEach
    void requireUring() {
        EnableUring.require(2);
    }

    @Override
    FuseOptions configure(FuseOptions o) {
        return o.transport(FuseOptions.Transport.IO_URING);
    }

    @Override
    FuseSession mount(FuseOptions o) throws IOException {
        current = super.mount(o);
        assertTrue(current.describe().startsWith("io_uring ("), current.describe());
        assertTrue(((UringFuseTransport) current.transport()).usesUring(), current.describe());
        return current;
    }

    @Override
    void assertParallelChannels(FuseSession s) {
        assertTrue(s.describe().startsWith("io_uring (2 queues") || s.describe().startsWith("io_uring ("), s.describe());
    }

    @AfterEach
    void requestsWentOverTheRings() {
        if (current != null) {
            long n = ((UringFuseTransport) current.transport()).uringRequests();
            assertTrue(n > 0, "no request came over io_uring: " + current.describe());
        }
    }
}
