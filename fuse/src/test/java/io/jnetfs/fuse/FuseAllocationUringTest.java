package io.jnetfs.fuse;

import java.io.IOException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** {@link FuseAllocationTest} on io_uring: the ring entries' READ path allocates nothing once warm either. */
class FuseAllocationUringTest extends FuseAllocationTest {
    private static String previous;

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
}
