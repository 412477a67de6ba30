package io.jnetfs.fuse;

import static io.jnetfs.fuse.FuseDescriptor.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * Packs {@code struct fuse_dirent} (READDIR) or {@code struct fuse_direntplus} (READDIRPLUS) records
 * into the worker's copy buffer, each padded to 8 bytes, up to the size the kernel asked for.
 *
 * <pre>
 *   READDIR:      | ino off namelen type | name ... pad8 | ino off namelen type | name ... |
 *   READDIRPLUS:  | fuse_entry_out (128) | ino off namelen type | name ... pad8 | ...
 * </pre>
 */
final class DirFiller implements FuseDirFiller {
    /** The longest name accepted ({@code FUSE_NAME_MAX}). */
    static final int NAME_MAX = 1024;

    private static final ValueLayout.OfLong U64 = ValueLayout.JAVA_LONG_UNALIGNED;
    private static final ValueLayout.OfInt U32 = ValueLayout.JAVA_INT_UNALIGNED;

    private final MemorySegment buf;
    private final FuseEntry scratch = new FuseEntry();
    private boolean plus;
    private long limit;
    private long used;
    private long entryTimeoutNanos;
    private long attrTimeoutNanos;

    DirFiller(MemorySegment buf) {
        this.buf = buf;
    }

    void begin(boolean plus, long size, long entryTimeoutNanos, long attrTimeoutNanos) {
        this.plus = plus;
        this.limit = Math.min(size, buf.byteSize());
        this.used = 0;
        this.entryTimeoutNanos = entryTimeoutNanos;
        this.attrTimeoutNanos = attrTimeoutNanos;
    }

    /** @return the bytes packed */
    long used() {
        return used;
    }

    @Override
    public boolean plus() {
        return plus;
    }

    @Override
    public FuseEntry entry() {
        return scratch.reset(entryTimeoutNanos, attrTimeoutNanos);
    }

    @Override
    public boolean add(String name, long ino, int mode, long off) {
        return put(name, 0, ino, mode, off, null);
    }

    @Override
    public boolean add(String name, FuseEntry entry, long off) {
        return put(name, entry.nodeId(), entry.attr().ino(), entry.attr().mode(), off, entry);
    }

    private boolean put(String name, long nodeId, long ino, int mode, long off, FuseEntry entry) {
        byte[] b = name.getBytes(StandardCharsets.UTF_8);
        if (b.length == 0 || b.length > NAME_MAX) {
            throw new IllegalArgumentException("invalid directory entry name length=" + b.length + " (1 .. " + NAME_MAX + ")");
        }
        long head = plus ? DIRENTPLUS_SIZE : DIRENT_SIZE;
        long reclen = direntAlign(head + b.length);
        if (used + reclen > limit) {
            return false;
        }
        long at = used;
        buf.asSlice(at, reclen).fill((byte) 0);
        long d = at;
        if (plus) {
            if (entry != null) {
                FuseDispatcher.encodeEntry(buf, at, entry);
            } else {
                buf.set(U64, at + ATTR_INO + ENTRY_ATTR, ino);
                buf.set(U32, at + ATTR_MODE + ENTRY_ATTR, mode);
            }
            buf.set(U64, at + ENTRY_NODEID, nodeId);
            d = at + DIRENTPLUS_DIRENT;
        }
        buf.set(U64, d + DIRENT_INO, ino);
        buf.set(U64, d + DIRENT_OFF, off);
        buf.set(U32, d + DIRENT_NAMELEN, b.length);
        buf.set(U32, d + DIRENT_TYPE, (mode & FuseAttr.S_IFMT) >>> 12);
        MemorySegment.copy(b, 0, buf, ValueLayout.JAVA_BYTE, d + DIRENT_NAME, b.length);
        used = at + reclen;
        return true;
    }
}
