package io.jnetfs.fiemap;

/**
 * Receives the extents of one FIEMAP query, one call per {@code struct fiemap_extent}, in the order
 * the kernel returns them (ascending {@code fe_logical}). Primitive arguments: no object per extent.
 *
 * <p>The values are copied out of the native buffer before the call; the sink must not call back
 * into the {@link Fiemap} that is calling it.
 */
@FunctionalInterface
public interface ExtentSink {
    /**
     * One extent.
     *
     * @param logical {@code fe_logical}: byte offset in the file
     * @param physical {@code fe_physical}: byte offset on the device (meaningless with
     *     {@link FiemapExtentFlags#FIEMAP_EXTENT_UNKNOWN})
     * @param length {@code fe_length}: bytes
     * @param flags {@code fe_flags}: {@link FiemapExtentFlags FIEMAP_EXTENT_*} bits
     */
    void extent(long logical, long physical, long length, int flags);
}
