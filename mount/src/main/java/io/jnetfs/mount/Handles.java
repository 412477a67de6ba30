package io.jnetfs.mount;

import io.jnetfs.p9.Dirent;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The FUSE file handles ({@code fh}) of a mount: open files and open directories, by a number that
 * never repeats during the mount.
 */
final class Handles {
    /** An open file: its shared open inode, and the open's flags (O_APPEND, O_DIRECT...). */
    record FileHandle(OpenInode inode, int flags) {
    }

    /**
     * An open directory: its entries as the server listed them at OPENDIR (the position a READDIR
     * continues from is an index into them, so a directory that changes meanwhile is still listed once,
     * as a snapshot).
     */
    record DirHandle(Node dir, List<Dirent> entries) {
    }

    private final ConcurrentHashMap<Long, Object> open = new ConcurrentHashMap<>();
    private final AtomicLong next = new AtomicLong(1);

    /** {@return the new handle's number} */
    long add(Object h) {
        long fh = next.getAndIncrement();
        open.put(fh, h);
        return fh;
    }

    /** {@return the open file of {@code fh}, or {@code null}} */
    FileHandle file(long fh) {
        return open.get(fh) instanceof FileHandle f ? f : null;
    }

    /** {@return the open directory of {@code fh}, or {@code null}} */
    DirHandle dir(long fh) {
        return open.get(fh) instanceof DirHandle d ? d : null;
    }

    /** {@return the handle removed, or {@code null}} */
    Object remove(long fh) {
        return open.remove(fh);
    }

    /** {@return how many handles are open} */
    int size() {
        return open.size();
    }

    /** {@return every handle, removed} */
    List<Object> drain() {
        List<Object> all = List.copyOf(open.values());
        open.clear();
        return all;
    }
}
