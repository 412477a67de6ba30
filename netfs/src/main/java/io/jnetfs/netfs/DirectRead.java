package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Unbuffered and direct-I/O reads (the kernel's {@code direct_read.c}): the caller's memory is extracted
 * into a chain (referenced, not copied) and read into straight from the server, bypassing the page
 * cache and the disk cache.
 */
final class DirectRead {
    private DirectRead() {
    }

    static long read(NetfsInode inode, long pos, MemorySegment dst, NetfsOrigin origin) throws IOException {
        if (!dst.isNative()) {
            throw new IllegalArgumentException("direct reads need native memory (a MemorySegment from an Arena or a direct ByteBuffer)");
        }
        long size = inode.size();
        if (pos >= size) {
            return -1;
        }
        long len = Math.min(dst.byteSize(), size - pos);
        if (len == 0) {
            return 0;
        }
        BvecqBuffer buffer = BvecqBuffer.extract(null, dst.asSlice(0, len));
        NetfsIoRequest rreq = new NetfsIoRequest(inode, origin, pos, len, buffer);
        BufferedRead.dispatch(rreq, null);
        rreq.await();
        if (rreq.error < 0) {
            throw inode.readError(rreq, pos, len);
        }
        return rreq.transferred;
    }
}
