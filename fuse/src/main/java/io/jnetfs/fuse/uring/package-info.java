/**
 * FUSE over io_uring (protocol 7.42, Linux 6.14): the kernel hands requests to ring entries the server
 * registered with {@code IORING_OP_URING_CMD} on {@code /dev/fuse}, and each reply is committed and the
 * entry re-armed for the next request in one SQE ({@code FUSE_IO_URING_CMD_COMMIT_AND_FETCH}).
 *
 * <ul>
 *   <li>{@link io.jnetfs.fuse.uring.UringFuseTransport}: the {@link io.jnetfs.fuse.FuseTransport}; worker 0
 *       reads {@code /dev/fuse} (INIT, FORGET, INTERRUPT and notifications stay there, as in the kernel),
 *       the other workers each own a ring with entries on one or more of the kernel's per-CPU queues.
 *       Falls back to {@code /dev/fuse} when the kernel does not offer it (unless it was demanded).</li>
 *   <li>Package-private: {@code UringQueue} (one worker's ring and entries: the {@code FuseChannel}),
 *       {@code UringEntryDescriptor} (the entry's buffer layout from the generated structs).</li>
 * </ul>
 * The same {@code FuseDispatcher} serves both transports: an entry's request is laid out contiguously
 * in front of its payload exactly as {@code read(/dev/fuse)} would deliver it, and a reply's iovecs are
 * gathered into the entry's header and payload.
 */
package io.jnetfs.fuse.uring;
