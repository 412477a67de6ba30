package io.jnetfs.netfs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

/**
 * An open remote file as the engine serves it: reads at positions into {@link MemorySegment}s,
 * {@link ByteBuffer}s or arrays, with the page cache, readahead and the disk cache underneath, plus
 * direct reads into the caller's memory and read-single for small whole objects.
 *
 * <p>Readahead: a window that starts at {@code readaheadInitial} and doubles on each sequential read up
 * to {@code readaheadMax}; a random read resets it. While a sequential reader consumes one window, the
 * next is already being read.
 *
 * <p>Thread-safe; the readahead state is shared by the file's readers.
 */
public final class NetfsFile implements AutoCloseable {
    private final NetfsInode inode;
    private long raPrevEnd = -1;
    private long raWindow;
    private boolean closed;

    NetfsFile(NetfsInode inode) {
        this.inode = inode;
        this.raWindow = inode.netfs.config.readaheadInitial();
    }

    /** @return the engine's per-file context */
    public NetfsInode inode() {
        return inode;
    }

    /** @return the file's size on the server, as last known */
    public long size() {
        return inode.remoteSize();
    }

    /**
     * Reads {@code dst.byteSize()} bytes at {@code pos} through the page cache.
     *
     * @return bytes read: fewer than asked only at end of file; -1 if {@code pos} is at or past it
     * @throws IOException naming the failure (a server error, a timeout)
     */
    public long read(long pos, MemorySegment dst) throws IOException {
        checkOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("invalid pos=" + pos);
        }
        long size = inode.remoteSize();
        if (pos >= size) {
            return dst.byteSize() == 0 ? 0 : -1;
        }
        long end = Math.min(pos + dst.byteSize(), size);
        long window = window(pos, end);
        FolioMapping m = inode.mapping;
        long timeout = inode.netfs.config.timeoutNanos();
        long done = 0;
        boolean hit = true;
        while (pos + done < end) {
            long at = pos + done;
            long idx = at >>> m.folioShift;
            CachedFolio f = m.get(idx);
            if (f == null) {
                hit = false;
                f = BufferedRead.readahead(inode, at, Math.max(end, at + window), NetfsOrigin.NETFS_READAHEAD);
                if (f == null) {
                    continue; // another reader added it meanwhile
                }
            }
            if (!f.test(CachedFolio.UPTODATE)) {
                hit = false;
                if (!f.waitWhile(CachedFolio.LOCKED, timeout)) {
                    throw new IOException("read(pos=" + at + ") timed out waiting for folio " + idx);
                }
                if (!f.test(CachedFolio.UPTODATE)) {
                    if (f.test(CachedFolio.ERROR)) {
                        throw inode.folioError(at, f.error());
                    }
                    continue; // dropped meanwhile: look again
                }
            }
            try {
                f.memory.get();
            } catch (IllegalStateException evicted) {
                continue;
            }
            try {
                long inFolio = at - f.fpos();
                long n = Math.min(end - at, f.size() - inFolio);
                MemorySegment.copy(f.memory.segment(), inFolio, dst, done, n);
                done += n;
            } finally {
                f.memory.put();
            }
        }
        if (hit) {
            inode.netfs.stats.pageCacheHits.increment();
        }
        readaheadAsync(end, window);
        return done;
    }

    /**
     * Reads into {@code dst} from its position to its limit, advancing its position.
     *
     * @return bytes read, or -1 at end of file
     */
    public int read(long pos, ByteBuffer dst) throws IOException {
        MemorySegment m = MemorySegment.ofBuffer(dst);
        long n = read(pos, m);
        if (n > 0) {
            dst.position(dst.position() + (int) n);
        }
        return (int) n;
    }

    /**
     * Reads into {@code b[off..off+len)}.
     *
     * @return bytes read, or -1 at end of file
     */
    public int read(long pos, byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        return (int) read(pos, MemorySegment.ofArray(b).asSlice(off, len));
    }

    /**
     * Reads straight into the caller's native memory, bypassing the page cache and the disk cache.
     *
     * @return bytes read, or -1 at end of file
     */
    public long readDirect(long pos, MemorySegment dst) throws IOException {
        checkOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("invalid pos=" + pos);
        }
        return DirectRead.read(inode, pos, dst, NetfsOrigin.NETFS_DIO_READ);
    }

    /** @return the whole file, read in one request (small objects such as directories) */
    public byte[] readSingle() throws IOException {
        checkOpen();
        return ReadSingle.read(inode);
    }

    private synchronized long window(long pos, long end) {
        long max = inode.netfs.config.readaheadMax();
        if (pos == raPrevEnd) {
            raWindow = Math.min(max, raWindow * 2);
        } else if (raPrevEnd >= 0) {
            raWindow = inode.netfs.config.readaheadInitial();
        }
        raPrevEnd = end;
        return raWindow;
    }

    /** After a sequential read, makes sure the next window is being read. */
    private void readaheadAsync(long end, long window) {
        long size = inode.remoteSize();
        if (end >= size || window <= inode.netfs.config.readaheadInitial()) {
            return;
        }
        FolioMapping m = inode.mapping;
        long idx = end >>> m.folioShift;
        if (m.get(idx) == null) {
            try {
                BufferedRead.readahead(inode, idx << m.folioShift, end + window, NetfsOrigin.NETFS_READAHEAD);
            } catch (IllegalStateException poolExhausted) {
                // readahead is a hint: the read itself will ask again
            }
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("netfs file is closed");
        }
    }

    /** Closes the handle; the page cache keeps the file's folios. Idempotent. */
    @Override
    public void close() {
        closed = true;
    }
}
