package io.jnetfs.cli;

import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.uring.IoUring;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * The options every command takes, before or after the command's name ({@code scope = INHERIT}):
 * how to reach the server, the engine's and the cache's settings, and how much to say.
 */
public final class CommonOptions {
    /** Default RPCs in flight per request. */
    public static final int DEFAULT_INFLIGHT = 16;
    /** Default request timeout in seconds. */
    public static final int DEFAULT_TIMEOUT_SECONDS = 30;

    @Option(names = "--aname", paramLabel = "NAME", scope = ScopeType.INHERIT,
            description = "The export to attach (diod names its exports by their path, e.g. /srv/export). Default: \"\".")
    String aname = "";

    @Option(names = "--uname", paramLabel = "USER", scope = ScopeType.INHERIT,
            description = "The user to attach as. Default: this process's user (by name and uid).")
    String uname;

    @Option(names = "--cache", paramLabel = "DIR", scope = ScopeType.INHERIT,
            description = "The disk cache directory. Default: $XDG_CACHE_HOME/jnetfs (~/.cache/jnetfs).")
    Path cache;

    @Option(names = "--no-cache", scope = ScopeType.INHERIT,
            description = "Use no disk cache: every read of a remote file goes to the server.")
    boolean noCache;

    @Option(names = "--msize", paramLabel = "BYTES", scope = ScopeType.INHERIT, converter = SizeConverter.class,
            description = "The 9P msize to ask for (4K .. 16M; the server may grant less). Default: 1M.")
    long msize = P9Options.DEFAULT_MSIZE;

    @Option(names = "--inflight", paramLabel = "N", scope = ScopeType.INHERIT,
            description = "Reads or writes in flight per request; an open file has at most this many reads and writes out. Default: "
                    + DEFAULT_INFLIGHT + ".")
    int inflight = DEFAULT_INFLIGHT;

    @Option(names = "--io-uring", negatable = true, scope = ScopeType.INHERIT,
            description = "Send and receive 9P messages through io_uring (--no-io-uring: sendmsg/recvmsg system calls). "
                    + "Default: io_uring when this kernel allows it, for the commands that move file data (stat, ls, mkdir and rm "
                    + "send a few small messages: system calls).")
    Boolean ioUring;

    @Option(names = "--timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "How long a request may take. Default: " + DEFAULT_TIMEOUT_SECONDS + ".")
    int timeoutSeconds = DEFAULT_TIMEOUT_SECONDS;

    @Option(names = "--page-cache", paramLabel = "BYTES", scope = ScopeType.INHERIT, converter = SizeConverter.class,
            description = "The page cache's memory budget (4M .. 64G; the folio pool holds up to twice it). "
                    + "Default: 256M.")
    long pageCache = EngineSettings.DEFAULT_PAGE_CACHE;

    @Option(names = "--attr-timeout", paramLabel = "SECONDS", scope = ScopeType.INHERIT,
            description = "How long an open file trusts the server's attributes before asking again; a change by "
                    + "another client then drops the cached data (0: ask before every read). Default: 3.")
    int attrTimeoutSeconds = (int) EngineSettings.DEFAULT.attrTimeout().toSeconds();

    @Option(names = "--cache-size", paramLabel = "BYTES", scope = ScopeType.INHERIT, converter = SizeConverter.class,
            description = "The most the disk cache may take on disk; least-recently-used files are culled "
                    + "(0: no limit but the filesystem's free space). Default: 0.")
    long cacheSize;

    @Option(names = "--cache-cull", paramLabel = "RUN,CULL,STOP", scope = ScopeType.INHERIT,
            description = "Free-space thresholds in percent (cachefilesd's brun, bcull, bstop), of the cache's "
                    + "filesystem and of --cache-size: culling starts below CULL and stops at RUN; below STOP "
                    + "nothing is written to the cache. Default: 10,7,3.")
    String cacheCull = "10,7,3";

    @Option(names = "--no-reconnect", scope = ScopeType.INHERIT,
            description = "Fail at once when the connection is lost. Default: connect again (for up to --timeout), "
                    + "walk and reopen the open files and send again what had no reply.")
    boolean noReconnect;

    @Option(names = {"-q", "--quiet"}, scope = ScopeType.INHERIT, description = "No progress bar, no warnings.")
    boolean quiet;

    @Option(names = {"-v", "--verbose"}, scope = ScopeType.INHERIT,
            description = "Say what is done; on failure, the full error (the 9P request, the stack).")
    boolean verbose;

    @Option(names = "--stats", scope = ScopeType.INHERIT,
            description = "After the command, print its counters (as `jnetfs stats` does) to stderr.")
    boolean stats;

    /** Made by picocli. */
    public CommonOptions() {
    }

    /** {@return whether {@code -q} was given} */
    public boolean quiet() {
        return quiet;
    }

    /** {@return whether {@code -v} was given} */
    public boolean verbose() {
        return verbose;
    }

    /** {@return whether {@code --stats} was given} */
    public boolean stats() {
        return stats;
    }

    /**
     * The cache directory: {@code --cache}, else {@code $XDG_CACHE_HOME/jnetfs}, else
     * {@code ~/.cache/jnetfs}.
     *
     * @return the directory (not made here)
     */
    public Path cacheDir() {
        if (cache != null) {
            return cache.toAbsolutePath();
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && xdg.startsWith("/")) {
            return Path.of(xdg, "jnetfs");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "jnetfs");
    }

    /**
     * Resolves the options into settings.
     *
     * @return the settings
     * @throws CommandFailure ({@link ExitCodes#USAGE}) for a value out of range
     */
    public Settings settings() throws CommandFailure {
        if (msize < 4096 || msize > (16 << 20)) {
            throw CommandFailure.usage("invalid --msize=" + msize + " (4K .. 16M)");
        }
        if (inflight < 1 || inflight > 1024) {
            throw CommandFailure.usage("invalid --inflight=" + inflight + " (1 .. 1024)");
        }
        if (timeoutSeconds < 1 || timeoutSeconds > 86_399) {
            throw CommandFailure.usage("invalid --timeout=" + timeoutSeconds + " (1 .. 86399 seconds)");
        }
        String user = uname;
        int nUname = P9Descriptor.NONUNAME;
        if (user == null) {
            user = System.getProperty("user.name", "root");
            nUname = currentUid();
        }
        // without --[no-]io-uring: chosen when connecting (Settings#transportToUse), so that a command that
        // connects to no server never probes io_uring
        TransportKind transport = ioUring == null ? null : ioUring ? TransportKind.IO_URING : TransportKind.SOCKET;
        Path dir = cacheDir();
        return new Settings(aname, user, nUname, (int) msize, inflight, transport, Duration.ofSeconds(timeoutSeconds),
                noCache ? null : dir, dir, engineSettings(), !noReconnect);
    }

    /** The engine's settings: {@code --page-cache}, {@code --attr-timeout}, {@code --cache-size}, {@code --cache-cull}. */
    private EngineSettings engineSettings() throws CommandFailure {
        if (pageCache < (4 << 20) || pageCache > (64L << 30)) {
            throw CommandFailure.usage("invalid --page-cache=" + pageCache + " (4M .. 64G)");
        }
        if (attrTimeoutSeconds < 0 || attrTimeoutSeconds > 86_399) {
            throw CommandFailure.usage("invalid --attr-timeout=" + attrTimeoutSeconds + " (0 .. 86399 seconds)");
        }
        if (cacheSize < 0) {
            throw CommandFailure.usage("invalid --cache-size=" + cacheSize);
        }
        String[] p = cacheCull.split(",", -1);
        io.jnetfs.netfs.cachefiles.CacheFiles.Limits limits;
        try {
            if (p.length != 3) {
                throw new IllegalArgumentException("three percentages");
            }
            limits = new io.jnetfs.netfs.cachefiles.CacheFiles.Limits(cacheSize, Integer.parseInt(p[0].trim()),
                    Integer.parseInt(p[1].trim()), Integer.parseInt(p[2].trim()));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.usage("invalid --cache-cull=" + cacheCull + " (RUN,CULL,STOP percentages with "
                    + "0 <= STOP < CULL < RUN < 100, e.g. 10,7,3)");
        }
        return new EngineSettings(pageCache, Duration.ofSeconds(attrTimeoutSeconds), limits);
    }

    /**
     * Which 9P transport {@link #settings()} picks and why, in the words {@code -v} prints once: the
     * kernel's own reason when io_uring is refused (seccomp in a container, {@code kernel.io_uring_disabled}).
     *
     * @return for example {@code "sendmsg/recvmsg: io_uring unavailable: io_uring_setup failed: EPERM ..."}
     */
    String transportChoice() {
        if (ioUring != null) {
            return ioUring ? "io_uring (--io-uring)" : "sendmsg/recvmsg (--no-io-uring)";
        }
        String missing = IoUring.unavailableReason();
        return missing == null ? "io_uring (the kernel allows it; --no-io-uring for sendmsg/recvmsg)"
                : "sendmsg/recvmsg: io_uring unavailable: " + missing;
    }

    /** {@return the real uid of this process ({@code /proc/self} is owned by it), or P9_NONUNAME} */
    static int currentUid() {
        try {
            return (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | RuntimeException e) {
            return P9Descriptor.NONUNAME;
        }
    }

    /** Parses sizes such as {@code 64K} for picocli. */
    public static final class SizeConverter implements ITypeConverter<Long> {
        /** Made by picocli. */
        public SizeConverter() {
        }

        @Override
        public Long convert(String value) {
            return Sizes.parse(value);
        }
    }
}
