package io.jnetfs.fiemap;

import io.jnetfs.ffm.gen.fiemap;
import io.jnetfs.ffm.gen.fiemap_extent;

/**
 * Field offsets of the FS_IOC_FIEMAP argument, {@code struct fiemap} followed by its
 * {@code fm_extents[]} array of {@code struct fiemap_extent}, taken from the generated layouts.
 *
 * <pre>
 * struct fiemap (32 bytes), then fm_extent_count slots of struct fiemap_extent (56 bytes each)
 *
 *  0                8                16         20                  24                28          32
 * +----------------+----------------+----------+-------------------+-----------------+-----------+
 * | fm_start       | fm_length      | fm_flags | fm_mapped_extents | fm_extent_count | reserved  |
 * +----------------+----------------+----------+-------------------+-----------------+-----------+
 *    in              in               in/out     out                 in
 *
 *  0                8                16               24                      40         44           56
 * +----------------+----------------+----------------+-----------------------+----------+------------+
 * | fe_logical     | fe_physical    | fe_length      | fe_reserved64[2]      | fe_flags | reserved[3]|
 * +----------------+----------------+----------------+-----------------------+----------+------------+
 * </pre>
 *
 * <p>All offsets and lengths are in bytes. {@code fm_flags} is read back after a failed call: on
 * EBADR the kernel leaves there the request flags it does not support.
 */
final class FiemapDescriptor {
    /** {@code sizeof(struct fiemap)}: the header before {@code fm_extents[]}. */
    static final long HEADER_LENGTH = fiemap.fm_extents$offset();
    /** {@code __u64 fm_start}: logical byte offset at which to start mapping. */
    static final long FM_START = fiemap.fm_start$offset();
    /** {@code __u64 fm_length}: logical length of the range to map. */
    static final long FM_LENGTH = fiemap.fm_length$offset();
    /** {@code __u32 fm_flags}: FIEMAP_FLAG_* in; on EBADR the unsupported ones out. */
    static final long FM_FLAGS = fiemap.fm_flags$offset();
    /** {@code __u32 fm_mapped_extents}: how many slots the kernel filled. */
    static final long FM_MAPPED_EXTENTS = fiemap.fm_mapped_extents$offset();
    /** {@code __u32 fm_extent_count}: how many slots follow the header. */
    static final long FM_EXTENT_COUNT = fiemap.fm_extent_count$offset();
    /** {@code __u32 fm_reserved}: must be zero. */
    static final long FM_RESERVED = fiemap.fm_reserved$offset();

    /** {@code sizeof(struct fiemap_extent)}. */
    static final long EXTENT_LENGTH = fiemap_extent.layout().byteSize();
    /** {@code __u64 fe_logical}: byte offset of the extent in the file. */
    static final long FE_LOGICAL = fiemap_extent.fe_logical$offset();
    /** {@code __u64 fe_physical}: byte offset of the extent on the device. */
    static final long FE_PHYSICAL = fiemap_extent.fe_physical$offset();
    /** {@code __u64 fe_length}: length of the extent in bytes. */
    static final long FE_LENGTH = fiemap_extent.fe_length$offset();
    /** {@code __u32 fe_flags}: FIEMAP_EXTENT_*. */
    static final long FE_FLAGS = fiemap_extent.fe_flags$offset();

    /** Alignment of the buffer: the structs hold {@code __u64} fields. */
    static final long ALIGNMENT = fiemap.layout().byteAlignment();

    private FiemapDescriptor() {
    }

    /**
     * @param nrSlots the number of {@code fiemap_extent} slots
     * @return bytes needed for the header and {@code nrSlots} slots
     */
    static long bufferLength(int nrSlots) {
        return HEADER_LENGTH + nrSlots * EXTENT_LENGTH;
    }

    /**
     * @param slot index into {@code fm_extents[]}
     * @return byte offset of that slot from the start of the buffer
     */
    static long extentOffset(int slot) {
        return HEADER_LENGTH + slot * EXTENT_LENGTH;
    }
}
