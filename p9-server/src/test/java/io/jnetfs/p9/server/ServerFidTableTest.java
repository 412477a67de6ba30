package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.jnetfs.ffm.Errno;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** The fid table against a HashMap, over random puts, replaces and removes (with deletions mid-run). */
class ServerFidTableTest {
    private static ServerFid fid(int n) {
        return new ServerFid(null, -1, "f" + n, 0, n, 0);
    }

    @Property(tries = 200)
    void behavesLikeAMap(@ForAll long seed, @ForAll @IntRange(min = 1, max = 300) int keySpace) {
        SplittableRandom r = new SplittableRandom(seed);
        ServerFidTable t = new ServerFidTable(10_000);
        Map<Integer, ServerFid> m = new HashMap<>();
        for (int i = 0; i < 2000; i++) {
            // fid numbers clustered (clients count up) and scattered (high bits set)
            int k = r.nextBoolean() ? r.nextInt(keySpace) : r.nextInt(keySpace) * 0x10001 ^ 0x80000000;
            switch (r.nextInt(4)) {
                case 0, 1 -> {
                    ServerFid f = fid(k);
                    boolean replace = r.nextInt(4) == 0;
                    int rc = t.put(k, f, replace);
                    if (m.containsKey(k) && !replace) {
                        assertEquals(-Errno.EBADF, rc);
                    } else {
                        assertEquals(0, rc);
                        m.put(k, f);
                    }
                }
                case 2 -> assertSame(m.remove(k), t.remove(k));
                default -> {
                    ServerFid got = t.get(k);
                    assertSame(m.get(k), got);
                    if (got != null) {
                        got.put(); // the reference get took
                    }
                }
            }
            assertEquals(m.size(), t.size());
        }
        for (Map.Entry<Integer, ServerFid> e : m.entrySet()) {
            assertSame(e.getValue(), t.remove(e.getKey()));
        }
        assertEquals(0, t.size());
    }

    @Test
    void theLimitIsEmfileAndClearEmpties() {
        ServerFidTable t = new ServerFidTable(3);
        assertEquals(0, t.put(1, fid(1), false));
        assertEquals(0, t.put(2, fid(2), false));
        assertEquals(0, t.put(3, fid(3), false));
        assertEquals(-Errno.EMFILE, t.put(4, fid(4), false));
        assertEquals(0, t.put(3, fid(33), true), "replacing is not adding");
        assertEquals(3, t.clear().size());
        assertEquals(0, t.size());
        assertNull(t.get(1));
        assertEquals(0, t.put(4, fid(4), false));
    }
}
