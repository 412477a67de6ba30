package io.jnetfs.fiemap;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.stat;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Queries the extents of a file with the FS_IOC_FIEMAP ioctl, through a native buffer of
 * {@code nr_slots} {@code struct fiemap_extent} slots that this object owns and reuses.
 *
 * <pre>
 *   file:    |--data--|....hole....|--unwritten--|--data (delalloc)--|....|--data--|
 *   extents:  [0]                   [1] UNWRITTEN [2] DELALLOC|UNKNOWN       [3] LAST
 *
 *   one query over [start, start + length):
 *     ioctl(fd, FS_IOC_FIEMAP, {fm_start, fm_length, fm_flags, fm_extent_count = nr_slots})
 *       -> fm_mapped_extents slots filled; each one is handed to the sink
 *     while the buffer came back full and no extent carried FIEMAP_EXTENT_LAST:
 *       fm_start = end of the last extent; call again (FIEMAP_FLAG_SYNC only on the first call)
 * </pre>
 *
 * <p>The kernel returns every extent that overlaps the range, so the first one may start before
 * {@code start} and the last may end after {@code start + length}. Holes are not reported: they are
 * the gaps between extents. Offsets and lengths are bytes.
 *
 * <p>{@link #tryQuery} is the inside form: it returns {@code -errno} and hands each extent to an
 * {@link ExtentSink} without allocating. The {@code query} methods are the public edge: they fill an
 * {@link Extents} and throw a {@link io.jnetfs.ffm.NativeIoException} (or the JDK's
 * {@link java.nio.file.NoSuchFileException} and kin for a path) that names the call, its arguments and
 * the errno. A filesystem without FIEMAP (tmpfs, procfs) answers EOPNOTSUPP.
 *
 * <p>A {@code Fiemap} is not safe for concurrent queries: give each thread its own, or serialize.
 * Whoever creates it closes it; {@link #close()} is idempotent and frees the buffer.
 */
public final class Fiemap implements AutoCloseable {
    /** {@code FIEMAP_FLAG_SYNC}: write back dirty data before mapping, so delalloc extents get a location. */
    public static final int FIEMAP_FLAG_SYNC = LibC.FIEMAP_FLAG_SYNC();
    /** {@code FIEMAP_FLAG_XATTR}: map the extended-attribute storage instead of the data. */
    public static final int FIEMAP_FLAG_XATTR = LibC.FIEMAP_FLAG_XATTR();
    /** {@code FIEMAP_FLAG_CACHE}: ext4 only, also cache the extents in the extent-status tree. */
    public static final int FIEMAP_FLAG_CACHE = LibC.FIEMAP_FLAG_CACHE();
    /** A {@code length} that means "to the end of the file" (the kernel's FIEMAP_MAX_OFFSET). */
    public static final long WHOLE_FILE = Long.MAX_VALUE;
    /** The default number of {@code fiemap_extent} slots: 512 slots, 28 KiB of native memory. */
    public static final int DEFAULT_NR_SLOTS = 512;
    /** The largest {@code nr_slots} accepted: 2^20 slots, 56 MiB. */
    public static final int MAX_NR_SLOTS = 1 << 20;

    private static final long FS_IOC_FIEMAP = LibC.FS_IOC_FIEMAP();
    private static final int REQUEST_FLAGS = FIEMAP_FLAG_SYNC | FIEMAP_FLAG_XATTR | FIEMAP_FLAG_CACHE;
    private static final int LAST = FiemapExtentFlags.FIEMAP_EXTENT_LAST;
    /** EBADR: the filesystem does not support some request flag; it left them in fm_flags. */
    static final int EBADR = 53;

    private final Arena arena;
    private final MemorySegment buffer;
    private final int nrSlots;
    private boolean closed;

    /** A query object with {@link #DEFAULT_NR_SLOTS} slots. */
    public Fiemap() {
        this(DEFAULT_NR_SLOTS);
    }

    /**
     * A query object whose native buffer holds {@code nrSlots} extents per ioctl call; a file with
     * more extents takes more calls.
     *
     * @param nrSlots {@code fm_extent_count}, from 1 to {@link #MAX_NR_SLOTS}
     * @throws IllegalArgumentException if {@code nrSlots} is out of range
     */
    public Fiemap(int nrSlots) {
        if (nrSlots < 1 || nrSlots > MAX_NR_SLOTS) {
            throw new IllegalArgumentException("invalid nr_slots=" + nrSlots);
        }
        this.nrSlots = nrSlots;
        // shared, not confined: the owner may hand the object to another thread (one at a time)
        this.arena = Arena.ofShared();
        this.buffer = arena.allocate(FiemapDescriptor.bufferLength(nrSlots), FiemapDescriptor.ALIGNMENT);
    }

    /** @return {@code fm_extent_count}: the number of extents one ioctl call can return */
    public int nrSlots() {
        return nrSlots;
    }

    /**
     * Maps {@code [start, start + length)} of an open file and hands every extent to {@code sink}, in
     * as many ioctl calls as it takes. Allocates nothing.
     *
     * @param fd an open descriptor (any access mode)
     * @param start the first byte of the range
     * @param length bytes to map, or {@link #WHOLE_FILE}; 0 maps nothing and makes no call
     * @param flags {@link #FIEMAP_FLAG_SYNC}, {@link #FIEMAP_FLAG_XATTR}, {@link #FIEMAP_FLAG_CACHE} or 0
     * @param sink receives each extent
     * @return the number of extents handed to the sink, or {@code -errno} (EOPNOTSUPP where the
     *     filesystem has no FIEMAP, EBADF, EBADR for an unsupported flag, ...); after a failure the sink
     *     may already have received the extents of earlier calls
     * @throws IllegalArgumentException if {@code start} or {@code length} is negative or {@code flags}
     *     has an unknown bit
     * @throws IllegalStateException if this object is closed
     */
    public int tryQuery(int fd, long start, long length, int flags, ExtentSink sink) {
        checkArguments(start, length, flags);
        Objects.requireNonNull(sink, "sink");
        if (length == 0) {
            return 0;
        }
        final MemorySegment buf = buffer;
        final int slots = nrSlots;
        final long end = length > Long.MAX_VALUE - start ? Long.MAX_VALUE : start + length;
        int requestFlags = flags;
        long pos = start;
        int total = 0;
        while (true) {
            final int mapped = call(fd, pos, end - pos, requestFlags);
            if (mapped < 0) {
                return mapped;
            }
            long next = pos;
            boolean last = false;
            for (int i = 0; i < mapped; i++) {
                long off = FiemapDescriptor.extentOffset(i);
                long logical = buf.get(ValueLayout.JAVA_LONG, off + FiemapDescriptor.FE_LOGICAL);
                long physical = buf.get(ValueLayout.JAVA_LONG, off + FiemapDescriptor.FE_PHYSICAL);
                long len = buf.get(ValueLayout.JAVA_LONG, off + FiemapDescriptor.FE_LENGTH);
                int fe = buf.get(ValueLayout.JAVA_INT, off + FiemapDescriptor.FE_FLAGS);
                sink.extent(logical, physical, len, fe);
                next = logical + len;
                last |= (fe & LAST) != 0;
            }
            total += mapped;
            // fewer than nr_slots means the kernel ran out of extents in the range
            if (mapped < slots || last || next >= end || next <= pos) {
                return total;
            }
            pos = next;
            // the first call already wrote back the whole file
            requestFlags &= ~FIEMAP_FLAG_SYNC;
        }
    }

    /** One ioctl call: fills the header, calls, and returns {@code fm_mapped_extents} or {@code -errno}. */
    private int call(int fd, long start, long length, int flags) {
        final MemorySegment buf = buffer;
        buf.set(ValueLayout.JAVA_LONG, FiemapDescriptor.FM_START, start);
        buf.set(ValueLayout.JAVA_LONG, FiemapDescriptor.FM_LENGTH, length);
        buf.set(ValueLayout.JAVA_INT, FiemapDescriptor.FM_FLAGS, flags);
        buf.set(ValueLayout.JAVA_INT, FiemapDescriptor.FM_MAPPED_EXTENTS, 0);
        buf.set(ValueLayout.JAVA_INT, FiemapDescriptor.FM_EXTENT_COUNT, nrSlots);
        buf.set(ValueLayout.JAVA_INT, FiemapDescriptor.FM_RESERVED, 0);
        int r = Native.ioctl(fd, FS_IOC_FIEMAP, buf);
        if (r < 0) {
            return r;
        }
        // the kernel never reports more than fm_extent_count; clamp anyway so a bad answer cannot index past the buffer
        return Math.min(buf.get(ValueLayout.JAVA_INT, FiemapDescriptor.FM_MAPPED_EXTENTS), nrSlots);
    }

    /**
     * Maps {@code [start, start + length)} of an open file into {@code into}, which is cleared first.
     *
     * @param fd an open descriptor
     * @param start the first byte of the range
     * @param length bytes to map, or {@link #WHOLE_FILE}
     * @param flags FIEMAP_FLAG_* bits or 0
     * @param into the result to fill (reused; grows when needed)
     * @return {@code into}
     * @throws IOException a {@link io.jnetfs.ffm.NativeIoException} naming the call and errno, such as
     *     {@code ioctl(fd=7, FS_IOC_FIEMAP, fm_start=0, fm_length=4096, fm_flags=0x0) failed: EBADF (Bad
     *     file descriptor)}
     * @throws IllegalArgumentException for a negative {@code start} or {@code length}, or unknown flags
     * @throws IllegalStateException if this object is closed
     */
    public Extents query(int fd, long start, long length, int flags, Extents into) throws IOException {
        Objects.requireNonNull(into, "into");
        into.reset(start, length, flags);
        int r = tryQuery(fd, start, length, flags, into);
        if (r < 0) {
            throw Errors.ioException(describeCall("fd=" + fd, start, length, flags, r), r);
        }
        return into;
    }

    /**
     * Maps {@code [start, start + length)} of an open file into a new {@link Extents}.
     *
     * @param fd an open descriptor
     * @param start the first byte of the range
     * @param length bytes to map, or {@link #WHOLE_FILE}
     * @param flags FIEMAP_FLAG_* bits or 0
     * @return the extents
     * @throws IOException as {@link #query(int, long, long, int, Extents)}
     */
    public Extents query(int fd, long start, long length, int flags) throws IOException {
        return query(fd, start, length, flags, new Extents());
    }

    /**
     * Opens {@code path} read-only, maps {@code [start, start + length)} and closes it again.
     *
     * <p>Directories are refused: FIEMAP on an ext4 directory does answer (its blocks, as
     * {@code filefrag} shows), but a cache file is always a regular file, so a directory here is a
     * mistake. Map a directory through the descriptor form if that is really wanted.
     *
     * @param path the file
     * @param start the first byte of the range
     * @param length bytes to map, or {@link #WHOLE_FILE}
     * @param flags FIEMAP_FLAG_* bits or 0
     * @return the extents
     * @throws java.nio.file.NoSuchFileException if {@code path} does not exist (and the JDK's other
     *     {@link java.nio.file.FileSystemException}s where they fit)
     * @throws io.jnetfs.ffm.NativeIoException {@code fiemap(path=...) failed: EISDIR (Is a directory)}
     *     for a directory, or the ioctl's failure, such as EOPNOTSUPP on tmpfs
     * @throws IOException for other failures of open or fstat
     * @throws IllegalArgumentException for a negative {@code start} or {@code length}, or unknown flags
     */
    public Extents query(Path path, long start, long length, int flags) throws IOException {
        checkArguments(start, length, flags);
        String name = path.toString();
        int fd;
        try (Arena temp = Arena.ofConfined()) {
            int openFlags = LibC.O_RDONLY() | LibC.O_CLOEXEC() | LibC.O_NONBLOCK();
            fd = Native.open(temp.allocateFrom(name), openFlags, 0);
            if (fd < 0) {
                throw Errors.pathException("open(path=" + name + ", flags=O_RDONLY|O_NONBLOCK)", name, fd);
            }
            MemorySegment st = stat.allocate(temp);
            int r = Native.fstat(fd, st);
            if (r < 0) {
                Native.close(fd);
                throw Errors.pathException("fstat(path=" + name + ")", name, r);
            }
            if ((stat.st_mode(st) & LibC.S_IFMT()) == LibC.S_IFDIR()) {
                Native.close(fd);
                throw Errors.pathException("fiemap(path=" + name + ")", name, Errno.EISDIR);
            }
        }
        try {
            Extents into = new Extents();
            into.reset(start, length, flags);
            int r = tryQuery(fd, start, length, flags, into);
            if (r < 0) {
                throw Errors.pathException(describeCall("path=" + name, start, length, flags, r), name, r);
            }
            return into;
        } finally {
            Native.close(fd);
        }
    }

    /**
     * One-shot: the extents of a whole file, with a temporary query object.
     *
     * @param path the file
     * @param flags FIEMAP_FLAG_* bits or 0
     * @return the extents
     * @throws IOException as {@link #query(Path, long, long, int)}
     */
    public static Extents extentsOf(Path path, int flags) throws IOException {
        try (Fiemap f = new Fiemap()) {
            return f.query(path, 0, WHOLE_FILE, flags);
        }
    }

    /** Frees the native buffer. Idempotent. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            arena.close();
        }
    }

    private void checkArguments(long start, long length, int flags) {
        if (closed) {
            throw new IllegalStateException("Fiemap closed");
        }
        if (start < 0) {
            throw new IllegalArgumentException("invalid start=" + start);
        }
        if (length < 0) {
            throw new IllegalArgumentException("invalid length=" + length);
        }
        if ((flags & ~REQUEST_FLAGS) != 0) {
            throw new IllegalArgumentException("invalid flags=0x" + Integer.toHexString(flags));
        }
    }

    /** The failed call in words; on EBADR also the flags the filesystem refused (left in fm_flags). */
    private String describeCall(String target, long start, long length, int flags, int r) {
        String call = "ioctl(" + target + ", FS_IOC_FIEMAP, fm_start=" + start + ", fm_length="
                + (length == WHOLE_FILE ? "FIEMAP_MAX_OFFSET" : Long.toString(length))
                + ", fm_flags=0x" + Integer.toHexString(flags);
        if (-r == EBADR) {
            call += ", unsupported fm_flags=0x"
                    + Integer.toHexString(buffer.get(ValueLayout.JAVA_INT, FiemapDescriptor.FM_FLAGS));
        }
        return call + ")";
    }
}
