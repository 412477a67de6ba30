package io.jnetfs.uring;

import static io.jnetfs.uring.Fixtures.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.BvecqIter;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** bvecq chain ranges submitted as single SQEs, against real files and loopback sockets. */
@Timeout(60)
class BvecqUringTest {
    private static final int KIB = 1024;

    @TempDir
    Path dir;

    @BeforeEach
    void uring() {
        Fixtures.requireUring();
    }

    private static byte[] pattern(int n, int seed) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 7 + seed + (i >>> 12));
        }
        return b;
    }

    private static BvecqBuffer chainOf(FolioPool pool, byte[] content, int folio) {
        BvecqBuffer b = BvecqBuffer.allocate(pool, content.length, folio);
        b.copyFrom(content, 0, 0, content.length);
        return b;
    }

    private static byte[] contentOf(BvecqBuffer b, long off, int len) {
        byte[] out = new byte[len];
        b.copyTo(off, out, 0, len);
        return out;
    }

    @Test
    void wholeEntriesGoAsOneWritevOnTheChainsOwnArray() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_WRITEV);
        Path f = dir.resolve("w");
        byte[] content = pattern(256 * KIB, 1);
        try (FolioPool pool = new FolioPool(8 << 20); IoUring ring = IoUring.open(8);
             BvecqUring bq = new BvecqUring(ring); BvecqBuffer chain = chainOf(pool, content, 64 * KIB);
             BvecqIter it = new BvecqIter()) {
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_WRONLY());
            it.init(chain, 0, chain.length());
            assertEquals(256 * KIB, bq.prepWritev(fd, chain, it, chain.length(), 4096, 0, 1));
            assertTrue(bq.lastDirect(), "four whole 64 KiB entries of one segment: the segment's own array");
            assertEquals(Opcode.IORING_OP_WRITEV, UserData.op(bq.lastToken()));
            assertEquals(0, it.count(), "the iterator moved past what the SQE covers");
            Fixtures.Recorder rec = new Fixtures.Recorder(2);
            await(ring, rec, 1);
            assertEquals(256 * KIB, rec.resultOf(1));
            byte[] file = Files.readAllBytes(f);
            assertArrayEquals(content, Arrays.copyOfRange(file, 4096, file.length));
            Fixtures.close(fd);
        }
    }

    @Test
    void aRangeStartingMidEntryIsGatheredIntoTheSqesOwnArea() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READV);
        Path f = dir.resolve("r");
        byte[] content = pattern(300 * KIB, 2);
        Files.write(f, content);
        try (FolioPool pool = new FolioPool(8 << 20); IoUring ring = IoUring.open(8);
             BvecqUring bq = new BvecqUring(ring); BvecqBuffer chain = BvecqBuffer.allocate(pool, 256 * KIB, 64 * KIB);
             BvecqIter it = new BvecqIter()) {
            int fd = Fixtures.open(f, LibC.O_RDONLY());
            // two SQEs in flight on the same iterator: the second one's gather must not disturb the first
            it.init(chain, 1000, 200 * KIB);
            long a = bq.prepReadv(fd, chain, it, 100 * KIB, 5000, 0, 1);
            assertFalse(bq.lastDirect());
            long b = bq.prepReadv(fd, chain, it, 100 * KIB, 5000 + 100 * KIB, 0, 2);
            assertFalse(bq.lastDirect());
            assertEquals(100 * KIB, a);
            assertEquals(100 * KIB, b);
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            await(ring, rec, 2);
            assertEquals(100 * KIB, rec.resultOf(1));
            assertEquals(100 * KIB, rec.resultOf(2));
            assertArrayEquals(Arrays.copyOfRange(content, 5000, 5000 + 200 * KIB), contentOf(chain, 1000, 200 * KIB));
            Fixtures.close(fd);
        }
    }

    @Test
    void aSingleEntryOfARegisteredPoolGoesAsReadFixedAndWriteFixed() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_READV, Opcode.IORING_OP_WRITEV, Opcode.IORING_OP_READ_FIXED, Opcode.IORING_OP_WRITE_FIXED);
        Fixtures.require("register/BUFFERS_SPARSE", IoUringFeatures.missingSparseBuffers());
        Path f = dir.resolve("fixed");
        byte[] content = pattern(64 * KIB, 3);
        try (FolioPool pool = new FolioPool(8 << 20); IoUring ring = IoUring.open(8); BvecqUring bq = new BvecqUring(ring);
             BvecqBuffer out = chainOf(pool, content, 64 * KIB); BvecqIter it = new BvecqIter()) {
            bq.registerPool(pool, 4);
            int fd = Fixtures.open(f, LibC.O_CREAT() | LibC.O_RDWR());
            it.init(out, 0, out.length());
            bq.prepWritev(fd, out, it, out.length(), 0, 0, 1);
            assertEquals(Opcode.IORING_OP_WRITE_FIXED, UserData.op(bq.lastToken()));
            try (BvecqBuffer in = BvecqBuffer.allocate(pool, 64 * KIB, 64 * KIB)) {
                assertEquals(1, bq.syncPool());
                Fixtures.Recorder rec = new Fixtures.Recorder(4);
                await(ring, rec, 1);
                it.init(in, 0, in.length());
                bq.prepReadv(fd, in, it, in.length(), 0, 0, 2);
                assertEquals(Opcode.IORING_OP_READ_FIXED, UserData.op(bq.lastToken()));
                await(ring, rec, 2);
                assertEquals(64 * KIB, rec.resultOf(1));
                assertEquals(64 * KIB, rec.resultOf(2));
                assertArrayEquals(content, contentOf(in, 0, 64 * KIB));
            }
            Fixtures.close(fd);
        }
    }

    @Test
    void sendmsgAndRecvmsgOfChainRangesOverLoopback() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_SENDMSG, Opcode.IORING_OP_RECVMSG);
        byte[] content = pattern(200 * KIB, 4);
        try (FolioPool pool = new FolioPool(8 << 20); IoUring ring = IoUring.open(8); BvecqUring bq = new BvecqUring(ring);
             Fixtures.Loopback tcp = Fixtures.Loopback.open(); BvecqBuffer out = chainOf(pool, content, 16 * KIB);
             BvecqBuffer in = BvecqBuffer.allocate(pool, 200 * KIB, 64 * KIB); BvecqIter wi = new BvecqIter();
             BvecqIter ri = new BvecqIter()) {
            ri.init(in, 0, in.length());
            wi.init(out, 0, out.length());
            bq.prepRecvmsg(tcp.server(), in, ri, in.length(), LibC.MSG_WAITALL(), 0, 2);
            assertEquals(Opcode.IORING_OP_RECVMSG, UserData.op(bq.lastToken()));
            bq.prepSendmsg(tcp.client(), out, wi, out.length(), 0, 0, 1);
            assertTrue(bq.lastDirect(), "13 whole 16 KiB entries: the chain's own array");
            Fixtures.Recorder rec = new Fixtures.Recorder(4);
            await(ring, rec, 2);
            assertEquals(200 * KIB, rec.resultOf(1));
            assertEquals(200 * KIB, rec.resultOf(2));
            assertArrayEquals(content, contentOf(in, 0, 200 * KIB));
        }
    }

    @Test
    void theChainsMemoryOutlivesItsOwnerUntilTheCompletion() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECVMSG);
        try (FolioPool pool = new FolioPool(8 << 20); IoUring ring = IoUring.open(8); BvecqUring bq = new BvecqUring(ring);
             Fixtures.Loopback tcp = Fixtures.Loopback.open(); BvecqIter it = new BvecqIter(); Arena a = Arena.ofConfined()) {
            BvecqBuffer in = BvecqBuffer.allocate(pool, 64 * KIB, 64 * KIB);
            it.init(in, 0, 16);
            bq.prepRecvmsg(tcp.server(), in, it, 16, LibC.MSG_WAITALL(), 0, 1);
            ring.submit();
            in.release(); // the owner lets go while the kernel may still write into the folio
            assertEquals(64 * KIB, pool.leasedBytes(), "the SQE's reference keeps the folio out of the pool");
            assertEquals(16, Native.write(tcp.client(), Fixtures.pattern(a, 16, 1), 16));
            Fixtures.Recorder rec = new Fixtures.Recorder(2);
            await(ring, rec, 1);
            assertEquals(16, rec.resultOf(1));
            assertEquals(0, pool.leasedBytes(), "the completion put the last reference: the folio is back");
        }
    }

    @Test
    void closingTheRingPutsTheReferencesOfCancelledOperations() throws Exception {
        Fixtures.requireOps(Opcode.IORING_OP_RECVMSG, Opcode.IORING_OP_ASYNC_CANCEL);
        try (FolioPool pool = new FolioPool(8 << 20); Fixtures.Loopback tcp = Fixtures.Loopback.open();
             BvecqIter it = new BvecqIter()) {
            IoUring ring = IoUring.open(8);
            BvecqUring bq = new BvecqUring(ring);
            BvecqBuffer in = BvecqBuffer.allocate(pool, 64 * KIB, 64 * KIB);
            it.init(in, 0, in.length());
            bq.prepRecvmsg(tcp.server(), in, it, in.length(), 0, 0, 1);
            in.release();
            bq.close();
            ring.close();
            assertEquals(0, pool.leasedBytes());
        }
    }
}
