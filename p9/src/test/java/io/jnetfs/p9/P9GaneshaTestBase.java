package io.jnetfs.p9;

import io.jnetfs.peers.PeerServer;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The client scenarios against NFS-Ganesha 4.3 over a directory (FSAL_VFS, msize 65536), in this JVM's
 * loopback-only network namespace ({@link GaneshaPeer}), with what Ganesha does differently from diod
 * stated, so that a change in either direction fails a test.
 */
abstract class P9GaneshaTestBase extends P9PeerTestBase {
    @Override
    PeerServer startPeer(Path dir) throws IOException {
        return GaneshaPeer.start(dir);
    }

    /** It dies with SIGSEGV on a Tremove of a walked fid. */
    @Override
    boolean survivesTremove() {
        return false;
    }

    /** No btime, gen or data_version. */
    @Override
    long getattrValid() {
        return P9Flags.P9_GETATTR_BASIC;
    }

    @Override
    boolean opensADirectoryForWriting() {
        return true;
    }

    @Override
    boolean ignoresExclusiveCreate() {
        return true;
    }

    @Override
    boolean answersWithRerror() {
        return true;
    }
}
