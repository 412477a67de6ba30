package io.jnetfs.peers;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The peer servers of this JVM that are not closed yet, closed by one shutdown hook if the JVM exits
 * first (a test that failed before its {@code finally}, a benchmark interrupted): a child server would
 * otherwise outlive the JVM, and its run directory stay in {@code /tmp}.
 */
final class OpenServers {
    private static final Set<PeerServer> OPEN = new LinkedHashSet<>();
    private static boolean hooked;

    private OpenServers() {
    }

    /** Remembers a started server until {@link #remove} (its close). */
    static synchronized void add(PeerServer s) {
        if (!hooked) {
            Runtime.getRuntime().addShutdownHook(new Thread(OpenServers::closeAll, "jnetfs-peer-servers-cleanup"));
            hooked = true;
        }
        OPEN.add(s);
    }

    /** Forgets a closed server. */
    static synchronized void remove(PeerServer s) {
        OPEN.remove(s);
    }

    private static void closeAll() {
        List<PeerServer> left;
        synchronized (OpenServers.class) {
            left = new ArrayList<>(OPEN);
        }
        for (PeerServer s : left) {
            s.close();
        }
    }
}
