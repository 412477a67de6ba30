package io.jnetfs.fuse;

import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * A filesystem served over FUSE: the table of operations the dispatcher calls, one method per kernel
 * opcode (as libfuse's low-level {@code struct fuse_lowlevel_ops}), each named after its op.
 *
 * <p><b>Nodes.</b> The kernel names files by node id: {@link #ROOT_ID} is the root; every other id is
 * one the filesystem gave out in a {@link FuseEntry} (LOOKUP, MKNOD, MKDIR, SYMLINK, LINK, CREATE,
 * READDIRPLUS). Each such reply adds one to the node's lookup count; {@link #forget} takes them away
 * and the node may be freed (its 9P fid clunked) only when the count reaches zero. A node id must not be
 * reused while the kernel may still know it.
 *
 * <p><b>Results.</b> A method returns 0 (or a count where documented) on success and {@code -errno} on
 * failure ({@code -Errno.ENOENT}); out-parameters ({@link FuseEntry}, {@link FuseAttr},
 * {@link FuseOpen}, {@link FuseStatfs}, {@link FuseDataReply}, {@link FuseDirFiller}) are filled on
 * success and ignored on failure. A method may instead throw: an {@link IOException} carrying an errno
 * ({@link io.jnetfs.ffm.NativeIoException} and its subclasses such as the 9P client's error, or one
 * whose cause does) is answered with that errno, any other exception with {@code EIO}; either way the
 * dispatcher logs it and keeps serving. A method left at its default answers {@code ENOSYS}, which the
 * kernel remembers for several ops (FLUSH, FSYNC, ACCESS, CREATE...) and stops sending.
 *
 * <p><b>Threads.</b> Methods are called concurrently from the session's worker threads, also for the
 * same node (parallel lookups and reads are negotiated). Every out-parameter and the
 * {@link FuseRequest} are valid only during the call. A method should not block for long without
 * watching {@link FuseRequest#interrupted()} or setting {@link FuseRequest#onInterrupt(Runnable)}.
 *
 * <p><b>Names</b> are the kernel's bytes decoded as UTF-8 (invalid sequences become U+FFFD); they are
 * never empty and never contain {@code '/'}.
 */
public interface FuseFilesystem {
    /** The node id of the root directory ({@code FUSE_ROOT_ID}). */
    long ROOT_ID = 1;

    /** The {@code fh} passed when the kernel did not say which open file a request came through. */
    long NO_FH = -1;

    /** {@code RENAME_NOREPLACE}: fail with {@code EEXIST} if the new name exists. */
    int RENAME_NOREPLACE = 1;
    /** {@code RENAME_EXCHANGE}: swap the two names atomically ({@code EINVAL} if not supported). */
    int RENAME_EXCHANGE = 2;
    /** {@code RENAME_WHITEOUT}: leave a whiteout at the old name. */
    int RENAME_WHITEOUT = 4;

    /** {@code SEEK_DATA}: the next offset at or after the given one that holds data. */
    int SEEK_DATA = 3;
    /** {@code SEEK_HOLE}: the next hole at or after the given offset (end of file counts). */
    int SEEK_HOLE = 4;

    /** {@code FUSE_WRITE_CACHE}: a write flag: the write comes from the kernel's writeback cache. */
    int WRITE_CACHE = 1;
    /** {@code FUSE_WRITE_KILL_SUIDGID}: a write flag: clear the set-id bits. */
    int WRITE_KILL_SUIDGID = 1 << 2;

    /**
     * INIT: the kernel and the session have agreed on a protocol version; the filesystem may narrow the
     * capabilities asked for. Called once, before any other method.
     *
     * @param conn what was negotiated; {@link FuseConnInfo#disable(long)} narrows it
     */
    default void init(FuseConnInfo conn) {
    }

    /**
     * DESTROY: the filesystem is being unmounted (also called when the session ends without one). No
     * other method is called after it.
     */
    default void destroy() {
    }

    /**
     * LOOKUP: finds {@code name} in directory {@code parent}. On success fills {@code out} and adds one
     * to the node's lookup count (see {@link FuseEntry}).
     *
     * @param req the request
     * @param parent the directory's node id
     * @param name the name to find
     * @param out the entry to fill: node id, generation, attributes
     * @return 0, or {@code -ENOENT} and the like
     * @throws IOException answered with its errno, see the class comment
     */
    default int lookup(FuseRequest req, long parent, String name, FuseEntry out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * FORGET and BATCH_FORGET: the kernel drops {@code nlookup} of the node's lookups. Gets no reply;
     * must not fail. Called with node id {@link #ROOT_ID} too.
     *
     * @param nodeId the node
     * @param nlookup how many lookups to take away
     */
    default void forget(long nodeId, long nlookup) {
    }

    /**
     * GETATTR: the node's attributes.
     *
     * @param req the request
     * @param nodeId the node
     * @param fh the open file it came through, or {@link #NO_FH}
     * @param out the attributes to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int getattr(FuseRequest req, long nodeId, long fh, FuseAttr out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * SETATTR: changes the attributes {@code in.valid()} names (chmod, chown, truncate, utimes) and
     * answers with the attributes after the change.
     *
     * @param req the request
     * @param nodeId the node
     * @param in what to change
     * @param out the attributes after the change, to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int setattr(FuseRequest req, long nodeId, FuseSetattr in, FuseAttr out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * READLINK: a symbolic link's target.
     *
     * @param req the request
     * @param nodeId the link
     * @param out where to put the target's bytes (no terminating NUL)
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int readlink(FuseRequest req, long nodeId, FuseDataReply out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * MKNOD: makes a regular file, fifo, socket or device node.
     *
     * @param req the request (its uid and gid own the new node)
     * @param parent the directory
     * @param name the new name
     * @param mode type bits and permissions, the umask already applied unless {@code FUSE_DONT_MASK}
     * @param rdev the device number for a device node
     * @param umask the caller's umask
     * @param out the new node's entry, to fill (adds a lookup)
     * @return 0 or {@code -errno} ({@code -EEXIST}...)
     * @throws IOException answered with its errno
     */
    default int mknod(FuseRequest req, long parent, String name, int mode, int rdev, int umask, FuseEntry out)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * MKDIR: makes a directory.
     *
     * @param req the request (its uid and gid own the new directory)
     * @param parent the directory to make it in
     * @param name the new name
     * @param mode permissions (the kernel adds no type bits), the umask applied unless {@code FUSE_DONT_MASK}
     * @param umask the caller's umask
     * @param out the new directory's entry, to fill (adds a lookup)
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int mkdir(FuseRequest req, long parent, String name, int mode, int umask, FuseEntry out)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * UNLINK: removes a non-directory name. The node lives on while the kernel knows it (lookup count).
     *
     * @param req the request
     * @param parent the directory
     * @param name the name to remove
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int unlink(FuseRequest req, long parent, String name) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * RMDIR: removes an empty directory.
     *
     * @param req the request
     * @param parent the directory holding it
     * @param name its name
     * @return 0 or {@code -errno} ({@code -ENOTEMPTY}...)
     * @throws IOException answered with its errno
     */
    default int rmdir(FuseRequest req, long parent, String name) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * SYMLINK: makes a symbolic link.
     *
     * @param req the request (its uid and gid own the link)
     * @param parent the directory
     * @param name the link's name
     * @param target what the link points at
     * @param out the link's entry, to fill (adds a lookup)
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int symlink(FuseRequest req, long parent, String name, String target, FuseEntry out)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * RENAME and RENAME2: moves {@code parent/name} to {@code newParent/newName}.
     *
     * @param req the request
     * @param parent the old directory
     * @param name the old name
     * @param newParent the new directory
     * @param newName the new name
     * @param flags 0, or {@link #RENAME_NOREPLACE}, {@link #RENAME_EXCHANGE}, {@link #RENAME_WHITEOUT}
     *     (answer {@code -EINVAL} for flags not supported)
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int rename(FuseRequest req, long parent, String name, long newParent, String newName, int flags)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * LINK: makes a hard link to a node.
     *
     * @param req the request
     * @param nodeId the existing node
     * @param newParent the directory of the new name
     * @param newName the new name
     * @param out the node's entry, to fill (adds a lookup)
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int link(FuseRequest req, long nodeId, long newParent, String newName, FuseEntry out)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * OPEN: opens a file. The default succeeds with handle 0 (as libfuse does without an open).
     *
     * @param req the request
     * @param nodeId the file
     * @param flags the {@code open(2)} flags ({@code O_CREAT}, {@code O_EXCL} and {@code O_NOCTTY}
     *     removed by the kernel; {@code O_TRUNC} only with {@link FuseConnInfo#FUSE_ATOMIC_O_TRUNC})
     * @param out the handle and {@code FOPEN_*} flags, to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int open(FuseRequest req, long nodeId, int flags, FuseOpen out) throws IOException {
        return 0;
    }

    /**
     * READ: up to {@code size} bytes at {@code offset}. Fewer bytes than asked mean end of file (unless
     * the file was opened with {@link FuseOpen#FOPEN_DIRECT_IO}, where the count is passed on as is).
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle {@link #open} gave
     * @param offset the file offset
     * @param size the most bytes to give
     * @param flags the file's open flags
     * @param out where the data goes, without copying if it can ({@link FuseDataReply})
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int read(FuseRequest req, long nodeId, long fh, long offset, int size, int flags, FuseDataReply out)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * WRITE: writes {@code data} at {@code offset}.
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle {@link #open} gave
     * @param offset the file offset (the end of file is already applied for {@code O_APPEND}, unless
     *     the writeback cache is on)
     * @param data the bytes, in the request buffer: valid only during the call (copy them, once, into
     *     folios)
     * @param writeFlags {@link #WRITE_CACHE}, {@link #WRITE_KILL_SUIDGID}
     * @param flags the file's open flags
     * @return the bytes written (all of them, unless an error stopped it partway), or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int write(FuseRequest req, long nodeId, long fh, long offset, MemorySegment data, int writeFlags,
            int flags) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * STATFS: the filesystem's sizes and counts.
     *
     * @param req the request
     * @param nodeId a node of the filesystem
     * @param out the counts, to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int statfs(FuseRequest req, long nodeId, FuseStatfs out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * FLUSH: a {@code close(2)} of one descriptor of the open file (may come several times, for dup'ed
     * descriptors). Where close errors are reported, such as write-back failures.
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle
     * @param lockOwner the lock owner of the closing descriptor
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int flush(FuseRequest req, long nodeId, long fh, long lockOwner) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * RELEASE: the last reference to the open file is gone. Its answer is not shown to any program.
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle
     * @param flags the file's open flags
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int release(FuseRequest req, long nodeId, long fh, int flags) throws IOException {
        return 0;
    }

    /**
     * FSYNC: makes the file's data (and metadata, unless {@code datasync}) durable.
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle
     * @param datasync whether only the data must be durable ({@code fdatasync})
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int fsync(FuseRequest req, long nodeId, long fh, boolean datasync) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * OPENDIR: opens a directory. The default succeeds with handle 0.
     *
     * @param req the request
     * @param nodeId the directory
     * @param flags the {@code open(2)} flags
     * @param out the handle and flags ({@link FuseOpen#FOPEN_CACHE_DIR}...), to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int opendir(FuseRequest req, long nodeId, int flags, FuseOpen out) throws IOException {
        return 0;
    }

    /**
     * READDIR and READDIRPLUS: the entries from directory position {@code offset} on ({@code offset} 0
     * is the start; later ones are the {@code off} values the handler gave earlier). Include {@code "."}
     * and {@code ".."} if programs are to see them.
     *
     * @param req the request
     * @param nodeId the directory
     * @param fh the handle {@link #opendir} gave
     * @param offset where to continue
     * @param out where the entries go; {@link FuseDirFiller#plus()} says whether attributes (and lookup
     *     counts) are wanted
     * @return 0 (no entry added means the end of the directory) or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int readdir(FuseRequest req, long nodeId, long fh, long offset, FuseDirFiller out) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * RELEASEDIR: the directory handle is closed.
     *
     * @param req the request
     * @param nodeId the directory
     * @param fh the handle
     * @param flags the open flags
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int releasedir(FuseRequest req, long nodeId, long fh, int flags) throws IOException {
        return 0;
    }

    /**
     * FSYNCDIR: makes the directory's entries durable.
     *
     * @param req the request
     * @param nodeId the directory
     * @param fh the handle
     * @param datasync whether only the data must be durable
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int fsyncdir(FuseRequest req, long nodeId, long fh, boolean datasync) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * CREATE: makes and opens a regular file in one step ({@code open(O_CREAT)}). On {@code ENOSYS} the
     * kernel falls back to MKNOD and OPEN from then on.
     *
     * @param req the request (its uid and gid own the file)
     * @param parent the directory
     * @param name the new name
     * @param mode type bits and permissions, the umask applied unless {@code FUSE_DONT_MASK}
     * @param umask the caller's umask
     * @param flags the {@code open(2)} flags ({@code O_EXCL} means fail with {@code EEXIST} if it exists)
     * @param entry the file's entry, to fill (adds a lookup)
     * @param open the handle and flags, to fill
     * @return 0 or {@code -errno}
     * @throws IOException answered with its errno
     */
    default int create(FuseRequest req, long parent, String name, int mode, int umask, int flags, FuseEntry entry,
            FuseOpen open) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * FALLOCATE: allocates or deallocates space ({@code fallocate(2)}).
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle
     * @param offset the start of the range
     * @param length its length
     * @param mode the {@code FALLOC_FL_*} flags
     * @return 0 or {@code -errno} ({@code -EOPNOTSUPP} for a mode not supported)
     * @throws IOException answered with its errno
     */
    default int fallocate(FuseRequest req, long nodeId, long fh, long offset, long length, int mode)
            throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * LSEEK: answers {@link #SEEK_DATA} and {@link #SEEK_HOLE} (the kernel handles the other whences itself).
     *
     * @param req the request
     * @param nodeId the file
     * @param fh the handle
     * @param offset where to start looking
     * @param whence {@link #SEEK_DATA} or {@link #SEEK_HOLE}
     * @return the offset found (at least 0), or {@code -errno} ({@code -ENXIO} past the end)
     * @throws IOException answered with its errno
     */
    default long lseek(FuseRequest req, long nodeId, long fh, long offset, int whence) throws IOException {
        return -Errno.ENOSYS;
    }

    /**
     * ACCESS: {@code access(2)}, only without the {@code default_permissions} mount option.
     *
     * @param req the request (its uid and gid are the ones to check)
     * @param nodeId the node
     * @param mask {@code R_OK}, {@code W_OK}, {@code X_OK} bits, or {@code F_OK} (0)
     * @return 0 or {@code -EACCES}
     * @throws IOException answered with its errno
     */
    default int access(FuseRequest req, long nodeId, int mask) throws IOException {
        return -Errno.ENOSYS;
    }
}
