package io.jnetfs.cli;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * The few file operations the commands need, on either side: {@link LocalFilesystem} (the kernel's
 * files) or {@link RemoteFilesystem} (a 9P export through the netfs engine). Paths are strings in the
 * side's own form: a local path, or a slash-separated path inside the export ({@code ""} is its root).
 *
 * <p>Every method that fails throws a {@link CommandFailure} naming the path as the user would write
 * it ({@link #display(String)}) and why.
 */
interface Filesystem {
    /**
     * @param path a path of this side
     * @return the path as the user writes it ({@code 9p://HOST:PORT/PATH} for a remote one)
     */
    String display(String path);

    /**
     * Stats a path without following a final symbolic link (whose target is read into the result).
     *
     * @param path a path of this side
     * @return what the path is
     * @throws CommandFailure with ENOENT if it does not exist
     */
    FileInfo stat(String path) throws IOException;

    /**
     * @param path a path of this side
     * @return what the path is, or {@code null} if it does not exist
     */
    default FileInfo statIfExists(String path) throws IOException {
        try {
            return stat(path);
        } catch (CommandFailure f) {
            if (f.exitCode() == ExitCodes.NOT_FOUND && ExitCodes.errnoOf(f.getCause()) == io.jnetfs.ffm.Errno.ENOENT) {
                return null;
            }
            throw f;
        }
    }

    /**
     * @param dir a directory
     * @return its entries' names without {@code "."} and {@code ".."}, sorted
     */
    List<String> list(String dir) throws IOException;

    /**
     * @param path the new directory
     * @param mode its permission bits
     */
    void mkdir(String path, int mode) throws IOException;

    /**
     * Removes a file, a symbolic link, or an empty directory.
     *
     * @param path the entry
     * @param directory whether it is a directory
     */
    void remove(String path, boolean directory) throws IOException;

    /**
     * Renames within this side, replacing a file at {@code to}.
     *
     * @param from the current path
     * @param to the new path
     */
    void rename(String from, String to) throws IOException;

    /**
     * @param path a new symbolic link
     * @param target what it points at
     */
    void symlink(String path, String target) throws IOException;

    /**
     * Opens a file for reading.
     *
     * @param path a regular file
     * @return a reader the caller closes
     */
    Reader openRead(String path) throws IOException;

    /**
     * Creates (or truncates) a file for writing.
     *
     * @param path the file
     * @param mode its permission bits
     * @return a writer the caller closes
     */
    Writer create(String path, int mode) throws IOException;

    /**
     * Sets the permission bits and the access and modification times (as {@code cp -p} does).
     *
     * @param path the file
     * @param mode permission bits ({@code 07777})
     * @param atimeNanos access time
     * @param mtimeNanos modification time
     */
    void setModeAndTimes(String path, int mode, long atimeNanos, long mtimeNanos) throws IOException;

    /**
     * @param path a path of this side
     * @return its parent ({@code ""} or {@code "."} at the top)
     */
    String parent(String path);

    /**
     * @param path a path of this side
     * @return its last component
     */
    String name(String path);

    /**
     * @param dir a directory of this side
     * @param name an entry name
     * @return the entry's path
     */
    String child(String dir, String name);

    /**
     * @param other another side
     * @return whether a rename can move a file from this side to {@code other}
     */
    boolean sameAs(Filesystem other);

    /** A file open for reading. */
    interface Reader extends AutoCloseable {
        /** {@return the file's size in bytes when it was opened} */
        long size();

        /**
         * Reads at a position; fewer bytes than asked only at the end of the file.
         *
         * @param pos the file position
         * @param dst where the bytes go
         * @return bytes read, or -1 at or past the end
         */
        long read(long pos, MemorySegment dst) throws IOException;

        /** Closes the file. Idempotent. */
        @Override
        void close() throws IOException;
    }

    /** A file open for writing. */
    interface Writer extends AutoCloseable {
        /**
         * Writes all of {@code src} at {@code pos}.
         *
         * @param pos the file position
         * @param src the bytes
         */
        void write(long pos, MemorySegment src) throws IOException;

        /** Makes what was written durable where the side promises it (remote: writeback and Tfsync), and closes. */
        void commit() throws IOException;

        /** Closes without committing (a failed copy). Idempotent; never throws. */
        @Override
        void close();
    }
}
