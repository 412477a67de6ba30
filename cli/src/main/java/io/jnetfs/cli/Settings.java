package io.jnetfs.cli;

import io.jnetfs.p9.TransportKind;
import io.jnetfs.uring.IoUring;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The connection and engine settings of one command, resolved from its options ({@link CommonOptions}).
 *
 * @param aname the export to attach
 * @param uname the user name to attach as
 * @param nUname the numeric user to attach as, or {@code P9_NONUNAME} to go by {@code uname}
 * @param msize the msize to ask for
 * @param inflight RPCs to keep in flight per request
 * @param transport the 9P transport, or {@code null} for io_uring when this kernel allows it
 *     ({@link #transportToUse()})
 * @param timeout the request timeout
 * @param cacheDir the disk cache directory, or {@code null} for none ({@code --no-cache})
 * @param stateDir where {@code last-stats} is kept (the cache directory, even with {@code --no-cache})
 * @param engine the engine's memory and cache settings
 * @param reconnect whether a lost connection is recovered ({@code --no-reconnect}: not)
 */
public record Settings(String aname, String uname, int nUname, int msize, int inflight, TransportKind transport,
                       Duration timeout, Path cacheDir, Path stateDir, EngineSettings engine, boolean reconnect) {
    /**
     * The transport to connect with: the one asked for, else io_uring when this kernel allows it (the
     * probe runs here, on the first connection, not for commands that connect to no server).
     *
     * @return the transport
     */
    TransportKind transportToUse() {
        if (transport != null) {
            return transport;
        }
        return IoUring.isAvailable() ? TransportKind.IO_URING : TransportKind.SOCKET;
    }

    /** Settings with the engine's defaults ({@link EngineSettings#DEFAULT}) and recovery of lost connections on. */
    public Settings(String aname, String uname, int nUname, int msize, int inflight, TransportKind transport,
                    Duration timeout, Path cacheDir, Path stateDir) {
        this(aname, uname, nUname, msize, inflight, transport, timeout, cacheDir, stateDir, EngineSettings.DEFAULT, true);
    }

    /**
     * {@return a copy for another export and disk cache directory, the rest kept}
     *
     * @param otherAname the export
     * @param otherCacheDir the disk cache directory, or {@code null} for none
     */
    public Settings with(String otherAname, Path otherCacheDir) {
        return new Settings(otherAname, uname, nUname, msize, inflight, transport, timeout, otherCacheDir, stateDir, engine,
                reconnect);
    }
}
