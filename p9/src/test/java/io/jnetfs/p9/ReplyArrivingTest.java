package io.jnetfs.p9;

import static io.jnetfs.p9.FakeServer.le;
import static io.jnetfs.p9.FakeServer.msg;
import static io.jnetfs.p9.FakeServer.qid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link P9Client#replyArriving()}, the signal an engine batches its refills on: in a completion
 * callback it says whether the receiving thread already holds the start of another reply. A fake
 * server answers three Treads with one write, so the three Rreads reach the client back to back.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class ReplyArrivingTest extends FakeServerTestBase {
    private static final int READS = 3;
    private static final int COUNT = 4096;
    @ParameterizedTest
    @MethodSource("configs")
    void repliesThatCameTogetherAreSeenArrivingAndTheLastIsNot(TransportKind transport, ReceiveMode mode) throws Exception {
        List<Integer> tags = new ArrayList<>();
        FakeServer.Handler h = (type, tag, body, out) -> {
            switch (type) {
                case P9Type.Twalk -> out.write(msg(P9Type.Rwalk, tag, le(15).putShort((short) 1).put(qid(0, 5))));
                case P9Type.Tlopen -> out.write(msg(P9Type.Rlopen, tag, le(17).put(qid(0, 5)).putInt(0)));
                case P9Type.Tread -> {
                    tags.add(tag);
                    if (tags.size() == READS) { // all three replies in one write, in the order asked
                        ByteArrayOutputStream all = new ByteArrayOutputStream();
                        for (int t : tags) {
                            ByteBuffer b = le(4 + COUNT).putInt(COUNT);
                            for (int i = 0; i < COUNT; i++) {
                                b.put((byte) (t + i));
                            }
                            all.write(msg(P9Type.Rread, t, b));
                        }
                        out.write(all.toByteArray());
                    }
                }
                default -> out.write(msg(P9Type.Rclunk, tag, new byte[0]));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(8192, h);
             P9Client c = P9Client.connect(s.options().transport(transport).receiveMode(mode).pool(pool).build());
             BvecqBuffer dest = BvecqBuffer.allocate(pool, READS * COUNT, COUNT)) {
            Fid f = c.open("file", P9Flags.P9_DOTL_RDONLY);
            AtomicIntegerArray arriving = new AtomicIntegerArray(READS); // 1: true, 2: false
            AtomicIntegerArray order = new AtomicIntegerArray(READS);
            int[] seen = {0};
            CountDownLatch done = new CountDownLatch(READS);
            BvecqIter[] its = new BvecqIter[READS];
            c.plug();
            for (int i = 0; i < READS; i++) {
                its[i] = new BvecqIter().init(dest, (long) i * COUNT, COUNT);
                c.readAsync(f, (long) i * COUNT, COUNT, its[i], (cookie, r) -> {
                    arriving.set((int) cookie, c.replyArriving() ? 1 : 2);
                    order.set(seen[0]++, (int) cookie); // callbacks run one at a time, on the receiving thread
                    done.countDown();
                }, i);
            }
            c.unplug();
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertFalse(c.replyArriving(), "off the receiving thread");
            // the first two completed with the next reply already in hand; the last with nothing after it
            assertEquals(1, arriving.get(order.get(0)), "first: " + arriving);
            assertEquals(1, arriving.get(order.get(1)), "second: " + arriving);
            assertEquals(2, arriving.get(order.get(2)), "last: " + arriving);
            for (BvecqIter it : its) {
                it.close();
            }
            f.close();
        }
    }
}
