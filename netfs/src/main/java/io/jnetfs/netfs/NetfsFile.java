package io.jnetfs.netfs;

import io.jnetfs.bvecq.FolioRef;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Objects;

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
    /**
     * Read flag: drop each folio from the page cache once this read has copied all of it out (the
     * kernel's {@code RWF_DONTCACHE}, uncached buffered I/O). For data read once, such as a stream: the
     * page cache then recycles a few warm folios instead of cycling through its whole budget of cold
     * memory. Folios that are dirty, locked, being written to the disk cache or partly read stay.
     */
    public static final int READ_DONTCACHE = 1;

    private final NetfsInode inode;
    private long raPrevEnd = -1;
    private long raWindow;
    /** How far readahead has been issued (the kernel's ra->start + ra->size). */
    private long raIssuedTo;
    private boolean closed;

    NetfsFile(NetfsInode inode) {
        this.inode = inode;
        this.raWindow = inode.netfs.config.readaheadInitial();
    }

    /** @return the engine's per-file context */
    public NetfsInode inode() {
        return inode;
    }

    /** @return the file's size as this client sees it (the server's, plus writes not yet written back) */
    public long size() {
        return inode.size();
    }

    /**
     * Reads {@code dst.byteSize()} bytes at {@code pos} through the page cache.
     *
     * @return bytes read: fewer than asked only at end of file; -1 if {@code pos} is at or past it
     * @throws IOException naming the failure (a server error, a timeout)
     */
    public long read(long pos, MemorySegment dst) throws IOException {
        return read(pos, dst, 0);
    }

    /**
     * {@link #read(long, MemorySegment)} with flags.
     *
     * @param flags 0, or {@link #READ_DONTCACHE}
     * @return bytes read: fewer than asked only at end of file; -1 if {@code pos} is at or past it
     * @throws IOException naming the failure (a server error, a timeout)
     */
    public long read(long pos, MemorySegment dst, int flags) throws IOException {
        return read(pos, dst.byteSize(), flags, dst, null);
    }

    /** Receives page-cache memory from {@link #read(long, long, int, FolioReader)}. */
    @FunctionalInterface
    public interface FolioReader {
        /**
         * Takes {@code length} bytes of the file, the next in order, at {@code offset} in {@code folio}.
         * The memory is the page cache's: read it during the call, do not keep or change it.
         *
         * @throws IOException to stop the read (it reaches the caller of {@code read})
         */
        void accept(MemorySegment folio, long offset, long length) throws IOException;
    }

    /**
     * Reads {@code len} bytes at {@code pos} through the page cache without copying them: {@code reader}
     * gets each folio's part in file order, straight from the page cache (the zero-copy counterpart of
     * {@link #read(long, MemorySegment, int)}, as {@code splice} is of {@code read}). Allocates nothing
     * per folio.
     *
     * @param flags 0, or {@link #READ_DONTCACHE}
     * @return bytes handed to {@code reader}: fewer than {@code len} only at end of file; -1 if
     *     {@code pos} is at or past it
     * @throws IOException naming the failure (a server error, a timeout), or the reader's own
     */
    public long read(long pos, long len, int flags, FolioReader reader) throws IOException {
        Objects.requireNonNull(reader, "reader");
        if (len < 0) {
            throw new IllegalArgumentException("invalid len=" + len);
        }
        return read(pos, len, flags, null, reader);
    }

    /** The buffered read: into {@code dst} when it is not null, else to {@code reader}. */
    private long read(long pos, long len, int flags, MemorySegment dst, FolioReader reader) throws IOException {
        checkOpen();
        if ((flags & ~READ_DONTCACHE) != 0) {
            throw new IllegalArgumentException("invalid read flags=0x" + Integer.toHexString(flags));
        }
        boolean dropBehind = (flags & READ_DONTCACHE) != 0;
        if (pos < 0) {
            throw new IllegalArgumentException("invalid pos=" + pos);
        }
        long size = inode.size();
        if (pos >= size) {
            return len == 0 ? 0 : -1;
        }
        long end = Math.min(pos + len, size);
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
                f = BufferedRead.readahead(inode, at, Math.max(end, at + window), NetfsOrigin.NETFS_READAHEAD, true);
                if (f == null) {
                    continue; // another reader added it meanwhile
                }
            }
            if (!f.test(CachedFolio.UPTODATE)) {
                hit = false;
                // wait for the last folio of this read that is being filled first: a request unlocks its
                // folios in order, so the nearer ones are ready no later, and one wakeup per read
                // replaces one per folio (a cross-CPU wakeup costs microseconds on a VM)
                CachedFolio last = idx == (end - 1) >>> m.folioShift ? null : m.get((end - 1) >>> m.folioShift);
                if (last != null && last.test(CachedFolio.LOCKED)
                        && !last.waitWhile(CachedFolio.LOCKED, timeout)) {
                    throw new IOException("read(pos=" + at + ") timed out waiting for folio " + last.index());
                }
                if (!f.waitWhile(CachedFolio.LOCKED, timeout)) {
                    throw new IOException("read(pos=" + at + ") timed out waiting for folio " + idx);
                }
                if (!f.test(CachedFolio.UPTODATE)) {
                    if (f.test(CachedFolio.ERROR)) {
                        throw inode.folioError(at, f.error());
                    }
                    if (!f.detached()) {
                        // a streaming write's folio: only its dirty bytes are here, read the rest
                        BufferedRead.readGaps(inode, f);
                    }
                    continue; // look again (dropped meanwhile, or filled now)
                }
            }
            if (!f.memory.tryGet(FolioRef.READER)) {
                continue; // evicted and freed since the lookup: look again
            }
            if (f.detached()) {
                // evicted since the lookup: the memory may already be another folio's (the pool reuses
                // its Folio objects, so the get above can succeed on the new owner's reference). An
                // eviction marks the folio detached before it puts the page cache's reference, so a
                // folio still attached after our get keeps its memory while we hold it
                f.memory.put(FolioRef.READER);
                continue;
            }
            try {
                long inFolio = at - f.fpos();
                long n = Math.min(end - at, f.size() - inFolio);
                if (dst != null) {
                    MemorySegment.copy(f.memory.segment(), inFolio, dst, done, n);
                } else {
                    reader.accept(f.memory.segment(), inFolio, n);
                }
                done += n;
            } finally {
                f.memory.put(FolioRef.READER);
            }
            if (dropBehind && f.fpos() + f.size() <= end) {
                // the reader is done with the whole folio: drop it now (if nothing else is using it,
                // else eviction takes it later), so its memory goes back to the pool and is the next one
                // a readahead receives into, still warm in the CPU cache
                m.remove(f);
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
     * Dirty folios overlapping the range are written back first and waited for (the kernel's
     * {@code kiocb_write_and_wait}), so the read sees this client's buffered writes.
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

    /**
     * Writes {@code src} at {@code pos} into the page cache; writeback sends it later (or
     * {@link #flush()}).
     *
     * @return bytes written (all of them)
     * @throws IOException if an earlier writeback failed (its own error, reported once: the write did
     *     not happen), or memory did not come back within the timeout
     */
    public long write(long pos, MemorySegment src) throws IOException {
        checkOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("invalid pos=" + pos);
        }
        reportWritebackError("write", 0);
        return BufferedWrite.write(inode, pos, src);
    }

    /**
     * Writes {@code b[off..off+len)} at {@code pos} into the page cache.
     *
     * @return bytes written
     */
    public long write(long pos, byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        return write(pos, MemorySegment.ofArray(b).asSlice(off, len));
    }

    /**
     * Writes {@code src}'s remaining bytes at {@code pos}, advancing its position.
     *
     * @return bytes written
     */
    public int write(long pos, ByteBuffer src) throws IOException {
        long n = write(pos, MemorySegment.ofBuffer(src));
        src.position(src.position() + (int) n);
        return (int) n;
    }

    /**
     * Writes straight from the caller's memory to the server (unbuffered), subrequests in strict
     * sequence; returns when the server acknowledged every byte.
     *
     * @return bytes written
     */
    public long writeDirect(long pos, MemorySegment src) throws IOException {
        checkOpen();
        if (pos < 0) {
            throw new IllegalArgumentException("invalid pos=" + pos);
        }
        return DirectWrite.write(inode, pos, src, NetfsOrigin.NETFS_DIO_WRITE);
    }

    /**
     * Writes back every dirty folio and waits until the server acknowledged it.
     *
     * @throws IOException the first writeback error since the last report; the folios stay dirty
     */
    public void flush() throws IOException {
        checkOpen();
        int err = WriteIssue.writebackAll(inode);
        reportWritebackError("flush", err);
    }

    /**
     * {@link #flush()}, then asks the server to make the data durable (Tfsync).
     */
    public void fsync() throws IOException {
        flush();
        int r = inode.ops.fsync();
        if (r < 0) {
            throw io.jnetfs.ffm.Errors.ioException("fsync()", -r);
        }
    }

    /**
     * Sets the file's size on the server and here: cached data past the new end is dropped; growing
     * makes zeroes.
     */
    public void truncate(long newSize) throws IOException {
        checkOpen();
        if (newSize < 0) {
            throw new IllegalArgumentException("invalid size=" + newSize);
        }
        int err = WriteIssue.writebackAll(inode);
        reportWritebackError("truncate", err);
        inode.localWrites++;
        int r = inode.ops.truncate(newSize);
        if (r < 0) {
            throw io.jnetfs.ffm.Errors.ioException("truncate(size=" + newSize + ")", -r);
        }
        FolioMapping m = inode.mapping;
        long keep = newSize >>> m.folioShift;
        CachedFolio partial = newSize % m.folioSize != 0 ? m.get(keep) : null;
        if (partial != null && partial.lock(inode.netfs.config.timeoutNanos())) {
            try {
                int off = (int) (newSize - partial.fpos());
                if (partial.test(CachedFolio.UPTODATE)) {
                    partial.memory.segment().asSlice(off).fill((byte) 0); // bytes past the end read as zeroes
                } else if (partial.dirtyTo > off) {
                    partial.dirtyTo = Math.max(off, partial.dirtyFrom); // a streaming folio's bytes end there
                }
            } finally {
                partial.clear(CachedFolio.LOCKED);
            }
        }
        m.invalidate(newSize % m.folioSize != 0 ? keep + 1 : keep);
        inode.setSize(newSize);
        if (inode.cache != null) {
            inode.cache.invalidateRange(newSize, Long.MAX_VALUE);
        }
    }

    /**
     * Drops what the page cache and the disk cache hold of the file, and takes the server's new size:
     * the filesystem found that another client changed the file (revalidation). Dirty folios stay
     * (they are this client's writes, not yet sent).
     *
     * @param newRemoteSize the file's size on the server now
     */
    public void invalidateCache(long newRemoteSize) {
        checkOpen();
        inode.mapping.invalidate(0);
        if (inode.cache != null) {
            inode.cache.invalidate();
        }
        inode.updateRemoteSize(newRemoteSize);
    }

    private void reportWritebackError(String call, int err) throws IOException {
        int e = err < 0 ? err : inode.wbError;
        if (e < 0) {
            inode.wbError = 0; // reported once; the folios stay dirty and the next flush tries again
            throw inode.writebackError(call, e);
        }
    }

    private synchronized long window(long pos, long end) {
        // a window is at most a quarter of the page cache: with the next window issued ahead (async
        // readahead) the data read ahead must still be there when the reader comes, not evicted by
        // the readahead behind it (a small --page-cache read everything twice)
        long max = Math.max(inode.netfs.config.readaheadInitial(),
                Math.min(inode.netfs.config.readaheadMax(), inode.netfs.config.pageCacheBytes() / 4));
        if (pos == raPrevEnd) {
            raWindow = Math.min(max, raWindow * 2);
        } else if (raPrevEnd >= 0) {
            raWindow = inode.netfs.config.readaheadInitial();
            raIssuedTo = 0;
        }
        raPrevEnd = end;
        return raWindow;
    }

    /**
     * After a sequential read, keeps a window of readahead in flight ahead of the reader: the next
     * window is issued as soon as the reader enters the current one (the kernel's async readahead at
     * the PG_readahead mark), so the pipeline never drains at a window's end.
     */
    private void readaheadAsync(long end, long window) throws IOException {
        long size = inode.size();
        if (end >= size || window <= inode.netfs.config.readaheadInitial()) {
            return;
        }
        long from;
        long target;
        synchronized (this) {
            from = Math.max(raIssuedTo, end);
            if (from - end >= window / 2) {
                return; // at least half a window is still ahead of the reader
            }
            target = Math.min(size, from + window); // a whole window at a time, never a trickle
            if (from >= target) {
                return;
            }
            raIssuedTo = target;
        }
        FolioMapping m = inode.mapping;
        long at = from >>> m.folioShift << m.folioShift;
        while (at < target) {
            CachedFolio f = m.get(at >>> m.folioShift);
            if (f != null) {
                at += m.folioSize; // already there or being read
                continue;
            }
            // a hint: never waits for memory; when the pool is short the reader asks again itself
            if (BufferedRead.readahead(inode, at, target, NetfsOrigin.NETFS_READAHEAD, false) == null
                    && m.get(at >>> m.folioShift) == null) {
                synchronized (this) {
                    raIssuedTo = at; // not issued: the next read tries again from here
                }
                return;
            }
            long next = at + m.folioSize;
            while (next < target && m.get(next >>> m.folioShift) != null) {
                next += m.folioSize;
            }
            at = next;
        }
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("netfs file is closed");
        }
    }

    /**
     * Writes back what is dirty, waits for every writeback in flight (a background one too: the caller
     * clunks its fid next) and closes the handle; the page cache keeps the file's folios. Idempotent.
     *
     * @throws IOException if writeback failed: the data is not lost, it stays dirty in the page cache
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        try {
            if (inode.mapping.hasDirty() || !inode.writesInFlight.isEmpty() || inode.wbError < 0) {
                flush();
            }
        } finally {
            closed = true;
            if (inode.mapping.hasDirty()) {
                // the failure was reported by this close: nobody can write these back any more (the
                // filesystem closes its handle next), and the flusher must not keep trying
                inode.mapping.discardAll();
            }
        }
    }
}
