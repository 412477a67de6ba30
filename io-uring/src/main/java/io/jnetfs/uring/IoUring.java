package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.__kernel_timespec;
import io.jnetfs.ffm.gen.io_cqring_offsets;
import io.jnetfs.ffm.gen.io_sqring_offsets;
import io.jnetfs.ffm.gen.io_uring_getevents_arg;
import io.jnetfs.ffm.gen.io_uring_params;
import io.jnetfs.ffm.gen.io_uring_probe;
import io.jnetfs.ffm.gen.io_uring_probe_op;
import io.jnetfs.ffm.gen.io_uring_rsrc_register;
import io.jnetfs.ffm.gen.io_uring_rsrc_update2;
import io.jnetfs.ffm.gen.iovec;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One io_uring instance: the rings set up with {@code io_uring_setup} and mmapped (one mapping for
 * both rings under IORING_FEAT_SINGLE_MMAP), SQEs written from Java, completions delivered to a
 * primitive {@link CompletionCallback}.
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
 * thread throws {@link IllegalStateException}.
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
public final class IoUring implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(IoUring.class.getName());

    private static final int ENTER_GETEVENTS = LibC.IORING_ENTER_GETEVENTS();
    private static final int ENTER_SQ_WAKEUP = LibC.IORING_ENTER_SQ_WAKEUP();
    private static final int ENTER_SQ_WAIT = LibC.IORING_ENTER_SQ_WAIT();
    private static final int ENTER_EXT_ARG = LibC.IORING_ENTER_EXT_ARG();
    private static final int SQ_NEED_WAKEUP = LibC.IORING_SQ_NEED_WAKEUP();
    private static final int SQ_CQ_OVERFLOW = LibC.IORING_SQ_CQ_OVERFLOW();
    private static final int SQ_TASKRUN = LibC.IORING_SQ_TASKRUN();
    private static final int CQE_F_MORE = LibC.IORING_CQE_F_MORE();
    private static final int SETUP_SQPOLL = LibC.IORING_SETUP_SQPOLL();
    private static final int SETUP_CQSIZE = LibC.IORING_SETUP_CQSIZE();
    private static final int SETUP_CLAMP = LibC.IORING_SETUP_CLAMP();
    private static final int SETUP_SUBMIT_ALL = LibC.IORING_SETUP_SUBMIT_ALL();
    private static final int SETUP_COOP_TASKRUN = LibC.IORING_SETUP_COOP_TASKRUN();
    private static final int SETUP_SINGLE_ISSUER = LibC.IORING_SETUP_SINGLE_ISSUER();
    private static final int SETUP_DEFER_TASKRUN = LibC.IORING_SETUP_DEFER_TASKRUN();
    private static final int FEAT_SINGLE_MMAP = LibC.IORING_FEAT_SINGLE_MMAP();
    /** What this binding relies on: no dropped CQEs, stable submission, timed waits (Linux 5.11+). */
    private static final int FEAT_REQUIRED = LibC.IORING_FEAT_NODROP() | LibC.IORING_FEAT_SUBMIT_STABLE()
            | LibC.IORING_FEAT_EXT_ARG();
    private static final int CANCEL_ALL_ANY = LibC.IORING_ASYNC_CANCEL_ALL() | LibC.IORING_ASYNC_CANCEL_ANY();
    /** The token of the ring's own ASYNC_CANCEL at close: its slot is never a table index. */
    private static final long INTERNAL_TOKEN = UserData.encode(Opcode.IORING_OP_ASYNC_CANCEL,
            InFlight.INTERNAL_SLOT, 0);
    /** {@code _NSIG / 8}: the kernel's sigset size, as liburing passes it. */
    private static final int SIGSET_SIZE = 8;
    /** The kernel's limit on one registered buffer. */
    private static final long MAX_FIXED_BUFFER = 1L << 30;
    /** Memory of operations abandoned by a close that timed out: kept reachable forever. */
    private static final List<Object> ABANDONED = Collections.synchronizedList(new ArrayList<>());
    private static final CompletionCallback DISCARD = (res, flags, userData) -> { };

    private final int ringFd;
    private final Arena arena;
    private final SubmissionQueue sq;
    private final CompletionQueue cq;
    private final InFlight inFlight;
    private final int setupFlags;
    private final int features;
    private final boolean sqPoll;
    /** DEFER_TASKRUN or COOP_TASKRUN: completions may wait for our next io_uring_enter. */
    private final boolean taskrunOnEnter;
    /** The only thread allowed in, for a SINGLE_ISSUER ring; else null. */
    private final Thread owner;
    private final long closeTimeoutNanos;
    /** One {@code __kernel_timespec} per SQE index, for TIMEOUT and LINK_TIMEOUT. */
    private final MemorySegment timespecs;
    private final MemorySegment waitArg;
    private final MemorySegment waitTs;

    private long[] fixedAddress = new long[0];
    private long[] fixedLength = new long[0];
    /** Keeps the registered buffers reachable until unregistered. */
    private MemorySegment[] fixedBuffers = new MemorySegment[0];
    private int fixedFiles;

    /** Byte offset of the SQE prepared last, until it is submitted; -1 if none. */
    private long lastSqe = -1;
    private int lastSlot = -1;
    private int internalRes;
    private int internalCompletions;
    private long overflowFlushes;
    private long strayCompletions;
    private boolean closed;

    private IoUring(int ringFd, Arena arena, MemorySegment params, MemorySegment sqRing, MemorySegment cqRing,
                    MemorySegment sqes, Builder b) {
        this.ringFd = ringFd;
        this.arena = arena;
        setupFlags = io_uring_params.flags(params);
        features = io_uring_params.features(params);
        sqPoll = (setupFlags & SETUP_SQPOLL) != 0;
        taskrunOnEnter = (setupFlags & (SETUP_DEFER_TASKRUN | SETUP_COOP_TASKRUN)) != 0;
        owner = (setupFlags & SETUP_SINGLE_ISSUER) != 0 ? Thread.currentThread() : null;
        closeTimeoutNanos = b.closeTimeout.toNanos();
        sq = new SubmissionQueue(sqRing, sqes, io_uring_params.sq_off(params));
        cq = new CompletionQueue(cqRing, io_uring_params.cq_off(params));
        inFlight = new InFlight(Math.max(cq.entries, 16));
        timespecs = __kernel_timespec.allocateArray(sq.entries, arena);
        waitTs = __kernel_timespec.allocate(arena);
        waitArg = io_uring_getevents_arg.allocate(arena);
        io_uring_getevents_arg.sigmask(waitArg, 0L);
        io_uring_getevents_arg.sigmask_sz(waitArg, SIGSET_SIZE);
        io_uring_getevents_arg.ts(waitArg, waitTs.address());
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
     * The setup options: SQ and CQ sizes and the {@code IORING_SETUP_*} flags jnetfs supports.
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
            flags |= SETUP_CQSIZE;
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
            flags |= SETUP_SQPOLL;
            sqThreadIdleMillis = idleMillis;
            return this;
        }

        /**
         * {@code IORING_SETUP_SINGLE_ISSUER}: only the building (platform) thread may use the ring.
         *
         * @return this
         */
        public Builder singleIssuer() {
            flags |= SETUP_SINGLE_ISSUER;
            return this;
        }

        /**
         * {@code IORING_SETUP_DEFER_TASKRUN}: completion work runs only when the owner waits for
         * completions. Needs {@link #singleIssuer()}.
         *
         * @return this
         */
        public Builder deferTaskrun() {
            flags |= SETUP_DEFER_TASKRUN;
            return this;
        }

        /**
         * {@code IORING_SETUP_COOP_TASKRUN}: the kernel does not interrupt the thread to run completion
         * work; it runs at the next system call.
         *
         * @return this
         */
        public Builder coopTaskrun() {
            flags |= SETUP_COOP_TASKRUN;
            return this;
        }

        /**
         * {@code IORING_SETUP_SUBMIT_ALL}: keep submitting a batch after an SQE fails at submission.
         *
         * @return this
         */
        public Builder submitAll() {
            flags |= SETUP_SUBMIT_ALL;
            return this;
        }

        /**
         * {@code IORING_SETUP_CLAMP}: clamp too large entry counts to the kernel's maximum instead of
         * failing.
         *
         * @return this
         */
        public Builder clamp() {
            flags |= SETUP_CLAMP;
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
         * @throws IllegalArgumentException for DEFER_TASKRUN without SINGLE_ISSUER
         * @throws IllegalStateException for SINGLE_ISSUER on a virtual thread (it may change carrier)
         */
        public IoUring build() throws IOException {
            if ((flags & SETUP_DEFER_TASKRUN) != 0 && (flags & SETUP_SINGLE_ISSUER) == 0) {
                throw new IllegalArgumentException(
                        "IORING_SETUP_DEFER_TASKRUN requires IORING_SETUP_SINGLE_ISSUER: flags=" + setupFlagNames(flags));
            }
            if ((flags & SETUP_SINGLE_ISSUER) != 0 && Thread.currentThread().isVirtual()) {
                throw new IllegalStateException("an IORING_SETUP_SINGLE_ISSUER ring belongs to one kernel task: "
                        + "build it on a platform thread, not on virtual thread " + Thread.currentThread());
            }
            return setup(this);
        }
    }

    private static IoUring setup(Builder b) throws IOException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        boolean done = false;
        try {
            MemorySegment params = io_uring_params.allocate(arena);
            io_uring_params.flags(params, b.flags);
            if ((b.flags & SETUP_CQSIZE) != 0) {
                io_uring_params.cq_entries(params, b.cqEntries);
            }
            if ((b.flags & SETUP_SQPOLL) != 0) {
                io_uring_params.sq_thread_idle(params, b.sqThreadIdleMillis);
            }
            fd = Native.ioUringSetup(b.entries, params);
            if (fd < 0) {
                throw Errors.ioException("io_uring_setup(entries=" + b.entries + ", flags="
                        + setupFlagNames(b.flags) + ")", -fd);
            }
            int features = io_uring_params.features(params);
            if ((features & FEAT_REQUIRED) != FEAT_REQUIRED) {
                throw new IOException("io_uring_setup: kernel lacks IORING_FEAT_NODROP, SUBMIT_STABLE or EXT_ARG"
                        + " (Linux 5.11+ needed): features=0x" + Integer.toHexString(features));
            }
            int sqEntries = io_uring_params.sq_entries(params);
            int cqEntries = io_uring_params.cq_entries(params);
            MemorySegment sqOff = io_uring_params.sq_off(params);
            MemorySegment cqOff = io_uring_params.cq_off(params);
            long sqRingSize = Integer.toUnsignedLong(io_sqring_offsets.array(sqOff)) + 4L * sqEntries;
            long cqRingSize = Integer.toUnsignedLong(io_cqring_offsets.cqes(cqOff)) + CqeDescriptor.SIZE * cqEntries;
            MemorySegment sqRing;
            MemorySegment cqRing;
            if ((features & FEAT_SINGLE_MMAP) != 0) {
                sqRing = map(fd, Math.max(sqRingSize, cqRingSize), LibC.IORING_OFF_SQ_RING(), "IORING_OFF_SQ_RING", arena);
                cqRing = sqRing;
            } else {
                sqRing = map(fd, sqRingSize, LibC.IORING_OFF_SQ_RING(), "IORING_OFF_SQ_RING", arena);
                cqRing = map(fd, cqRingSize, LibC.IORING_OFF_CQ_RING(), "IORING_OFF_CQ_RING", arena);
            }
            MemorySegment sqes = map(fd, SqeDescriptor.SIZE * sqEntries, LibC.IORING_OFF_SQES(), "IORING_OFF_SQES", arena);
            IoUring ring = new IoUring(fd, arena, params, sqRing, cqRing, sqes, b);
            done = true;
            return ring;
        } finally {
            if (!done) {
                arena.close();
                if (fd >= 0) {
                    Native.close(fd);
                }
            }
        }
    }

    /** mmaps a ring region; the mapping belongs to {@code arena} and is unmapped when it closes. */
    private static MemorySegment map(int fd, long size, long offset, String what, Arena arena) throws IOException {
        long addr = Native.mmap(MemorySegment.NULL, size, LibC.PROT_READ() | LibC.PROT_WRITE(),
                LibC.MAP_SHARED() | LibC.MAP_POPULATE(), fd, offset);
        if (addr < 0) {
            throw Errors.ioException("mmap(fd=" + fd + ", length=" + size + ", offset=" + what + ")", (int) -addr);
        }
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Native.munmap(s, size));
    }

    /**
     * @param flags a combination of IORING_SETUP_* flags
     * @return their kernel names joined with {@code |}
     */
    static String setupFlagNames(int flags) {
        StringBuilder sb = new StringBuilder();
        int[] bits = {SETUP_SQPOLL, SETUP_CQSIZE, SETUP_CLAMP, SETUP_SUBMIT_ALL, SETUP_COOP_TASKRUN,
                SETUP_SINGLE_ISSUER, SETUP_DEFER_TASKRUN};
        String[] names = {"IORING_SETUP_SQPOLL", "IORING_SETUP_CQSIZE", "IORING_SETUP_CLAMP",
                "IORING_SETUP_SUBMIT_ALL", "IORING_SETUP_COOP_TASKRUN", "IORING_SETUP_SINGLE_ISSUER",
                "IORING_SETUP_DEFER_TASKRUN"};
        int rest = flags;
        for (int i = 0; i < bits.length; i++) {
            if ((flags & bits[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(names[i]);
                rest &= ~bits[i];
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }

    // ---- availability ---------------------------------------------------------------------------

    /**
     * Whether this process can use io_uring: a test ring is set up once and closed. Set the system
     * property {@code jnetfs.uring.disabled=true} to pretend it cannot (to run the blocking fallback).
     *
     * @return true if rings can be set up here
     */
    public static boolean isAvailable() {
        return Availability.REASON == null;
    }

    /**
     * @return why {@link #isAvailable()} is false (the errno and the likely cause: a seccomp filter in
     *     a container, the {@code kernel.io_uring_disabled} sysctl, a kernel without io_uring), or
     *     {@code null} if it is available
     */
    public static String unavailableReason() {
        return Availability.REASON;
    }

    private static final class Availability {
        static final String REASON = check();

        private static String check() {
            if (Boolean.getBoolean("jnetfs.uring.disabled")) {
                return "disabled by the system property jnetfs.uring.disabled=true";
            }
            try (Arena a = Arena.ofConfined()) {
                MemorySegment params = io_uring_params.allocate(a);
                int fd = Native.ioUringSetup(2, params);
                if (fd < 0) {
                    return describeUnavailable(-fd, readFirstLine(Path.of("/proc/sys/kernel/io_uring_disabled")),
                            seccompMode());
                }
                Native.close(fd);
                int features = io_uring_params.features(params);
                if ((features & FEAT_REQUIRED) != FEAT_REQUIRED) {
                    return "the kernel's io_uring lacks IORING_FEAT_NODROP, SUBMIT_STABLE or EXT_ARG (Linux 5.11+"
                            + " needed): features=0x" + Integer.toHexString(features);
                }
                return null;
            } catch (RuntimeException | LinkageError e) {
                return "io_uring_setup could not be called: " + e;
            }
        }

        private static String seccompMode() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                    if (line.startsWith("Seccomp:")) {
                        return line.substring("Seccomp:".length()).trim();
                    }
                }
            } catch (IOException | RuntimeException e) {
                return null;
            }
            return null;
        }

        private static String readFirstLine(Path p) {
            try {
                List<String> lines = Files.readAllLines(p);
                return lines.isEmpty() ? null : lines.getFirst().trim();
            } catch (IOException | RuntimeException e) {
                return null;
            }
        }
    }

    /**
     * Explains a failed io_uring_setup.
     *
     * @param errno the positive errno of io_uring_setup
     * @param ioUringDisabled the value of {@code /proc/sys/kernel/io_uring_disabled}, or null if absent
     * @param seccompMode the {@code Seccomp:} field of {@code /proc/self/status} ("0" none, "2" filter), or null
     * @return the reason, starting with the errno
     */
    static String describeUnavailable(int errno, String ioUringDisabled, String seccompMode) {
        String head = "io_uring_setup failed: " + Errno.describe(errno);
        boolean filtered = seccompMode != null && !seccompMode.equals("0");
        String seccomp = filtered ? "; this process runs under seccomp (mode " + seccompMode + "): container runtimes"
                + " such as Docker and Podman block io_uring in their default profiles" : "";
        if (errno == Errno.ENOSYS) {
            return head + ": the kernel was built without io_uring (CONFIG_IO_URING) or a seccomp filter answers"
                    + " ENOSYS" + seccomp;
        }
        if (errno == Errno.EPERM || errno == Errno.EACCES) {
            if ("2".equals(ioUringDisabled)) {
                return head + ": io_uring is disabled for all processes by the sysctl kernel.io_uring_disabled=2";
            }
            if ("1".equals(ioUringDisabled)) {
                return head + ": the sysctl kernel.io_uring_disabled=1 allows io_uring only to privileged processes"
                        + " and members of kernel.io_uring_group" + seccomp;
            }
            return head + (filtered ? seccomp : ": denied by a security policy (seccomp or an LSM)");
        }
        if (errno == Errno.ENOMEM) {
            return head + ": the ring could not be allocated (RLIMIT_MEMLOCK too low on kernels before 5.12?)";
        }
        return head + seccomp;
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
        return strayCompletions;
    }

    /**
     * Asks the kernel which opcodes it supports ({@code IORING_REGISTER_PROBE}).
     *
     * @return the answer
     * @throws IOException if io_uring_register fails
     */
    public Probe probe() throws IOException {
        ensureUsable();
        try (Arena a = Arena.ofConfined()) {
            int nr = 256;
            MemorySegment p = a.allocate(io_uring_probe.sizeof() + nr * io_uring_probe_op.sizeof(), 8);
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_PROBE(), p, nr);
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_PROBE, nr_args=" + nr + ")", -r);
            }
            return Probe.read(p);
        }
    }

    // ---- preparing SQEs -------------------------------------------------------------------------

    private void ensureUsable() {
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

    private static void checkSqeFlags(int sqeFlags) {
        if ((sqeFlags & ~SqeFlags.ALLOWED) != 0) {
            throw new IllegalArgumentException("unsupported SQE flags: sqeFlags=" + SqeFlags.names(sqeFlags));
        }
    }

    private void checkFd(int fd, int sqeFlags) {
        if ((sqeFlags & SqeFlags.IOSQE_FIXED_FILE) != 0 && (fd < 0 || fd >= fixedFiles)) {
            throw new IllegalArgumentException("IOSQE_FIXED_FILE index out of the " + fixedFiles
                    + " registered files: fd=" + fd);
        }
    }

    private static MemorySegment checkNative(MemorySegment seg, String name) {
        if (!seg.isNative()) {
            throw new IllegalArgumentException(name + " must be native memory: " + name + "=" + seg);
        }
        if (!seg.scope().isAlive()) {
            throw new IllegalStateException(name + " belongs to a closed arena: " + name + "=" + seg);
        }
        return seg;
    }

    private static int checkLength(MemorySegment buf, String name) {
        long n = buf.byteSize();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " longer than 2^31-1 bytes: " + name + ".byteSize()=" + n);
        }
        return (int) n;
    }

    /** Takes the next free SQE, submitting pending ones first if the ring is full. */
    private long reserve() {
        long at = sq.next();
        if (at < 0) {
            makeRoom();
            at = sq.next();
        }
        return at;
    }

    private void makeRoom() {
        if (lastSqe >= 0 && (sq.flagsOf(lastSqe) & SqeFlags.LINKS) != 0) {
            throw new IllegalStateException("SQ ring full (sq_entries=" + sq.entries + ") inside a link chain: "
                    + "submitting now would cut the chain; a chain must fit in sqSpace()");
        }
        submitPending();
        while (sq.space() == 0) {
            // SQPOLL: the kernel thread consumes asynchronously; wait until it has made room
            enterOrThrow(0, 0, ENTER_SQ_WAIT | wakeupFlag());
        }
    }

    private long prep(long at, int op, int sqeFlags, int ioprio, int fd, long off, long addr, int len, int opFlags,
                      int bufIndex, long userData, Object pin) {
        int slot = inFlight.acquire(op, fd, userData, pin);
        long token = inFlight.token(slot);
        sq.write(at, op, sqeFlags, ioprio, fd, off, addr, len, opFlags, token, bufIndex);
        lastSqe = at;
        lastSlot = slot;
        return token;
    }

    // ---- hooks for BvecqUring (same package) ------------------------------------------------------

    /** Checks the ring may be used by this thread; for {@link BvecqUring}. */
    void checkUsable() {
        ensureUsable();
    }

    /** Takes the next free SQE (submitting pending ones if the ring is full): its byte offset. */
    long reserveSqe() {
        return reserve();
    }

    /**
     * Writes the SQE at {@code at} (from {@link #reserveSqe()}) and records the operation; the slot
     * takes over a reference the caller holds on {@code segment} (may be null).
     */
    long prepAt(long at, int op, int sqeFlags, int fd, long off, long addr, int len, int opFlags, int bufIndex,
                long userData, Object pin, io.jnetfs.bvecq.Bvecq segment) {
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        long token = prep(at, op, sqeFlags, 0, fd, off, addr, len, opFlags, bufIndex, userData, pin);
        if (segment != null) {
            inFlight.holdSegment(lastSlot, segment);
        }
        return token;
    }

    /**
     * @param address start of a memory range
     * @param length its length
     * @return the index of a registered buffer that contains the range, or -1
     */
    int fixedIndexOf(long address, long length) {
        long[] a = fixedAddress;
        long[] l = fixedLength;
        for (int i = 0; i < a.length; i++) {
            long start = a[i];
            if (address >= start && address + length <= start + l[i] && l[i] > 0) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Keeps {@code o} reachable until the last completion of the SQE prepared last, for memory the
     * SQE reaches only indirectly (the buffers behind an iovec array or a msghdr).
     *
     * @param o the object to keep, such as the owner of the buffers
     * @throws IllegalStateException if no SQE has been prepared since the last submission
     */
    public void attach(Object o) {
        ensureUsable();
        if (lastSqe < 0) {
            throw new IllegalStateException("no SQE prepared since the last submission to attach to");
        }
        inFlight.attach(lastSlot, o);
    }

    /**
     * {@code IORING_OP_NOP}: completes with {@code res} 0.
     *
     * @param sqeFlags IOSQE_* flags ({@link SqeFlags})
     * @param userData the caller's value, given back in the completion
     * @return the token of the SQE (its kernel {@code user_data})
     */
    public long prepNop(int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        return prep(reserve(), Opcode.IORING_OP_NOP, sqeFlags, 0, -1, 0, 0, 0, 0, 0, userData, null);
    }

    /**
     * {@code IORING_OP_READV}: {@code preadv(fd, iov, iovcnt, offset)}. The buffers the iovecs point at
     * must stay alive until the completion (see {@link #attach(Object)}).
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param iov a {@code struct iovec[]} in native memory
     * @param iovcnt entries of {@code iov} to use
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepReadv(int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_READV, fd, iov, iovcnt, offset, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITEV}: {@code pwritev(fd, iov, iovcnt, offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param iov a {@code struct iovec[]} in native memory
     * @param iovcnt entries of {@code iov} to use
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepWritev(int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        return prepVector(Opcode.IORING_OP_WRITEV, fd, iov, iovcnt, offset, sqeFlags, userData);
    }

    private long prepVector(int op, int fd, MemorySegment iov, int iovcnt, long offset, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        checkNative(iov, "iov");
        if (iovcnt < 0 || iovcnt * iovec.sizeof() > iov.byteSize()) {
            throw new IllegalArgumentException("iovcnt out of the iovec array: iovcnt=" + iovcnt
                    + ", iov.byteSize()=" + iov.byteSize());
        }
        return prep(reserve(), op, sqeFlags, 0, fd, offset, iov.address(), iovcnt, 0, 0, userData, iov);
    }

    /**
     * {@code IORING_OP_READ}: {@code pread(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to fill
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRead(int fd, MemorySegment buf, long offset, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_READ, fd, buf, offset, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITE}: {@code pwrite(fd, buf, buf.byteSize(), offset)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to write
     * @param offset file offset, or -1 for the file position
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepWrite(int fd, MemorySegment buf, long offset, int sqeFlags, long userData) {
        return prepBuffer(Opcode.IORING_OP_WRITE, fd, buf, offset, sqeFlags, userData);
    }

    private long prepBuffer(int op, int fd, MemorySegment buf, long offset, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        checkNative(buf, "buf");
        int len = checkLength(buf, "buf");
        return prep(reserve(), op, sqeFlags, 0, fd, offset, buf.address(), len, 0, 0, userData, buf);
    }

    /**
     * {@code IORING_OP_READ_FIXED}: a read into (part of) registered buffer {@code bufIndex}, which
     * saves the kernel mapping the pages on every call.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the part of the registered buffer to fill
     * @param offset file offset, or -1 for the file position
     * @param bufIndex index of the registered buffer that contains {@code buf}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code buf} is not inside registered buffer {@code bufIndex}
     */
    public long prepReadFixed(int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags, long userData) {
        return prepFixed(Opcode.IORING_OP_READ_FIXED, fd, buf, offset, bufIndex, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_WRITE_FIXED}: a write from (part of) registered buffer {@code bufIndex}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the part of the registered buffer to write
     * @param offset file offset, or -1 for the file position
     * @param bufIndex index of the registered buffer that contains {@code buf}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalArgumentException if {@code buf} is not inside registered buffer {@code bufIndex}
     */
    public long prepWriteFixed(int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags, long userData) {
        return prepFixed(Opcode.IORING_OP_WRITE_FIXED, fd, buf, offset, bufIndex, sqeFlags, userData);
    }

    private long prepFixed(int op, int fd, MemorySegment buf, long offset, int bufIndex, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        checkNative(buf, "buf");
        int len = checkLength(buf, "buf");
        if (bufIndex < 0 || bufIndex >= fixedAddress.length) {
            throw new IllegalArgumentException("buf_index out of the " + fixedAddress.length
                    + " registered buffers: bufIndex=" + bufIndex);
        }
        long a = buf.address();
        long start = fixedAddress[bufIndex];
        if (a < start || a + len > start + fixedLength[bufIndex]) {
            throw new IllegalArgumentException("buf is not inside registered buffer " + bufIndex + ": buf.address()=0x"
                    + Long.toHexString(a) + ", len=" + len + ", registered=[0x" + Long.toHexString(start) + ", +"
                    + fixedLength[bufIndex] + ")");
        }
        return prep(reserve(), op, sqeFlags, 0, fd, offset, a, len, 0, bufIndex, userData, buf);
    }

    /**
     * {@code IORING_OP_FSYNC}: {@code fsync(fd)}, or {@code fdatasync(fd)} with
     * {@code IORING_FSYNC_DATASYNC}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param fsyncFlags 0 or {@code IORING_FSYNC_DATASYNC}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepFsync(int fd, int fsyncFlags, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        return prep(reserve(), Opcode.IORING_OP_FSYNC, sqeFlags, 0, fd, 0, 0, 0, fsyncFlags, 0, userData, null);
    }

    /**
     * {@code IORING_OP_FALLOCATE}: {@code fallocate(fd, mode, offset, length)}.
     *
     * @param fd a descriptor, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param mode 0 or FALLOC_FL_* flags
     * @param offset start of the range
     * @param length length of the range
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepFallocate(int fd, int mode, long offset, long length, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        // the kernel's layout for FALLOCATE: off = offset, addr = length, len = mode
        return prep(reserve(), Opcode.IORING_OP_FALLOCATE, sqeFlags, 0, fd, offset, length, mode, 0, 0, userData, null);
    }

    /**
     * {@code IORING_OP_OPENAT}: {@code openat(dirfd, path, flags, mode)}; {@code res} is the new
     * descriptor.
     *
     * @param dirfd a directory descriptor, or {@code AT_FDCWD}
     * @param path a NUL-terminated path in native memory
     * @param flags O_* flags
     * @param mode permissions for O_CREAT
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepOpenat(int dirfd, MemorySegment path, int flags, int mode, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkNative(path, "path");
        return prep(reserve(), Opcode.IORING_OP_OPENAT, sqeFlags, 0, dirfd, 0, path.address(), mode, flags, 0,
                userData, path);
    }

    /**
     * {@code IORING_OP_CLOSE}: {@code close(fd)}.
     *
     * @param fd the descriptor to close
     * @param sqeFlags IOSQE_* flags (not {@link SqeFlags#IOSQE_FIXED_FILE})
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepClose(int fd, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        return prep(reserve(), Opcode.IORING_OP_CLOSE, sqeFlags, 0, fd, 0, 0, 0, 0, 0, userData, null);
    }

    /**
     * {@code IORING_OP_SENDMSG}: {@code sendmsg(fd, msghdr, msgFlags)}. The buffers the msghdr points
     * at must stay alive until the completion (see {@link #attach(Object)}).
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendmsg(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_SENDMSG, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_RECVMSG}: {@code recvmsg(fd, msghdr, msgFlags)}.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRecvmsg(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_RECVMSG, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_SENDMSG_ZC}: a zero-copy {@code sendmsg}. It completes twice with the same
     * {@code userData}: the result (with IORING_CQE_F_MORE), then the notification (IORING_CQE_F_NOTIF)
     * after which the buffers may be reused; the ring keeps the msghdr and the attachment alive until
     * the notification.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param msghdr a {@code struct msghdr} in native memory
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendmsgZc(int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        return prepMsg(Opcode.IORING_OP_SENDMSG_ZC, fd, msghdr, msgFlags, sqeFlags, userData);
    }

    private long prepMsg(int op, int fd, MemorySegment msghdr, int msgFlags, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        checkNative(msghdr, "msghdr");
        return prep(reserve(), op, sqeFlags, 0, fd, 0, msghdr.address(), 1, msgFlags, 0, userData, msghdr);
    }

    /**
     * {@code IORING_OP_SEND}: {@code send(fd, buf, buf.byteSize(), msgFlags)}.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native bytes to send
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSend(int fd, MemorySegment buf, int msgFlags, int sqeFlags, long userData) {
        return prepSock(Opcode.IORING_OP_SEND, fd, buf, msgFlags, 0, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_RECV}: {@code recv(fd, buf, buf.byteSize(), msgFlags)}; {@code res} 0 at end
     * of stream.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native buffer to fill
     * @param msgFlags MSG_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepRecv(int fd, MemorySegment buf, int msgFlags, int sqeFlags, long userData) {
        return prepSock(Opcode.IORING_OP_RECV, fd, buf, msgFlags, 0, sqeFlags, userData);
    }

    /**
     * {@code IORING_OP_SEND_ZC}: a zero-copy {@code send}; completes twice, like
     * {@link #prepSendmsgZc}, and keeps {@code buf} alive until the notification.
     *
     * @param fd a socket, or a registered file index with {@link SqeFlags#IOSQE_FIXED_FILE}
     * @param buf the native bytes to send
     * @param msgFlags MSG_* flags
     * @param zcFlags IORING_RECVSEND_* and IORING_SEND_ZC_* flags (such as
     *     {@code IORING_SEND_ZC_REPORT_USAGE}, which makes the notification's {@code res} carry
     *     {@code IORING_NOTIF_USAGE_ZC_COPIED} when the kernel copied after all); not
     *     {@code IORING_RECVSEND_FIXED_BUF}
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepSendZc(int fd, MemorySegment buf, int msgFlags, int zcFlags, int sqeFlags, long userData) {
        if ((zcFlags & LibC.IORING_RECVSEND_FIXED_BUF()) != 0) {
            throw new IllegalArgumentException("IORING_RECVSEND_FIXED_BUF is not supported by prepSendZc: zcFlags=0x"
                    + Integer.toHexString(zcFlags));
        }
        return prepSock(Opcode.IORING_OP_SEND_ZC, fd, buf, msgFlags, zcFlags, sqeFlags, userData);
    }

    private long prepSock(int op, int fd, MemorySegment buf, int msgFlags, int ioprio, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        checkFd(fd, sqeFlags);
        checkNative(buf, "buf");
        int len = checkLength(buf, "buf");
        return prep(reserve(), op, sqeFlags, ioprio, fd, 0, buf.address(), len, msgFlags, 0, userData, buf);
    }

    /**
     * {@code IORING_OP_TIMEOUT}: completes with {@code -ETIME} after {@code nanos}, or with 0 once
     * {@code count} other completions have been posted (count 0: only the time counts).
     *
     * @param nanos the relative timeout (or absolute CLOCK_MONOTONIC time with {@code IORING_TIMEOUT_ABS})
     * @param count completions that end the timeout early; 0 for none
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     */
    public long prepTimeout(long nanos, int count, int timeoutFlags, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        if (nanos < 0 || count < 0) {
            throw new IllegalArgumentException("negative timeout or count: nanos=" + nanos + ", count=" + count);
        }
        long at = reserve();
        long ts = timespec(at, nanos);
        return prep(at, Opcode.IORING_OP_TIMEOUT, sqeFlags, 0, -1, count, ts, 1, timeoutFlags, 0, userData, null);
    }

    /**
     * {@code IORING_OP_LINK_TIMEOUT}: a timeout for the SQE prepared just before, which must carry
     * {@link SqeFlags#IOSQE_IO_LINK}. If it fires, that SQE is cancelled ({@code -ECANCELED}) and this
     * one completes with {@code -ETIME}; if that SQE completes first, this one completes with
     * {@code -ECANCELED}.
     *
     * @param nanos the relative timeout
     * @param timeoutFlags IORING_TIMEOUT_* flags
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of the SQE
     * @throws IllegalStateException if the SQE prepared last does not carry IOSQE_IO_LINK
     */
    public long prepLinkTimeout(long nanos, int timeoutFlags, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        if (nanos < 0) {
            throw new IllegalArgumentException("negative timeout: nanos=" + nanos);
        }
        if (lastSqe < 0 || (sq.flagsOf(lastSqe) & SqeFlags.LINKS) == 0) {
            throw new IllegalStateException("IORING_OP_LINK_TIMEOUT must follow an SQE prepared with IOSQE_IO_LINK");
        }
        long at = reserve();
        long ts = timespec(at, nanos);
        return prep(at, Opcode.IORING_OP_LINK_TIMEOUT, sqeFlags, 0, -1, 0, ts, 1, timeoutFlags, 0, userData, null);
    }

    /** Writes the timespec that belongs to the SQE at {@code at}; the kernel copies it at submission. */
    private long timespec(long at, long nanos) {
        long off = SubmissionQueue.index(at) * __kernel_timespec.sizeof();
        timespecs.set(ValueLayout.JAVA_LONG, off + __kernel_timespec.tv_sec$offset(), nanos / 1_000_000_000L);
        timespecs.set(ValueLayout.JAVA_LONG, off + __kernel_timespec.tv_nsec$offset(), nanos % 1_000_000_000L);
        return timespecs.address() + off;
    }

    /**
     * {@code IORING_OP_ASYNC_CANCEL}: cancels the operation whose token is {@code token}. Its
     * {@code res}: 0 if it was found and cancelled (the target then completes with
     * {@code -ECANCELED}), {@code -ENOENT} if it was not found (already completed), {@code -EALREADY}
     * if it was running and could not be stopped.
     *
     * @param token the token a {@code prep*} method returned
     * @param cancelFlags IORING_ASYNC_CANCEL_* flags (0 for one match by token)
     * @param sqeFlags IOSQE_* flags
     * @param userData the caller's value
     * @return the token of this SQE
     */
    public long prepCancel(long token, int cancelFlags, int sqeFlags, long userData) {
        ensureUsable();
        checkSqeFlags(sqeFlags);
        return prep(reserve(), Opcode.IORING_OP_ASYNC_CANCEL, sqeFlags, 0, -1, 0, token, 0, cancelFlags, 0,
                userData, null);
    }

    // ---- submitting and waiting -----------------------------------------------------------------

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
        if (timeout < 0) {
            throw new IllegalArgumentException("negative timeout: timeout=" + timeout);
        }
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
        if (!sqPoll) {
            int pending = sq.flush();
            // the kernel counts the CQEs in its ring, not the spilled ones
            int need = minComplete - cq.spilled();
            if (pending > 0 && cq.ready() < minComplete) {
                // submit and wait in one system call; the kernel waits only if it consumed every SQE
                int r = timeoutNanos < 0
                        ? Native.ioUringEnter(ringFd, pending, need, ENTER_GETEVENTS, MemorySegment.NULL, 0)
                        : Native.ioUringEnter(ringFd, pending, need, ENTER_GETEVENTS | ENTER_EXT_ARG,
                                waitArgFor(timeoutNanos), waitArg.byteSize());
                if (r == pending) {
                    lastSqe = -1;
                    int ready = cq.ready();
                    if (ready >= minComplete) {
                        return ready;
                    }
                } else if (r < 0 && !retryable(r)) {
                    throw enterFailed(r, pending, need, ENTER_GETEVENTS);
                }
            }
        }
        submitPending();
        return awaitReady(minComplete, timeoutNanos >= 0, deadline);
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

    /** Hands every written SQE to the kernel; retries on early stops, EINTR, EBUSY and EAGAIN. */
    private int submitPending() {
        int pending = sq.flush();
        if (pending == 0) {
            lastSqe = -1;
            return 0;
        }
        if (sqPoll) {
            int wake = wakeupFlag();
            if (wake != 0) {
                enterOrThrow(0, 0, wake);
            }
            lastSqe = -1;
            return pending;
        }
        int submitted = 0;
        int attempts = 0;
        while (pending > 0) {
            int r = Native.ioUringEnter(ringFd, pending, 0, 0, MemorySegment.NULL, 0);
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
        lastSqe = -1;
        return submitted;
    }

    /**
     * The kernel refused submissions (-EBUSY: its CQ overflow list could not be flushed; -EAGAIN: no
     * memory for requests). Make room in the CQ without losing completions: move them to the spill
     * area, let the kernel flush its overflow list into the freed ring, and back off if that repeats.
     */
    private void relieve(int attempt, int r, int pending) {
        cq.spill();
        int g = Native.ioUringEnter(ringFd, 0, 0, ENTER_GETEVENTS, MemorySegment.NULL, 0);
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

    /** Waits until {@code minComplete} completions are ready, or until {@code deadline} if {@code timed}. */
    private int awaitReady(int minComplete, boolean timed, long deadline) {
        for (;;) {
            int ready = cq.ready();
            if (ready >= minComplete) {
                return ready;
            }
            int need = minComplete - cq.spilled();
            int flags = ENTER_GETEVENTS | wakeupFlag();
            int r;
            if (!timed) {
                r = Native.ioUringEnter(ringFd, 0, need, flags, MemorySegment.NULL, 0);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return cq.ready();
                }
                flags |= ENTER_EXT_ARG;
                r = Native.ioUringEnter(ringFd, 0, need, flags, waitArgFor(left), waitArg.byteSize());
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

    private void enterOrThrow(int toSubmit, int minComplete, int flags) {
        int r;
        do {
            r = Native.ioUringEnter(ringFd, toSubmit, minComplete, flags, MemorySegment.NULL, 0);
        } while (r == -Errno.EINTR);
        if (r < 0) {
            throw enterFailed(r, toSubmit, minComplete, flags);
        }
    }

    private UncheckedIOException enterFailed(int r, int toSubmit, int minComplete, int flags) {
        String hint = r == -Errno.EEXIST ? " (an IORING_SETUP_SINGLE_ISSUER ring used from another kernel task)"
                : r == -74 /* EBADR */ ? " (the kernel dropped completions it could not allocate)" : "";
        return Errors.unchecked("io_uring_enter(fd=" + ringFd + ", to_submit=" + toSubmit + ", min_complete="
                + minComplete + ", flags=0x" + Integer.toHexString(flags) + ")" + hint, -r);
    }

    // ---- completing -----------------------------------------------------------------------------

    /**
     * Delivers every ready completion to {@code callback}, oldest first, without waiting. Flushes the
     * kernel's CQ overflow list ({@code IORING_SQ_CQ_OVERFLOW}) and, on DEFER_TASKRUN and COOP_TASKRUN
     * rings, runs pending completion work (one io_uring_enter) when nothing was ready. The callback may
     * prepare and submit new SQEs. If it throws, the completions after that one stay ready.
     *
     * @param callback receives {@code (res, flags, userData)} per completion
     * @return how many completions were delivered
     * @throws UncheckedIOException if io_uring_enter fails
     */
    public int complete(CompletionCallback callback) {
        ensureUsable();
        Objects.requireNonNull(callback, "callback");
        int n = drain(callback);
        if (closed) {
            return n;
        }
        if (n == 0 && taskrunOnEnter && inFlight.count() > 0) {
            enterOrThrow(0, 0, ENTER_GETEVENTS);
            n += drain(callback);
        }
        while ((sq.kernelFlags() & (SQ_CQ_OVERFLOW | SQ_TASKRUN)) != 0) {
            overflowFlushes++;
            enterOrThrow(0, 0, ENTER_GETEVENTS);
            int d = drain(callback);
            n += d;
            if (d == 0 || closed) {
                break;
            }
        }
        return n;
    }

    private int drain(CompletionCallback callback) {
        CompletionQueue q = cq;
        int n = 0;
        int tail = q.kernelTail();
        for (;;) {
            long token;
            int res;
            int flags;
            if (q.spilled() > 0) {
                token = q.spilledUserData();
                res = q.spilledRes();
                flags = q.spilledFlags();
                q.dropSpilled();
            } else {
                // signed difference: a callback that spilled may have moved our head past a stale tail
                if (tail - q.head() <= 0) {
                    tail = q.kernelTail();
                    if (tail - q.head() <= 0) {
                        break;
                    }
                }
                token = q.userData();
                res = q.res();
                flags = q.flags();
                q.advance();
            }
            if (deliver(token, res, flags, callback)) {
                n++;
                if (closed) {
                    break; // the callback closed the ring: its memory is gone
                }
            }
        }
        return n;
    }

    private boolean deliver(long token, int res, int flags, CompletionCallback callback) {
        int slot = inFlight.slotOf(token);
        if (slot < 0) {
            if (UserData.id(token) == InFlight.INTERNAL_SLOT) {
                internalRes = res;
                internalCompletions++;
            } else {
                strayCompletions++;
            }
            return false;
        }
        long user = inFlight.userData(slot);
        if ((flags & CQE_F_MORE) == 0) {
            // last completion of the operation: its memory is no longer the kernel's
            inFlight.release(slot);
        }
        callback.complete(res, flags, user);
        return true;
    }

    // ---- registration ---------------------------------------------------------------------------

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
        if (fixedAddress.length > 0) {
            throw new IllegalStateException("buffers already registered (" + fixedAddress.length
                    + "): unregisterBuffers() or updateBuffers() first");
        }
        for (int i = 0; i < buffers.length; i++) {
            checkFixed(buffers[i], "buffers[" + i + "]", false);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = iovecs(buffers, a);
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, buffers.length);
            io_uring_rsrc_register.data(reg, iov.address());
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_BUFFERS2(), reg, (int) reg.byteSize());
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_BUFFERS2, nr="
                        + buffers.length + ")", -r);
            }
        }
        fixedAddress = new long[buffers.length];
        fixedLength = new long[buffers.length];
        fixedBuffers = buffers.clone();
        for (int i = 0; i < buffers.length; i++) {
            fixedAddress[i] = buffers[i].address();
            fixedLength[i] = buffers[i].byteSize();
        }
    }

    /**
     * Registers {@code nr} empty buffer slots ({@code IORING_REGISTER_BUFFERS2} with
     * {@code IORING_RSRC_REGISTER_SPARSE}), to fill later with {@link #updateBuffers}: for memory that
     * grows, such as a folio pool's slabs.
     *
     * @param nr slots
     * @throws IOException if io_uring_register fails
     */
    public void registerBuffersSparse(int nr) throws IOException {
        ensureUsable();
        if (fixedAddress.length > 0) {
            throw new IllegalStateException("buffers already registered (" + fixedAddress.length
                    + "): unregisterBuffers() first");
        }
        if (nr < 1) {
            throw new IllegalArgumentException("nr must be positive: nr=" + nr);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, nr);
            io_uring_rsrc_register.flags(reg, LibC.IORING_RSRC_REGISTER_SPARSE());
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_BUFFERS2(), reg, (int) reg.byteSize());
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_BUFFERS2, nr=" + nr
                        + ", flags=IORING_RSRC_REGISTER_SPARSE)", -r);
            }
        }
        fixedAddress = new long[nr];
        fixedLength = new long[nr];
        fixedBuffers = new MemorySegment[nr];
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
        if (offset < 0 || offset + buffers.length > fixedAddress.length) {
            throw new IllegalArgumentException("update out of the " + fixedAddress.length + " registered buffers: offset="
                    + offset + ", nr=" + buffers.length);
        }
        for (int i = 0; i < buffers.length; i++) {
            checkFixed(buffers[i], "buffers[" + i + "]", true);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment iov = iovecs(buffers, a);
            MemorySegment up = io_uring_rsrc_update2.allocate(a);
            io_uring_rsrc_update2.offset(up, offset);
            io_uring_rsrc_update2.data(up, iov.address());
            io_uring_rsrc_update2.nr(up, buffers.length);
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_BUFFERS_UPDATE(), up, (int) up.byteSize());
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_BUFFERS_UPDATE, offset="
                        + offset + ", nr=" + buffers.length + ")", -r);
            }
        }
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment b = buffers[i];
            fixedBuffers[offset + i] = b;
            fixedAddress[offset + i] = b == null ? 0 : b.address();
            fixedLength[offset + i] = b == null ? 0 : b.byteSize();
        }
    }

    /**
     * Unregisters every fixed buffer ({@code IORING_UNREGISTER_BUFFERS}); operations in flight on them
     * keep their own references until they complete.
     *
     * @throws IOException if io_uring_register fails
     */
    public void unregisterBuffers() throws IOException {
        ensureUsable();
        int r = Native.ioUringRegister(ringFd, LibC.IORING_UNREGISTER_BUFFERS(), MemorySegment.NULL, 0);
        if (r < 0) {
            throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_UNREGISTER_BUFFERS)", -r);
        }
        fixedAddress = new long[0];
        fixedLength = new long[0];
        fixedBuffers = new MemorySegment[0];
    }

    /** @return how many buffer slots are registered (0 if none) */
    public int registeredBuffers() {
        return fixedAddress.length;
    }

    private static void checkFixed(MemorySegment b, String name, boolean nullAllowed) {
        if (b == null) {
            if (!nullAllowed) {
                throw new IllegalArgumentException(name + " is null");
            }
            return;
        }
        checkNative(b, name);
        if (b.byteSize() == 0 || b.byteSize() > MAX_FIXED_BUFFER) {
            throw new IllegalArgumentException(name + " must hold 1 byte to 1 GiB: " + name + ".byteSize()="
                    + b.byteSize());
        }
    }

    private static MemorySegment iovecs(MemorySegment[] buffers, Arena a) {
        MemorySegment iov = iovec.allocateArray(Math.max(1, buffers.length), a);
        for (int i = 0; i < buffers.length; i++) {
            MemorySegment e = iovec.asSlice(iov, i);
            MemorySegment b = buffers[i];
            iovec.iov_base(e, b == null ? MemorySegment.NULL : b);
            iovec.iov_len(e, b == null ? 0 : b.byteSize());
        }
        return iov;
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
        if (fixedFiles > 0) {
            throw new IllegalStateException("files already registered (" + fixedFiles
                    + "): unregisterFiles() or updateFiles() first");
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = a.allocateFrom(ValueLayout.JAVA_INT, fds.length == 0 ? new int[] {-1} : fds);
            MemorySegment reg = io_uring_rsrc_register.allocate(a);
            io_uring_rsrc_register.nr(reg, fds.length);
            io_uring_rsrc_register.data(reg, arr.address());
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_FILES2(), reg, (int) reg.byteSize());
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_FILES2, nr="
                        + fds.length + ")", -r);
            }
        }
        fixedFiles = fds.length;
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
        if (offset < 0 || offset + fds.length > fixedFiles) {
            throw new IllegalArgumentException("update out of the " + fixedFiles + " registered files: offset="
                    + offset + ", nr=" + fds.length);
        }
        try (Arena a = Arena.ofConfined()) {
            MemorySegment arr = a.allocateFrom(ValueLayout.JAVA_INT, fds.length == 0 ? new int[] {-1} : fds);
            MemorySegment up = io_uring_rsrc_update2.allocate(a);
            io_uring_rsrc_update2.offset(up, offset);
            io_uring_rsrc_update2.data(up, arr.address());
            io_uring_rsrc_update2.nr(up, fds.length);
            int r = Native.ioUringRegister(ringFd, LibC.IORING_REGISTER_FILES_UPDATE2(), up, (int) up.byteSize());
            if (r < 0) {
                throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_REGISTER_FILES_UPDATE2, offset="
                        + offset + ", nr=" + fds.length + ")", -r);
            }
            return r;
        }
    }

    /**
     * Unregisters every file ({@code IORING_UNREGISTER_FILES}).
     *
     * @throws IOException if io_uring_register fails
     */
    public void unregisterFiles() throws IOException {
        ensureUsable();
        int r = Native.ioUringRegister(ringFd, LibC.IORING_UNREGISTER_FILES(), MemorySegment.NULL, 0);
        if (r < 0) {
            throw Errors.ioException("io_uring_register(fd=" + ringFd + ", IORING_UNREGISTER_FILES)", -r);
        }
        fixedFiles = 0;
    }

    /** @return how many file slots are registered (0 if none) */
    public int registeredFiles() {
        return fixedFiles;
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
            if (inFlight.count() > 0) {
                LOG.log(System.Logger.Level.WARNING, "io_uring(fd=" + ringFd + "): " + inFlight.count()
                        + " operations did not complete within the close timeout; their memory is kept: "
                        + inFlight.describe(8));
                Collections.addAll(ABANDONED, inFlight.heldReferences());
            }
            try {
                arena.close();
            } finally {
                Native.close(ringFd);
            }
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
        int before = internalCompletions;
        long at = reserve();
        sq.write(at, Opcode.IORING_OP_ASYNC_CANCEL, 0, 0, -1, 0, 0, 0, CANCEL_ALL_ANY, INTERNAL_TOKEN, 0);
        lastSqe = at;
        submitPending();
        long deadline = System.nanoTime() + closeTimeoutNanos;
        boolean perSlot = false;
        while (inFlight.count() > 0) {
            drain(DISCARD);
            if (!perSlot && internalCompletions > before && internalRes == -Errno.EINVAL) {
                // kernels before 5.19 have no IORING_ASYNC_CANCEL_ANY: cancel each operation by its token
                perSlot = true;
                for (int slot : inFlight.usedSlots()) {
                    long t = reserve();
                    sq.write(t, Opcode.IORING_OP_ASYNC_CANCEL, 0, 0, -1, 0, inFlight.token(slot), 0, 0,
                            INTERNAL_TOKEN, 0);
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
            awaitReady(1, true, System.nanoTime() + Math.min(left, 50_000_000L));
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
                + setupFlagNames(setupFlags) + ", in_flight=" + inFlight.count() + (closed ? ", closed" : "") + "]";
    }
}
