package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;

/**
 * The {@code IOSQE_*} flags a {@code prep*} method of {@link IoUring} accepts in its
 * {@code sqeFlags} argument, under their kernel names. Combine them with {@code |}.
 */
public final class SqeFlags {
    /** {@code IOSQE_FIXED_FILE}: the {@code fd} argument is an index into the registered files. */
    public static final int IOSQE_FIXED_FILE = LibC.IOSQE_FIXED_FILE();
    /** {@code IOSQE_IO_DRAIN}: start only after every earlier SQE has completed. */
    public static final int IOSQE_IO_DRAIN = LibC.IOSQE_IO_DRAIN();
    /** {@code IOSQE_IO_LINK}: the next SQE starts only after this one succeeded (else it is cancelled). */
    public static final int IOSQE_IO_LINK = LibC.IOSQE_IO_LINK();
    /** {@code IOSQE_IO_HARDLINK}: like {@link #IOSQE_IO_LINK}, but the next SQE runs even if this one failed. */
    public static final int IOSQE_IO_HARDLINK = LibC.IOSQE_IO_HARDLINK();
    /** {@code IOSQE_ASYNC}: go to the async worker at once instead of trying a non-blocking attempt first. */
    public static final int IOSQE_ASYNC = LibC.IOSQE_ASYNC();

    /** Every flag above: what {@link IoUring} accepts. */
    static final int ALLOWED = IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | IOSQE_IO_HARDLINK | IOSQE_ASYNC;
    /** The flags that tie an SQE to the next one. */
    static final int LINKS = IOSQE_IO_LINK | IOSQE_IO_HARDLINK;

    private SqeFlags() {
    }

    /**
     * @param flags a combination of {@code IOSQE_*} flags
     * @return their kernel names joined with {@code |}, or {@code "0"}
     */
    public static String names(int flags) {
        StringBuilder sb = new StringBuilder();
        append(sb, flags, IOSQE_FIXED_FILE, "IOSQE_FIXED_FILE");
        append(sb, flags, IOSQE_IO_DRAIN, "IOSQE_IO_DRAIN");
        append(sb, flags, IOSQE_IO_LINK, "IOSQE_IO_LINK");
        append(sb, flags, IOSQE_IO_HARDLINK, "IOSQE_IO_HARDLINK");
        append(sb, flags, IOSQE_ASYNC, "IOSQE_ASYNC");
        int rest = flags & ~ALLOWED;
        if (rest != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append("0x").append(Integer.toHexString(rest));
        }
        return sb.isEmpty() ? "0" : sb.toString();
    }

    private static void append(StringBuilder sb, int flags, int flag, String name) {
        if ((flags & flag) != 0) {
            sb.append(sb.isEmpty() ? "" : "|").append(name);
        }
    }
}
