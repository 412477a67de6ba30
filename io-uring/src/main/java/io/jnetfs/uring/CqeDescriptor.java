package io.jnetfs.uring;

import io.jnetfs.ffm.gen.io_uring_cqe;

/**
 * Field offsets of {@code struct io_uring_cqe}, taken from the generated layout.
 *
 * <pre>
 *  0                    8         12        16
 * +--------------------+---------+---------+
 * | user_data          | res     | flags   |
 * +--------------------+---------+---------+
 * </pre>
 */
final class CqeDescriptor {
    /** {@code sizeof(struct io_uring_cqe)} without IORING_SETUP_CQE32 (the {@code big_cqe[]} tail is empty). */
    static final long SIZE = io_uring_cqe.layout().byteSize();
    /** {@code __u64 user_data}. */
    static final long USER_DATA = io_uring_cqe.user_data$offset();
    /** {@code __s32 res}: the result, or {@code -errno}. */
    static final long RES = io_uring_cqe.res$offset();
    /** {@code __u32 flags}: IORING_CQE_F_*. */
    static final long FLAGS = io_uring_cqe.flags$offset();

    private CqeDescriptor() {
    }
}
