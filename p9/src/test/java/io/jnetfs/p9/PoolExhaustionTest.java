package io.jnetfs.p9;

import static io.jnetfs.p9.FakeServer.le;
import static io.jnetfs.p9.FakeServer.msg;
import static io.jnetfs.p9.FakeServer.qid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An empty folio pool is a result, not an exception: a DIRECT read appended to a chain answers
 * {@code -ENOMEM} and leaves the chain as it was; a BULK connection with no chunk to receive into fails
 * with {@code ENOMEM}, saying why.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class PoolExhaustionTest {
    private static final int MSIZE = 256 << 10;
    private static final int FOLIO = 64 << 10;
    private static final int COUNT = 3 * FOLIO;

    private static final FakeServer.Handler READS = (type, tag, body, out) -> {
        switch (type) {
            case P9Type.Twalk -> out.write(msg(P9Type.Rwalk, tag, le(15).putShort((short) 1).put(qid(0, 5))));
            case P9Type.Tlopen -> out.write(msg(P9Type.Rlopen, tag, le(17).put(qid(0, 5)).putInt(0)));
            case P9Type.Tread -> {
                int count = body.getInt(12);
                ByteBuffer b = le(4 + count).putInt(count);
                for (int i = 0; i < count; i++) {
                    b.put((byte) i);
                }
                out.write(msg(P9Type.Rread, tag, b));
            }
            default -> out.write(msg(P9Type.Rclunk, tag, new byte[0]));
        }
        return true;
    };

    @Test
    void aDirectReadIntoAChainAnswersEnomemAndLeavesTheChainAsItWas() throws Exception {
        try (FolioPool pool = new FolioPool(FolioPool.MAX_FOLIO); // one slab: 32 folios of 64 KiB
             FakeServer s = new FakeServer(MSIZE, READS);
             P9Client c = P9Client.connect(s.options().msize(MSIZE).receiveMode(ReceiveMode.DIRECT).pool(pool).build());
             Fid f = c.open("file", P9Flags.P9_DOTL_RDONLY);
             BvecqBuffer dest = new BvecqBuffer()) {
            List<Folio> held = new ArrayList<>();
            for (int i = 0; i < 31; i++) { // one 64 KiB folio left: the read needs three
                held.add(pool.allocate(FOLIO));
            }
            dest.appendOwned(100);
            long leased = pool.leasedBytes();
            CompletableFuture<Long> cb = new CompletableFuture<>();
            long r = c.readAsync(f, 0, COUNT, dest, (cookie, res) -> cb.complete(res), 0);
            assertEquals(-Errno.ENOMEM, r, "the pool could give one folio of three");
            assertEquals(100, dest.length(), "the folio taken before the pool ran out was given back");
            assertEquals(leased, pool.leasedBytes(), "every folio taken for the read went back to the pool");
            assertEquals(0, c.tagsInUse(), "the tag went back");
            assertTrue(!cb.isDone(), "no callback for a request that was never issued");

            held.forEach(Folio::put);
            r = c.readAsync(f, 0, COUNT, dest, (cookie, res) -> cb.complete(res), 0);
            assertTrue(r >= 0, "with the pool free again the read is issued: " + r);
            assertEquals(COUNT, cb.get(10, TimeUnit.SECONDS));
            assertEquals(100 + COUNT, dest.length());
            assertEquals((byte) 7, dest.byteAt(100 + 7));
        }
    }

    @Test
    void aBulkConnectionWithNoChunkFailsWithEnomemSayingWhy() throws Exception {
        try (FolioPool pool = new FolioPool(FolioPool.MAX_FOLIO);
             FakeServer s = new FakeServer(8192, READS)) {
            Folio all = pool.allocate(FolioPool.MAX_FOLIO);
            try {
                P9Exception e = assertThrows(P9Exception.class, () -> P9Client.connect(
                        s.options().receiveMode(ReceiveMode.BULK).pool(pool).build()).close());
                assertEquals(Errno.ENOMEM, e.errno(), e.getMessage());
                assertTrue(e.getMessage().contains("no pool memory for a receive chunk"), e.getMessage());
            } finally {
                all.put();
            }
        }
    }
}
