package io.jnetfs.p9;

import io.jnetfs.peers.Ganesha;
import io.jnetfs.peers.LoopbackNamespace;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Path;

/**
 * NFS-Ganesha for a test: required where the run demands it, else skipped with the reason. It needs two
 * things, each its own feature: a network namespace of this JVM's own with nothing but {@code lo}
 * ({@value LoopbackNamespace#FEATURE}: Ganesha's 9P listener binds every interface) and Ganesha with its
 * VFS backend ({@value Ganesha#FEATURE}). Published in the p9 test-jar for the other modules' tests.
 */
public final class GaneshaPeer {
    private GaneshaPeer() {
    }

    /** Skips (or fails, where required) the calling test unless Ganesha can be started here. */
    public static void require() {
        Require.feature(LoopbackNamespace.FEATURE, LoopbackNamespace.unavailableReason());
        Require.feature(Ganesha.FEATURE, Ganesha.unavailableReason());
    }

    /**
     * @param export the directory to export with FSAL_VFS
     * @return a running Ganesha (msize {@value Ganesha#MSIZE}), which the caller closes
     * @throws IOException where it does not come up (its log)
     */
    public static Ganesha start(Path export) throws IOException {
        require();
        return Ganesha.start(export);
    }
}
