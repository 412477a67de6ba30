package io.jnetfs.uring;

import java.lang.foreign.MemorySegment;

/**
 * The argument checks every {@code prep*} method of {@link IoUring} makes before it writes an SQE: a
 * misuse is an exception naming the argument and its value ({@code "buf must be native memory: buf=..."}),
 * thrown before anything reaches the ring, so no half-prepared SQE is left behind. Cheap enough for
 * the hot path: no allocation unless a check fails.
 */
final class SqeArgs {
    private SqeArgs() {
    }

    /** @throws IllegalArgumentException if {@code sqeFlags} holds a flag outside {@code allowed} */
    static void checkSqeFlags(int sqeFlags, int allowed) {
        if ((sqeFlags & ~allowed) != 0) {
            throw new IllegalArgumentException("unsupported SQE flags: sqeFlags=" + SqeFlags.names(sqeFlags));
        }
    }

    /** @throws IllegalArgumentException if IOSQE_FIXED_FILE is set and {@code fd} is no registered file */
    static void checkFd(int fd, int sqeFlags, int registeredFiles) {
        if ((sqeFlags & SqeFlags.IOSQE_FIXED_FILE) != 0 && (fd < 0 || fd >= registeredFiles)) {
            throw new IllegalArgumentException("IOSQE_FIXED_FILE index out of the " + registeredFiles
                    + " registered files: fd=" + fd);
        }
    }

    /**
     * @return {@code seg}
     * @throws IllegalArgumentException if it is heap memory
     * @throws IllegalStateException if its arena is closed
     */
    static MemorySegment checkNative(MemorySegment seg, String name) {
        if (!seg.isNative()) {
            throw new IllegalArgumentException(name + " must be native memory: " + name + "=" + seg);
        }
        if (!seg.scope().isAlive()) {
            throw new IllegalStateException(name + " belongs to a closed arena: " + name + "=" + seg);
        }
        return seg;
    }

    /** @return the length of {@code buf} as the kernel's 32-bit {@code len} */
    static int checkLength(MemorySegment buf, String name) {
        long n = buf.byteSize();
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + " longer than 2^31-1 bytes: " + name + ".byteSize()=" + n);
        }
        return (int) n;
    }

    /** @throws IllegalArgumentException if {@code value} is negative */
    static void checkNotNegative(long value, String name) {
        if (value < 0) {
            throw new IllegalArgumentException("negative " + name + ": " + name + "=" + value);
        }
    }
}
