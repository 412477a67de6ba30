package io.jnetfs.uring;

import io.jnetfs.bvecq.BvecqIter;

/** The argument checks the two {@link FileIo} implementations share for chain operations. */
final class ChainChecks {
    private ChainChecks() {
    }

    static void check(BvecqIter it, long len, long offset, boolean positional) {
        if (len < 0 || len > it.count()) {
            throw new IllegalArgumentException("len out of 0..count=" + it.count() + ": len=" + len);
        }
        if (positional && offset < 0) {
            throw new IllegalArgumentException("negative file offset: offset=" + offset);
        }
    }
}
