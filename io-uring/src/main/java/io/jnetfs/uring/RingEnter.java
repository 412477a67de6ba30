package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.__kernel_timespec;
import io.jnetfs.ffm.gen.io_uring_getevents_arg;

import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.util.concurrent.locks.LockSupport;

/**
 * Every {@code io_uring_enter} a ring makes: submitting, waiting for completions, running deferred
 * completion work, and the ways out when the kernel refuses.
 *
 * <pre>
 *   submit()              flush tail --&gt; enter(to_submit)                       repeat until consumed
 *   submitAndWait(n, t)   flush tail --&gt; enter(to_submit, n, GETEVENTS [EXT_ARG t]) one call for both
 *   awaitReady(n, ...)    enter(0, n, GETEVENTS [EXT_ARG])                         until n ready / deadline
 *   getEvents()           enter(0, 0, GETEVENTS): flush the overflow list, run task work
 *
 *   -EBUSY / -EAGAIN  --&gt; CQEs moved to the spill area, enter(GETEVENTS), retry (back off after 10)
 *   -EINTR            --&gt; retry;  -ETIME --&gt; the timed wait ended
 *   SQPOLL            --&gt; no enter to submit unless IORING_SQ_NEED_WAKEUP (then IORING_ENTER_SQ_WAKEUP)
 * </pre>
 *
 * <p>With a registered ring descriptor ({@link #useRegisteredRing}, IORING_REGISTER_RING_FDS) every call
 * from the registering thread passes the index and IORING_ENTER_REGISTERED_RING, which saves the
 * kernel its descriptor lookup (the index lives in that thread's task); other threads pass the
 * descriptor.
 *
 * <p>Task work (IORING_SETUP_COOP_TASKRUN, DEFER_TASKRUN): completions the kernel has yet to post run
 * only inside io_uring_enter with IORING_ENTER_GETEVENTS (under DEFER_TASKRUN only then, and only for
 * the issuer). Submitting adds GETEVENTS when the SQ flags show IORING_SQ_TASKRUN or
 * IORING_SQ_CQ_OVERFLOW, as liburing does, so a submission also posts what is pending.
 *
 * <p>errno comes back through a call-state buffer of the ring's own shared arena: with the thread-local
 * one of {@link Native}, C2 left the JDK's per-call slice of it allocated in some compilations (40
 * bytes per io_uring_enter, which made {@code IoUringAllocationTest} fail now and then). Not
 * thread-safe: {@link IoUring} confines it. Nothing here allocates, except the exception of a failure.
 */
final class RingEnter {
    static final int ENTER_GETEVENTS = LibC.IORING_ENTER_GETEVENTS();
    private static final int ENTER_SQ_WAKEUP = LibC.IORING_ENTER_SQ_WAKEUP();
    private static final int ENTER_SQ_WAIT = LibC.IORING_ENTER_SQ_WAIT();
    private static final int ENTER_EXT_ARG = LibC.IORING_ENTER_EXT_ARG();
    private static final int ENTER_REGISTERED_RING = LibC.IORING_ENTER_REGISTERED_RING();
    private static final int SQ_CQ_OVERFLOW = LibC.IORING_SQ_CQ_OVERFLOW();
    private static final int SQ_TASKRUN = LibC.IORING_SQ_TASKRUN();
    private static final int SQ_NEED_WAKEUP = LibC.IORING_SQ_NEED_WAKEUP();
    /** {@code _NSIG / 8}: the kernel's sigset size, as liburing passes it. */
    private static final int SIGSET_SIZE = 8;
    /** {@code EBADR}: the kernel dropped CQEs it could not allocate (not in {@link Errno}). */
    private static final int EBADR = 74;

    private final int ringFd;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final boolean sqPoll;
    private final MemorySegment callState;
    private final MemorySegment waitArg;
    private final long waitArgSize;
    private final MemorySegment waitTs;
    /** The index passed to io_uring_enter by {@link #registrant}, or -1. */
    private int registeredIndex = -1;
    /** The thread whose task holds the registered ring descriptor, or null. */
    private Thread registrant;
    private long enters;
    private long registeredEnters;

    RingEnter(int ringFd, SubmissionQueue sq, CompletionQueue cq, boolean sqPoll, Arena arena) {
        this.ringFd = ringFd;
        this.sq = sq;
        this.cq = cq;
        this.sqPoll = sqPoll;
        callState = arena.allocate(Linker.Option.captureStateLayout());
        waitTs = __kernel_timespec.allocate(arena);
        waitArg = io_uring_getevents_arg.allocate(arena);
        waitArgSize = waitArg.byteSize();
        io_uring_getevents_arg.sigmask(waitArg, 0L);
        io_uring_getevents_arg.sigmask_sz(waitArg, SIGSET_SIZE);
        io_uring_getevents_arg.ts(waitArg, waitTs.address());
    }

    /**
     * From now on, calls from {@code thread} pass the registered ring index {@code index} with
     * IORING_ENTER_REGISTERED_RING ({@code index} -1: back to the descriptor for every thread).
     */
    void useRegisteredRing(int index, Thread thread) {
        registeredIndex = index;
        registrant = index < 0 ? null : thread;
    }

    /** @return how many io_uring_enter calls this ring made (for tests of when it enters) */
    long enters() {
        return enters;
    }

    /** @return how many of them passed the registered ring index */
    long registeredEnters() {
        return registeredEnters;
    }

    /** The one downcall: the registered index from the registering thread, else the descriptor. */
    private int enter(int toSubmit, int minComplete, int flags, MemorySegment arg, long argsz) {
        enters++;
        if (registrant != null && Thread.currentThread() == registrant) {
            registeredEnters++;
            return Native.ioUringEnter(callState, registeredIndex, toSubmit, minComplete, flags | ENTER_REGISTERED_RING,
                    arg, argsz);
        }
        return Native.ioUringEnter(callState, ringFd, toSubmit, minComplete, flags, arg, argsz);
    }

    /** @return IORING_ENTER_GETEVENTS if the kernel has completions to post or flush, else 0 */
    private int pendingEvents() {
        return (sq.kernelFlags() & (SQ_TASKRUN | SQ_CQ_OVERFLOW)) != 0 ? ENTER_GETEVENTS : 0;
    }

    /**
     * Hands every written SQE to the kernel; retries on early stops, EINTR, EBUSY and EAGAIN.
     *
     * @return how many SQEs the kernel consumed (under SQPOLL: how many were handed to its thread)
     */
    int submit() {
        int pending = sq.flush();
        if (pending == 0) {
            return 0;
        }
        if (sqPoll) {
            int wake = wakeupFlag();
            if (wake != 0) {
                enterOrThrow(0, 0, wake);
            }
            return pending;
        }
        int submitted = 0;
        int attempts = 0;
        while (pending > 0) {
            int r = enter(pending, 0, pendingEvents(), MemorySegment.NULL, 0);
            if (r > 0) {
                submitted += r;
            } else if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                relieve(++attempts, r, pending);
            } else if (r == 0) {
                throw new IllegalStateException("io_uring_enter(fd=" + ringFd + ", to_submit=" + pending
                        + ") consumed no SQE");
            } else if (r != -Errno.EINTR) {
                throw enterFailed(r, pending, 0, 0);
            }
            pending = sq.pending();
        }
        return submitted;
    }

    /**
     * Submits and waits in one io_uring_enter where it can: if SQEs are pending and fewer than
     * {@code minComplete} completions are ready.
     *
     * @param minComplete completions to wait for
     * @param timeoutNanos the longest wait, or -1 for none
     * @return whether every pending SQE was consumed (the caller then only checks what is ready)
     */
    boolean submitAndWaitOnce(int minComplete, long timeoutNanos) {
        if (sqPoll) {
            return false;
        }
        int pending = sq.flush();
        // the kernel counts the CQEs in its ring, not the spilled ones
        int need = minComplete - cq.spilled();
        if (pending == 0 || cq.ready() >= minComplete) {
            return false;
        }
        // the kernel waits only if it consumed every SQE
        int r = timeoutNanos < 0
                ? enter(pending, need, ENTER_GETEVENTS, MemorySegment.NULL, 0)
                : enter(pending, need, ENTER_GETEVENTS | ENTER_EXT_ARG, waitArgFor(timeoutNanos), waitArgSize);
        if (r == pending) {
            return true;
        }
        if (r < 0 && !retryable(r)) {
            throw enterFailed(r, pending, need, ENTER_GETEVENTS);
        }
        return false;
    }

    private static boolean retryable(int r) {
        return r == -Errno.EINTR || r == -Errno.EBUSY || r == -Errno.EAGAIN || r == -Errno.ETIME;
    }

    private MemorySegment waitArgFor(long nanos) {
        __kernel_timespec.tv_sec(waitTs, nanos / 1_000_000_000L);
        __kernel_timespec.tv_nsec(waitTs, nanos % 1_000_000_000L);
        return waitArg;
    }

    private int wakeupFlag() {
        if (!sqPoll) {
            return 0;
        }
        // full fence: our tail store must be visible before we read NEED_WAKEUP, or the kernel thread
        // could fall asleep after its last look at the tail without us noticing the flag
        VarHandle.fullFence();
        return (sq.kernelFlags() & SQ_NEED_WAKEUP) != 0 ? ENTER_SQ_WAKEUP : 0;
    }

    /**
     * The kernel refused submissions (-EBUSY: its CQ overflow list could not be flushed; -EAGAIN: no
     * memory for requests). Make room in the CQ without losing completions: move them to the spill
     * area, let the kernel flush its overflow list into the freed ring, and back off if that repeats.
     */
    private void relieve(int attempt, int r, int pending) {
        cq.spill();
        int g = enter(0, 0, ENTER_GETEVENTS, MemorySegment.NULL, 0);
        if (g < 0 && g != -Errno.EINTR && g != -Errno.EBUSY && g != -Errno.EAGAIN) {
            throw enterFailed(g, 0, 0, ENTER_GETEVENTS);
        }
        cq.spill();
        if (attempt > 1000) {
            throw enterFailed(r, pending, 0, 0);
        }
        if (attempt > 10) {
            LockSupport.parkNanos(100_000L);
        }
    }

    /**
     * Waits until {@code minComplete} completions are ready, or until {@code deadline} if {@code timed}.
     *
     * @return completions ready
     */
    int awaitReady(int minComplete, boolean timed, long deadline) {
        for (;;) {
            int ready = cq.ready();
            if (ready >= minComplete) {
                return ready;
            }
            int need = minComplete - cq.spilled();
            int flags = ENTER_GETEVENTS | wakeupFlag();
            int r;
            if (!timed) {
                r = enter(0, need, flags, MemorySegment.NULL, 0);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return cq.ready();
                }
                flags |= ENTER_EXT_ARG;
                r = enter(0, need, flags, waitArgFor(left), waitArgSize);
            }
            if (r == -Errno.ETIME) {
                return cq.ready();
            }
            if (r == -Errno.EBUSY || r == -Errno.EAGAIN) {
                cq.spill();
            } else if (r < 0 && r != -Errno.EINTR) {
                throw enterFailed(r, 0, need, flags);
            }
        }
    }

    /** {@code io_uring_enter(0, 0, GETEVENTS)}: flushes the overflow list and runs pending task work. */
    void getEvents() {
        enterOrThrow(0, 0, ENTER_GETEVENTS);
    }

    /** Waits until the SQPOLL thread has consumed SQEs (IORING_ENTER_SQ_WAIT). */
    void awaitSqSpace() {
        enterOrThrow(0, 0, ENTER_SQ_WAIT | wakeupFlag());
    }

    private void enterOrThrow(int toSubmit, int minComplete, int flags) {
        int r;
        do {
            r = enter(toSubmit, minComplete, flags, MemorySegment.NULL, 0);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            throw enterFailed(r, toSubmit, minComplete, flags);
        }
    }

    private UncheckedIOException enterFailed(int r, int toSubmit, int minComplete, int flags) {
        String hint = r == -Errno.EEXIST ? " (an IORING_SETUP_SINGLE_ISSUER ring used from another kernel task)"
                : r == -EBADR ? " (the kernel dropped completions it could not allocate)" : "";
        return Errors.unchecked("io_uring_enter(fd=" + ringFd + ", to_submit=" + toSubmit + ", min_complete="
                + minComplete + ", flags=0x" + Integer.toHexString(flags) + ")" + hint, -r);
    }
}
