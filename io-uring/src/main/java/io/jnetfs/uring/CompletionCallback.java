package io.jnetfs.uring;

/**
 * Receives completions from {@link IoUring#complete(CompletionCallback)}: three primitives, no object
 * per completion.
 */
@FunctionalInterface
public interface CompletionCallback {
    /**
     * One completion queue entry.
     *
     * <p>SEND_ZC and SENDMSG_ZC complete twice with the same {@code userData}: first the result, with
     * {@code IORING_CQE_F_MORE} set in {@code flags}, then the notification that the buffer may be
     * reused, with {@code IORING_CQE_F_NOTIF} set. Every other operation completes once.
     *
     * @param res the result: a byte count, a descriptor or 0 on success; {@code -errno} on failure
     * @param flags the CQE's {@code IORING_CQE_F_*} flags
     * @param userData the caller's value given to the {@code prep*} method
     */
    void complete(int res, int flags, long userData);
}
