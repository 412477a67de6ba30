package io.jnetfs.netfs;

import io.jnetfs.netfs.cachefiles.CacheIo;
import io.jnetfs.testkit.Require;
import io.jnetfs.uring.IoUring;
import org.junit.jupiter.api.BeforeEach;

/** {@link DiskCacheTest}'s tests with the cache files read and written by io_uring READV/WRITEV SQEs. */
class DiskCacheUringTest extends DiskCacheTest {
    @BeforeEach
    void requireIoUring() {
        Require.feature("io_uring", IoUring.unavailableReason());
    }

    @Override
    CacheIo cacheIo() {
        return CacheIo.IO_URING;
    }
}
