package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.uring.IoUring;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.provider.Arguments;

/**
 * What the tests against a {@link FakeServer} share: one pool per class, which must get every pooled
 * byte back by the end, and the client configurations they run under.
 */
abstract class FakeServerTestBase {
    static FolioPool pool;

    @BeforeAll
    static void pool() {
        pool = new FolioPool(32L << 20);
    }

    @AfterAll
    static void closePool() {
        assertEquals(0, pool.leasedBytes(), "every pooled byte came back");
        pool.close();
    }

    /** Both transports (io_uring where this kernel allows it) times both receive modes. */
    static Stream<Arguments> configs() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (TransportKind t : TransportKind.values()) {
            if (t == TransportKind.IO_URING && !IoUring.isAvailable()) {
                continue; // reported by UringDiodTest's assumption
            }
            for (ReceiveMode m : ReceiveMode.values()) {
                b.add(Arguments.of(t, m));
            }
        }
        return b.build();
    }
}
