package io.jnetfs.mount;

import io.jnetfs.fuse.uring.UringFuseTransport;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The kernel's {@code enable_uring} switch for the io_uring variants of the mount tests: set to Y by
 * the tests themselves as root (it only permits daemons that ask for io_uring) and restored after.
 */
final class UringSwitch {
    private UringSwitch() {
    }

    /** Sets Y where this process may; returns the previous value for {@link #restore}, or null. */
    static String enable() {
        try {
            if (!Files.isWritable(UringFuseTransport.ENABLE_URING)
                    || ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid")) != 0) {
                return null;
            }
            String prev = Files.readString(UringFuseTransport.ENABLE_URING).trim();
            Files.writeString(UringFuseTransport.ENABLE_URING, "Y");
            return prev;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static void restore(String previous) throws IOException {
        if (previous != null) {
            Files.writeString(UringFuseTransport.ENABLE_URING, previous);
        }
    }

    /** Skips (fails under CI) where FUSE over io_uring cannot be had. */
    static void require() {
        Require.feature("fuse/io_uring", UringFuseTransport.unavailableReason(4));
    }
}
