/**
 * An io_uring binding written over FFM without liburing: the rings are mmapped and driven from Java,
 * the way Netty's io_uring transport does it.
 *
 * <ul>
 *   <li>{@link io.jnetfs.uring.IoUring}: one ring (setup flags through {@link io.jnetfs.uring.IoUring.Builder}),
 *       the {@code prep*} methods that write one SQE each, submission, waiting and completion, fixed
 *       buffer and file registration, {@link io.jnetfs.uring.IoUring#isAvailable()} and the reason when
 *       not.</li>
 *   <li>{@link io.jnetfs.uring.CompletionCallback}: the primitive {@code (res, flags, userData)} callback;
 *       {@link io.jnetfs.uring.UserData}: bit packing of a 64-bit user_data.</li>
 *   <li>{@link io.jnetfs.uring.Opcode}, {@link io.jnetfs.uring.SqeFlags}: the kernel's {@code IORING_OP_*}
 *       and {@code IOSQE_*} numbers under their kernel names; {@link io.jnetfs.uring.Probe}: which
 *       opcodes the running kernel supports.</li>
 *   <li>{@link io.jnetfs.uring.IoUringException}: a failed operation, named by its opcode.</li>
 *   <li>{@link io.jnetfs.uring.BvecqUring}: a bvecq chain range as ONE READV/WRITEV/SENDMSG/RECVMSG SQE
 *       on the chain's own iovec array (READ_FIXED/WRITE_FIXED for a single entry of a registered
 *       folio-pool slab), holding a reference on the chain until the completion.</li>
 *   <li>{@link io.jnetfs.uring.FileIo}: the blocking-style operations the rest of jnetfs needs, with two
 *       implementations giving the same results: one over io_uring, one over plain system calls (the
 *       fallback where io_uring is unavailable).</li>
 * </ul>
 *
 * <p>Package-private: {@code SubmissionQueue} and {@code CompletionQueue} (the kernel-shared rings,
 * head and tail read with acquire and written with release), {@code SqeDescriptor} and
 * {@code CqeDescriptor} (field offsets from the generated layouts), {@code InFlight} (the table that
 * keeps the memory of every in-flight SQE reachable until its completion).
 */
package io.jnetfs.uring;
