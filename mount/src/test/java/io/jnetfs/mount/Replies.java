package io.jnetfs.mount;

import io.jnetfs.bvecq.Folio;
import io.jnetfs.fuse.FuseDataReply;
import io.jnetfs.fuse.FuseDirFiller;
import io.jnetfs.fuse.FuseEntry;
import java.io.ByteArrayOutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

/**
 * The out-parameters of READ and READDIR as the handler tests receive them: the bytes and entries are
 * kept for the test to check, folios taken over are put at once (after their bytes are copied here, as
 * the session's writev would send them), and how many pieces came without a copy is counted.
 */
final class Replies {
    private Replies() {
    }

    /** A READ reply of {@code capacity} bytes. */
    static final class Data implements FuseDataReply {
        private final long capacity;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int folios;
        int copies;

        Data(long capacity) {
            this.capacity = capacity;
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        @Override
        public long capacity() {
            return capacity;
        }

        @Override
        public long size() {
            return bytes.size();
        }

        private void check(long n) {
            if (size() + n > capacity) {
                throw new IllegalArgumentException("reply over capacity: " + (size() + n) + " > " + capacity);
            }
        }

        @Override
        public void add(MemorySegment data) {
            check(data.byteSize());
            bytes.writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
        }

        @Override
        public void add(Folio folio, long offset, long length) {
            try {
                check(length);
                bytes.writeBytes(folio.segment().asSlice(offset, length).toArray(ValueLayout.JAVA_BYTE));
                folios++;
            } finally {
                folio.put();
            }
        }

        @Override
        public MemorySegment buffer(long length) {
            throw new UnsupportedOperationException("not used by the filesystem");
        }

        @Override
        public void copy(MemorySegment data) {
            check(data.byteSize());
            bytes.writeBytes(data.toArray(ValueLayout.JAVA_BYTE));
            copies++;
        }

        @Override
        public void copy(byte[] data, int offset, int length) {
            check(length);
            bytes.write(data, offset, length);
            copies++;
        }

        @Override
        public void clear() {
            bytes.reset();
        }
    }

    /** One directory entry as a filler received it. */
    record Entry(String name, long ino, int mode, long off, long nodeId) {
    }

    /** A READDIR(PLUS) filler that takes at most {@code room} entries. */
    static final class Dir implements FuseDirFiller {
        private final boolean plus;
        private final int room;
        private final FuseEntry scratch = new FuseEntry();
        final List<Entry> entries = new ArrayList<>();

        Dir(boolean plus, int room) {
            this.plus = plus;
            this.room = room;
        }

        @Override
        public boolean plus() {
            return plus;
        }

        @Override
        public FuseEntry entry() {
            return scratch.reset(0, 0);
        }

        @Override
        public boolean add(String name, long ino, int mode, long off) {
            if (entries.size() >= room) {
                return false;
            }
            entries.add(new Entry(name, ino, mode, off, 0));
            return true;
        }

        @Override
        public boolean add(String name, FuseEntry entry, long off) {
            if (entries.size() >= room) {
                return false;
            }
            entries.add(new Entry(name, entry.attr().ino(), entry.attr().mode(), off, plus ? entry.nodeId() : 0));
            return true;
        }
    }

    /** {@return native memory holding {@code b}} */
    static MemorySegment nativeCopy(Arena a, byte[] b) {
        MemorySegment m = a.allocate(Math.max(1, b.length));
        MemorySegment.copy(b, 0, m, ValueLayout.JAVA_BYTE, 0, b.length);
        return m.asSlice(0, b.length);
    }
}
