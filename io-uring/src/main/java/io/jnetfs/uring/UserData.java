package io.jnetfs.uring;

/**
 * Bit packing of a 64-bit {@code user_data}: an opcode, a 32-bit id and 16 bits of extra data, so a
 * completion can be routed without a map lookup or an object per operation.
 *
 * <pre>
 *  63                              32 31        24 23        16 15                     0
 * +----------------------------------+------------+------------+------------------------+
 * |                id                |  reserved  |     op     |          data          |
 * +----------------------------------+------------+------------+------------------------+
 * </pre>
 *
 * <p>{@link IoUring} itself uses this encoding for the {@code user_data} it gives the kernel (op, slot
 * of the in-flight table, generation of the slot); the callers' own 64-bit values travel beside it
 * untouched, and callers may use this class to pack theirs the same way.
 */
public final class UserData {
    private static final int OP_SHIFT = 16;
    private static final int ID_SHIFT = 32;

    private UserData() {
    }

    /**
     * Packs the three fields.
     *
     * @param op an opcode, 0..255 (such as {@link Opcode#IORING_OP_READV})
     * @param id any 32-bit value (such as an index into the caller's own table)
     * @param data 0..65535
     * @return the packed value
     * @throws IllegalArgumentException if {@code op} or {@code data} is out of range
     */
    public static long encode(int op, int id, int data) {
        if ((op & ~0xFF) != 0) {
            throw new IllegalArgumentException("op out of 0..255: op=" + op);
        }
        if ((data & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("data out of 0..65535: data=" + data);
        }
        return ((long) id << ID_SHIFT) | ((long) op << OP_SHIFT) | data;
    }

    /**
     * @param userData a value made by {@link #encode(int, int, int)}
     * @return its opcode
     */
    public static int op(long userData) {
        return (int) (userData >>> OP_SHIFT) & 0xFF;
    }

    /**
     * @param userData a value made by {@link #encode(int, int, int)}
     * @return its id
     */
    public static int id(long userData) {
        return (int) (userData >>> ID_SHIFT);
    }

    /**
     * @param userData a value made by {@link #encode(int, int, int)}
     * @return its 16 bits of data
     */
    public static int data(long userData) {
        return (int) userData & 0xFFFF;
    }
}
