package io.jnetfs.fuse;

import java.time.Duration;
import java.util.Objects;

/**
 * How to mount and serve a FUSE filesystem: the mount options ({@code fsname}, {@code subtype},
 * {@code allow_other}, {@code ro}, {@code default_permissions}), the caching choices (entry and
 * attribute timeouts, {@code direct_io}, the writeback cache) and the serving ones (worker threads,
 * {@code max_write}, cloned device descriptors).
 *
 * <p>A mutable builder; {@code FuseSession.mount} copies it, so it can be reused.
 */
public final class FuseOptions {
    /** How the filesystem gets mounted. */
    public enum MountMethod {
        /** {@code mount(2)} when running as root, {@code fusermount3} otherwise. */
        AUTO,
        /** {@code mount(2)} (needs {@code CAP_SYS_ADMIN}). */
        SYSCALL,
        /** The setuid helper {@code fusermount3} (package {@code fuse3}), which works for root too. */
        FUSERMOUNT
    }

    /** Which path requests and replies take between the kernel and the workers ({@code --fuse-transport}). */
    public enum Transport {
        /** io_uring when the kernel offers it ({@code enable_uring} Y, INIT reports it), else {@code /dev/fuse}. */
        AUTO,
        /** io_uring ({@code FUSE_OVER_IO_URING}, Linux 6.14), or fail with the reason it is unavailable. */
        IO_URING,
        /** {@code read} and {@code writev} on {@code /dev/fuse}. */
        DEV;

        /**
         * @param name {@code auto}, {@code io-uring} or {@code dev}
         * @return the transport
         * @throws IllegalArgumentException naming the accepted values
         */
        public static Transport parse(String name) {
            return switch (name) {
                case "auto" -> AUTO;
                case "io-uring", "io_uring", "uring" -> IO_URING;
                case "dev", "/dev/fuse" -> DEV;
                default -> throw new IllegalArgumentException("invalid fuse transport=\"" + name
                        + "\" (auto, io-uring or dev)");
            };
        }
    }

    private String fsName = "jnetfs";
    private String subtype = "jnetfs";
    private boolean allowOther;
    private boolean defaultPermissions = true;
    private boolean readOnly;
    private boolean directIo;
    private boolean writebackCache;
    private boolean cloneFd = true;
    private boolean autoUnmount;
    private long entryTimeoutNanos = Duration.ofSeconds(1).toNanos();
    private long attrTimeoutNanos = Duration.ofSeconds(1).toNanos();
    private int threads = 4;
    private int maxWrite = 1 << 20;
    private int maxReadahead = 1 << 20;
    private MountMethod mountMethod = MountMethod.AUTO;
    private Duration initTimeout = Duration.ofSeconds(10);
    private Transport transport = Transport.AUTO;
    private int uringQueueDepth = 2;

    /** Makes the defaults: fsname and subtype {@code jnetfs} (type {@code fuse.jnetfs}), 4 threads, 1 MiB requests. */
    public FuseOptions() {
    }

    /** @return a copy of these options */
    public FuseOptions copy() {
        FuseOptions o = new FuseOptions();
        o.fsName = fsName;
        o.subtype = subtype;
        o.allowOther = allowOther;
        o.defaultPermissions = defaultPermissions;
        o.readOnly = readOnly;
        o.directIo = directIo;
        o.writebackCache = writebackCache;
        o.cloneFd = cloneFd;
        o.autoUnmount = autoUnmount;
        o.entryTimeoutNanos = entryTimeoutNanos;
        o.attrTimeoutNanos = attrTimeoutNanos;
        o.threads = threads;
        o.maxWrite = maxWrite;
        o.maxReadahead = maxReadahead;
        o.mountMethod = mountMethod;
        o.initTimeout = initTimeout;
        o.transport = transport;
        o.uringQueueDepth = uringQueueDepth;
        return o;
    }

    /** @return the source shown in {@code /proc/mounts} ({@code fsname=}) */
    public String fsName() {
        return fsName;
    }

    /**
     * @param fsName the source shown in {@code /proc/mounts}, such as {@code 9p://host/path}; no commas
     * @return this
     */
    public FuseOptions fsName(String fsName) {
        this.fsName = checkOption("fsName", fsName);
        return this;
    }

    /** @return the subtype: the mount's type is {@code fuse.SUBTYPE} */
    public String subtype() {
        return subtype;
    }

    /**
     * @param subtype makes the mount's type {@code fuse.SUBTYPE} in {@code /proc/mounts}
     * @return this
     */
    public FuseOptions subtype(String subtype) {
        this.subtype = checkOption("subtype", subtype);
        return this;
    }

    /** @return whether users other than the mounting one may use the mount ({@code allow_other}) */
    public boolean allowOther() {
        return allowOther;
    }

    /**
     * @param allowOther let other users use the mount (for a non-root mount, {@code user_allow_other} in
     *     {@code /etc/fuse.conf})
     * @return this
     */
    public FuseOptions allowOther(boolean allowOther) {
        this.allowOther = allowOther;
        return this;
    }

    /** @return whether the kernel checks permissions from the mode bits ({@code default_permissions}) */
    public boolean defaultPermissions() {
        return defaultPermissions;
    }

    /**
     * @param on let the kernel check permissions from the mode bits (default true); off sends ACCESS
     * @return this
     */
    public FuseOptions defaultPermissions(boolean on) {
        this.defaultPermissions = on;
        return this;
    }

    /** @return whether the mount is read-only ({@code ro}) */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * @param readOnly mount read-only
     * @return this
     */
    public FuseOptions readOnly(boolean readOnly) {
        this.readOnly = readOnly;
        return this;
    }

    /** @return whether every open file defaults to {@link FuseOpen#FOPEN_DIRECT_IO} ({@code -o direct_io}) */
    public boolean directIo() {
        return directIo;
    }

    /**
     * @param directIo make every OPEN and CREATE answer carry {@link FuseOpen#FOPEN_DIRECT_IO} unless the
     *     handler sets other flags: every read and write then reaches the filesystem
     * @return this
     */
    public FuseOptions directIo(boolean directIo) {
        this.directIo = directIo;
        return this;
    }

    /** @return whether the kernel's writeback cache is asked for */
    public boolean writebackCache() {
        return writebackCache;
    }

    /**
     * @param on ask for {@code FUSE_WRITEBACK_CACHE}: buffered writes are gathered by the kernel
     * @return this
     */
    public FuseOptions writebackCache(boolean on) {
        this.writebackCache = on;
        return this;
    }

    /** @return whether each worker reads its own cloned descriptor ({@code FUSE_DEV_IOC_CLONE}) */
    public boolean cloneFd() {
        return cloneFd;
    }

    /**
     * @param on give each worker thread its own {@code /dev/fuse} descriptor cloned from the session's
     *     (default true; falls back to sharing one where the ioctl fails)
     * @return this
     */
    public FuseOptions cloneFd(boolean on) {
        this.cloneFd = on;
        return this;
    }

    /** @return whether fusermount3 unmounts when this process ends without unmounting ({@code auto_unmount}) */
    public boolean autoUnmount() {
        return autoUnmount;
    }

    /**
     * @param on mount with fusermount3's {@code auto_unmount}: a watcher process unmounts the filesystem
     *     when this process exits or dies without unmounting (no mount left answering {@code ENOTCONN}).
     *     Only through fusermount3 ({@link MountMethod#AUTO} then picks it, also for root)
     * @return this
     */
    public FuseOptions autoUnmount(boolean on) {
        this.autoUnmount = on;
        return this;
    }

    /** @return how long the kernel caches names, nanoseconds */
    public long entryTimeoutNanos() {
        return entryTimeoutNanos;
    }

    /**
     * @param timeout how long the kernel caches names by default (handlers may set their own)
     * @return this
     */
    public FuseOptions entryTimeout(Duration timeout) {
        this.entryTimeoutNanos = checkTimeout("entryTimeout", timeout);
        return this;
    }

    /** @return how long the kernel caches attributes, nanoseconds */
    public long attrTimeoutNanos() {
        return attrTimeoutNanos;
    }

    /**
     * @param timeout how long the kernel caches attributes by default (handlers may set their own)
     * @return this
     */
    public FuseOptions attrTimeout(Duration timeout) {
        this.attrTimeoutNanos = checkTimeout("attrTimeout", timeout);
        return this;
    }

    /** @return how many worker threads serve the device */
    public int threads() {
        return threads;
    }

    /**
     * @param threads worker threads reading the device, 1 .. 256
     * @return this
     */
    public FuseOptions threads(int threads) {
        if (threads < 1 || threads > 256) {
            throw new IllegalArgumentException("invalid threads=" + threads + " (1 .. 256)");
        }
        this.threads = threads;
        return this;
    }

    /** @return the largest WRITE payload asked for */
    public int maxWrite() {
        return maxWrite;
    }

    /**
     * @param maxWrite the largest WRITE (and READ) payload, 4 KiB .. 1 MiB, a multiple of 4096 (the kernel
     *     may allow less: {@code /proc/sys/fs/fuse/max_pages_limit})
     * @return this
     */
    public FuseOptions maxWrite(int maxWrite) {
        if (maxWrite < 4096 || maxWrite > (1 << 20) || (maxWrite & 4095) != 0) {
            throw new IllegalArgumentException("invalid maxWrite=" + maxWrite + " (4096 .. 1048576, a multiple of 4096)");
        }
        this.maxWrite = maxWrite;
        return this;
    }

    /** @return the most the kernel reads ahead */
    public int maxReadahead() {
        return maxReadahead;
    }

    /**
     * @param maxReadahead the most bytes the kernel reads ahead (at most what it offers), at least 0
     * @return this
     */
    public FuseOptions maxReadahead(int maxReadahead) {
        if (maxReadahead < 0) {
            throw new IllegalArgumentException("invalid maxReadahead=" + maxReadahead);
        }
        this.maxReadahead = maxReadahead;
        return this;
    }

    /** @return how the filesystem gets mounted */
    public MountMethod mountMethod() {
        return mountMethod;
    }

    /**
     * @param method {@code mount(2)}, {@code fusermount3}, or the one that fits ({@link MountMethod#AUTO})
     * @return this
     */
    public FuseOptions mountMethod(MountMethod method) {
        this.mountMethod = Objects.requireNonNull(method, "method");
        return this;
    }

    /** @return how long mounting waits for the kernel's INIT */
    public Duration initTimeout() {
        return initTimeout;
    }

    /**
     * @param timeout how long {@code FuseSession.mount} waits for the kernel's INIT before it gives up
     * @return this
     */
    public FuseOptions initTimeout(Duration timeout) {
        checkTimeout("initTimeout", timeout);
        this.initTimeout = timeout;
        return this;
    }

    /** @return the transport asked for (default {@link Transport#AUTO}) */
    public Transport transport() {
        return transport;
    }

    /**
     * @param transport which path requests take: {@link Transport#AUTO}, {@link Transport#IO_URING}
     *     (the session fails when it is unavailable) or {@link Transport#DEV}
     * @return this
     */
    public FuseOptions transport(Transport transport) {
        this.transport = Objects.requireNonNull(transport, "transport");
        return this;
    }

    /**
     * @return io_uring ring entries each worker registers on its FUSE queue (default 2; a worker that
     *     serves several queues, on a machine with more CPUs than workers, registers one on each)
     */
    public int uringQueueDepth() {
        return uringQueueDepth;
    }

    /**
     * @param depth ring entries per worker and queue, 1..64 (each holds a {@code max_write} payload buffer)
     * @return this
     */
    public FuseOptions uringQueueDepth(int depth) {
        if (depth < 1 || depth > 64) {
            throw new IllegalArgumentException("invalid uringQueueDepth=" + depth + " (1..64)");
        }
        this.uringQueueDepth = depth;
        return this;
    }

    private static String checkOption(String what, String value) {
        Objects.requireNonNull(value, what);
        if (value.isEmpty() || value.indexOf(',') >= 0 || value.indexOf('\0') >= 0 || value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("invalid " + what + "=\"" + value + "\" (not empty, no ',', NUL or newline)");
        }
        return value;
    }

    private static long checkTimeout(String what, Duration timeout) {
        Objects.requireNonNull(timeout, what);
        if (timeout.isNegative()) {
            throw new IllegalArgumentException("invalid " + what + "=" + timeout);
        }
        return timeout.toNanos();
    }

    @Override
    public String toString() {
        return "FuseOptions[fsname=" + fsName + ", subtype=" + subtype + (allowOther ? ", allow_other" : "")
                + (readOnly ? ", ro" : "") + (directIo ? ", direct_io" : "") + (writebackCache ? ", writeback_cache" : "") + (autoUnmount ? ", auto_unmount" : "")
                + ", threads=" + threads + ", max_write=" + maxWrite + ", mount=" + mountMethod + "]";
    }
}
