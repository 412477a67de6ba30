/**
 * An io_uring binding written over FFM without liburing: the rings are mmapped and driven from Java,
 * the way Netty's io_uring transport does it.
 *
 * <ul>
 *   <li>{@link io.jnetfs.uring.IoUring}: one ring (setup flags through {@link io.jnetfs.uring.IoUring.Builder}),
 *       the {@code prep*} methods that write one SQE each, submission, waiting and completion, fixed
 *       buffer and file registration, closing.</li>
 *   <li>{@link io.jnetfs.uring.IoUringFeatures}: what the running kernel offers (availability, opcode probe,
 *       setup flags, feature bits, and what only a real call shows: buffer rings, multishot receive,
 *       registered ring descriptor, socket URING_CMD), each answer a reason naming what is missing and
 *       since which Linux.</li>
 *   <li>{@link io.jnetfs.uring.BufferRing}: a provided-buffer ring (IORING_REGISTER_PBUF_RING, incremental
 *       consumption where the kernel has it) that multishot receives pick their buffers from.</li>
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
 * <p>Package-private, one job each (the split of Netty's ring): {@code IoUringOps} (the {@code prep*}
 * half of {@code IoUring}: argument checks, SQE reservation, in-flight tracking), {@code RingSetup}
 * (io_uring_setup and the mmaps), {@code SubmissionQueue} (the kernel-shared SQ ring and SQE array: one
 * {@code enqueueSqe} plus a typed fill helper per kind of operation), {@code RingEnter} (every
 * io_uring_enter: submit, wait, task work, the -EBUSY way out), {@code CompletionQueue} (the CQ ring,
 * its drain and the spill area), {@code Registrations} (io_uring_register), {@code InFlight} (the table
 * that keeps the memory of every in-flight SQE reachable until its completion), {@code SqeArgs}
 * (argument checks), {@code SqeDescriptor} and {@code CqeDescriptor} (field offsets from the generated
 * layouts).
 */
package io.jnetfs.uring;
