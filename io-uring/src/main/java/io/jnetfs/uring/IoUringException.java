package io.jnetfs.uring;

import io.jnetfs.ffm.NativeIoException;

/**
 * An io_uring operation completed with {@code -errno}: the message names the opcode, its key
 * arguments and the errno, for example
 * {@code IORING_OP_READV(fd=7) failed: EBADF (Bad file descriptor)}.
 *
 * <p>Inside jnetfs completions carry {@code -errno}; this exception is made only at the public edge,
 * on the failure branch.
 */
public final class IoUringException extends NativeIoException {
    /** Serialization version. */
    private static final long serialVersionUID = 1L;

    /** The {@code IORING_OP_*} number of the failed operation. */
    private final int opcode;

    /**
     * @param opcode the {@code IORING_OP_*} number of the failed operation
     * @param fd the descriptor (or registered file index) it was about
     * @param errno the errno, positive or negative (a CQE's {@code res} may be passed as it is)
     */
    public IoUringException(int opcode, int fd, int errno) {
        this(opcode, "fd=" + fd, errno);
    }

    /**
     * @param opcode the {@code IORING_OP_*} number of the failed operation
     * @param args its key arguments as {@code name=value} pairs, such as {@code "fd=7, len=4096"}
     * @param errno the errno, positive or negative
     */
    public IoUringException(int opcode, String args, int errno) {
        super(Opcode.name(opcode) + "(" + args + ")", errno);
        this.opcode = opcode;
    }

    /** @return the {@code IORING_OP_*} number of the failed operation */
    public int opcode() {
        return opcode;
    }
}
