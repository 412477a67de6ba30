/**
 * bvecq chains: the kernel's bvecq (a chain of {@code bio_vec[]} segments) brought to user space, where
 * each segment's array is a real {@code struct iovec[]} in native memory that goes to the kernel as it
 * is.
 *
 * <ul>
 *   <li>{@link io.jnetfs.bvecq.Bvecq}: one segment (iovec array, {@code nr_slots}, {@code max_slots},
 *       {@code fpos}, {@code discontig}, refcount, {@code priv}, memory type);</li>
 *   <li>{@link io.jnetfs.bvecq.BvecqBuffer}: a chain with its owner's handle and the buffer operations
 *       (allocate, append, expand, shorten, delete spent, zero, slice, extract, copy, header/trailer);</li>
 *   <li>{@link io.jnetfs.bvecq.BvecqPos}: a position holding a reference;</li>
 *   <li>{@link io.jnetfs.bvecq.BvecqIter}: the iterator ({@code ITER_BVECQ}) that hands iovec arrays to
 *       the kernel;</li>
 *   <li>{@link io.jnetfs.bvecq.BvecqIo}: vectored system calls on iterator ranges;</li>
 *   <li>{@link io.jnetfs.bvecq.FolioPool} and {@link io.jnetfs.bvecq.Folio}: page-aligned pooled memory.</li>
 * </ul>
 */
package io.jnetfs.bvecq;
