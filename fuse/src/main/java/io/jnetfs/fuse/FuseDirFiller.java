package io.jnetfs.fuse;

/**
 * Where a READDIR or READDIRPLUS handler puts directory entries, in order, each with the offset at
 * which a later call continues ({@code off}: the directory position <em>after</em> this entry; the
 * kernel passes it back as the {@code offset} of the next READDIR).
 *
 * <p>{@link #add} returns {@code false} when the entry does not fit in the size the kernel asked for:
 * the handler stops there and returns 0; the entry was not sent and must come first next time.
 *
 * <p><b>READDIRPLUS and lookup counts.</b> When {@link #plus()} is true each entry carries its
 * attributes, and each accepted entry whose {@link FuseEntry#nodeId()} is not zero adds one to that
 * node's lookup count, exactly as a LOOKUP reply does (the kernel does not do so for {@code "."} and
 * {@code ".."}: give those node id 0). An entry that was not accepted adds nothing. Entries given with
 * {@link #add(String, long, int, long)} carry node id 0 and never add to the count.
 *
 * <p>Valid only during the handler's call, on its thread.
 */
public interface FuseDirFiller {
    /** @return whether this is READDIRPLUS, where entries carry attributes and lookup counts */
    boolean plus();

    /**
     * A scratch entry, reset (timeouts the session's defaults) on each call, to fill and pass to
     * {@link #add(String, FuseEntry, long)}: saves allocating one per entry.
     *
     * @return the scratch entry of this filler
     */
    FuseEntry entry();

    /**
     * Adds an entry without attributes (READDIR; under READDIRPLUS an entry the kernel will look up).
     *
     * @param name the name, not empty, without {@code '/'}
     * @param ino the inode number shown to programs ({@code d_ino})
     * @param mode the file's mode; only its type bits are used ({@code d_type})
     * @param off the directory position after this entry
     * @return whether it fitted; {@code false} means stop, the entry was not added
     * @throws IllegalArgumentException if the name is empty or longer than 1024 bytes in UTF-8
     */
    boolean add(String name, long ino, int mode, long off);

    /**
     * Adds an entry with its attributes (READDIRPLUS); under READDIR only {@code entry.attr().ino()} and
     * the type bits of {@code entry.attr().mode()} are used, and no lookup count is taken.
     *
     * @param name the name, not empty, without {@code '/'}
     * @param entry the node ({@link FuseEntry#nodeId()} 0 for no lookup count) and its attributes
     * @param off the directory position after this entry
     * @return whether it fitted; {@code false} means stop, the entry was not added (and under READDIRPLUS
     *     adds no lookup count)
     * @throws IllegalArgumentException if the name is empty or longer than 1024 bytes in UTF-8
     */
    boolean add(String name, FuseEntry entry, long off);
}
