package io.jnetfs.p9.netfs;

import io.jnetfs.p9.GaneshaPeer;
import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The netfs engine against NFS-Ganesha over a directory (FSAL_VFS, msize 65536), in this JVM's
 * loopback-only network namespace. Ganesha has no 9P client of its own: what jnetfs wrote is checked in
 * the exported directory.
 */
class NetfsGaneshaTest extends NetfsPeerTestBase {
    @Override
    PeerServer startPeer(Path dir) throws IOException {
        return GaneshaPeer.start(dir);
    }

    @Override
    byte[] readWithItsOwnClient(String name) {
        return null;
    }
}
