package io.jnetfs.p9.nio;

import io.jnetfs.ffm.Errno;
import io.jnetfs.netfs.NetfsFile;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Flags;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.ProviderMismatchException;
import java.nio.file.attribute.FileAttribute;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * A channel to a file of a {@link P9FileSystem}, through the netfs engine: reads come from the page
 * cache (filled by readahead, from the disk cache or the server), writes go into it and are written
 * back in the background, on {@link #force(boolean)} and on {@link #close()}. Every channel and stream
 * of one file system that has the file open shares its page cache.
 *
 * <p>What {@link java.nio.file.Files#newByteChannel(Path, OpenOption...)} and {@link FileChannel#open} return for a {@code p9} path. As a
 * {@link FileChannel} it reads, writes, has a position and a size, truncates, forces (writeback, then
 * Tfsync) and transfers: {@link #transferTo} hands page-cache memory to the target channel without
 * copying it in Java. It cannot {@link #map} (there is no memory mapping of a remote file: use
 * {@link #read(long, long, NetfsFile.FolioReader)}) nor {@link #lock} (the 9P client has no Tlock yet):
 * both throw {@link UnsupportedOperationException}.
 *
 * <p>The zero-copy extension, beyond the standard API:
 * <ul>
 *   <li>{@link #read(long, long, NetfsFile.FolioReader)} hands a range to the caller as the page
 *       cache's own memory, folio by folio ({@code MemorySegment}s that live for the call);
 *   <li>{@link #writeDirect(long, MemorySegment)} sends the caller's native memory to the server as
 *       it is: the Twrite's iovecs point into it;
 *   <li>{@link #read(long, MemorySegment)} and {@link #write(long, MemorySegment)} move bytes between
 *       the page cache and a segment with one copy, without a {@code ByteBuffer}.
 * </ul>
 *
 * <pre>{@code
 * try (P9FileChannel ch = P9FileChannel.open(fs.getPath("/video.bin"), StandardOpenOption.READ)) {
 *     ch.read(0, ch.size(), (folio, offset, length) -> {
 *         ByteBuffer b = folio.asSlice(offset, length).asByteBuffer();
 *         while (b.hasRemaining()) {
 *             socket.write(b);   // straight from the page cache to the socket
 *         }
 *     });
 * }
 * }</pre>
 *
 * <p>Thread-safe. Not interruptible: a blocked call ends by the file system's timeout. {@link #close()}
 * waits for the calls in progress, then gives back the file (the last user writes back, clunks the fid).
 *
 * @see java.nio.file.Files
 */
public final class P9FileChannel extends FileChannel {
    private final P9Path path;
    /** The shared open file; {@code null} for a directory opened to read, which only has a size. */
    private final P9Inode inode;
    private final NetfsFile file;
    private final long directorySize;
    private final boolean readable;
    private final boolean writable;
    private final boolean append;
    private final boolean sync;
    private final int readFlags;
    /** Calls in progress hold the read lock; closing takes the write lock, so it waits for them. */
    private final ReentrantReadWriteLock calls = new ReentrantReadWriteLock();
    private final Object positionLock = new Object();
    private long position;

    private P9FileChannel(P9Path path, P9Inode inode, long directorySize, Options o, int readFlags) {
        this.path = path;
        this.inode = inode;
        this.file = inode == null ? null : inode.file();
        this.directorySize = directorySize;
        this.readable = o.read();
        this.writable = o.write();
        this.append = o.append();
        this.sync = o.sync();
        this.readFlags = readFlags;
    }

    /**
     * Opens a file of a {@link P9FileSystem}: {@link FileChannel#open(Path, OpenOption...)} with the
     * extension's type.
     *
     * @param path a path of a p9 file system
     * @param options as {@link FileChannel#open(Path, OpenOption...)} takes them (none: READ)
     * @return the channel, which the caller closes
     * @throws ProviderMismatchException if {@code path} is not of a p9 file system
     * @throws IOException as {@link FileChannel#open(Path, OpenOption...)} does
     */
    public static P9FileChannel open(Path path, OpenOption... options) throws IOException {
        if (!(Objects.requireNonNull(path, "path") instanceof P9Path p)) {
            throw new ProviderMismatchException("not a p9 path: " + path);
        }
        return open(p, new java.util.HashSet<>(java.util.Arrays.asList(options)), 0);
    }

    /** Opens for the provider: {@code newByteChannel}, {@code newFileChannel}, streams. */
    static P9FileChannel open(P9Path path, Set<? extends OpenOption> options, int readFlags,
                              FileAttribute<?>... attrs) throws IOException {
        P9FileSystem fs = path.getFileSystem();
        fs.checkOpen();
        Options o = Options.of(options);
        int mode = Options.mode(0666, attrs);
        P9Path abs = path.toAbsolutePath();
        P9Inode inode;
        if (o.createNew()) {
            inode = create(abs, mode, true);
        } else {
            Fid f = null;
            try {
                f = fs.walker().walk(abs, o.follow());
            } catch (NoSuchFileException e) {
                if (!o.create()) {
                    throw e;
                }
            }
            if (f != null && f.qid().isDirectory() && !o.write()) {
                return openDirectory(abs, f, o);
            }
            inode = f == null ? create(abs, mode, false) : openExisting(abs, f, o);
        }
        P9FileChannel ch = new P9FileChannel(abs, inode, 0, o, readFlags);
        try {
            if (o.truncate()) {
                inode.file().truncate(0);
            }
            fs.opened(ch);
            if (o.deleteOnClose()) {
                deleteQuietly(abs);
            }
        } catch (IOException e) {
            releaseQuietly(inode, e);
            throw FsErrors.translate(e, abs, null);
        } catch (RuntimeException e) {
            releaseQuietly(inode, e);
            throw e;
        }
        return ch;
    }

    /**
     * A directory opened to read, as {@code open(2)} allows: the channel has a size, and every read
     * fails with EISDIR, as the default provider's does.
     */
    private static P9FileChannel openDirectory(P9Path abs, Fid f, Options o) throws IOException {
        long size;
        try (f) {
            size = abs.getFileSystem().client().getattr(f, P9Flags.P9_GETATTR_SIZE).size();
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
        P9FileChannel ch = new P9FileChannel(abs, null, size, o, 0);
        abs.getFileSystem().opened(ch);
        return ch;
    }

    /**
     * DELETE_ON_CLOSE: the name goes at once, as the default provider does it on Unix; the open fid keeps
     * the file until the channel closes (servers keep an unlinked file's descriptor).
     */
    private static void deleteQuietly(P9Path abs) {
        try {
            Namespace.delete(abs);
        } catch (IOException | RuntimeException e) {
            // best effort, as the default provider's
        }
    }

    private static void releaseQuietly(P9Inode inode, Throwable primary) {
        try {
            inode.release();
        } catch (IOException x) {
            primary.addSuppressed(x);
        }
    }

    private static P9Inode create(P9Path abs, int mode, boolean exclusive) throws IOException {
        P9FileSystem fs = abs.getFileSystem();
        String[] names = abs.names();
        if (names.length == 0) {
            throw FsErrors.of(exclusive ? Errno.EEXIST : Errno.EISDIR, abs, null, null, null);
        }
        try (Fid dir = fs.walker().walkParent(abs)) {
            int flags = P9Flags.P9_DOTL_RDWR | (exclusive ? P9Flags.P9_DOTL_EXCL : 0);
            Fid created = fs.client().create(dir, names[names.length - 1], flags, mode);
            return fs.inodes().adoptCreated(created);
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    private static P9Inode openExisting(P9Path abs, Fid f, Options o) throws IOException {
        P9FileSystem fs = abs.getFileSystem();
        if (f.qid().isDirectory() || f.qid().isSymlink()) {
            Walker.closeQuietly(f);
            // a link at the end that is not followed: open(2) with O_NOFOLLOW says ELOOP
            throw FsErrors.of(f.qid().isDirectory() ? Errno.EISDIR : Errno.ELOOP, abs, null, null, null);
        }
        try {
            return fs.inodes().acquire(f, o.write());
        } catch (IOException e) {
            throw FsErrors.translate(e, abs, null);
        }
    }

    // ---- calls in progress ---------------------------------------------------------------------------

    private void enter() throws ClosedChannelException {
        calls.readLock().lock();
        if (!isOpen()) {
            calls.readLock().unlock();
            throw new ClosedChannelException();
        }
    }

    private void leave() {
        calls.readLock().unlock();
    }

    private void checkReadable() {
        if (!readable) {
            throw new NonReadableChannelException();
        }
    }

    private void checkWritable() {
        if (!writable) {
            throw new NonWritableChannelException();
        }
    }

    /**
     * A buffered write, a piece at a time: the engine balances dirty pages after each write call, so a
     * write larger than the page cache is cut into pieces of a sixteenth of it (where background
     * writeback starts), as the kernel's {@code generic_perform_write} goes folio by folio.
     */
    private long writeInPieces(long position, MemorySegment src) throws IOException {
        long len = src.byteSize();
        long piece = Math.max(file.inode().mapping().folioSize(), file.inode().netfs().config().pageCacheBytes() / 16);
        if (len <= piece) {
            return file.write(position, src);
        }
        long done = 0;
        while (done < len) {
            long n = Math.min(piece, len - done);
            done += file.write(position + done, src.asSlice(done, n));
        }
        return done;
    }

    /** {@return the engine's file} @throws IOException EISDIR for a directory */
    private NetfsFile file() throws IOException {
        if (file == null) {
            throw new IOException("Is a directory");
        }
        return file;
    }

    private IOException translate(IOException e) {
        return FsErrors.translate(e, path, null);
    }

    // ---- FileChannel -------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        checkReadable();
        synchronized (positionLock) {
            int n = read(dst, position);
            if (n > 0) {
                position += n;
            }
            return n;
        }
    }

    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, dsts.length);
        checkReadable();
        synchronized (positionLock) {
            long total = 0;
            for (int i = offset; i < offset + length; i++) {
                if (!dsts[i].hasRemaining()) {
                    continue;
                }
                int n = read(dsts[i], position);
                if (n < 0) {
                    return total == 0 ? -1 : total;
                }
                position += n;
                total += n;
                if (dsts[i].hasRemaining()) {
                    break; // end of file
                }
            }
            return total;
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        checkWritable();
        synchronized (positionLock) {
            if (append) {
                synchronized (inode) { // appends of this file system's channels do not interleave
                    long at = file.size();
                    int n = write(src, at);
                    position = at + n;
                    return n;
                }
            }
            int n = write(src, position);
            position += n;
            return n;
        }
    }

    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        long total = 0;
        for (int i = offset; i < offset + length; i++) {
            total += write(srcs[i]);
        }
        return total;
    }

    @Override
    public long position() throws IOException {
        enter();
        try {
            synchronized (positionLock) {
                return position;
            }
        } finally {
            leave();
        }
    }

    @Override
    public P9FileChannel position(long newPosition) throws IOException {
        if (newPosition < 0) {
            throw new IllegalArgumentException("invalid position=" + newPosition);
        }
        enter();
        try {
            synchronized (positionLock) {
                position = newPosition;
            }
            return this;
        } finally {
            leave();
        }
    }

    /** {@return the size as this client sees it: the server's, with the writes not yet written back} */
    @Override
    public long size() throws IOException {
        enter();
        try {
            return file == null ? directorySize : file.size();
        } finally {
            leave();
        }
    }

    @Override
    public P9FileChannel truncate(long size) throws IOException {
        if (size < 0) {
            throw new IllegalArgumentException("invalid size=" + size);
        }
        checkWritable();
        enter();
        try {
            if (size < file.size()) {
                file.truncate(size);
            }
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
        synchronized (positionLock) {
            if (position > size) {
                position = size;
            }
        }
        return this;
    }

    /** Writes back what is dirty and waits for the server's acknowledgement, then Tfsync. */
    @Override
    public void force(boolean metaData) throws IOException {
        enter();
        try {
            if (file != null) {
                file.fsync();
            }
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /** Thrown by a {@link NetfsFile.FolioReader} to end a transfer where the target takes no more. */
    private static final class TargetFull extends IOException {
        private static final long serialVersionUID = 1L;

        TargetFull() {
            super("target full");
        }

        @Override
        public synchronized Throwable fillInStackTrace() {
            return this; // a signal, not an error: no stack
        }
    }

    /**
     * Writes {@code count} bytes from {@code position} to {@code target} straight from the page cache:
     * each folio's part is handed to {@code target.write} as a {@code ByteBuffer} over the folio's own
     * memory. Stops early where the target takes nothing (a non-blocking channel).
     */
    @Override
    public long transferTo(long position, long count, WritableByteChannel target) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("invalid position=" + position + ", count=" + count);
        }
        checkReadable();
        Objects.requireNonNull(target, "target");
        enter();
        try {
            NetfsFile f = file();
            long size = f.size();
            if (position >= size || count == 0) {
                return 0;
            }
            long[] done = {0};
            try {
                f.read(position, Math.min(count, size - position), readFlags, (folio, offset, length) -> {
                    ByteBuffer b = folio.asSlice(offset, length).asByteBuffer();
                    while (b.hasRemaining()) {
                        if (target.write(b) == 0) {
                            done[0] += length - b.remaining();
                            throw new TargetFull();
                        }
                    }
                    done[0] += length;
                });
            } catch (TargetFull full) {
                // the target took what it could
            }
            return done[0];
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /** Reads {@code src} into a buffer and writes it at {@code position}; past the end, the file grows. */
    @Override
    public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException {
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("invalid position=" + position + ", count=" + count);
        }
        checkWritable();
        Objects.requireNonNull(src, "src");
        ByteBuffer buf = ByteBuffer.allocate((int) Math.min(count, 1 << 20));
        long done = 0;
        while (done < count) {
            buf.clear();
            buf.limit((int) Math.min(buf.capacity(), count - done));
            int n = src.read(buf);
            if (n <= 0) {
                break;
            }
            buf.flip();
            while (buf.hasRemaining()) {
                write(buf, position + done + (n - buf.remaining()));
            }
            done += n;
        }
        return done;
    }

    @Override
    public int read(ByteBuffer dst, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("invalid position=" + position);
        }
        checkReadable();
        enter();
        try {
            if (!dst.hasRemaining()) {
                return 0;
            }
            long n = file().read(position, MemorySegment.ofBuffer(dst), readFlags);
            if (n > 0) {
                dst.position(dst.position() + (int) n);
            }
            return (int) n;
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    @Override
    public int write(ByteBuffer src, long position) throws IOException {
        if (position < 0) {
            throw new IllegalArgumentException("invalid position=" + position);
        }
        checkWritable();
        enter();
        try {
            int n = (int) writeInPieces(position, MemorySegment.ofBuffer(src));
            src.position(src.position() + n);
            if (sync) {
                file.fsync();
            }
            return n;
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /**
     * Not supported: a remote file has no memory mapping. Read page-cache folios with
     * {@link #read(long, long, NetfsFile.FolioReader)} instead.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public MappedByteBuffer map(MapMode mode, long position, long size) {
        throw new UnsupportedOperationException("map: a p9 file has no memory mapping; read its page-cache folios"
                + " with P9FileChannel.read(position, length, FolioReader)");
    }

    /**
     * Not supported: the 9P client has no Tlock yet.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public FileLock lock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("lock: the 9P client has no Tlock; file locks are not supported on p9");
    }

    /**
     * Not supported: the 9P client has no Tlock yet.
     *
     * @throws UnsupportedOperationException always
     */
    @Override
    public FileLock tryLock(long position, long size, boolean shared) {
        throw new UnsupportedOperationException("tryLock: the 9P client has no Tlock; file locks are not supported on p9");
    }

    /**
     * Waits for the calls in progress, then gives the file back: the last channel of the file writes
     * back what is dirty and clunks the fid.
     */
    @Override
    protected void implCloseChannel() throws IOException {
        calls.writeLock().lock();
        try {
            path.getFileSystem().closed(this);
            try {
                if (inode != null) {
                    inode.release();
                }
            } catch (IOException e) {
                throw translate(e);
            }
        } finally {
            calls.writeLock().unlock();
        }
    }

    // ---- the zero-copy extension ------------------------------------------------------------------

    /**
     * Reads {@code length} bytes at {@code position} without copying them: {@code reader} receives each
     * folio's part in file order as the page cache's own memory (valid during the call only: read it,
     * send it, do not keep it). Allocates nothing per folio.
     *
     * @param position where in the file to start, at least 0
     * @param length how many bytes, at least 0
     * @param reader receives the folios
     * @return bytes handed to {@code reader}: fewer than {@code length} only at the end of the file; -1
     *     if {@code position} is at or past it
     * @throws IOException a read's failure naming the path, or the reader's own exception
     */
    public long read(long position, long length, NetfsFile.FolioReader reader) throws IOException {
        checkReadable();
        enter();
        try {
            return file().read(position, length, readFlags, reader);
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /**
     * Reads {@code dst.byteSize()} bytes at {@code position} into {@code dst} (one copy, from the page
     * cache).
     *
     * @param position where in the file to start, at least 0
     * @param dst where the bytes go (native or heap memory)
     * @return bytes read: fewer than asked only at the end of the file; -1 if {@code position} is at or
     *     past it
     * @throws IOException a read's failure naming the path
     */
    public long read(long position, MemorySegment dst) throws IOException {
        checkReadable();
        enter();
        try {
            return file().read(position, dst, readFlags);
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /**
     * Writes {@code src} at {@code position} into the page cache (one copy); it reaches the server by
     * writeback, {@link #force(boolean)} or {@link #close()}.
     *
     * @param position where in the file, at least 0
     * @param src the bytes
     * @return bytes written: all of them
     * @throws IOException naming the path, if a folio written in part could not be read first
     */
    public long write(long position, MemorySegment src) throws IOException {
        checkWritable();
        enter();
        try {
            long n = writeInPieces(position, src);
            if (sync) {
                file.fsync();
            }
            return n;
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /**
     * Writes {@code src} at {@code position} straight to the server, without copying native memory: the
     * Twrites' iovecs point into {@code src} (heap memory is copied once into native memory first).
     * Returns when the server acknowledged every byte. Dirty page-cache data over the range is written
     * back first and the range's cached folios are dropped after, so the page cache stays coherent.
     *
     * @param position where in the file, at least 0
     * @param src the bytes; the caller keeps it alive and unchanged until this returns
     * @return bytes written
     * @throws IOException naming the path and the failed Twrite
     */
    public long writeDirect(long position, MemorySegment src) throws IOException {
        checkWritable();
        enter();
        try {
            long n = file.writeDirect(position, src);
            if (sync) {
                file.fsync();
            }
            return n;
        } catch (IOException e) {
            throw translate(e);
        } finally {
            leave();
        }
    }

    /** {@return the path this channel was opened with, made absolute} */
    public Path path() {
        return path;
    }

    @Override
    public String toString() {
        return "P9FileChannel[" + path.toUri() + (isOpen() ? "" : ", closed") + "]";
    }
}
