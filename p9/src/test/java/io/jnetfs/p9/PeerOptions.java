package io.jnetfs.p9;

import io.jnetfs.peers.PeerServer;
import java.io.IOException;

/**
 * Client options for a peer server of the tests ({@link io.jnetfs.peers.Diod} and the others of
 * peer-servers, which know no 9P): attach its export as root (uname "root", n_uname 0), or as
 * this process's user where it is not root ({@link PeerServer#uname()}). Published in the
 * p9 test-jar for the other modules' tests.
 */
public final class PeerOptions {
    private PeerOptions() {
    }

    /**
     * @param server a running peer server
     * @return options to attach its export as root, to be completed by the caller
     */
    public static P9Options.Builder root(PeerServer server) {
        return P9Options.builder(server.host(), server.port()).aname(server.aname()).uname(server.uname())
                .nUname(server.nUname());
    }

    /**
     * @param server a running peer server
     * @return a client with {@link #root(PeerServer)}'s options, which the caller closes
     * @throws IOException where the connection or the attach fails
     */
    public static P9Client connect(PeerServer server) throws IOException {
        return P9Client.connect(root(server).build());
    }
}
