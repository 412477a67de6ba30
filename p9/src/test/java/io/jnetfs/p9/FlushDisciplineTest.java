package io.jnetfs.p9;

import static io.jnetfs.p9.FakeServer.le;
import static io.jnetfs.p9.FakeServer.msg;
import static io.jnetfs.p9.FakeServer.qid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tflush by the book, against a fake server that answers late: a flushed tag is not reused before its
 * Rflush, and a walk whose success arrives after it timed out has its fid clunked, so no fid leaks.
 */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class FlushDisciplineTest {
    /** What the fake server saw: "Twalk tag=.. newfid=..", "Tflush oldtag=..", "Tclunk fid=..". */
    private final List<String> seen = new CopyOnWriteArrayList<>();

    @Test
    void aWalkThatSucceedsAfterItTimedOutIsClunked() throws Exception {
        int[] walkTag = {-1};
        FakeServer.Handler h = (type, tag, body, out) -> {
            switch (type) {
                case P9Type.Twalk -> {
                    walkTag[0] = tag;
                    seen.add("Twalk newfid=" + body.getInt(4)); // and no answer yet
                }
                case P9Type.Tflush -> {
                    int old = body.getShort(0) & 0xFFFF;
                    seen.add("Tflush oldtag=" + old);
                    // the walk's success comes first, then the Rflush: the client must clunk the fid
                    out.write(msg(P9Type.Rwalk, walkTag[0], le(15).putShort((short) 1).put(qid(0, 7))));
                    out.write(msg(P9Type.Rflush, tag, new byte[0]));
                }
                case P9Type.Tclunk -> {
                    seen.add("Tclunk fid=" + body.getInt(0));
                    out.write(msg(P9Type.Rclunk, tag, new byte[0]));
                }
                case P9Type.Tgetattr -> out.write(msg(P9Type.Rlerror, tag, le(4).putInt(Errno.EACCES)));
                default -> out.write(msg(P9Type.Rlerror, tag, le(4).putInt(Errno.EIO)));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(8192, h);
             P9Client c = P9Client.connect(s.options().timeout(Duration.ofMillis(300)).build())) {
            P9Exception e = assertThrows(P9Exception.class, () -> c.walk(c.root(), "slow"));
            assertEquals(Errno.ETIMEDOUT, e.errno());
            awaitTrue(() -> c.liveFids() == 1 && c.tagsInUse() == 0);
            assertEquals(List.of("Twalk newfid=1", "Tflush oldtag=" + walkTag[0], "Tclunk fid=1"), seen);
            assertNull(c.failure(), "the connection works on");
            P9Exception acc = assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals("EACCES", acc.errnoName());
            assertNull(s.failure());
        }
    }

    @Test
    void aFlushedTagWaitsForItsRflush() throws Exception {
        int[] flushTag = {-1};
        java.io.OutputStream[] conn = {null};
        FakeServer.Handler h = (type, tag, body, out) -> {
            conn[0] = out;
            if (type == P9Type.Tflush) {
                flushTag[0] = tag;
                seen.add("Tflush oldtag=" + (body.getShort(0) & 0xFFFF)); // Rflush later, by the test
            } else if (type == P9Type.Tgetattr) {
                seen.add("Tgetattr tag=" + tag); // never answered
            } else {
                out.write(msg(P9Type.Rlerror, tag, le(4).putInt(Errno.EIO)));
            }
            return true;
        };
        try (FakeServer s = new FakeServer(8192, h);
             P9Client c = P9Client.connect(s.options().timeout(Duration.ofMillis(300)).maxTags(3).build())) {
            assertThrows(P9Exception.class, () -> c.getattr(c.root()));
            assertEquals(2, c.tagsInUse(), "the flushed tag and the Tflush's");
            // one tag left: a request still works, and it does not get the flushed tag
            assertThrows(P9Exception.class, () -> c.statfs(c.root()));
            awaitTrue(() -> seen.size() >= 2); // the Tflush is sent after the timeout, and may land after the statfs
            assertTrue(seen.get(0).startsWith("Tgetattr tag="));
            String flushedTag = seen.get(0).substring("Tgetattr tag=".length());
            assertEquals("Tflush oldtag=" + flushedTag, seen.get(1));
            synchronized (this) {
                conn[0].write(msg(P9Type.Rflush, flushTag[0], new byte[0]));
                conn[0].flush();
            }
            awaitTrue(() -> c.tagsInUse() == 0);
            assertNull(c.failure());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier cond) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!cond.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 5 s");
            }
            Thread.sleep(5);
        }
    }
}
