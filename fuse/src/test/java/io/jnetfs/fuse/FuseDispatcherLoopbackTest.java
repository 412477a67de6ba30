package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dispatcher fed requests the kernel would never send (truncated, inconsistent, unknown), through a
 * {@link LoopbackTransport}: each gets a clear error reply or none, is counted, and the session keeps
 * answering. Also the exact reply bytes of INIT and of a READ assembled from caller memory, a folio and a
 * copy (zero copy: the reply's iovecs point at them).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuseDispatcherLoopbackTest {
    private static final byte[] FOLIO_BYTES = "folio-bytes|".getBytes(StandardCharsets.US_ASCII);
    private final LoopbackTransport t = new LoopbackTransport();
    private final FolioPool pool = new FolioPool(4 << 20);
    private final Arena arena = Arena.ofShared();
    private final MemorySegment external = arena.allocateFrom("external|");
    private Folio folio;
    private FuseSession s;
    private long unique = 2;

    private final MemFs fs = new MemFs() {
        @Override
        public int read(FuseRequest req, long nodeId, long fh, long offset, int size, int flags, FuseDataReply out) {
            if (nodeId != 77) {
                return super.read(req, nodeId, fh, offset, size, flags, out);
            }
            out.add(external.asSlice(0, external.byteSize() - 1)); // zero copy: caller memory
            out.add(folio.get(), 0, FOLIO_BYTES.length);            // zero copy: a folio reference for the reply
            out.copy("copied".getBytes(StandardCharsets.US_ASCII), 0, 6);
            return 0;
        }

        @Override
        public int getattr(FuseRequest req, long nodeId, long fh, FuseAttr out) {
            if (nodeId == 88) {
                // the errno is found in the cause chain
                throw new UncheckedIOException(new NativeIoException("test(nodeid=88)", Errno.ENOSPC));
            }
            if (nodeId == 99) {
                throw new IllegalStateException("a bug in the handler");
            }
            return super.getattr(req, nodeId, fh, out);
        }
    };

    @BeforeEach
    void start() throws Exception {
        folio = pool.allocate(4096);
        MemorySegment.copy(FOLIO_BYTES, 0, folio.segment(), ValueLayout.JAVA_BYTE, 0, FOLIO_BYTES.length);
        t.requests.add(init(7, 38, (int) (FuseConnInfo.FUSE_ASYNC_READ | FuseConnInfo.FUSE_MAX_PAGES
                | FuseConnInfo.FUSE_PARALLEL_DIROPS | (1L << 31))));
        s = FuseSession.serve(t, fs, new FuseOptions().threads(1));
        ByteBuffer r = reply();
        assertEquals(16 + 64, r.getInt(0));
        assertEquals(0, r.getInt(4));
        assertEquals(7, r.getInt(16));
        assertEquals(38, r.getInt(20));
        int flags = r.getInt(16 + 12);
        assertEquals(FuseConnInfo.FUSE_ASYNC_READ | FuseConnInfo.FUSE_MAX_PAGES | FuseConnInfo.FUSE_PARALLEL_DIROPS,
                flags & 0xffffffffL, "granted flags: only those both offered and wanted");
        assertEquals(1 << 20, r.getInt(16 + 20), "max_write");
        assertEquals(256, r.getShort(16 + 28), "max_pages");
    }

    @AfterEach
    void stop() {
        if (s != null) {
            s.close();
        }
        folio.put();
        pool.close();
        arena.close();
    }

    private static ByteBuffer header(int len, int opcode, long unique, long nodeId) {
        ByteBuffer b = ByteBuffer.allocate(Math.max(len, 40)).order(ByteOrder.nativeOrder());
        b.putInt(len).putInt(opcode).putLong(unique).putLong(nodeId).putInt(0).putInt(0).putInt(1234).putInt(0);
        return b;
    }

    private byte[] init(int major, int minor, int flags) {
        ByteBuffer b = header(40 + 64, FuseOpcode.FUSE_INIT, unique, 0);
        b.putInt(major).putInt(minor).putInt(128 << 10).putInt(flags);
        return b.array();
    }

    private ByteBuffer reply() throws InterruptedException {
        byte[] r = t.replies.poll(10, TimeUnit.SECONDS);
        assertNotNull(r, "no reply within 10 s");
        return ByteBuffer.wrap(r).order(ByteOrder.nativeOrder());
    }

    private void assertError(long uniq, int errno) throws InterruptedException {
        ByteBuffer r = reply();
        assertEquals(16, r.getInt(0), "an error reply is the header alone");
        assertEquals(-errno, r.getInt(4), "error: expected -" + Errno.name(errno) + ", got " + r.getInt(4));
        assertEquals(uniq, r.getLong(8));
    }

    private long next() {
        unique += 2;
        return unique;
    }

    @Test
    void malformedRequestsGetAClearErrorAndTheSessionGoesOn() throws Exception {
        // shorter than fuse_in_header: nothing to answer to, dropped and counted
        t.requests.add(new byte[20]);
        // the header's len disagrees with what arrived
        long u1 = next();
        ByteBuffer b = header(40, FuseOpcode.FUSE_GETATTR, u1, 1);
        b.putInt(0, 4000);
        t.requests.add(b.array());
        assertError(u1, Errno.EINVAL);
        // LOOKUP whose name has no NUL
        long u2 = next();
        ByteBuffer l = header(40 + 3, FuseOpcode.FUSE_LOOKUP, u2, 1);
        l.position(40);
        l.put("abc".getBytes(StandardCharsets.US_ASCII));
        t.requests.add(l.array());
        assertError(u2, Errno.EINVAL);
        // WRITE claiming more data than it carries
        long u3 = next();
        ByteBuffer w = header(40 + 40 + 10, FuseOpcode.FUSE_WRITE, u3, 1);
        w.putLong(40, 0).putLong(48, 0).putInt(56, 1 << 20);
        t.requests.add(w.array());
        assertError(u3, Errno.EINVAL);
        // GETATTR without its fuse_getattr_in
        long u4 = next();
        t.requests.add(header(40, FuseOpcode.FUSE_GETATTR, u4, 1).array());
        assertError(u4, Errno.EINVAL);
        // BATCH_FORGET with an absurd count: no reply (FORGETs never get one), counted
        long u5 = next();
        ByteBuffer f = header(40 + 8, FuseOpcode.FUSE_BATCH_FORGET, u5, 0);
        f.putInt(40, 1 << 30);
        t.requests.add(f.array());
        // an opcode nobody knows
        long u6 = next();
        t.requests.add(header(40, 9999, u6, 1).array());
        assertError(u6, Errno.ENOSYS);
        // one jnetfs knows but has no handler for
        long u7 = next();
        t.requests.add(header(40 + 8, FuseOpcode.FUSE_GETLK, u7, 1).array());
        assertError(u7, Errno.ENOSYS);
        // INTERRUPT of a request nobody is serving: EAGAIN, so the kernel tries again later
        long u8 = next() | 1;
        ByteBuffer i = header(40 + 8, FuseOpcode.FUSE_INTERRUPT, u8, 0);
        i.putLong(40, 123456);
        t.requests.add(i.array());
        assertError(u8, Errno.EAGAIN);
        // and a good request is still served
        long u9 = next();
        ByteBuffer g = header(40 + 16, FuseOpcode.FUSE_GETATTR, u9, 1);
        t.requests.add(g.array());
        ByteBuffer r = reply();
        assertEquals(0, r.getInt(4));
        assertEquals(u9, r.getLong(8));
        assertEquals(16 + 104, r.getInt(0));
        assertEquals(FuseAttr.S_IFDIR | 0777, r.getInt(16 + 16 + 60), "fuse_attr_out.attr.mode");
        assertNull(t.replies.poll(200, TimeUnit.MILLISECONDS), "a request that gets no reply got one");
        assertEquals(6, s.stats().malformed(), s.stats().toString());
        assertEquals(2, s.stats().enosys(), s.stats().toString());
        assertEquals(1, s.stats().unknownOpcodes());
    }

    @Test
    void handlerExceptionsBecomeTheirErrno() throws Exception {
        long u1 = next();
        t.requests.add(header(40 + 16, FuseOpcode.FUSE_GETATTR, u1, 88).array());
        assertError(u1, Errno.ENOSPC);
        long u2 = next();
        t.requests.add(header(40 + 16, FuseOpcode.FUSE_GETATTR, u2, 99).array());
        assertError(u2, Errno.EIO);
        assertEquals(2, s.stats().handlerFailures());
    }

    @Test
    void aReadReplyIsOneMessageOfCallerMemoryAFolioAndACopy() throws Exception {
        int before = folio.refs();
        long u = next();
        ByteBuffer b = header(40 + 40, FuseOpcode.FUSE_READ, u, 77);
        b.putLong(40, 0).putLong(48, 0).putInt(56, 4096);
        t.requests.add(b.array());
        ByteBuffer r = reply();
        assertEquals(0, r.getInt(4));
        byte[] data = new byte[r.getInt(0) - 16];
        r.position(16);
        r.get(data);
        assertArrayEquals("external|folio-bytes|copied".getBytes(StandardCharsets.US_ASCII), data);
        // the reference is put right after the writev returns, on the worker
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (folio.refs() != before && System.nanoTime() < deadline) {
            Thread.sleep(1);
        }
        assertEquals(before, folio.refs(), "the reply put the folio reference it was given");
    }

    @Test
    void aNewerMajorIsAnsweredWithOursAndTheKernelRetries() throws Exception {
        t.requests.add(init(8, 0, 0));
        ByteBuffer r = reply();
        assertEquals(0, r.getInt(4));
        assertEquals(7, r.getInt(16));
        assertEquals(38, r.getInt(20));
    }

    @Test
    void initFailingInTheFilesystemFailsTheSessionAtOnce() throws Exception {
        LoopbackTransport t2 = new LoopbackTransport();
        t2.requests.add(init(7, 38, 0));
        FuseFilesystem failing = new FuseFilesystem() {
            @Override
            public void init(FuseConnInfo conn) {
                throw new IllegalStateException("cannot start");
            }
        };
        long t0 = System.nanoTime();
        IOException e = org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> FuseSession.serve(t2, failing, new FuseOptions().threads(1)));
        assertTrue(e.getMessage().contains("cannot start"), e.getMessage());
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(5), "waited for the INIT timeout instead");
        byte[] r = t2.replies.poll(5, TimeUnit.SECONDS);
        assertNotNull(r);
        assertEquals(-Errno.EIO, ByteBuffer.wrap(r).order(ByteOrder.nativeOrder()).getInt(4));
    }

    @Test
    void theSessionEndsWhenTheTransportSaysUnmounted() throws Exception {
        t.requests.add(LoopbackTransport.UNMOUNT);
        assertTrue(s.awaitTermination(Duration.ofSeconds(10)));
        assertTrue(fs.destroyed);
    }
}
