package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.jnetfs.p9.ReplyFuzz.Call;
import io.jnetfs.p9.ReplyFuzz.Case;
import io.jnetfs.p9.ReplyFuzz.Outcome;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The client's reply decoding fuzzed end to end ({@link ReplyFuzz}): mutated replies from a fake server
 * on loopback, through the socket and io_uring transports in both receive modes. Every outcome is a
 * return or a {@link P9Exception}, in bounded time, with the tags and the pool clean afterwards.
 *
 * <p>{@code -Djnetfs.fuzz.tries=N} (default 400) and {@code -Djnetfs.fuzz.seed=S} set the random run;
 * {@code -Djnetfs.fuzz.update=true} keeps each input with a new kind of outcome in the corpus
 * ({@code src/test/resources/fuzz-corpus/client-replies}), which every run replays; without it an input that
 * escaped is written to {@code target/fuzz-findings} and fails the run.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class ClientReplyFuzzTest extends FakeServerTestBase {
    private static TransportKind transport(int i) {
        return i % 3 == 2 && IoUring.isAvailable() ? TransportKind.IO_URING : TransportKind.SOCKET;
    }

    private static ReceiveMode mode(int i) {
        return i % 2 == 0 ? ReceiveMode.DIRECT : ReceiveMode.BULK;
    }

    @Test
    void theCorpusReplaysAsReturnsOrProtocolErrors() throws IOException {
        List<Case> corpus = ReplyFuzz.corpus();
        assertTrue(corpus.size() >= 20, "the corpus is there: " + corpus.size() + " cases");
        List<String> bad = new ArrayList<>();
        int i = 0;
        for (Case c : corpus) {
            for (int k = 0; k < 2; k++, i++) {
                Outcome o = ReplyFuzz.run(c, pool, transport(i), mode(i));
                if (o.unexpected() != null) {
                    bad.add(c.call() + " " + c.note() + ": " + o.unexpected());
                }
            }
            assertEquals(0, pool.leasedBytes(), "after " + c.call() + " " + c.note());
        }
        if (!bad.isEmpty()) {
            fail(bad.size() + " corpus cases escaped:\n" + String.join("\n", bad));
        }
    }

    @Test
    void randomMutationsAreReturnsOrProtocolErrors() throws IOException {
        int tries = Integer.getInteger("jnetfs.fuzz.tries", 400);
        long seed = Long.getLong("jnetfs.fuzz.seed", 9);
        boolean update = Boolean.getBoolean("jnetfs.fuzz.update");
        Random r = new Random(seed);
        TreeMap<String, Integer> seen = new TreeMap<>();
        List<String> bad = new ArrayList<>();
        int ok = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < tries; i++) {
            Call call = Call.values()[r.nextInt(Call.values().length)];
            Case c = ReplyFuzz.mutate(call, r);
            Outcome o = ReplyFuzz.run(c, pool, transport(i), mode(i));
            String key = call + " " + o.signature();
            boolean fresh = seen.merge(key, 1, Integer::sum) == 1;
            if (o.ok()) {
                ok++;
            }
            if (o.unexpected() != null) {
                bad.add(call + " " + c.note() + ": " + o.unexpected() + " (kept in " + ReplyFuzz.keep(new Case(call,
                        c.frame(), c.patchTag(), "escaped: " + o.unexpected() + "; " + c.note()), update) + ")");
            } else if (update && fresh) {
                ReplyFuzz.keep(new Case(call, c.frame(), c.patchTag(), o.signature() + "; " + c.note()), true);
            }
            assertEquals(0, pool.leasedBytes(), "after " + call + " " + c.note());
        }
        System.out.printf("reply fuzz: %d mutated replies (seed %d) in %.1f s: %d returned, %d protocol or server "
                + "errors, %d distinct outcomes, %d escaped%n", tries, seed, (System.nanoTime() - t0) / 1e9, ok,
                tries - ok - bad.size(), seen.size(), bad.size());
        if (!bad.isEmpty()) {
            fail(bad.size() + " inputs escaped:\n" + String.join("\n", bad));
        }
    }
}
