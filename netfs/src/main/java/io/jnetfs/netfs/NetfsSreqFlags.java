package io.jnetfs.netfs;

/**
 * Subrequest state bits (the kernel's {@code NETFS_SREQ_*}). Only the collector decides what a
 * subrequest's result means; the filesystem sets {@link #NETFS_SREQ_HIT_EOF} and
 * {@link #NETFS_SREQ_NEED_RETRY} where it knows them.
 */
public final class NetfsSreqFlags {
    /** Issued and not yet terminated. */
    public static final int NETFS_SREQ_IN_PROGRESS = 1;
    /** The result asks for the rest to be issued again (a short read that made progress, a transient error). */
    public static final int NETFS_SREQ_NEED_RETRY = 1 << 1;
    /** Failed for good: the error reaches the caller. */
    public static final int NETFS_SREQ_FAILED = 1 << 2;
    /** The read reached the end of the file. */
    public static final int NETFS_SREQ_HIT_EOF = 1 << 3;
    /** Zero the part of the buffer that was not read. */
    public static final int NETFS_SREQ_CLEAR_TAIL = 1 << 4;
    /** At least one byte was transferred. */
    public static final int NETFS_SREQ_MADE_PROGRESS = 1 << 5;
    /** Downloaded data goes to the disk cache too. */
    public static final int NETFS_SREQ_COPY_TO_CACHE = 1 << 6;
    /** The subrequest must not be merged with the next one (a boundary the filesystem asked for). */
    public static final int NETFS_SREQ_BOUNDARY = 1 << 7;

    private static final String[] NAMES = {"IN_PROGRESS", "NEED_RETRY", "FAILED", "HIT_EOF", "CLEAR_TAIL",
        "MADE_PROGRESS", "COPY_TO_CACHE", "BOUNDARY"};

    private NetfsSreqFlags() {
    }

    /** @return the set bits by name, such as {@code "MADE_PROGRESS|HIT_EOF"} */
    public static String describe(int flags) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < NAMES.length; i++) {
            if ((flags & (1 << i)) != 0) {
                b.append(b.isEmpty() ? "" : "|").append(NAMES[i]);
            }
        }
        return b.toString();
    }
}
