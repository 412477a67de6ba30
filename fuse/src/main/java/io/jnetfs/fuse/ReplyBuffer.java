package io.jnetfs.fuse;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.bvecq.IovecDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * One worker's reply under construction: a native {@code struct iovec[]} (the same shape as a bvecq
 * segment's {@code bv}) whose slot 0 is the out-header plus the op's fixed struct (both in
 * {@link #head}), and whose further slots point at the data: the worker's copy buffer, caller memory, or
 * folios whose references the reply holds until it is written. Sent as ONE {@code writev}.
 *
 * <pre>
 *   iov:   [ head: out_header | op struct ][ data 0 ][ data 1 ] ...      nr = 1 + pieces
 *   head:  16 bytes header, then up to 4080 bytes of fixed reply struct
 *   copy:  the worker's page-aligned buffer, filled from its start (buffer(), copy(), dirents)
 * </pre>
 *
 * <p>Implements {@link FuseDataReply} for READ and READLINK. Used by one thread; allocates nothing.
 */
final class ReplyBuffer implements FuseDataReply {
    static final int HEAD_SIZE = 4096;
    /** Slots of the iovec array: the kernel's {@code UIO_MAXIOV}. */
    static final int MAX_IOV = IovecDescriptor.IOV_MAX;

    final MemorySegment head;
    final MemorySegment iov;
    final long iovAddress;
    final MemorySegment copyBuf;
    private final long copyAddress;
    private final Folio[] folios = new Folio[MAX_IOV];
    private int nrFolios;
    /** iovec slots in use, the head's included. */
    int nr;
    /** Data bytes (after the head). */
    private long size;
    private long capacity;
    /** Bytes of {@link #copyBuf} in use. */
    private long copyUsed;

    ReplyBuffer(MemorySegment head, MemorySegment iov, MemorySegment copyBuf) {
        this.head = head;
        this.iov = iov;
        this.iovAddress = iov.address();
        this.copyBuf = copyBuf;
        this.copyAddress = copyBuf.address();
    }

    /** Starts a reply whose data may be up to {@code capacity} bytes. */
    void begin(long capacity) {
        release();
        this.capacity = Math.min(capacity, copyBuf.byteSize());
        nr = 1;
        size = 0;
        copyUsed = 0;
    }

    /** @return the data bytes */
    @Override
    public long size() {
        return size;
    }

    @Override
    public long capacity() {
        return capacity;
    }

    private void checkRoom(long length) {
        if (length < 0 || size + length > capacity) {
            throw new IllegalArgumentException("reply overflow: size=" + size + " + length=" + length + " > capacity="
                    + capacity);
        }
    }

    @Override
    public void add(MemorySegment data) {
        long len = data.byteSize();
        checkRoom(len);
        if (len == 0) {
            return;
        }
        if (!data.isNative()) {
            copy(data);
            return;
        }
        if (nr == MAX_IOV) {
            copy(data);
            return;
        }
        slot(data.address(), len);
    }

    @Override
    public void add(Folio folio, long offset, long length) {
        try {
            if (offset < 0 || length <= 0 || offset + length > folio.size()) {
                throw new IllegalArgumentException("invalid folio range offset=" + offset + " length=" + length
                        + " size=" + folio.size());
            }
            checkRoom(length);
        } catch (RuntimeException e) {
            folio.put();
            throw e;
        }
        if (nr == MAX_IOV) {
            try {
                copy(folio.segment().asSlice(offset, length));
            } finally {
                folio.put();
            }
            return;
        }
        folios[nrFolios++] = folio;
        slot(folio.address() + offset, length);
    }

    private void slot(long base, long len) {
        IovecDescriptor.set(iov, nr++, base, len);
        size += len;
    }

    @Override
    public MemorySegment buffer(long length) {
        checkRoom(length);
        if (copyUsed + length > copyBuf.byteSize()) {
            throw new IllegalArgumentException("reply copy buffer full: used=" + copyUsed + " length=" + length);
        }
        long at = copyUsed;
        copyUsed += length;
        if (length > 0) {
            long base = copyAddress + at;
            int last = nr - 1;
            if (last >= 1 && IovecDescriptor.base(iov, last) + IovecDescriptor.len(iov, last) == base) {
                // continues the previous copy: one slot grows instead of a new one
                IovecDescriptor.set(iov, last, IovecDescriptor.base(iov, last), IovecDescriptor.len(iov, last) + length);
                size += length;
            } else if (nr < MAX_IOV) {
                slot(base, length);
            } else {
                throw new IllegalArgumentException("reply has too many pieces: " + nr);
            }
        }
        return copyBuf.asSlice(at, length);
    }

    @Override
    public void copy(MemorySegment data) {
        long len = data.byteSize();
        MemorySegment dst = buffer(len);
        MemorySegment.copy(data, 0, dst, 0, len);
    }

    @Override
    public void copy(byte[] data, int offset, int length) {
        MemorySegment dst = buffer(length);
        MemorySegment.copy(data, offset, dst, ValueLayout.JAVA_BYTE, 0, length);
    }

    @Override
    public void clear() {
        release();
        nr = 1;
        size = 0;
        copyUsed = 0;
    }

    /** Sets the data to {@code length} bytes at the start of the copy buffer (dirents written in place). */
    void copyBufferData(long length) {
        clear();
        if (length > 0) {
            copyUsed = length;
            slot(copyAddress, length);
        }
    }

    /** Puts the folio references the reply holds. */
    void release() {
        for (int i = 0; i < nrFolios; i++) {
            Folio f = folios[i];
            folios[i] = null;
            f.put();
        }
        nrFolios = 0;
    }
}
