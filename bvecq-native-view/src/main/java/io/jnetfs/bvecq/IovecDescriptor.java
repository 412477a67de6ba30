package io.jnetfs.bvecq;

import io.jnetfs.ffm.gen.iovec;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Layout of the kernel's {@code struct iovec}, the slot of a bvecq segment's array.
 *
 * <pre>
 *   struct iovec {            offset  size
 *       void  *iov_base;      0       8
 *       size_t iov_len;       8       8
 *   };                        sizeof = 16
 * </pre>
 *
 * The offsets come from the jextract-generated layout (cross-checked against gcc by the
 * ffm-bindings tests); the static helpers read and write one slot of an array without creating
 * objects.
 */
public final class IovecDescriptor {
    /** {@code sizeof(struct iovec)}. */
    public static final long SIZE = iovec.layout().byteSize();
    /** {@code offsetof(struct iovec, iov_base)}. */
    public static final long IOV_BASE_OFFSET = iovec.layout().byteOffset(MemoryLayout.PathElement.groupElement("iov_base"));
    /** {@code offsetof(struct iovec, iov_len)}. */
    public static final long IOV_LEN_OFFSET = iovec.layout().byteOffset(MemoryLayout.PathElement.groupElement("iov_len"));
    /** The kernel's {@code IOV_MAX} (UIO_MAXIOV): the most entries one vectored call takes. */
    public static final int IOV_MAX = 1024;

    private static final ValueLayout.OfLong WORD = ValueLayout.JAVA_LONG_UNALIGNED;

    private IovecDescriptor() {
    }

    /** @return the byte offset of slot {@code slot} in an array */
    public static long slotOffset(int slot) {
        return slot * SIZE;
    }

    /** @return {@code iov_base} of slot {@code slot} of {@code array}, as an address */
    public static long base(MemorySegment array, int slot) {
        return array.get(WORD, slot * SIZE + IOV_BASE_OFFSET);
    }

    /** @return {@code iov_len} of slot {@code slot} of {@code array} */
    public static long len(MemorySegment array, int slot) {
        return array.get(WORD, slot * SIZE + IOV_LEN_OFFSET);
    }

    /** Writes slot {@code slot} of {@code array}. */
    public static void set(MemorySegment array, int slot, long base, long len) {
        long at = slot * SIZE;
        array.set(WORD, at + IOV_BASE_OFFSET, base);
        array.set(WORD, at + IOV_LEN_OFFSET, len);
    }
}
