package io.jnetfs.netfs.cachefiles;

import io.jnetfs.uring.FileIo;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.util.Locale;

/**
 * How the disk cache reads and writes its cache files: on io_uring (READV/WRITEV SQEs over the
 * chain's own iovec arrays, one ring per concurrent caller) or with blocking {@code preadv2}/{@code
 * pwritev2}. {@link #AUTO} takes io_uring where {@link IoUring#isAvailable()}, else the blocking path,
 * and records why ({@link CacheFiles#ioFallbackReason()}).
 */
public enum CacheIo {
    /** io_uring where available, else blocking (the default). */
    AUTO,
    /** io_uring, or an error naming why it is unavailable. */
    IO_URING,
    /** Blocking preadv2/pwritev2. */
    BLOCKING;

    /** SQ entries of each ring: a cache call has one SQE in flight per step of its chain. */
    static final int RING_ENTRIES = 8;

    /**
     * @param text {@code auto}, {@code io_uring} (or {@code io-uring}, {@code uring}) or {@code blocking}
     * @return the value
     * @throws IllegalArgumentException naming the text if it is none of these
     */
    public static CacheIo parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT).replace('-', '_')) {
            case "auto" -> AUTO;
            case "io_uring", "uring", "iouring" -> IO_URING;
            case "blocking" -> BLOCKING;
            default -> throw new IllegalArgumentException("invalid cache io=" + text + " (auto, io_uring, blocking)");
        };
    }

    /** Opens the implementation this choice means. */
    FileIo open() throws IOException {
        return switch (this) {
            case BLOCKING -> FileIo.blocking();
            case IO_URING -> {
                if (!IoUring.isAvailable()) {
                    throw new IOException("cache io=io_uring, but io_uring is unavailable: " + IoUring.unavailableReason());
                }
                yield FileIo.uring(RING_ENTRIES);
            }
            case AUTO -> IoUring.isAvailable() ? FileIo.uring(RING_ENTRIES) : FileIo.blocking();
        };
    }
}
