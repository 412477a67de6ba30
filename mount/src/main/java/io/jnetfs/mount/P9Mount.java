package io.jnetfs.mount;

import io.jnetfs.fuse.FuseOptions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link P9FuseFilesystem} mounted: the FUSE session that serves it on {@code /dev/fuse}, from
 * {@link #mount} until the kernel unmounts it ({@code umount}, {@code fusermount3 -u}, {@link #close()}).
 *
 * <p>Ownership: the mount owns its session; the caller keeps the filesystem's client, engine and cache
 * open until {@link #close()} returned, and closes them after.
 */
public final class P9Mount implements AutoCloseable {
    private final Path mountpoint;
    private final P9FuseFilesystem fs;
    private boolean closed;

    private P9Mount(Path mountpoint, P9FuseFilesystem fs) {
        this.mountpoint = mountpoint;
        this.fs = fs;
    }

    /**
     * Mounts {@code fs} on {@code mountpoint}; returns once the kernel's INIT was answered, so the
     * mountpoint answers programs.
     *
     * @param mountpoint an existing directory
     * @param fs the filesystem
     * @param options the mount's options (fsname, subtype, ro, allow_other, direct_io, threads...)
     * @return the mount, which the caller closes
     * @throws IOException naming why the mount failed (no {@code /dev/fuse}, no right to mount...)
     */
    public static P9Mount mount(Path mountpoint, P9FuseFilesystem fs, FuseOptions options) throws IOException {
        throw new IOException("mount " + mountpoint + ": the FUSE session is not in this build yet");
    }

    /** {@return where it is mounted} */
    public Path mountpoint() {
        return mountpoint;
    }

    /** {@return the filesystem it serves} */
    public P9FuseFilesystem filesystem() {
        return fs;
    }

    /**
     * Waits until the kernel unmounted it (by {@code umount}, {@code fusermount3 -u} or {@link #close()}).
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitUnmounted() throws InterruptedException {
    }

    /**
     * Unmounts (if the kernel has not already), stops the session, writes back what is dirty and clunks
     * every fid. Idempotent.
     *
     * @throws IOException the first writeback failure (the mount is gone all the same)
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        fs.close();
    }
}
