package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Copies files and trees between any two sides ({@link Filesystem}), local or remote, in either
 * direction; remote to remote streams through this process (read through one engine, written through
 * the other).
 *
 * <p>A file is written to {@code .NAME.jnetfs-partial-PID} beside its destination (mode 0600 while it
 * is written), committed (remote: writeback and Tfsync), given the source's mode and times, and renamed
 * over the destination's name; on any failure the partial file is removed, and on Ctrl-C the shutdown
 * hook removes it ({@link Partials}). Directories are made, filled, then given the source's mode and
 * times; symbolic links are copied as links; other special files inside a tree are skipped with a
 * warning, while one named as the source (a FIFO, {@code /dev/zero}...) has its contents copied.
 *
 * <p>Data moves through one 4 MiB native buffer owned by the copier (one confined arena), so the
 * copier is used by one thread.
 */
final class Copier implements AutoCloseable {
    /** The bytes moved per read and write. */
    static final int CHUNK = 4 << 20;

    private final Run run;
    private final Arena arena = Arena.ofConfined();
    private final MemorySegment buffer;

    /**
     * @param run the run whose counters, progress bars and messages the copies use
     */
    Copier(Run run) {
        this.run = run;
        this.buffer = arena.allocate(CHUNK, 4096);
    }

    /**
     * Copies {@code src} to exactly {@code dst} (no "into a directory" resolution here).
     *
     * @param from the source's side
     * @param src the source
     * @param to the destination's side
     * @param dst the destination's final name
     * @param recursive whether directories may be copied
     * @return bytes of file data copied
     */
    long copy(Filesystem from, String src, Filesystem to, String dst, boolean recursive) throws IOException {
        FileInfo info = from.stat(src);
        if (!info.isDirectory() && !info.isSymlink() && !info.isRegularFile()) {
            // a FIFO or device named on the command line: its contents are copied (as cp does), into a regular file
            return copyFile(from, src, info, to, dst);
        }
        return copy(from, src, info, to, dst, recursive);
    }

    private long copy(Filesystem from, String src, FileInfo info, Filesystem to, String dst, boolean recursive)
            throws IOException {
        if (info.isDirectory()) {
            if (!recursive) {
                throw CommandFailure.errno(from.display(src), Errno.EISDIR, "use -r to copy a directory");
            }
            return copyDirectory(from, src, info, to, dst);
        }
        if (info.isSymlink()) {
            FileInfo old = to.statIfExists(dst);
            if (old != null && !old.isDirectory()) {
                to.remove(dst, false);
            }
            to.symlink(dst, info.linkTarget());
            run.verbose("link " + from.display(src) + " -> " + to.display(dst));
            return 0;
        }
        if (!info.isRegularFile()) {
            run.warn("skipping " + from.display(src) + ": a " + info.typeName());
            return 0;
        }
        return copyFile(from, src, info, to, dst);
    }

    private long copyDirectory(Filesystem from, String src, FileInfo info, Filesystem to, String dst)
            throws IOException {
        FileInfo existing = to.statIfExists(dst);
        if (existing == null) {
            to.mkdir(dst, 0700); // the source's mode is set once the directory is filled
        } else if (!existing.isDirectory()) {
            throw CommandFailure.errno(to.display(dst), Errno.ENOTDIR, "cannot copy the directory "
                    + from.display(src) + " over a file");
        }
        long total = 0;
        for (String name : from.list(src)) {
            total += copy(from, from.child(src, name), to, to.child(dst, name), true);
        }
        to.setModeAndTimes(dst, info.permissions(), info.atimeNanos(), info.mtimeNanos());
        return total;
    }

    /**
     * Copies one regular file through a partial file.
     *
     * @return bytes copied
     */
    private long copyFile(Filesystem from, String src, FileInfo info, Filesystem to, String dst) throws IOException {
        String partial = to.child(to.parent(dst), Partials.partialName(to.name(dst)));
        long pos = 0;
        try (Filesystem.Reader r = from.openRead(src)) {
            Partials.Entry registered = Partials.register(to, partial);
            boolean done = false;
            Filesystem.Writer w = null;
            Progress bar = Progress.NONE;
            try {
                w = to.create(partial, 0600);
                bar = run.progress(from.name(src), info.isRegularFile() ? r.size() : -1);
                while (true) {
                    long n = r.read(pos, buffer);
                    if (n <= 0) {
                        break;
                    }
                    w.write(pos, buffer.asSlice(0, n));
                    pos += n;
                    run.transferred(n);
                    bar.update(pos);
                }
                w.commit();
                to.setModeAndTimes(partial, info.permissions(), info.atimeNanos(), info.mtimeNanos());
                to.rename(partial, dst);
                done = true;
            } catch (CommandFailure f) {
                // the partial file is ours, not the user's: name the destination
                throw to.display(partial).equals(f.what()) ? f.at(to.display(dst)) : f;
            } finally {
                bar.finish();
                if (!done) {
                    if (w != null) {
                        w.close();
                    }
                    try {
                        to.remove(partial, false); // also when create failed after making the file
                    } catch (IOException | RuntimeException e) {
                        if (w != null && ExitCodes.of(e) != ExitCodes.NOT_FOUND) {
                            run.warn("could not remove the partial file " + to.display(partial) + ": "
                                    + CommandFailure.reason(e));
                        }
                    }
                }
                registered.close();
            }
        }
        run.verbose("copied " + from.display(src) + " -> " + to.display(dst) + " (" + pos + " bytes)");
        return pos;
    }

    /** Frees the buffer. Idempotent. */
    @Override
    public void close() {
        if (arena.scope().isAlive()) {
            arena.close();
        }
    }
}
