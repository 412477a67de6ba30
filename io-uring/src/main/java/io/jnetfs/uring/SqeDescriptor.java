package io.jnetfs.uring;

import io.jnetfs.ffm.gen.io_uring_sqe;

/**
 * Field offsets of {@code struct io_uring_sqe}, taken from the generated layout. Where the kernel
 * declares a union, one name per offset is kept here and the meaning per opcode is in the comment.
 *
 * <pre>
 *  0      1      2       4       8                16               24     28          32
 * +------+------+-------+-------+----------------+----------------+------+-----------+
 * |opcode| flags| ioprio|  fd   | off / addr2    | addr           | len  | op_flags  |
 * +------+------+-------+-------+----------------+----------------+------+-----------+
 *  32                    40          42          44          48          56         64
 * +---------------------+-----------+-----------+-----------+-----------+----------+
 * | user_data           | buf_index | personal. | splice_fd | addr3     | __pad2   |
 * +---------------------+-----------+-----------+-----------+-----------+----------+
 * </pre>
 *
 * <p>{@code op_flags} is the union of {@code rw_flags}, {@code fsync_flags}, {@code msg_flags},
 * {@code timeout_flags}, {@code open_flags}, {@code cancel_flags}, {@code splice_flags},
 * {@code uring_cmd_flags} and the rest.
 *
 * <p>IORING_OP_URING_CMD reads {@code cmd_op} from the low half of {@code off} and its command bytes
 * from {@code cmd[]}, which starts at {@code addr3}: 16 bytes in a 64-byte SQE, 80 in the 128-byte
 * SQE of a ring set up with IORING_SETUP_SQE128 (the SQE array's stride is then 128 bytes).
 */
final class SqeDescriptor {
    /** {@code sizeof(struct io_uring_sqe)} without IORING_SETUP_SQE128. */
    static final long SIZE = io_uring_sqe.layout().byteSize();
    /** The size of one SQE in a ring set up with IORING_SETUP_SQE128. */
    static final long SIZE128 = 2 * SIZE;
    /** {@code __u8 opcode}. */
    static final long OPCODE = io_uring_sqe.opcode$offset();
    /** {@code __u8 flags}: IOSQE_*. */
    static final long FLAGS = io_uring_sqe.flags$offset();
    /** {@code __u16 ioprio}; SEND_ZC's IORING_RECVSEND_* flags. */
    static final long IOPRIO = io_uring_sqe.ioprio$offset();
    /** {@code __s32 fd}: a descriptor, or an index into the registered files with IOSQE_FIXED_FILE. */
    static final long FD = io_uring_sqe.fd$offset();
    /** {@code __u64 off}: file offset; TIMEOUT's completion count; SPLICE's {@code off_out}. */
    static final long OFF = io_uring_sqe.off$offset();
    /** {@code __u32 cmd_op}: URING_CMD's command, the low half of {@code off}. */
    static final long CMD_OP = io_uring_sqe.cmd_op$offset();
    /**
     * {@code __u64 addr}: buffer, iovec array, msghdr, path, timespec, ASYNC_CANCEL's target user_data,
     * or SPLICE's {@code splice_off_in}.
     */
    static final long ADDR = io_uring_sqe.addr$offset();
    /** {@code __u32 len}: byte count, iovec count, or mode (OPENAT, FALLOCATE). */
    static final long LEN = io_uring_sqe.len$offset();
    /** The 32-bit flags union ({@code rw_flags}, {@code fsync_flags}, {@code msg_flags}, ...). */
    static final long OP_FLAGS = io_uring_sqe.rw_flags$offset();
    /** {@code __u64 user_data}: given back unchanged in the CQE. */
    static final long USER_DATA = io_uring_sqe.user_data$offset();
    /**
     * {@code __u16 buf_index}: READ_FIXED/WRITE_FIXED's registered buffer; {@code buf_group} with
     * IOSQE_BUFFER_SELECT: the provided-buffer group to pick from.
     */
    static final long BUF_INDEX = io_uring_sqe.buf_index$offset();
    /** {@code __u16 personality}. */
    static final long PERSONALITY = io_uring_sqe.personality$offset();
    /** {@code __s32 splice_fd_in / file_index / addr_len}: SPLICE's source descriptor. */
    static final long SPLICE_FD_IN = io_uring_sqe.splice_fd_in$offset();
    /** {@code __u64 addr3}. */
    static final long ADDR3 = io_uring_sqe.addr3$offset();
    /** {@code __u64 __pad2[1]}. */
    static final long PAD2 = io_uring_sqe.__pad2$offset();
    /** {@code __u8 cmd[0]}: URING_CMD's command bytes, over {@code addr3} and what follows. */
    static final long CMD = io_uring_sqe.cmd$offset();
    /** Room for command bytes in a 64-byte SQE. */
    static final int CMD_SIZE = (int) (SIZE - CMD);
    /** Room for command bytes in a 128-byte SQE (IORING_SETUP_SQE128). */
    static final int CMD_SIZE128 = (int) (SIZE128 - CMD);

    private SqeDescriptor() {
    }
}
