package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.ffm.Errors;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Unbuffered and direct-I/O reads (the kernel's {@code direct_read.c}): the caller's memory is extracted
 * into a chain (referenced, not copied) and read into straight from the server, bypassing the page
 * cache and the disk cache.
 *
 * <pre>
 *   page cache:  [ clean ][ DIRTY ][ WRITEBACK ][      ]
 *   direct read:      |=========================|
 *   1. write back the dirty folios of the range and wait for every writeback over it
 *      (kiocb_write_and_wait in netfs_unbuffered_read_iter_locked): the server then holds this
 *      client's buffered writes, and the zero point has moved past them
 *   2. one request over the caller's memory: zero-fill past the zero point, else Treads
 * </pre>
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
        int err = WriteIssue.writeAndWait(inode, pos, pos + len);
        if (err < 0) {
            throw Errors.ioException("read(" + origin + ", pos=" + pos + ", len=" + len + "): writeback before it", -err);
        }
        return readRaw(inode, pos, dst.asSlice(0, len), origin);
    }

    /**
     * Reads {@code dst.byteSize()} bytes at {@code pos} from the server (zeroes past the zero point)
     * without looking at the page cache: the caller made sure it may (a direct read after its
     * writeback, or the gaps of a folio the caller holds locked).
     *
     * @return bytes read
     */
    static long readRaw(NetfsInode inode, long pos, MemorySegment dst, NetfsOrigin origin) throws IOException {
        long len = dst.byteSize();
        BvecqBuffer buffer = BvecqBuffer.extract(null, dst);
        NetfsIoRequest rreq = new NetfsIoRequest(inode, origin, pos, len, buffer);
        BufferedRead.dispatch(rreq, null);
        rreq.await();
        if (rreq.error < 0) {
            throw inode.readError(rreq, pos, len);
        }
        return rreq.transferred;
    }
}
