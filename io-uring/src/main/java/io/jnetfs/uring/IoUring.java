package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * One io_uring instance: the rings set up with {@code io_uring_setup} and mmapped, SQEs written from
 * Java, completions delivered to a primitive {@link CompletionCallback}.
 *
 * <h2>Model</h2>
 * <pre>
 *   prep*(args, userData) --checks (SqeArgs)--&gt; InFlight slot: userData + pinned memory --&gt; token
 *                          --&gt; SubmissionQueue: next SQE, typed fill helper, token as user_data
 *   submit / submitAndWait --&gt; RingEnter: io_uring_enter (submit, wait, run task work)
 *   complete(callback)     --&gt; CompletionQueue.drain: CQE --token--&gt; slot --&gt; (res, flags, userData)
 *   register* / probe      --&gt; Registrations: io_uring_register;  BufferRing: provided buffers
 *   setup (Builder)        --&gt; RingSetup: io_uring_setup + mmap;  IoUringFeatures: what the kernel has
 * </pre>
 * This class is the facade that ties them together: it owns the ring (descriptor, mappings, arena),
 * checks that it is used from the right thread and not after {@link #close()}, and closes it.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (IoUring ring = IoUring.builder().entries(64).build()) {
 *     ring.prepRead(fd, buf, 0, 0, 42L);       // writes one SQE; returns its token
 *     ring.submitAndWait(1);                    // one io_uring_enter for the whole batch
 *     ring.complete((res, flags, userData) -> ...);
 * }
 * }</pre>
 *
 * <p>Each {@code prep*} method writes one SQE and returns a <em>token</em> (the {@code user_data} the
 * kernel sees, usable as {@link #prepCancel}'s target); nothing reaches the kernel until
 * {@link #submit()} or {@link #submitAndWait(int)}, so any number of SQEs go in one system call. If the
 * SQ ring is full, a {@code prep*} method first submits what is pending. A link chain
 * ({@link SqeFlags#IOSQE_IO_LINK}) must fit in {@link #sqSpace()}, or the chain would be cut in two: a
 * {@code prep*} that would cut one throws {@link IllegalStateException}.
 *
 * <h2>Memory</h2>
 * Every segment passed to a {@code prep*} method is kept reachable by the ring until the operation's
 * last completion (an automatic arena cannot free it under the kernel); {@link #attach(Object)} keeps
 * one more object alive, such as the owner of the buffers an iovec array points at. Memory of an
 * explicitly closed arena is the caller's to keep open until the completion. Since
 * IORING_FEAT_SUBMIT_STABLE, what the kernel reads only at submission (iovec arrays, msghdr, paths,
 * timespecs) need only live until the submitting call returns; data buffers live until completion.
 *
 * <h2>Completions</h2>
 * {@link #complete(CompletionCallback)} delivers every ready CQE as {@code (res, flags, userData)}, with
 * the caller's own {@code userData}; no object is allocated per operation on the submit or complete
 * path. A CQ overflow ({@code IORING_SQ_CQ_OVERFLOW}: the kernel kept CQEs on its overflow list) is
 * flushed by {@link #complete}, and {@code -EBUSY}/{@code -EAGAIN} from io_uring_enter are handled by
 * moving CQEs to a Java-side spill area and retrying, so no completion is lost.
 *
 * <h2>Threads</h2>
 * A ring is not thread-safe: use it from one thread at a time. A ring set up with
 * {@link Builder#singleIssuer()} belongs to the platform thread that built it, and any use from another
 * thread throws {@link IllegalStateException}. {@link #registerRingFd()} registers the descriptor in
 * the calling thread's task: io_uring_enter from that thread then skips the descriptor lookup.
 *
 * <h2>Deferred completions</h2>
 * With {@link Builder#coopTaskrun()} or {@link Builder#deferTaskrun()} the kernel posts some
 * completions only when this thread next enters the kernel with IORING_ENTER_GETEVENTS (under
 * DEFER_TASKRUN: only then). Every wait does; {@link #complete} does when nothing was ready and an
 * operation is in flight, or, on a ring set up with {@link Builder#taskrunFlag()}, only when the kernel
 * raised IORING_SQ_TASKRUN (no system call while there is nothing to post); a submission adds
 * GETEVENTS when that flag is up. {@link #ready()} counts only completions already posted.
 *
 * <h2>Closing</h2>
 * {@link #close()} cancels every operation in flight ({@code IORING_OP_ASYNC_CANCEL} with
 * {@code IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL}), waits for their completions (not
 * delivered to any callback) up to {@link Builder#closeTimeout(Duration)}, then unmaps the rings and
 * closes the descriptor.
 *
 * <h2>Errors</h2>
 * Operations complete with {@code -errno} in {@code res}; {@link IoUringException} names the opcode
 * at the public edge. Setup, registration and probe throw {@link IOException}; a failing io_uring_enter
 * (which means the ring itself is unusable) throws {@link UncheckedIOException}; misuse throws
 * {@link IllegalArgumentException} or {@link IllegalStateException}.
 */
public final class IoUring extends IoUringOps implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IoUring.class.getName());

    private static final int SQ_CQ_OVERFLOW = LibC.IORING_SQ_CQ_OVERFLOW();
    private static final int SQ_TASKRUN = LibC.IORING_SQ_TASKRUN();
    private static final int CANCEL_ALL_ANY = LibC.IORING_ASYNC_CANCEL_ALL() | LibC.IORING_ASYNC_CANCEL_ANY();
    /** The token of the ring's own ASYNC_CANCEL at close: its slot is never a table index. */
    private static final long INTERNAL_TOKEN = UserData.encode(Opcode.IORING_OP_ASYNC_CANCEL,
            InFlight.INTERNAL_SLOT, 0);
    /** Memory of operations abandoned by a close that timed out: kept reachable forever. */
    private static final List<Object> ABANDONED = Collections.synchronizedList(new ArrayList<>());
    private static final CompletionCallback DISCARD = (res, flags, userData) -> { };

    private final int ringFd;
    private final Arena arena;
    private final CompletionQueue cq;
    private final RingEnter enter;
    private final int setupFlags;
    private final int features;
    private final boolean sqPoll;
    /** DEFER_TASKRUN or COOP_TASKRUN: completions may wait for our next io_uring_enter. */
    private final boolean taskrunOnEnter;
    /** The only thread allowed in, for a SINGLE_ISSUER ring; else null. */
    private final Thread owner;
    private final long closeTimeoutNanos;
    /** IORING_SETUP_TASKRUN_FLAG: the kernel says when task work is pending (IORING_SQ_TASKRUN). */
    private final boolean taskrunFlag;
    /** Buffer rings registered and not closed: closed with the ring. */
    private final List<BufferRing> bufferRings = new ArrayList<>(2);
    /** The index of the ring's registered descriptor, or -1. */
    private int ringFdIndex = -1;
    private Thread ringFdThread;

    private long overflowFlushes;
    private boolean closed;

    private IoUring(RingSetup s, long closeTimeoutNanos) {
        super(s.sq, new Registrations(s.fd), new InFlight(Math.max(s.cq.entries, 16)));
        ringFd = s.fd;
        arena = s.arena;
        cq = s.cq;
        setupFlags = s.setupFlags;
        features = s.features;
        sqPoll = (setupFlags & RingSetup.SETUP_SQPOLL) != 0;
        taskrunOnEnter = (setupFlags & (RingSetup.SETUP_DEFER_TASKRUN | RingSetup.SETUP_COOP_TASKRUN)) != 0;
        taskrunFlag = (setupFlags & RingSetup.SETUP_TASKRUN_FLAG) != 0;
        owner = (setupFlags & RingSetup.SETUP_SINGLE_ISSUER) != 0 ? Thread.currentThread() : null;
        this.closeTimeoutNanos = closeTimeoutNanos;
        enter = new RingEnter(ringFd, sq, cq, sqPoll, arena);
    }

    // ---- setup ----------------------------------------------------------------------------------

    /** @return a builder for a ring with the default 128 SQ entries and no setup flags */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Sets up a ring with {@code entries} SQ entries and no setup flags.
     *
     * @param entries SQ entries (the kernel rounds up to a power of two)
     * @return the ring, owned by the caller
     * @throws IOException if io_uring_setup or mmap fails
     */
    public static IoUring open(int entries) throws IOException {
        return builder().entries(entries).build();
    }

    /**
     * The setup options: SQ and CQ sizes and the {@code IORING_SETUP_*} flags jnetfs supports. Whether
     * the kernel takes a combination: {@link IoUringFeatures#missingSetupFlags(int)}.
     */
    public static final class Builder {
        private int entries = 128;
        private int cqEntries;
        private int flags;
        private int sqThreadIdleMillis;
        private Duration closeTimeout = Duration.ofSeconds(10);

        private Builder() {
        }

        /**
         * @param n SQ entries, 1..32768 (the kernel rounds up to a power of two; more with {@link #clamp()})
         * @return this
         */
        public Builder entries(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("entries must be positive: entries=" + n);
            }
            entries = n;
            return this;
        }

        /**
         * {@code IORING_SETUP_CQSIZE}: a CQ of {@code n} entries instead of twice the SQ.
         *
         * @param n CQ entries, at least the SQ entries
         * @return this
         */
        public Builder cqEntries(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("cq entries must be positive: cqEntries=" + n);
            }
            cqEntries = n;
            flags |= RingSetup.SETUP_CQSIZE;
            return this;
        }

        /**
         * {@code IORING_SETUP_SQPOLL}: a kernel thread polls the SQ, so submission needs no system call
         * while it is awake.
         *
         * @param idleMillis how long the thread spins without work before it sleeps ({@code sq_thread_idle})
         * @return this
         */
        public Builder sqPoll(int idleMillis) {
            if (idleMillis < 0) {
                throw new IllegalArgumentException("negative idle time: idleMillis=" + idleMillis);
            }
            flags |= RingSetup.SETUP_SQPOLL;
            sqThreadIdleMillis = idleMillis;
            return this;
        }

        /**
         * {@code IORING_SETUP_SINGLE_ISSUER} (Linux 6.0): only the building (platform) thread may use the ring.
         *
         * @return this
         */
        public Builder singleIssuer() {
            flags |= RingSetup.SETUP_SINGLE_ISSUER;
            return this;
        }

        /**
         * {@code IORING_SETUP_DEFER_TASKRUN} (Linux 6.1): completion work runs only when the owner waits
         * for completions. Needs {@link #singleIssuer()}.
         *
         * @return this
         */
        public Builder deferTaskrun() {
            flags |= RingSetup.SETUP_DEFER_TASKRUN;
            return this;
        }

        /**
         * {@code IORING_SETUP_COOP_TASKRUN} (Linux 5.19): the kernel does not interrupt the thread to run
         * completion work; it runs at the next system call.
         *
         * @return this
         */
        public Builder coopTaskrun() {
            flags |= RingSetup.SETUP_COOP_TASKRUN;
            return this;
        }

        /**
         * {@code IORING_SETUP_TASKRUN_FLAG} (Linux 5.19): with {@link #coopTaskrun()} or
         * {@link #deferTaskrun()}, the kernel raises IORING_SQ_TASKRUN when completion work is pending,
         * so {@link IoUring#complete} enters the kernel only then.
         *
         * @return this
         */
        public Builder taskrunFlag() {
            flags |= RingSetup.SETUP_TASKRUN_FLAG;
            return this;
        }

        /**
         * {@code IORING_SETUP_SQE128} (Linux 5.19): 128-byte SQEs, whose IORING_OP_URING_CMD carries 80
         * command bytes instead of 16 (FUSE over io_uring needs them).
         *
         * @return this
         */
        public Builder sqe128() {
            flags |= RingSetup.SETUP_SQE128;
            return this;
        }

        /**
         * {@code IORING_SETUP_SUBMIT_ALL} (Linux 5.18): keep submitting a batch after an SQE fails at
         * submission.
         *
         * @return this
         */
        public Builder submitAll() {
            flags |= RingSetup.SETUP_SUBMIT_ALL;
            return this;
        }

        /**
         * {@code IORING_SETUP_CLAMP}: clamp too large entry counts to the kernel's maximum instead of
         * failing.
         *
         * @return this
         */
        public Builder clamp() {
            flags |= RingSetup.SETUP_CLAMP;
            return this;
        }

        /**
         * @param timeout how long {@link IoUring#close()} waits for cancelled operations (default 10 s)
         * @return this
         */
        public Builder closeTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("negative close timeout: closeTimeout=" + timeout);
            }
            closeTimeout = timeout;
            return this;
        }

        /**
         * Sets up the ring.
         *
         * @return the ring, owned by the caller
         * @throws IOException if io_uring_setup or mmap fails, or the kernel lacks a required feature
         *     (IORING_FEAT_NODROP, SUBMIT_STABLE, EXT_ARG: Linux 5.11)
         * @throws IllegalArgumentException for DEFER_TASKRUN without SINGLE_ISSUER, TASKRUN_FLAG without
         *     COOP_TASKRUN or DEFER_TASKRUN
         * @throws IllegalStateException for SINGLE_ISSUER on a virtual thread (it may change carrier)
         */
        public IoUring build() throws IOException {
            if ((flags & RingSetup.SETUP_DEFER_TASKRUN) != 0 && (flags & RingSetup.SETUP_SINGLE_ISSUER) == 0) {
                throw new IllegalArgumentException("IORING_SETUP_DEFER_TASKRUN requires IORING_SETUP_SINGLE_ISSUER: flags="
                        + RingSetup.setupFlagNames(flags));
            }
            if ((flags & RingSetup.SETUP_TASKRUN_FLAG) != 0
                    && (flags & (RingSetup.SETUP_COOP_TASKRUN | RingSetup.SETUP_DEFER_TASKRUN)) == 0) {
                throw new IllegalArgumentException("IORING_SETUP_TASKRUN_FLAG requires IORING_SETUP_COOP_TASKRUN or"
                        + " IORING_SETUP_DEFER_TASKRUN: flags=" + RingSetup.setupFlagNames(flags));
            }
            if ((flags & RingSetup.SETUP_SINGLE_ISSUER) != 0 && Thread.currentThread().isVirtual()) {
                throw new IllegalStateException("an IORING_SETUP_SINGLE_ISSUER ring belongs to one kernel task: "
                        + "build it on a platform thread, not on virtual thread " + Thread.currentThread());
            }
            return new IoUring(RingSetup.setup(entries, flags, cqEntries, sqThreadIdleMillis), closeTimeout.toNanos());
        }
    }

    // ---- availability (see IoUringFeatures) -------------------------------------------------------

    /**
     * Whether this process can use io_uring: a test ring is set up once and closed. Set the system
     * property {@code jnetfs.uring.disabled=true} to pretend it cannot (to run the blocking fallback).
     * Whether it has a given opcode or setup flag: {@link IoUringFeatures}.
     *
     * @return true if rings can be set up here
     */
    public static boolean isAvailable() {
        return IoUringFeatures.isAvailable();
    }

    /**
     * @return why {@link #isAvailable()} is false (the errno and the likely cause: a seccomp filter in
     *     a container, the {@code kernel.io_uring_disabled} sysctl, a kernel without io_uring), or
     *     {@code null} if it is available
     */
    public static String unavailableReason() {
        return IoUringFeatures.unavailableReason();
    }

    // ---- properties -----------------------------------------------------------------------------

    /** @return the ring's descriptor */
    public int fd() {
        return ringFd;
    }

    /** @return {@code sq_entries} as set up by the kernel */
    public int sqEntries() {
        return sq.entries;
    }

    /** @return {@code cq_entries} as set up by the kernel */
    public int cqEntries() {
        return cq.entries;
    }

    /** @return the IORING_SETUP_* flags the ring was set up with */
    public int setupFlags() {
        return setupFlags;
    }

    /** @return the IORING_FEAT_* flags the kernel reported at setup */
    public int features() {
        return features;
    }

    /**
     * @param feature an IORING_FEAT_* flag
     * @return whether the kernel reported it at setup
     */
    public boolean hasFeature(int feature) {
        return (features & feature) == feature;
    }

    /** @return operations prepared and not yet finally completed (delivered) */
    public int inFlight() {
        return inFlight.count();
    }

    /** @return SQEs that can be prepared before the SQ ring is full */
    public int sqSpace() {
        ensureUsable();
        return sq.space();
    }

    /** @return completions ready for {@link #complete(CompletionCallback)} without waiting */
    public int ready() {
        ensureUsable();
        return cq.ready();
    }

    /** @return whether {@link #close()} has been called */
    public boolean isClosed() {
        return closed;
    }

    /** @return how many times {@link #complete} flushed the kernel's CQ overflow list */
    long overflowFlushes() {
        return overflowFlushes;
    }

    /** @return how many times CQEs were moved to the spill area after -EBUSY/-EAGAIN */
    long spills() {
        return cq.spills();
    }

    /** Moves the ready CQEs to the spill area, as the -EBUSY path does: for tests. */
    void spillForTest() {
        cq.spill();
    }

    /** @return CQEs whose user_data matched no operation in flight (should stay 0) */
    long strayCompletions() {
        return cq.strayCompletions();
    }

    /** @return how many io_uring_enter calls the ring made: for tests of when it enters */
    long enters() {
        return enter.enters();
    }

    /** @return the SQE prepared last, not yet submitted (a view): for tests that check what was written */
    MemorySegment lastSqeForTest() {
        if (lastSqe < 0) {
            throw new IllegalStateException("no SQE prepared since the last submission");
        }
        return sq.sqe(lastSqe);
    }

    /** @return how many of them passed the registered ring index */
    long registeredEnters() {
        return enter.registeredEnters();
    }

    /**
     * Asks the kernel which opcodes it supports ({@code IORING_REGISTER_PROBE}).
     *
     * @return the answer
     * @throws IOException if io_uring_register fails
     */
    public Probe probe() throws IOException {
        ensureUsable();
        return reg.probe();
    }

    // ---- use checks (the prep* methods are in IoUringOps) ----------------------------------------

    @Override
    void ensureUsable() {
        if (closed) {
            throw new IllegalStateException("io_uring(fd=" + ringFd + ") is closed");
        }
        Thread o = owner;
        if (o != null && Thread.currentThread() != o) {
            throw wrongThread();
        }
    }

    private IllegalStateException wrongThread() {
        return new IllegalStateException("io_uring(fd=" + ringFd + ") was set up with IORING_SETUP_SINGLE_ISSUER by thread '"
                + owner.getName() + "' and may only be used from it, not from thread '"
                + Thread.currentThread().getName() + "'");
    }

    // ---- submitting and waiting -----------------------------------------------------------------

    @Override
    void checkBufferRing(BufferRing buffers) {
        if (buffers.ring() != this || buffers.isClosed()) {
            throw new IllegalArgumentException("buffer ring not registered with this ring: buffers=" + buffers
                    + ", ring=" + this);
        }
    }

    @Override
    void submitForRoom() {
        submitPending();
        while (sq.space() == 0) {
            // SQPOLL: the kernel thread consumes asynchronously; wait until it has made room
            enter.awaitSqSpace();
        }
    }

    /**
     * Submits every prepared SQE in one io_uring_enter (more if the kernel stops early at an SQE that
     * fails at submission; that SQE completes with its error).
     *
     * @return how many SQEs the kernel consumed (under SQPOLL: how many were handed to its thread)
     * @throws UncheckedIOException if io_uring_enter fails
     */
    public int submit() {
        ensureUsable();
        return submitPending();
    }

    private int submitPending() {
        int n = enter.submit();
        lastSqe = -1;
        return n;
    }

    /**
     * Submits every prepared SQE and waits until at least {@code minComplete} completions are ready
     * (one io_uring_enter for both where possible).
     *
     * @param minComplete completions to wait for, at most {@link #cqEntries()} (plus any completions
     *     held in the spill area)
     * @return completions ready for {@link #complete(CompletionCallback)}
     * @throws UncheckedIOException if io_uring_enter fails
     */
    public int submitAndWait(int minComplete) {
        return submitAndWait0(minComplete, -1);
    }

    /**
     * Like {@link #submitAndWait(int)}, but waits at most {@code timeout} ({@code IORING_ENTER_EXT_ARG}).
     *
     * @param minComplete completions to wait for, at most {@link #cqEntries()}
     * @param timeout the longest time to wait
     * @param unit the unit of {@code timeout}
     * @return completions ready: fewer than {@code minComplete} if the time ran out
     * @throws UncheckedIOException if io_uring_enter fails
     */
    public int submitAndWait(int minComplete, long timeout, TimeUnit unit) {
        SqeArgs.checkNotNegative(timeout, "timeout");
        return submitAndWait0(minComplete, unit.toNanos(timeout));
    }

    private int submitAndWait0(int minComplete, long timeoutNanos) {
        ensureUsable();
        // the kernel waits for CQEs in its ring, which cannot hold more than cq_entries
        if (minComplete < 0 || minComplete > cq.entries + cq.spilled()) {
            throw new IllegalArgumentException("minComplete out of 0..cq_entries=" + cq.entries
                    + ": minComplete=" + minComplete);
        }
        long deadline = timeoutNanos >= 0 ? System.nanoTime() + timeoutNanos : 0;
        if (enter.submitAndWaitOnce(minComplete, timeoutNanos)) {
            lastSqe = -1;
            int ready = cq.ready();
            if (ready >= minComplete) {
                return ready;
            }
        }
        submitPending();
        return enter.awaitReady(minComplete, timeoutNanos >= 0, deadline);
    }

    // ---- completing -----------------------------------------------------------------------------

    /**
     * Delivers every ready completion to {@code callback}, oldest first, without waiting. Flushes the
     * kernel's CQ overflow list ({@code IORING_SQ_CQ_OVERFLOW}) and, on DEFER_TASKRUN and COOP_TASKRUN
     * rings, runs pending completion work (one io_uring_enter with GETEVENTS): when nothing was ready and
     * an operation is in flight, or, with {@link Builder#taskrunFlag()}, only when the kernel raised
     * IORING_SQ_TASKRUN. The callback may prepare and submit new SQEs. If it throws, the completions
     * after that one stay ready.
     *
     * @param callback receives {@code (res, flags, userData)} per completion
     * @return how many completions were delivered
     * @throws UncheckedIOException if io_uring_enter fails
     */
    public int complete(CompletionCallback callback) {
        ensureUsable();
        Objects.requireNonNull(callback, "callback");
        int n = cq.drain(inFlight, callback);
        if (closed) {
            return n;
        }
        if (n == 0 && taskrunOnEnter && !taskrunFlag && inFlight.count() > 0) {
            // without TASKRUN_FLAG the kernel does not say whether work is pending: ask it
            enter.getEvents();
            n += cq.drain(inFlight, callback);
        }
        while (!closed && (sq.kernelFlags() & (SQ_CQ_OVERFLOW | SQ_TASKRUN)) != 0) {
            overflowFlushes++;
            enter.getEvents();
            int d = cq.drain(inFlight, callback);
            n += d;
            if (d == 0) {
                break;
            }
        }
        return n;
    }

    // ---- registration (see Registrations) ---------------------------------------------------------

    /**
     * Registers fixed buffers ({@code IORING_REGISTER_BUFFERS2}) for READ_FIXED and WRITE_FIXED, such as
     * a buffer pool's memory. The ring keeps them reachable until {@link #unregisterBuffers()} or
     * {@link #close()}.
     *
     * @param buffers native segments of at most 1 GiB each; index i is buffer i
     * @throws IOException if io_uring_register fails
     * @throws IllegalStateException if buffers are already registered
     */
    public void registerBuffers(MemorySegment... buffers) throws IOException {
        ensureUsable();
        reg.registerBuffers(buffers);
    }

    /**
     * Registers {@code nr} empty buffer slots ({@code IORING_REGISTER_BUFFERS2} with
     * {@code IORING_RSRC_REGISTER_SPARSE}, Linux 5.19), to fill later with {@link #updateBuffers}: for
     * memory that grows, such as a folio pool's slabs.
     *
     * @param nr slots
     * @throws IOException if io_uring_register fails
     */
    public void registerBuffersSparse(int nr) throws IOException {
        ensureUsable();
        reg.registerBuffersSparse(nr);
    }

    /**
     * Replaces registered buffers {@code offset..offset+buffers.length-1}
     * ({@code IORING_REGISTER_BUFFERS_UPDATE}); a {@code null} element empties its slot.
     *
     * @param offset the first index to replace
     * @param buffers the new buffers
     * @throws IOException if io_uring_register fails
     */
    public void updateBuffers(int offset, MemorySegment... buffers) throws IOException {
        ensureUsable();
        reg.updateBuffers(offset, buffers);
    }

    /**
     * Unregisters every fixed buffer ({@code IORING_UNREGISTER_BUFFERS}); operations in flight on them
     * keep their own references until they complete.
     *
     * @throws IOException if io_uring_register fails
     */
    public void unregisterBuffers() throws IOException {
        ensureUsable();
        reg.unregisterBuffers();
    }

    /** @return how many buffer slots are registered (0 if none) */
    public int registeredBuffers() {
        return reg.buffers();
    }

    /**
     * Registers files ({@code IORING_REGISTER_FILES2}) for use with {@link SqeFlags#IOSQE_FIXED_FILE},
     * which saves the kernel a descriptor lookup per operation. A -1 element leaves its slot empty.
     *
     * @param fds descriptors; index i is registered file i
     * @throws IOException if io_uring_register fails
     */
    public void registerFiles(int... fds) throws IOException {
        ensureUsable();
        reg.registerFiles(fds);
    }

    /**
     * Replaces registered files {@code offset..offset+fds.length-1}
     * ({@code IORING_REGISTER_FILES_UPDATE2}); -1 empties a slot.
     *
     * @param offset the first index to replace
     * @param fds the new descriptors
     * @return how many slots the kernel updated
     * @throws IOException if io_uring_register fails
     */
    public int updateFiles(int offset, int... fds) throws IOException {
        ensureUsable();
        return reg.updateFiles(offset, fds);
    }

    /**
     * Unregisters every file ({@code IORING_UNREGISTER_FILES}).
     *
     * @throws IOException if io_uring_register fails
     */
    public void unregisterFiles() throws IOException {
        ensureUsable();
        reg.unregisterFiles();
    }

    /** @return how many file slots are registered (0 if none) */
    public int registeredFiles() {
        return reg.files();
    }

    /**
     * Registers a provided-buffer ring ({@code IORING_REGISTER_PBUF_RING}, Linux 5.19) of
     * {@code entries} buffers of {@code bufferSize} bytes, allocated by the buffer ring, all given to
     * the kernel at once: the buffers a receive with {@link #prepRecvMultishot} or
     * {@link #prepRecvSelect} picks from.
     *
     * @param groupId the buffer group id, 0..65535, unique among this ring's buffer rings
     * @param entries buffers (and ring entries): a power of two up to 32768
     * @param bufferSize bytes per buffer
     * @param flags 0, {@link BufferRing#IOU_PBUF_RING_MMAP} (Linux 6.4), {@link BufferRing#IOU_PBUF_RING_INC}
     *     (Linux 6.12); {@link IoUringFeatures#missingBufferRing(int)} says whether the kernel takes them
     * @return the buffer ring, which belongs to this ring (see {@link BufferRing#close()})
     * @throws IOException if io_uring_register or the mmap fails
     */
    public BufferRing registerBufferRing(int groupId, int entries, int bufferSize, int flags) throws IOException {
        return registerBufferRing(groupId, entries, bufferSize, flags, null);
    }

    /**
     * As {@link #registerBufferRing(int, int, int, int)}, over the caller's memory (such as folio-pool
     * slabs registered as fixed buffers too), which must stay alive until the buffer ring is closed.
     *
     * @param groupId the buffer group id, 0..65535
     * @param entries buffers: a power of two up to 32768
     * @param bufferSize bytes per buffer
     * @param flags {@code IOU_PBUF_RING_*} flags
     * @param buffers native memory of at least {@code entries * bufferSize} bytes (buffer i at
     *     {@code i * bufferSize}), or null to let the buffer ring allocate it
     * @return the buffer ring
     * @throws IOException if io_uring_register or the mmap fails
     */
    public BufferRing registerBufferRing(int groupId, int entries, int bufferSize, int flags, MemorySegment buffers)
            throws IOException {
        ensureUsable();
        for (BufferRing b : bufferRings) {
            if (b.groupId() == groupId) {
                throw new IllegalStateException("buffer group already registered: groupId=" + groupId);
            }
        }
        BufferRing b = new BufferRing(this, reg, ringFd, groupId, entries, bufferSize, flags, buffers);
        bufferRings.add(b);
        return b;
    }

    /** Refuses to close {@code b} while an operation in flight picks from it. */
    void checkBufferRingIdle(BufferRing b) {
        ensureUsable();
        if (inFlight.pins(b)) {
            throw new IllegalStateException("a receive that picks from buffer group " + b.groupId()
                    + " is in flight: cancel it and wait for its last completion before closing " + b);
        }
    }

    /** Drops a closed buffer ring from the ring's list. */
    void forget(BufferRing b) {
        bufferRings.remove(b);
    }

    /**
     * Registers the ring's descriptor in the calling thread's task ({@code IORING_REGISTER_RING_FDS},
     * Linux 5.18): io_uring_enter from this thread then passes the registered index with
     * IORING_ENTER_REGISTERED_RING, which saves the kernel a descriptor lookup (and reference) per
     * call; other threads keep using the descriptor. {@link #close()} from this thread unregisters it.
     *
     * @return the registered index
     * @throws IOException if io_uring_register fails
     * @throws IllegalStateException if already registered, or on a virtual thread (its task may change)
     */
    public int registerRingFd() throws IOException {
        ensureUsable();
        if (ringFdIndex >= 0) {
            throw new IllegalStateException("ring descriptor already registered: index=" + ringFdIndex);
        }
        if (Thread.currentThread().isVirtual()) {
            throw new IllegalStateException("a registered ring descriptor belongs to one kernel task: register it on"
                    + " a platform thread, not on virtual thread " + Thread.currentThread());
        }
        int index = reg.registerRingFd();
        ringFdIndex = index;
        ringFdThread = Thread.currentThread();
        enter.useRegisteredRing(index, ringFdThread);
        return index;
    }

    /** @return the index of the registered ring descriptor, or -1 if none */
    public int registeredRingFd() {
        return ringFdIndex;
    }

    // ---- closing --------------------------------------------------------------------------------

    /**
     * Cancels every operation in flight, waits for their completions (discarded) up to the close
     * timeout, unmaps the rings and closes the descriptor. Idempotent. Operations the kernel could not
     * finish in time are logged and their memory is kept reachable for the life of the process.
     *
     * @throws IllegalStateException if called from another thread than the owner of a SINGLE_ISSUER ring
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        Thread o = owner;
        if (o != null && Thread.currentThread() != o) {
            throw wrongThread();
        }
        try {
            cancelInFlight();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "io_uring(fd=" + ringFd + "): cancelling at close failed", e);
        } finally {
            closed = true;
            cq.markClosed();
            boolean abandoned = inFlight.count() > 0;
            if (abandoned) {
                LOG.log(System.Logger.Level.WARNING, "io_uring(fd=" + ringFd + "): " + inFlight.count()
                        + " operations did not complete within the close timeout; their memory is kept: "
                        + inFlight.describe(8));
                Collections.addAll(ABANDONED, inFlight.heldReferences());
            }
            unregisterRingFd();
            for (BufferRing b : bufferRings) {
                // the kernel lets go of them with the ring; their memory only if nothing was abandoned
                b.closeWithRing(abandoned);
            }
            bufferRings.clear();
            try {
                arena.close();
            } finally {
                Native.close(ringFd);
            }
        }
    }

    /**
     * A registered descriptor holds a reference on the ring in the registering thread's task until
     * unregistered there (or that thread exits): from another thread, only a warning.
     */
    private void unregisterRingFd() {
        if (ringFdIndex < 0) {
            return;
        }
        int index = ringFdIndex;
        ringFdIndex = -1;
        enter.useRegisteredRing(-1, null);
        if (Thread.currentThread() != ringFdThread) {
            LOG.log(System.Logger.Level.WARNING, "io_uring(fd=" + ringFd + ") closed by thread '"
                    + Thread.currentThread().getName() + "', not by '" + ringFdThread.getName() + "' which registered"
                    + " its descriptor: the kernel frees the ring when that thread exits");
            return;
        }
        try {
            reg.unregisterRingFd(index);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "io_uring(fd=" + ringFd + "): unregistering its descriptor failed", e);
        }
    }

    private void cancelInFlight() {
        try {
            submitPending();
        } catch (UncheckedIOException e) {
            discardUnsubmitted();
        }
        if (inFlight.count() == 0) {
            return;
        }
        int before = cq.internalCompletions();
        long at = reserve();
        sq.addCancel(at, 0, 0, CANCEL_ALL_ANY, INTERNAL_TOKEN);
        lastSqe = at;
        submitPending();
        long deadline = System.nanoTime() + closeTimeoutNanos;
        boolean perSlot = false;
        while (inFlight.count() > 0) {
            cq.drain(inFlight, DISCARD);
            if (!perSlot && cq.internalCompletions() > before && cq.internalRes() == -Errno.EINVAL) {
                // kernels before 5.19 have no IORING_ASYNC_CANCEL_ANY: cancel each operation by its token
                perSlot = true;
                for (int slot : inFlight.usedSlots()) {
                    long t = reserve();
                    sq.addCancel(t, 0, inFlight.token(slot), 0, INTERNAL_TOKEN);
                    lastSqe = t;
                }
                submitPending();
            }
            if (inFlight.count() == 0) {
                break;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                break;
            }
            enter.awaitReady(1, true, System.nanoTime() + Math.min(left, 50_000_000L));
        }
    }

    /** Releases the slots of SQEs the kernel never consumed (submission failed at close). */
    private void discardUnsubmitted() {
        if (sqPoll) {
            return;
        }
        for (int pos = sq.kernelHead(); pos != sq.tail(); pos++) {
            int slot = inFlight.slotOf(sq.userDataAt(pos));
            if (slot >= 0) {
                inFlight.release(slot);
            }
        }
    }

    @Override
    public String toString() {
        return "IoUring[fd=" + ringFd + ", sq_entries=" + sq.entries + ", cq_entries=" + cq.entries + ", flags="
                + RingSetup.setupFlagNames(setupFlags) + ", in_flight=" + inFlight.count() + (closed ? ", closed" : "")
                + "]";
    }
}
