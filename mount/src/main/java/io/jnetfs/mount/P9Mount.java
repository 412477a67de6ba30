package io.jnetfs.mount;

import io.jnetfs.fuse.FuseOptions;
import io.jnetfs.fuse.FuseSession;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A {@link P9FuseFilesystem} mounted: the FUSE session that serves it on {@code /dev/fuse}, from
 * {@link #mount} until the kernel unmounts it ({@code umount}, {@code fusermount3 -u}, {@link #close()}).
 * When the mount ends, the filesystem writes back what is dirty and clunks its fids (DESTROY).
 *
 * <p>Ownership: the mount owns its session; the caller keeps the filesystem's client, engine and cache
 * open until {@link #close()} returned (or {@link #awaitUnmounted()} did), and closes them after.
 */
public final class P9Mount implements AutoCloseable {
    private final FuseSession session;
    private final P9FuseFilesystem fs;
    private boolean closed;

    private P9Mount(FuseSession session, P9FuseFilesystem fs) {
        this.session = session;
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
        return new P9Mount(FuseSession.mount(mountpoint, fs, options), fs);
    }

    /** {@return where it is mounted} */
    public Path mountpoint() {
        return session.mountpoint();
    }

    /** {@return the filesystem it serves} */
    public P9FuseFilesystem filesystem() {
        return fs;
    }

    /** {@return the FUSE session: transport, threads, protocol, counters} */
    public FuseSession session() {
        return session;
    }

    /**
     * Waits until the kernel unmounted it (by {@code umount}, {@code fusermount3 -u} or {@link #close()})
     * and the session wrote back and ended.
     *
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public void awaitUnmounted() throws InterruptedException {
        while (!session.awaitTermination(Duration.ofSeconds(1))) {
            Thread.onSpinWait();
        }
        synchronized (this) {
            finish();
        }
    }

    /**
     * Waits until the kernel unmounted it, at most {@code timeout}.
     *
     * @param timeout how long at most
     * @return whether it was unmounted and the session ended
     * @throws InterruptedException if the waiting thread is interrupted
     */
    public boolean awaitUnmounted(Duration timeout) throws InterruptedException {
        if (!session.awaitTermination(timeout)) {
            return false;
        }
        synchronized (this) {
            finish();
        }
        return true;
    }

    /**
     * Unmounts (lazily if busy), stops the session, writes back what is dirty and clunks every fid.
     * Idempotent.
     *
     * @throws IOException the first writeback failure (the mount is gone all the same)
     */
    @Override
    public synchronized void close() throws IOException {
        if (closed) {
            return;
        }
        session.close();
        finish();
    }

    /** Writes back and clunks (DESTROY did already where the session ended normally). */
    private void finish() {
        if (closed) {
            return;
        }
        closed = true;
        fs.destroy();
    }
}
