package io.jnetfs.bvecq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.constraints.IntRange;

/**
 * Random sequences of chain operations, checked after every step against a plain byte-array model:
 * the chain's bytes always equal the model's.
 */
class BvecqModelPropertiesTest {
    private static FolioPool pool;

    @BeforeContainer
    static void pool() {
        pool = new FolioPool(256L << 20);
    }

    @AfterContainer
    static void closePool() {
        pool.close();
    }

    @Property(tries = 300)
    void chainOperationsMatchAByteArrayModel(@ForAll long seed, @ForAll @IntRange(min = 1, max = 40) int steps,
                                             @ForAll @IntRange(min = 1, max = 9) int slotsPerSegment) {
        Random rnd = new Random(seed);
        List<BvecqBuffer> extra = new ArrayList<>();
        try (Arena external = Arena.ofConfined(); BvecqBuffer chain = new BvecqBuffer(slotsPerSegment);
             BvecqIter it = new BvecqIter()) {
            ByteArrayOutputStream model = new ByteArrayOutputStream();
            byte[] m = new byte[0];
            for (int step = 0; step < steps; step++) {
                int op = rnd.nextInt(9);
                switch (op) {
                    case 0 -> { // append pool memory and fill it
                        int n = 1 + rnd.nextInt(20000);
                        long at = chain.length();
                        chain.expand(pool, n, 4096 << rnd.nextInt(3));
                        byte[] data = randomBytes(rnd, n);
                        chain.copyFrom(data, 0, at, n);
                        m = concat(m, data);
                    }
                    case 1 -> { // append external memory
                        byte[] data = randomBytes(rnd, 1 + rnd.nextInt(5000));
                        MemorySegment seg = external.allocate(data.length);
                        MemorySegment.copy(data, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
                        chain.appendExternal(seg);
                        m = concat(m, data);
                    }
                    case 2 -> { // append owned memory
                        byte[] data = randomBytes(rnd, 1 + rnd.nextInt(5000));
                        MemorySegment seg = chain.appendOwned(data.length);
                        MemorySegment.copy(data, 0, seg, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, data.length);
                        m = concat(m, data);
                    }
                    case 3 -> { // zero a range
                        if (m.length > 0) {
                            int off = rnd.nextInt(m.length);
                            int len = rnd.nextInt(m.length - off + 1);
                            chain.zero(off, len);
                            Arrays.fill(m, off, off + len, (byte) 0);
                        }
                    }
                    case 4 -> { // slice: same bytes; writes through the slice show in the chain
                        if (m.length > 0) {
                            int off = rnd.nextInt(m.length);
                            int len = 1 + rnd.nextInt(m.length - off);
                            BvecqBuffer s = chain.slice(off, len);
                            extra.add(s);
                            assertArrayEquals(Arrays.copyOfRange(m, off, off + len), bytes(s));
                            byte[] w = randomBytes(rnd, 1 + rnd.nextInt(len));
                            int woff = rnd.nextInt(len - w.length + 1);
                            s.copyFrom(w, 0, woff, w.length);
                            System.arraycopy(w, 0, m, off + woff, w.length);
                        }
                    }
                    case 5 -> { // shorten
                        if (m.length > 0) {
                            int n = rnd.nextInt(m.length + 1);
                            chain.shorten(n);
                            m = Arrays.copyOf(m, m.length - n);
                        }
                    }
                    case 6 -> { // iterate with advance/revert and gather: bytes seen equal the model
                        if (m.length > 0) {
                            int off = rnd.nextInt(m.length);
                            int len = rnd.nextInt(m.length - off + 1);
                            it.init(chain, off, len);
                            long adv = len == 0 ? 0 : rnd.nextInt(len + 1);
                            it.advance(adv);
                            long back = adv == 0 ? 0 : rnd.nextInt((int) adv + 1);
                            it.revert(back);
                            long pos = off + adv - back;
                            assertEquals(len - (adv - back), it.count());
                            byte[] seen = iovBytes(it, it.count());
                            assertArrayEquals(Arrays.copyOfRange(m, (int) pos, off + len), seen);
                        }
                    }
                    case 7 -> { // delete spent head segments before a position
                        if (m.length > 0) {
                            int off = rnd.nextInt(m.length);
                            try (BvecqPos p = chain.pos(off)) {
                                long deleted = chain.deleteSpent(p);
                                m = Arrays.copyOfRange(m, (int) deleted, m.length);
                            }
                        }
                    }
                    default -> { // header + range + trailer copy
                        if (m.length > 0) {
                            int off = rnd.nextInt(m.length);
                            int len = rnd.nextInt(m.length - off + 1);
                            byte[] h = randomBytes(rnd, rnd.nextInt(24));
                            byte[] t = randomBytes(rnd, rnd.nextInt(8));
                            MemorySegment hs = external.allocate(Math.max(1, h.length)).asSlice(0, h.length);
                            MemorySegment ts = external.allocate(Math.max(1, t.length)).asSlice(0, t.length);
                            MemorySegment.copy(h, 0, hs, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, h.length);
                            MemorySegment.copy(t, 0, ts, java.lang.foreign.ValueLayout.JAVA_BYTE, 0, t.length);
                            BvecqBuffer msg = chain.copyWithHeaderTrailer(off, len, hs, ts);
                            extra.add(msg);
                            assertArrayEquals(concat(concat(h, Arrays.copyOfRange(m, off, off + len)), t), bytes(msg));
                        }
                    }
                }
                assertEquals(m.length, chain.length(), "length after op " + op);
                assertArrayEquals(m, bytes(chain), "bytes after op " + op);
            }
            model.reset();
        } finally {
            for (BvecqBuffer b : extra) {
                b.release();
            }
        }
        assertEquals(0, pool.leasedBytes(), "every folio went back to the pool");
    }

    static byte[] bytes(BvecqBuffer b) {
        byte[] out = new byte[(int) b.length()];
        b.copyTo(0, out, 0, out.length);
        return out;
    }

    /** Reads the iterator's bytes through the iovec arrays it hands out, as the kernel would. */
    static byte[] iovBytes(BvecqIter it, long len) {
        byte[] out = new byte[(int) len];
        int at = 0;
        long advanced = 0;
        while (at < len) {
            int n = it.nextIov(Math.min(len - at, 1 + 7919L * (at % 3)));
            MemorySegment iov = MemorySegment.ofAddress(it.iovAddress()).reinterpret(n * IovecDescriptor.SIZE);
            long sum = 0;
            for (int i = 0; i < n; i++) {
                long base = IovecDescriptor.base(iov, i);
                long l = IovecDescriptor.len(iov, i);
                MemorySegment.copy(MemorySegment.ofAddress(base).reinterpret(l), 0, MemorySegment.ofArray(out), at + sum, l);
                sum += l;
            }
            assertEquals(it.iovBytes(), sum);
            it.advance(sum);
            advanced += sum;
            at += (int) sum;
        }
        it.revert(advanced);
        return out;
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }
}
