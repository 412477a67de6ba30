package io.jnetfs.fuse;

/**
 * The answer to a name lookup ({@code struct fuse_entry_out}): the node id the kernel will use for the
 * name from now on, its generation, how long the kernel may cache the name ({@code entry_valid}) and the
 * node's {@linkplain #attr() attributes}.
 *
 * <p><b>Lookup counts.</b> Every successful reply carrying an entry with a non-zero {@link #nodeId()}
 * (LOOKUP, MKNOD, MKDIR, SYMLINK, LINK, CREATE, and each entry READDIRPLUS accepts) adds one to that
 * node's lookup count in the kernel; {@link FuseFilesystem#forget} takes them away. A filesystem frees
 * a node only when its count reaches zero. A reply that carries an error adds nothing. A LOOKUP
 * answered with node id 0 and a timeout is a cacheable "no such name" (a negative entry) and adds
 * nothing either.
 *
 * <p>A mutable out-parameter like {@link FuseAttr}: handed to the handler reset, valid only during the
 * call.
 */
public final class FuseEntry {
    private final FuseAttr attr = new FuseAttr();
    private long nodeId;
    private long generation;
    private long entryTimeoutNanos;

    /** Makes an empty entry (the dispatcher makes one per worker thread and reuses it). */
    public FuseEntry() {
    }

    /**
     * Zeroes the entry and its attributes and sets the timeouts.
     *
     * @param entryTimeoutNanos the name timeout a handler that does not set one gets
     * @param attrTimeoutNanos the attribute timeout a handler that does not set one gets
     * @return this
     */
    public FuseEntry reset(long entryTimeoutNanos, long attrTimeoutNanos) {
        nodeId = 0;
        generation = 0;
        this.entryTimeoutNanos = entryTimeoutNanos;
        attr.reset(attrTimeoutNanos);
        return this;
    }

    /** @return the node id the kernel will pass for this name, 0 for a negative entry */
    public long nodeId() {
        return nodeId;
    }

    /**
     * @param nodeId the node id the kernel will pass for this name from now on ({@link FuseFilesystem#ROOT_ID}
     *     is the root; 0 makes a negative entry); it must not be reused while the kernel still knows it
     * @return this
     */
    public FuseEntry nodeId(long nodeId) {
        this.nodeId = nodeId;
        return this;
    }

    /** @return the generation: (node id, generation) is unique over the filesystem's life */
    public long generation() {
        return generation;
    }

    /**
     * @param generation distinguishes a reused node id, for NFS export
     * @return this
     */
    public FuseEntry generation(long generation) {
        this.generation = generation;
        return this;
    }

    /** @return how long the kernel may cache the name, nanoseconds */
    public long entryTimeoutNanos() {
        return entryTimeoutNanos;
    }

    /**
     * @param nanos how long the kernel may cache the name (0: look it up every time)
     * @return this
     */
    public FuseEntry entryTimeoutNanos(long nanos) {
        if (nanos < 0) {
            throw new IllegalArgumentException("invalid entryTimeoutNanos=" + nanos);
        }
        this.entryTimeoutNanos = nanos;
        return this;
    }

    /** @return the node's attributes, to fill in */
    public FuseAttr attr() {
        return attr;
    }

    @Override
    public String toString() {
        return "FuseEntry[nodeId=" + nodeId + ", generation=" + generation + ", " + attr + "]";
    }
}
