package io.jnetfs.fuse;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * The request a handler is serving: who asked ({@link #uid()}, {@link #gid()}, {@link #pid()}), its
 * {@link #unique()} id, and whether the kernel has since {@linkplain #interrupted() interrupted} it
 * (the calling program got a signal).
 *
 * <p><b>Interrupts.</b> When the program waiting for a request gets a signal, the kernel sends INTERRUPT
 * for it. The dispatcher marks the request and runs the hook set with {@link #onInterrupt(Runnable)}
 * (on the thread that read the INTERRUPT), so a handler blocked on the network can cancel its RPC (9P:
 * Tflush) and return {@code -EINTR}. A handler may also simply poll {@link #interrupted()}. Answering
 * normally after an interrupt is allowed too: the kernel takes whichever answer comes.
 *
 * <p>One instance per worker thread, reused: valid only during the handler's call.
 */
public final class FuseRequest {
    private static final VarHandle INTERRUPTED;
    private static final VarHandle HOOK;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            INTERRUPTED = l.findVarHandle(FuseRequest.class, "interrupted", boolean.class);
            HOOK = l.findVarHandle(FuseRequest.class, "hook", Runnable.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Runs no hook: the marker for "the hook already ran". */
    private static final Runnable RAN = () -> { };

    volatile long unique;
    int opcode;
    long nodeId;
    int uid;
    int gid;
    int pid;
    @SuppressWarnings("unused") // accessed through INTERRUPTED
    private volatile boolean interrupted;
    @SuppressWarnings("unused") // accessed through HOOK
    private volatile Runnable hook;

    FuseRequest() {
    }

    /** Starts serving a new request: clears the interrupt state. */
    void begin(long unique, int opcode, long nodeId, int uid, int gid, int pid) {
        this.opcode = opcode;
        this.nodeId = nodeId;
        this.uid = uid;
        this.gid = gid;
        this.pid = pid;
        INTERRUPTED.setVolatile(this, false);
        HOOK.setVolatile(this, null);
        // volatile write last: an INTERRUPT that finds this unique sees the cleared state above
        this.unique = unique;
    }

    /** Ends the request: an INTERRUPT for it finds nothing from now on. */
    void end() {
        this.unique = 0;
    }

    /**
     * Marks the request interrupted if it is still {@code unique}, and runs its hook once.
     *
     * @return whether the request was found
     */
    boolean interrupt(long target) {
        if (target == 0 || unique != target) {
            return false;
        }
        INTERRUPTED.setVolatile(this, true);
        Runnable h = (Runnable) HOOK.getAndSet(this, RAN);
        if (h != null && h != RAN && unique == target) {
            h.run();
        }
        return true;
    }

    /** @return the kernel's id of this request ({@code fuse_in_header.unique}) */
    public long unique() {
        return unique;
    }

    /** @return the {@code FUSE_*} opcode ({@code fuse_in_header.opcode}) */
    public int opcode() {
        return opcode;
    }

    /** @return the node the request is about ({@code fuse_in_header.nodeid}) */
    public long nodeId() {
        return nodeId;
    }

    /** @return the calling process's file-system user id */
    public int uid() {
        return uid;
    }

    /** @return the calling process's file-system group id */
    public int gid() {
        return gid;
    }

    /** @return the calling thread's process id (0 when the kernel itself asks, as for writeback) */
    public int pid() {
        return pid;
    }

    /** @return whether the kernel has interrupted this request */
    public boolean interrupted() {
        return (boolean) INTERRUPTED.getVolatile(this);
    }

    /**
     * Sets what to do when the request is interrupted: run at most once, on another thread, possibly
     * right now on this one if it was interrupted already. Replaces an earlier hook that has not run.
     *
     * @param hook short and non-blocking, such as cancelling an RPC; {@code null} removes the hook
     */
    public void onInterrupt(Runnable hook) {
        Runnable prev = (Runnable) HOOK.getAndSet(this, hook);
        if (prev == RAN) {
            // the interrupt came first: keep the marker and run the new hook here
            HOOK.setVolatile(this, RAN);
            if (hook != null) {
                hook.run();
            }
        }
    }

    @Override
    public String toString() {
        return "FuseRequest[unique=" + unique + ", opcode=" + FuseOpcode.name(opcode) + ", nodeid=" + nodeId
                + ", uid=" + uid + ", gid=" + gid + ", pid=" + pid + "]";
    }
}
