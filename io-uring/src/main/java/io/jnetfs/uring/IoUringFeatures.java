package io.jnetfs.uring;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.io_uring_params;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the running kernel's io_uring offers, asked the way the kernel answers, each answer a reason
 * naming what is missing (or {@code null} when it is there), so a caller can fall back and a test can
 * skip for exactly the feature it uses (with {@code Require.feature("io_uring/op/SENDMSG_ZC", reason)}).
 *
 * <pre>
 *   whether io_uring works at all  io_uring_setup(2, flags 0) once     --&gt; {@link #unavailableReason()}
 *   an opcode                      IORING_REGISTER_PROBE, cached        --&gt; {@link #missingOpcode(int)}
 *   setup flags                    io_uring_setup with each flag added  --&gt; {@link #missingSetupFlags(int)}
 *                                  in turn, -EINVAL read as "refused"
 *   a feature bit                  io_uring_params.features at setup    --&gt; {@link #missingFeature(int)}
 *   what neither shows             one real call on a throw-away ring,  --&gt; {@code missingSparseBuffers()},
 *                                  its result read                          {@code missingBufferRing(flags)},
 *                                                                           {@code missingRecvMultishot()},
 *                                                                           {@code missingRegisteredRingFd()},
 *                                                                           {@code missingSocketUringCmd()}, ...
 * </pre>
 *
 * <p>Each reason says how it was learnt and the Linux release that added the feature, for example
 * {@code "IORING_SETUP_DEFER_TASKRUN refused by io_uring_setup: EINVAL (needs Linux 6.1)"}. Answers
 * are computed once per process and cached; every method is thread-safe. The system property
 * {@code jnetfs.uring.disabled=true} makes io_uring look unavailable (to run the blocking fallback).
 */
public final class IoUringFeatures {
    private static final String[] FEAT_NAMES = {"IORING_FEAT_SINGLE_MMAP", "IORING_FEAT_NODROP",
        "IORING_FEAT_SUBMIT_STABLE", "IORING_FEAT_RW_CUR_POS", "IORING_FEAT_CUR_PERSONALITY", "IORING_FEAT_FAST_POLL",
        "IORING_FEAT_POLL_32BITS", "IORING_FEAT_SQPOLL_NONFIXED", "IORING_FEAT_EXT_ARG", "IORING_FEAT_NATIVE_WORKERS",
        "IORING_FEAT_RSRC_TAGS", "IORING_FEAT_CQE_SKIP", "IORING_FEAT_LINKED_FILE", "IORING_FEAT_REG_REG_RING",
        "IORING_FEAT_RECVSEND_BUNDLE", "IORING_FEAT_MIN_TIMEOUT"};
    /** The Linux release that added IORING_FEAT_* bit i. */
    private static final String[] FEAT_SINCE = {"5.4", "5.5", "5.5", "5.6", "5.6", "5.7", "5.9", "5.11", "5.11",
        "5.12", "5.13", "5.17", "5.17", "6.3", "6.10", "6.12"};
    /** Cached answers; {@link #PRESENT} stands for null (the feature is there). */
    private static final Map<String, String> CACHE = new ConcurrentHashMap<>();
    private static final String PRESENT = "";

    private IoUringFeatures() {
    }

    // ---- availability ---------------------------------------------------------------------------

    /**
     * Whether this process can use io_uring at all: a test ring is set up once and closed.
     *
     * @return true if rings can be set up here
     */
    public static boolean isAvailable() {
        return Availability.REASON == null;
    }

    /**
     * @return why {@link #isAvailable()} is false (the errno and the likely cause: a seccomp filter in
     *     a container, the {@code kernel.io_uring_disabled} sysctl, a kernel without io_uring, one older
     *     than the 5.11 features this binding relies on), or {@code null} if it is available
     */
    public static String unavailableReason() {
        return Availability.REASON;
    }

    private static final class Availability {
        static final int FEATURES;
        static final String REASON;

        static {
            int[] features = {0};
            REASON = check(features);
            FEATURES = features[0];
        }

        private static String check(int[] features) {
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
                features[0] = io_uring_params.features(params);
                if ((features[0] & RingSetup.FEAT_REQUIRED) != RingSetup.FEAT_REQUIRED) {
                    return "the kernel's io_uring lacks IORING_FEAT_NODROP, SUBMIT_STABLE or EXT_ARG (Linux 5.11+"
                            + " needed): features=0x" + Integer.toHexString(features[0]);
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

    // ---- opcodes, setup flags, feature bits -----------------------------------------------------

    /**
     * Asks {@code IORING_REGISTER_PROBE} whether the kernel supports an opcode.
     *
     * @param opcode an {@code IORING_OP_*} number ({@link Opcode})
     * @return null if supported, else why not, such as {@code "IORING_OP_SENDMSG_ZC not supported by
     *     this kernel (IORING_REGISTER_PROBE: last_op=47; needs Linux 6.1)"}
     */
    public static String missingOpcode(int opcode) {
        return cached("op/" + opcode, () -> {
            Probe p = Probed.PROBE;
            if (p == null) {
                return Probed.REASON;
            }
            if (p.isSupported(opcode)) {
                return null;
            }
            String since = Opcode.since(opcode);
            return Opcode.name(opcode) + " not supported by this kernel (IORING_REGISTER_PROBE: last_op="
                    + p.lastOp() + (since == null ? ")" : "; needs Linux " + since + ")");
        });
    }

    /** The kernel's opcode probe, asked once. */
    private static final class Probed {
        static final Probe PROBE;
        static final String REASON;

        static {
            Probe p = null;
            String reason = unavailableReason();
            if (reason == null) {
                try (IoUring ring = IoUring.open(2)) {
                    p = ring.probe();
                } catch (IOException | RuntimeException e) {
                    reason = "IORING_REGISTER_PROBE failed: " + e.getMessage();
                }
            }
            PROBE = p;
            REASON = reason;
        }
    }

    /**
     * Whether io_uring_setup accepts a combination of setup flags: the flags are added one at a time,
     * oldest first, and the first one the kernel refuses is named.
     *
     * @param flags IORING_SETUP_* flags, with the ones they need (DEFER_TASKRUN needs SINGLE_ISSUER,
     *     TASKRUN_FLAG needs COOP_TASKRUN or DEFER_TASKRUN)
     * @return null if accepted, else why not, such as
     *     {@code "IORING_SETUP_DEFER_TASKRUN refused by io_uring_setup: EINVAL (needs Linux 6.1)"}
     */
    public static String missingSetupFlags(int flags) {
        return cached("setup/" + flags, () -> {
            String reason = unavailableReason();
            if (reason != null) {
                return reason;
            }
            // add the flags one at a time, each after the ones it needs (SINGLE_ISSUER before
            // DEFER_TASKRUN before TASKRUN_FLAG), so the first refusal names the flag the kernel lacks
            int acc = 0;
            int known = 0;
            for (int bit : RingSetup.setupBits()) {
                known |= bit;
            }
            int left = flags & known;
            while (left != 0) {
                int bit = 0;
                for (int b : RingSetup.setupBits()) {
                    int needs = RingSetup.setupFlagNeeds(b) & flags;
                    if ((left & b) != 0 && (needs == 0 || (needs & acc) != 0)) {
                        bit = b;
                        break;
                    }
                }
                if (bit == 0) {
                    bit = Integer.lowestOneBit(left);
                }
                left &= ~bit;
                acc |= bit;
                int r = RingSetup.trySetup(acc, 4);
                if (r < 0) {
                    int with = acc & ~bit;
                    int needs = RingSetup.setupFlagNeeds(bit);
                    String why;
                    if (needs != 0 && (flags & needs) == 0) {
                        why = " (it needs " + RingSetup.setupFlagNames(needs).replace("|", " or ") + " with it)";
                    } else {
                        String since = RingSetup.setupFlagSince(bit);
                        why = since == null ? "" : " (needs Linux " + since + ")";
                    }
                    return RingSetup.setupFlagNames(bit) + (with == 0 ? "" : " (with " + RingSetup.setupFlagNames(with)
                            + ")") + " refused by io_uring_setup: " + Errno.name(-r) + why;
                }
            }
            int unknown = flags & ~acc;
            if (unknown != 0) {
                int r = RingSetup.trySetup(flags, 4);
                if (r < 0) {
                    return RingSetup.setupFlagNames(unknown) + " refused by io_uring_setup: " + Errno.name(-r);
                }
            }
            return null;
        });
    }

    /**
     * Whether the kernel reports a feature bit in {@code io_uring_params.features} at setup.
     *
     * @param feature one {@code IORING_FEAT_*} bit
     * @return null if reported, else why not, such as
     *     {@code "IORING_FEAT_REG_REG_RING not reported by io_uring_setup (features=0x1fff; needs Linux 6.3)"}
     */
    public static String missingFeature(int feature) {
        String reason = unavailableReason();
        if (reason != null) {
            return reason;
        }
        int have = Availability.FEATURES;
        if ((have & feature) == feature) {
            return null;
        }
        int bit = Integer.numberOfTrailingZeros(feature & ~have);
        String name = bit < FEAT_NAMES.length ? FEAT_NAMES[bit] : "IORING_FEAT_<1<<" + bit + ">";
        return name + " not reported by io_uring_setup (features=0x" + Integer.toHexString(have)
                + (bit < FEAT_SINCE.length ? "; needs Linux " + FEAT_SINCE[bit] + ")" : ")");
    }

    // ---- what only a real call shows --------------------------------------------------------------

    /**
     * Whether {@code IORING_REGISTER_BUFFERS2} takes {@code IORING_RSRC_REGISTER_SPARSE} (empty slots
     * to fill later, as {@link BvecqUring#registerPool} registers a pool): tried on a throw-away ring.
     *
     * @return null if it does, else why not
     */
    public static String missingSparseBuffers() {
        return cached("sparse-buffers", () -> {
            String reason = unavailableReason();
            if (reason != null) {
                return reason;
            }
            try (IoUring ring = IoUring.open(2)) {
                ring.registerBuffersSparse(1);
                return null;
            } catch (IOException e) {
                return e.getMessage() + " (IORING_RSRC_REGISTER_SPARSE needs Linux 5.19)";
            }
        });
    }

    /**
     * Whether SEND_ZC takes {@code IORING_SEND_ZC_REPORT_USAGE} (the notification then says whether the
     * kernel copied after all): a SEND_ZC with the flag on descriptor -1 fails with EINVAL at preparation
     * where the flag is unknown, and with EBADF (at issue, after preparation) where it is known.
     *
     * @return null if it does, else why not
     */
    public static String missingSendZcReportUsage() {
        return cached("send-zc-report-usage", () -> {
            String op = missingOpcode(Opcode.IORING_OP_SEND_ZC);
            if (op != null) {
                return op;
            }
            int r = trial(ring -> ring.prepSendZc(-1, Trial.BYTE, 0, LibC.IORING_SEND_ZC_REPORT_USAGE(), 0, 0));
            return r == -Errno.EINVAL
                    ? "IORING_SEND_ZC_REPORT_USAGE refused by IORING_OP_SEND_ZC: EINVAL (needs Linux 6.2)" : null;
        });
    }

    /**
     * Whether {@code IORING_REGISTER_PBUF_RING} takes a provided-buffer ring with {@code flags}: a
     * two-entry ring registered (and closed) on a throw-away ring.
     *
     * @param flags 0, {@link BufferRing#IOU_PBUF_RING_MMAP}, {@link BufferRing#IOU_PBUF_RING_INC}
     * @return null if it does, else why not
     */
    public static String missingBufferRing(int flags) {
        return cached("pbuf-ring/" + flags, () -> {
            String reason = unavailableReason();
            if (reason != null) {
                return reason;
            }
            if (flags != 0) {
                String plain = missingBufferRing(0);
                if (plain != null) {
                    return plain;
                }
            }
            try (IoUring ring = IoUring.open(2)) {
                ring.registerBufferRing(0, 2, 64, flags).close();
                return null;
            } catch (IOException e) {
                String since = (flags & BufferRing.IOU_PBUF_RING_INC) != 0 ? "6.12"
                        : (flags & BufferRing.IOU_PBUF_RING_MMAP) != 0 ? "6.4" : "5.19";
                return e.getMessage() + " (needs Linux " + since + ")";
            }
        });
    }

    /**
     * Whether RECV takes {@code IORING_RECV_MULTISHOT}: a multishot receive over a socket pair, one byte
     * sent, its first completion read (the byte with IORING_CQE_F_MORE where supported, -EINVAL where not).
     *
     * @return null if it does, else why not
     */
    public static String missingRecvMultishot() {
        return cached("recv-multishot", () -> {
            String r = missingBufferRing(0);
            if (r != null) {
                return r;
            }
            int[] pair = new int[2];
            try (Arena a = Arena.ofConfined()) {
                MemorySegment fds = a.allocate(8);
                int sp = Native.socketpair(LibC.AF_UNIX(), LibC.SOCK_STREAM() | LibC.SOCK_CLOEXEC(), 0, fds);
                if (sp < 0) {
                    return "socketpair(AF_UNIX) failed: " + Errno.describe(-sp);
                }
                pair[0] = fds.get(ValueLayout.JAVA_INT, 0);
                pair[1] = fds.get(ValueLayout.JAVA_INT, 4);
                Native.write(pair[1], fds, 1);
                int[] first = trialFirst(ring -> ring.prepRecvMultishot(pair[0], ring.registerBufferRing(0, 2, 64, 0), 0,
                        0, 0));
                if (first[0] == -Errno.EINVAL) {
                    return "IORING_RECV_MULTISHOT refused by IORING_OP_RECV: EINVAL (needs Linux 6.0)";
                }
                if (first[0] != 1 || (first[1] & LibC.IORING_CQE_F_MORE()) == 0) {
                    return "a multishot IORING_OP_RECV of one byte completed with res=" + first[0] + ", flags=0x"
                            + Integer.toHexString(first[1]) + " (expected 1 with IORING_CQE_F_MORE)";
                }
                return null;
            } finally {
                for (int fd : pair) {
                    if (fd > 0) {
                        Native.close(fd);
                    }
                }
            }
        });
    }

    /**
     * Whether {@code IORING_REGISTER_RING_FDS} registers a ring's descriptor: tried on a throw-away ring.
     *
     * @return null if it does, else why not
     */
    public static String missingRegisteredRingFd() {
        return cached("ring-fds", () -> {
            String reason = unavailableReason();
            if (reason != null) {
                return reason;
            }
            if (Thread.currentThread().isVirtual()) {
                return "a registered ring descriptor needs a platform thread";
            }
            try (IoUring ring = IoUring.open(2)) {
                ring.registerRingFd();
                return null;
            } catch (IOException e) {
                return e.getMessage() + " (needs Linux 5.18)";
            }
        });
    }

    /**
     * Whether a socket carries out {@code IORING_OP_URING_CMD} ({@code SOCKET_URING_OP_SIOCINQ}): asked
     * of an unbound UDP socket, which has 0 bytes queued where it works.
     *
     * @return null if it does, else why not
     */
    public static String missingSocketUringCmd() {
        return cached("socket-uring-cmd", () -> {
            String op = missingOpcode(Opcode.IORING_OP_URING_CMD);
            if (op != null) {
                return op;
            }
            int fd = Native.socket(LibC.AF_INET(), LibC.SOCK_DGRAM() | LibC.SOCK_CLOEXEC(), 0);
            if (fd < 0) {
                return "socket(AF_INET, SOCK_DGRAM) failed: " + Errno.describe(-fd);
            }
            try {
                int r = trial(ring -> ring.prepUringCmd(fd, LibC.SOCKET_URING_OP_SIOCINQ(), null, 0, 0));
                return r == 0 ? null : "IORING_OP_URING_CMD(SOCKET_URING_OP_SIOCINQ) on a socket failed: "
                        + Errno.describe(-r) + " (needs Linux 6.7)";
            } finally {
                Native.close(fd);
            }
        });
    }

    /** One operation on a throw-away ring. */
    @FunctionalInterface
    interface TrialOp {
        void prep(IoUring ring) throws IOException;
    }

    /** Native memory for trial operations, never written by them. */
    private static final class Trial {
        static final MemorySegment BYTE = Arena.global().allocate(8);
    }

    /**
     * Runs one operation on a throw-away ring and waits (at most 5 s) for its first completion.
     *
     * @return its {@code res}, or {@code -ETIME} if it did not complete in time
     */
    static int trial(TrialOp op) {
        return trialFirst(op)[0];
    }

    /** As {@link #trial}: the first completion's {@code res} and {@code flags}. */
    static int[] trialFirst(TrialOp op) {
        try (IoUring ring = IoUring.open(4)) {
            op.prep(ring);
            int[] first = {-Errno.ETIME, 0};
            boolean[] done = {false};
            ring.submitAndWait(1, 5, TimeUnit.SECONDS);
            ring.complete((r, f, u) -> {
                if (!done[0]) {
                    first[0] = r;
                    first[1] = f;
                    done[0] = true;
                }
            });
            return first;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String cached(String key, Supplier<String> compute) {
        String v = CACHE.get(key);
        if (v == null) {
            String r = compute.get();
            v = r == null ? PRESENT : r;
            CACHE.putIfAbsent(key, v);
        }
        return v.isEmpty() ? null : v;
    }
}
