package io.jnetfs.p9;

import io.jnetfs.ffm.Errno;
import java.util.BitSet;

/**
 * The fid numbers of one session: the lowest free number is taken, so numbers stay small; the count
 * of live numbers is what tests check for leaks. Thread-safe.
 */
final class FidTable {
    private final BitSet used = new BitSet();
    private int live;

    /** {@return a free fid number, or {@code -EMFILE} if 2^31 are in use} */
    synchronized int allocate() {
        int f = used.nextClearBit(0);
        if (f < 0 || f == Integer.MAX_VALUE) {
            return -Errno.EMFILE;
        }
        used.set(f);
        live++;
        return f;
    }

    /**
     * Gives a number back.
     *
     * @throws IllegalStateException if it was not taken (a double release)
     */
    synchronized void release(int fid) {
        if (fid < 0 || !used.get(fid)) {
            throw new IllegalStateException("fid " + fid + " released but not in use");
        }
        used.clear(fid);
        live--;
    }

    /** {@return how many numbers are taken} */
    synchronized int live() {
        return live;
    }
}
