package io.jnetfs.p9.nio;

import io.jnetfs.p9.P9StatFs;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileStoreAttributeView;

/**
 * The export as a {@link FileStore}: its space from Tstatfs, asked at each call. Named by the aname,
 * of type {@code "9p"}. The file system's only store.
 */
final class P9FileStore extends FileStore {
    private final P9FileSystem fs;
    private volatile long fsid = -1;

    P9FileStore(P9FileSystem fs) {
        this.fs = fs;
    }

    /** Tstatfs of the root. */
    P9StatFs statfs() throws IOException {
        fs.checkOpen();
        try {
            return fs.client().statfs(fs.rootFid());
        } catch (IOException e) {
            throw FsErrors.translate(e, fs.getPath("/"), null);
        }
    }

    /** {@return the server file system's id (the {@code unix:dev} of every file), asked once} */
    long fsid() throws IOException {
        long id = fsid;
        if (id == -1) {
            id = statfs().fsid();
            fsid = id;
        }
        return id;
    }

    @Override
    public String name() {
        return fs.aname().isEmpty() ? "/" : fs.aname();
    }

    @Override
    public String type() {
        return "9p";
    }

    /** {@return false: whether the export refuses writes shows only when one is tried (EROFS)} */
    @Override
    public boolean isReadOnly() {
        return false;
    }

    @Override
    public long getTotalSpace() throws IOException {
        P9StatFs s = statfs();
        return s.blocks() * Integer.toUnsignedLong(s.bsize());
    }

    @Override
    public long getUsableSpace() throws IOException {
        P9StatFs s = statfs();
        return s.bavail() * Integer.toUnsignedLong(s.bsize());
    }

    @Override
    public long getUnallocatedSpace() throws IOException {
        P9StatFs s = statfs();
        return s.bfree() * Integer.toUnsignedLong(s.bsize());
    }

    @Override
    public long getBlockSize() throws IOException {
        return Integer.toUnsignedLong(statfs().bsize());
    }

    @Override
    public boolean supportsFileAttributeView(Class<? extends FileAttributeView> type) {
        return type == java.nio.file.attribute.BasicFileAttributeView.class
                || type == java.nio.file.attribute.PosixFileAttributeView.class
                || type == java.nio.file.attribute.FileOwnerAttributeView.class;
    }

    @Override
    public boolean supportsFileAttributeView(String name) {
        return AttributeViews.VIEWS.contains(name);
    }

    /** {@return null: there are no file store attribute views} */
    @Override
    public <V extends FileStoreAttributeView> V getFileStoreAttributeView(Class<V> type) {
        return null;
    }

    /** {@return {@code totalSpace}, {@code usableSpace} or {@code unallocatedSpace}} */
    @Override
    public Object getAttribute(String attribute) throws IOException {
        return switch (attribute) {
            case "totalSpace" -> getTotalSpace();
            case "usableSpace" -> getUsableSpace();
            case "unallocatedSpace" -> getUnallocatedSpace();
            default -> throw new UnsupportedOperationException("'" + attribute + "' not recognized");
        };
    }

    @Override
    public String toString() {
        return name() + " (" + fs + ")";
    }
}
