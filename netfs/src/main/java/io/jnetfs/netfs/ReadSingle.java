package io.jnetfs.netfs;

import io.jnetfs.bvecq.BvecqBuffer;
import java.io.IOException;

/**
 * Read-single (the kernel's {@code read_single.c}): a whole small object, such as a directory, read in
 * one request into one buffer of memory allocated for it, bypassing the page cache.
 */
final class ReadSingle {
    /** The largest object read-single takes. */
    static final long MAX = 64L << 20;

    private ReadSingle() {
    }

    static byte[] read(NetfsInode inode) throws IOException {
        long size = inode.size();
        if (size > MAX) {
            throw new IllegalArgumentException("object too large for read-single: size=" + size + " (max " + MAX + ")");
        }
        if (size == 0) {
            return new byte[0];
        }
        BvecqBuffer buffer = new BvecqBuffer();
        buffer.appendOwned(size);
        BvecqBuffer keep = buffer.slice(0, size); // the request releases its buffer; keep the memory
        try {
            NetfsIoRequest rreq = new NetfsIoRequest(inode, NetfsOrigin.NETFS_READ_SINGLE, 0, size, buffer);
            BufferedRead.dispatch(rreq, null);
            rreq.await();
            if (rreq.error < 0) {
                throw inode.readError(rreq, 0, size);
            }
            byte[] out = new byte[(int) size];
            keep.copyTo(0, out, 0, out.length);
            return out;
        } finally {
            keep.release();
        }
    }
}
