package io.jnetfs.fuse;

import io.jnetfs.bvecq.Folio;
import java.lang.foreign.MemorySegment;

/**
 * Where a READ (or READLINK) handler puts the data of its reply. The reply goes to the kernel as ONE
 * {@code writev}: the out-header, then the pieces in the order they were added.
 *
 * <p>Three ways to give data, from no copy to one:
 * <ul>
 *   <li>{@link #add(Folio, long, long)}: a piece of a pooled or owned folio, such as a page-cache folio;
 *       the reply takes over one reference the caller took for it ({@link Folio#get()}) and puts it
 *       after the {@code writev}. No copy.</li>
 *   <li>{@link #add(MemorySegment)}: any native memory that stays valid and unchanged until the handler
 *       returns (the reply is written right after it returns, on the same thread). No copy.</li>
 *   <li>{@link #buffer(long)} / {@link #copy(MemorySegment)} / {@link #copy(byte[], int, int)}: space in
 *       the request's own page-aligned reply buffer, to fill in place (a {@code read(pos, dst)} into it)
 *       or to copy into. One copy.</li>
 * </ul>
 *
 * <p>At most {@link #capacity()} bytes in all (the size the kernel asked for); a READ reply shorter
 * than that means end of file to the kernel. The pieces may be mixed. When the vector runs out of
 * slots (more than about a thousand pieces), later pieces are copied instead of pointed at.
 *
 * <p>Valid only during the handler's call, on its thread; it allocates nothing.
 */
public interface FuseDataReply {
    /** @return the most bytes the reply may carry (the size asked for) */
    long capacity();

    /** @return the bytes added so far */
    long size();

    /**
     * Adds native memory without copying it.
     *
     * @param data native memory that stays valid and unchanged until the handler returns
     * @throws IllegalArgumentException if it is not native or would exceed {@link #capacity()}
     */
    void add(MemorySegment data);

    /**
     * Adds part of a folio without copying it, taking over one reference on it: the reply puts it once
     * the data is written (or the reply is dropped). On an exception the reference is put too.
     *
     * @param folio a folio on which the caller took a reference for this reply
     * @param offset where in the folio the data starts
     * @param length how many bytes, at least 1
     * @throws IllegalArgumentException if the range is outside the folio or would exceed {@link #capacity()}
     */
    void add(Folio folio, long offset, long length);

    /**
     * Reserves {@code length} bytes of the reply buffer, to be filled in place before the handler returns.
     *
     * @param length at most {@link #capacity()} minus {@link #size()}
     * @return native, page-aligned when it is the first piece, {@code length} bytes long
     * @throws IllegalArgumentException if it would exceed {@link #capacity()}
     */
    MemorySegment buffer(long length);

    /**
     * Copies native or heap memory into the reply buffer.
     *
     * @param data the bytes to copy
     * @throws IllegalArgumentException if it would exceed {@link #capacity()}
     */
    void copy(MemorySegment data);

    /**
     * Copies bytes into the reply buffer.
     *
     * @param data the array
     * @param offset where in it the bytes start
     * @param length how many
     * @throws IllegalArgumentException if it would exceed {@link #capacity()}
     */
    void copy(byte[] data, int offset, int length);

    /**
     * Drops what was added (putting the folio references taken over), to start again.
     */
    void clear();
}
