package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The reply decoders fed random and mutated bodies (jqwik): {@link P9Codec#checkHeader},
 * {@link P9Codec#checkReply} and {@link P9Codec#checkDirents} always answer {@code null} or a
 * description, never throw; a body that passes is decoded without an exception; and neither step
 * allocates by an untrusted length (the bytes allocated stay under a fixed bound, measured per thread).
 * Each body is a segment of exactly its length, so any read past it throws and is caught here.
 */
class ReplyCodecFuzzTest {
    /** The most one check and decode may allocate: a 64 KiB string and the objects around it. */
    private static final long MAX_ALLOCATION = 256 << 10;
    private static final int[] REQUESTS = {P9Type.Tversion, P9Type.Tattach, P9Type.Twalk, P9Type.Tlopen, P9Type.Tlcreate,
        P9Type.Tread, P9Type.Twrite, P9Type.Tclunk, P9Type.Tremove, P9Type.Tstatfs, P9Type.Tgetattr, P9Type.Tsetattr,
        P9Type.Treaddir, P9Type.Tfsync, P9Type.Tmkdir, P9Type.Tunlinkat, P9Type.Trenameat, P9Type.Trename,
        P9Type.Tsymlink, P9Type.Treadlink, P9Type.Tlink, P9Type.Tflush};
    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    record Input(int requestType, int replyType, byte[] body, long requested) {
    }

    @Provide
    Arbitrary<Input> replies() {
        Arbitrary<Integer> req = Arbitraries.of(java.util.Arrays.stream(REQUESTS).boxed().toList());
        Arbitrary<Integer> replyBias = Arbitraries.frequency(
                net.jqwik.api.Tuple.of(8, 1), net.jqwik.api.Tuple.of(1, 0), net.jqwik.api.Tuple.of(1, 2));
        Arbitrary<Integer> anyType = Arbitraries.integers().between(0, 255);
        Arbitrary<byte[]> body = Arbitraries.oneOf(
                Arbitraries.bytes().array(byte[].class).ofMaxSize(400),
                // mostly zeros with a few edge values: reaches past the length checks more often
                Arbitraries.integers().between(0, 200).flatMap(n -> Arbitraries.of((byte) 0, (byte) 0, (byte) 0, (byte) 1,
                        (byte) 0x10, (byte) 0x7F, (byte) 0x80, (byte) 0xFF).array(byte[].class).ofSize(n)));
        Arbitrary<Long> requested = Arbitraries.oneOf(Arbitraries.longs().between(0, 20),
                Arbitraries.longs().between(0, 1L << 32));
        return Combinators.combine(req, replyBias, anyType, body, requested).as((rq, bias, any, b, n) -> {
            int reply = bias == 1 ? rq + 1 : bias == 2 ? P9Type.Rlerror : any;
            return new Input(rq, reply, b, n);
        });
    }

    @Property(tries = 20_000)
    void checkReplyNeverThrowsAndWhatPassesDecodes(@ForAll("replies") Input in) {
        MemorySegment body = MemorySegment.ofArray(in.body());
        long t = Thread.currentThread().threadId();
        long a0 = THREADS.getThreadAllocatedBytes(t);
        String why = P9Codec.checkHeader(7L + in.body().length, in.replyType(), 8192);
        if (in.replyType() != P9Type.Rread && in.replyType() != P9Type.Rreaddir) {
            why = P9Codec.checkReply(in.requestType(), in.replyType(), body, in.body().length, in.requested());
            if (why == null) {
                decode(in.replyType(), body);
            }
        } else if (in.body().length >= 4) {
            MemorySegment data = body.asSlice(4);
            if (P9Codec.checkDirents(data, data.byteSize()) == null) {
                P9Codec.decodeDirents(data, data.byteSize(), new ArrayList<>());
            }
        }
        long allocated = THREADS.getThreadAllocatedBytes(t) - a0;
        assertTrue(allocated < MAX_ALLOCATION, "allocated " + allocated + " bytes for a body of " + in.body().length
                + (why == null ? "" : " (" + why + ")"));
    }

    /** Decodes a body that passed the check, as the connection does. */
    private static void decode(int type, MemorySegment b) {
        switch (type) {
            case P9Type.Rversion -> P9Codec.string(b, 4);
            case P9Type.Rattach, P9Type.Rsymlink, P9Type.Rmkdir, P9Type.Rlopen, P9Type.Rlcreate -> P9Codec.qid(b, 0);
            case P9Type.Rgetattr -> P9Codec.decodeAttr(b, 0, new P9Attr());
            case P9Type.Rstatfs -> P9Codec.decodeStatFs(b, 0);
            case P9Type.Rwalk -> P9Codec.decodeWalkQids(b, 0);
            case P9Type.Rreadlink -> P9Codec.string(b, 0);
            case P9Type.Rwrite, P9Type.Rlerror -> P9Codec.u32(b, 0);
            default -> {
                // bodies of zero length: nothing to decode
            }
        }
    }

    @Property(tries = 5_000)
    void direntsFromRandomBytesNeverThrow(@ForAll byte[] data) {
        MemorySegment d = MemorySegment.ofArray(data);
        if (P9Codec.checkDirents(d, data.length) == null) {
            List<Dirent> out = new ArrayList<>();
            P9Codec.decodeDirents(d, data.length, out);
            assertTrue(out.size() <= data.length / P9Descriptor.MIN_DIRENT);
        }
    }

    @Property(tries = 5_000)
    void headersOfAnySizeAndTypeAreJudgedWithoutThrowing(@ForAll long size, @ForAll int type) {
        String why = P9Codec.checkHeader(size, type & 0xFF, 65536);
        assertTrue(why != null || (size >= 7 && size <= 65536 && P9Type.isKnownReply(type & 0xFF)));
    }
}
