package io.jnetfs.uring;

import io.jnetfs.ffm.Errors;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.__kernel_timespec;
import io.jnetfs.ffm.gen.io_cqring_offsets;
import io.jnetfs.ffm.gen.io_sqring_offsets;
import io.jnetfs.ffm.gen.io_uring_params;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Sets a ring up: {@code io_uring_setup} fills in a {@code struct io_uring_params}, then the three
 * regions are mmapped from the ring's descriptor and handed to a {@link SubmissionQueue} and a
 * {@link CompletionQueue}.
 *
 * <pre>
 *   io_uring_setup(entries, params) --&gt; ring fd, params.sq_off / cq_off / features
 *
 *   mmap(fd, IORING_OFF_SQ_RING)  [ head | tail | mask | entries | flags | dropped | array[] ]
 *   mmap(fd, IORING_OFF_CQ_RING)  [ head | tail | mask | entries | overflow | cqes[] ]
 *        (one mapping for both under IORING_FEAT_SINGLE_MMAP, Linux 5.4)
 *   mmap(fd, IORING_OFF_SQES)     [ sqe | sqe | ... ]   64 bytes each, 128 with IORING_SETUP_SQE128
 * </pre>
 *
 * <p>Every mapping belongs to the ring's shared arena and is unmapped when the arena closes (never an
 * automatic arena: the kernel writes into these pages). {@link #trySetup(int, int)} is the probe form:
 * it sets a ring up with given flags and closes it at once, to learn whether the kernel accepts them.
 */
final class RingSetup {
    static final int SETUP_SQPOLL = LibC.IORING_SETUP_SQPOLL();
    static final int SETUP_CQSIZE = LibC.IORING_SETUP_CQSIZE();
    static final int SETUP_CLAMP = LibC.IORING_SETUP_CLAMP();
    static final int SETUP_SUBMIT_ALL = LibC.IORING_SETUP_SUBMIT_ALL();
    static final int SETUP_COOP_TASKRUN = LibC.IORING_SETUP_COOP_TASKRUN();
    static final int SETUP_TASKRUN_FLAG = LibC.IORING_SETUP_TASKRUN_FLAG();
    static final int SETUP_SQE128 = LibC.IORING_SETUP_SQE128();
    static final int SETUP_SINGLE_ISSUER = LibC.IORING_SETUP_SINGLE_ISSUER();
    static final int SETUP_DEFER_TASKRUN = LibC.IORING_SETUP_DEFER_TASKRUN();
    /** What this binding relies on: no dropped CQEs, stable submission, timed waits (Linux 5.11+). */
    static final int FEAT_REQUIRED = LibC.IORING_FEAT_NODROP() | LibC.IORING_FEAT_SUBMIT_STABLE()
            | LibC.IORING_FEAT_EXT_ARG();
    private static final int FEAT_SINGLE_MMAP = LibC.IORING_FEAT_SINGLE_MMAP();

    private static final int[] SETUP_BITS = {LibC.IORING_SETUP_IOPOLL(), SETUP_SQPOLL, LibC.IORING_SETUP_SQ_AFF(),
        SETUP_CQSIZE, SETUP_CLAMP, LibC.IORING_SETUP_ATTACH_WQ(), LibC.IORING_SETUP_R_DISABLED(), SETUP_SUBMIT_ALL,
        SETUP_COOP_TASKRUN, SETUP_TASKRUN_FLAG, SETUP_SQE128, LibC.IORING_SETUP_CQE32(), SETUP_SINGLE_ISSUER,
        SETUP_DEFER_TASKRUN};
    private static final String[] SETUP_NAMES = {"IORING_SETUP_IOPOLL", "IORING_SETUP_SQPOLL", "IORING_SETUP_SQ_AFF",
        "IORING_SETUP_CQSIZE", "IORING_SETUP_CLAMP", "IORING_SETUP_ATTACH_WQ", "IORING_SETUP_R_DISABLED",
        "IORING_SETUP_SUBMIT_ALL", "IORING_SETUP_COOP_TASKRUN", "IORING_SETUP_TASKRUN_FLAG", "IORING_SETUP_SQE128",
        "IORING_SETUP_CQE32", "IORING_SETUP_SINGLE_ISSUER", "IORING_SETUP_DEFER_TASKRUN"};
    /** The Linux release that added each flag of {@link #SETUP_BITS}. */
    private static final String[] SETUP_SINCE = {"5.1", "5.1", "5.1", "5.5", "5.6", "5.6", "5.10", "5.18", "5.19",
        "5.19", "5.19", "5.19", "6.0", "6.1"};

    /** The ring's descriptor. */
    final int fd;
    /** Owns the mappings and the ring's own native memory. */
    final Arena arena;
    /** The IORING_SETUP_* flags the ring was set up with. */
    final int setupFlags;
    /** The IORING_FEAT_* flags the kernel reported. */
    final int features;
    final SubmissionQueue sq;
    final CompletionQueue cq;

    private RingSetup(int fd, Arena arena, int setupFlags, int features, SubmissionQueue sq, CompletionQueue cq) {
        this.fd = fd;
        this.arena = arena;
        this.setupFlags = setupFlags;
        this.features = features;
        this.sq = sq;
        this.cq = cq;
    }

    /**
     * Sets a ring up and maps it.
     *
     * @param entries SQ entries
     * @param flags IORING_SETUP_* flags
     * @param cqEntries CQ entries, used with IORING_SETUP_CQSIZE
     * @param sqThreadIdleMillis {@code sq_thread_idle}, used with IORING_SETUP_SQPOLL
     * @return the ring's descriptor, arena and queues; the caller owns them
     * @throws IOException if io_uring_setup or mmap fails, or the kernel lacks a required feature
     */
    static RingSetup setup(int entries, int flags, int cqEntries, int sqThreadIdleMillis) throws IOException {
        Arena arena = Arena.ofShared();
        int fd = -1;
        boolean done = false;
        try {
            MemorySegment params = io_uring_params.allocate(arena);
            io_uring_params.flags(params, flags);
            if ((flags & SETUP_CQSIZE) != 0) {
                io_uring_params.cq_entries(params, cqEntries);
            }
            if ((flags & SETUP_SQPOLL) != 0) {
                io_uring_params.sq_thread_idle(params, sqThreadIdleMillis);
            }
            fd = Native.ioUringSetup(entries, params);
            if (fd < 0) {
                throw Errors.ioException("io_uring_setup(entries=" + entries + ", flags=" + setupFlagNames(flags) + ")",
                        -fd);
            }
            int features = io_uring_params.features(params);
            if ((features & FEAT_REQUIRED) != FEAT_REQUIRED) {
                throw new IOException("io_uring_setup: kernel lacks IORING_FEAT_NODROP, SUBMIT_STABLE or EXT_ARG"
                        + " (Linux 5.11+ needed): features=0x" + Integer.toHexString(features));
            }
            int sqEntries = io_uring_params.sq_entries(params);
            int cqCount = io_uring_params.cq_entries(params);
            MemorySegment sqOff = io_uring_params.sq_off(params);
            MemorySegment cqOff = io_uring_params.cq_off(params);
            long sqRingSize = Integer.toUnsignedLong(io_sqring_offsets.array(sqOff)) + 4L * sqEntries;
            long cqRingSize = Integer.toUnsignedLong(io_cqring_offsets.cqes(cqOff)) + CqeDescriptor.SIZE * cqCount;
            MemorySegment sqRing;
            MemorySegment cqRing;
            if ((features & FEAT_SINGLE_MMAP) != 0) {
                sqRing = map(fd, Math.max(sqRingSize, cqRingSize), LibC.IORING_OFF_SQ_RING(), "IORING_OFF_SQ_RING", arena);
                cqRing = sqRing;
            } else {
                sqRing = map(fd, sqRingSize, LibC.IORING_OFF_SQ_RING(), "IORING_OFF_SQ_RING", arena);
                cqRing = map(fd, cqRingSize, LibC.IORING_OFF_CQ_RING(), "IORING_OFF_CQ_RING", arena);
            }
            boolean sqe128 = (flags & SETUP_SQE128) != 0;
            long sqeSize = sqe128 ? SqeDescriptor.SIZE128 : SqeDescriptor.SIZE;
            MemorySegment sqes = map(fd, sqeSize * sqEntries, LibC.IORING_OFF_SQES(), "IORING_OFF_SQES", arena);
            SubmissionQueue sq = new SubmissionQueue(sqRing, sqes, sqOff, sqe128,
                    __kernel_timespec.allocateArray(sqEntries, arena));
            CompletionQueue cq = new CompletionQueue(cqRing, cqOff);
            RingSetup r = new RingSetup(fd, arena, io_uring_params.flags(params), features, sq, cq);
            done = true;
            return r;
        } finally {
            if (!done) {
                arena.close();
                if (fd >= 0) {
                    Native.close(fd);
                }
            }
        }
    }

    /**
     * mmaps a region of a ring (the rings, the SQEs, or a provided-buffer ring the kernel allocated); the
     * mapping belongs to {@code arena} and is unmapped when it closes.
     */
    static MemorySegment map(int fd, long size, long offset, String what, Arena arena) throws IOException {
        long addr = Native.mmap(MemorySegment.NULL, size, LibC.PROT_READ() | LibC.PROT_WRITE(),
                LibC.MAP_SHARED() | LibC.MAP_POPULATE(), fd, offset);
        if (addr < 0) {
            throw Errors.ioException("mmap(fd=" + fd + ", length=" + size + ", offset=" + what + ")", (int) -addr);
        }
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Native.munmap(s, size));
    }

    /**
     * Sets up a two-entry ring with {@code flags} and closes it at once: the probe form of
     * {@link #setup}.
     *
     * @param flags IORING_SETUP_* flags
     * @param cqEntries CQ entries for IORING_SETUP_CQSIZE (else ignored)
     * @return the IORING_FEAT_* flags the kernel reported (&ge; 0), or {@code -errno}
     */
    static int trySetup(int flags, int cqEntries) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment params = io_uring_params.allocate(a);
            io_uring_params.flags(params, flags);
            io_uring_params.cq_entries(params, cqEntries);
            io_uring_params.sq_thread_idle(params, 10);
            int fd = Native.ioUringSetup(2, params);
            if (fd < 0) {
                return fd;
            }
            Native.close(fd);
            return io_uring_params.features(params) & Integer.MAX_VALUE;
        }
    }

    /**
     * @param flags a combination of IORING_SETUP_* flags
     * @return their kernel names joined with {@code |}
     */
    static String setupFlagNames(int flags) {
        StringBuilder sb = new StringBuilder();
        int rest = flags;
        for (int i = 0; i < SETUP_BITS.length; i++) {
            if ((flags & SETUP_BITS[i]) != 0) {
                sb.append(sb.isEmpty() ? "" : "|").append(SETUP_NAMES[i]);
                rest &= ~SETUP_BITS[i];
            }
        }
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }

    /**
     * @param flag one IORING_SETUP_* flag
     * @return the Linux release that added it, or null if this binding does not know the flag
     */
    static String setupFlagSince(int flag) {
        for (int i = 0; i < SETUP_BITS.length; i++) {
            if (SETUP_BITS[i] == flag) {
                return SETUP_SINCE[i];
            }
        }
        return null;
    }

    /**
     * @param flag one IORING_SETUP_* flag
     * @return the flags of which io_uring_setup wants at least one beside {@code flag} (0 if none):
     *     DEFER_TASKRUN wants SINGLE_ISSUER, TASKRUN_FLAG wants COOP_TASKRUN or DEFER_TASKRUN, SQ_AFF
     *     wants SQPOLL
     */
    static int setupFlagNeeds(int flag) {
        if (flag == SETUP_DEFER_TASKRUN) {
            return SETUP_SINGLE_ISSUER;
        }
        if (flag == SETUP_TASKRUN_FLAG) {
            return SETUP_COOP_TASKRUN | SETUP_DEFER_TASKRUN;
        }
        if (flag == LibC.IORING_SETUP_SQ_AFF()) {
            return SETUP_SQPOLL;
        }
        return 0;
    }

    /** @return the IORING_SETUP_* flags this binding names, lowest bit first */
    static int[] setupBits() {
        return SETUP_BITS.clone();
    }
}
