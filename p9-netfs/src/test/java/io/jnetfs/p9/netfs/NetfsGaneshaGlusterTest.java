package io.jnetfs.p9.netfs;

import io.jnetfs.p9.GaneshaPeer;
import io.jnetfs.peers.Ganesha;
import io.jnetfs.peers.PeerServer;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The scale-out path: the netfs engine against NFS-Ganesha serving a GlusterFS volume (FSAL_GLUSTER),
 * every byte checked through Gluster's own client (its FUSE mount). The volume is made by
 * {@code ganesha/gluster.sh test}, which runs this test inside the namespace it made (glusterd and the
 * brick bind every interface too) and names the volume and its mount in {@value #VOLUME_ENV} and
 * {@value #MOUNT_ENV}; without them the test skips (or fails, where {@value Ganesha#GLUSTER_FEATURE} is required).
 */
class NetfsGaneshaGlusterTest extends NetfsPeerTestBase {
    static final String VOLUME_ENV = "JNETFS_GLUSTER_VOLUME";
    static final String MOUNT_ENV = "JNETFS_GLUSTER_MOUNT";

    @Override
    PeerServer startPeer(Path unused) throws IOException {
        GaneshaPeer.require();
        String volume = System.getenv(VOLUME_ENV);
        String mount = System.getenv(MOUNT_ENV);
        String missing = Ganesha.glusterUnavailableReason();
        if (missing == null && (volume == null || mount == null)) {
            missing = "no GlusterFS volume: " + VOLUME_ENV + " and " + MOUNT_ENV
                    + " are set by ganesha/gluster.sh test, which runs this test";
        } else if (missing == null && !Files.isDirectory(Path.of(mount))) {
            missing = MOUNT_ENV + "=" + mount + " is not a directory";
        }
        Require.feature(Ganesha.GLUSTER_FEATURE, missing);
        return Ganesha.builder(Path.of(mount)).gluster(volume).start();
    }

    @Override
    byte[] readWithItsOwnClient(String name) throws IOException {
        return Files.readAllBytes(export.resolve(name)); // through Gluster's FUSE client
    }
}
