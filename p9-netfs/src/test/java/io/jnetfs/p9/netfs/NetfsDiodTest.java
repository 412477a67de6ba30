package io.jnetfs.p9.netfs;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.DiodTools;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The netfs engine against the real diod, a process or a container; its own client is diodcat. */
class NetfsDiodTest extends NetfsPeerTestBase {
    @Override
    PeerServer startPeer(Path dir) throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        return Diod.start(dir);
    }

    @Override
    byte[] readWithItsOwnClient(String name) throws Exception {
        // in container mode diodcat (from the diod package) may not be on this side
        Require.feature(DiodTools.FEATURE, DiodTools.unavailableReason());
        Process p = new ProcessBuilder(List.of(DiodTools.DIODCAT.toString(), "-s", peer.host() + ":" + peer.port(),
                "-m", "65536", "-a", peer.aname(), name)).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] bytes = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("diodcat did not finish within 60 s");
        }
        return bytes;
    }
}
