package io.jnetfs.p9;

import io.jnetfs.bvecq.BvecqBuffer;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/** Deterministic test data and checksums over chains. */
final class TestData {
    private TestData() {
    }

    /** Fills {@code len} bytes of {@code b} from {@code off} with a stream seeded by {@code seed}. */
    static void fill(BvecqBuffer b, long off, long len, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        byte[] tmp = new byte[1 << 16];
        MemorySegment t = MemorySegment.ofArray(tmp);
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(tmp.length, len - done);
            for (int i = 0; i + 8 <= tmp.length; i += 8) {
                t.set(ValueLayout.JAVA_LONG_UNALIGNED, i, r.nextLong());
            }
            b.copyFrom(tmp, 0, off + done, n);
            done += n;
        }
    }

    static byte[] bytes(long seed, int len) {
        byte[] a = new byte[len];
        new SplittableRandom(seed).nextBytes(a);
        return a;
    }

    /** CRC32C of {@code len} bytes of {@code b} from {@code off}. */
    static long crc(BvecqBuffer b, long off, long len) {
        CRC32C c = new CRC32C();
        update(c, b, off, len);
        return c.getValue();
    }

    static void update(CRC32C c, BvecqBuffer b, long off, long len) {
        byte[] tmp = new byte[1 << 16];
        long done = 0;
        while (done < len) {
            int n = (int) Math.min(tmp.length, len - done);
            b.copyTo(off + done, tmp, 0, n);
            c.update(tmp, 0, n);
            done += n;
        }
    }
}
