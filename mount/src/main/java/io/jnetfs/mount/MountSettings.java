package io.jnetfs.mount;

import java.time.Duration;

/**
 * How a mount caches and talks to the server.
 *
 * @param attrTimeout how long the kernel may keep a file's attributes before asking again
 *     ({@code attr_valid}; NFS's {@code actimeo})
 * @param entryTimeout how long the kernel may keep a name before looking it up again ({@code entry_valid})
 * @param directIo every read and write reaches jnetfs and is served from its page cache
 *     ({@code FOPEN_DIRECT_IO}; {@code -o direct_io}); otherwise the kernel's page cache keeps what it
 *     read and keeps it across opens while the file's mtime and size stay what they were
 *     ({@code FOPEN_KEEP_CACHE}, close-to-open coherency as NFS has it)
 * @param readOnly open every file read-only ({@code -o ro})
 * @param inflight RPCs in flight per request, and the most reads and writes one open file has out
 */
public record MountSettings(Duration attrTimeout, Duration entryTimeout, boolean directIo, boolean readOnly,
                            int inflight) {
    /** The default attribute and entry timeout: 1 second, as libfuse's. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(1);

    /** Checks the values. */
    public MountSettings {
        if (attrTimeout.isNegative() || entryTimeout.isNegative()) {
            throw new IllegalArgumentException("invalid attrTimeout=" + attrTimeout + ", entryTimeout=" + entryTimeout);
        }
        if (inflight < 1) {
            throw new IllegalArgumentException("invalid inflight=" + inflight);
        }
    }

    /** {@return the defaults: 1 s timeouts, the kernel's page cache, read-write, 16 in flight} */
    public static MountSettings defaults() {
        return new MountSettings(DEFAULT_TIMEOUT, DEFAULT_TIMEOUT, false, false, 16);
    }

    /** {@return the attribute timeout in nanoseconds} */
    long attrTimeoutNanos() {
        return attrTimeout.toNanos();
    }

    /** {@return the entry timeout in nanoseconds} */
    long entryTimeoutNanos() {
        return entryTimeout.toNanos();
    }
}
