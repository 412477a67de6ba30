package io.jnetfs.cli;

import io.jnetfs.p9.TransportKind;
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
 * @param transport the 9P transport
 * @param timeout the request timeout
 * @param cacheDir the disk cache directory, or {@code null} for none ({@code --no-cache})
 * @param stateDir where {@code last-stats} is kept (the cache directory, even with {@code --no-cache})
 * @param reconnect whether a lost connection is recovered ({@code --no-reconnect}: not)
 */
public record Settings(String aname, String uname, int nUname, int msize, int inflight, TransportKind transport,
                       Duration timeout, Path cacheDir, Path stateDir, boolean reconnect) {
    /** The settings with recovery of lost connections on (the default). */
    public Settings(String aname, String uname, int nUname, int msize, int inflight, TransportKind transport,
                    Duration timeout, Path cacheDir, Path stateDir) {
        this(aname, uname, nUname, msize, inflight, transport, timeout, cacheDir, stateDir, true);
    }
}
