package io.jnetfs.p9.nio;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

/**
 * What {@code Files.newInputStream} returns for a {@code p9} path: a read-only {@link P9FileChannel}
 * read in order, each folio dropped from the page cache once it has been read (the kernel's
 * {@code RWF_DONTCACHE}: a stream reads its data once, so it recycles a few warm folios instead of
 * filling the page cache with cold ones). Not thread-safe, as streams are not.
 */
final class P9InputStream extends InputStream {
    private final P9FileChannel ch;
    private final byte[] one = new byte[1];
    private long position;
    private boolean closed;

    P9InputStream(P9FileChannel ch) {
        this.ch = ch;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        long n = ch.read(position, MemorySegment.ofArray(b).asSlice(off, len));
        if (n <= 0) {
            return -1;
        }
        position += n;
        return (int) n;
    }

    @Override
    public long skip(long n) throws IOException {
        if (n <= 0) {
            return 0;
        }
        long k = Math.min(n, Math.max(0, ch.size() - position));
        position += k;
        return k;
    }

    @Override
    public int available() throws IOException {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(0, ch.size() - position));
    }

    @Override
    public void close() throws IOException {
        if (!closed) {
            closed = true;
            ch.close();
        }
    }
}
