package io.jnetfs.fuse;

import io.jnetfs.fuse.uring.UringFuseTransport;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;

/**
 * Turns the kernel's {@code enable_uring} switch on for a test class and back to what it was: tests do
 * it for themselves, as root (Y only permits daemons that ask for io_uring; others are unaffected).
 */
final class EnableUring {
    private EnableUring() {
    }

    /**
     * Sets {@code enable_uring} to Y where possible.
     *
     * @return the previous value to give {@link #restore}, or null if nothing was changed
     */
    static String enable() {
        if (!Files.isWritable(UringFuseTransport.ENABLE_URING) || !FuseMount.isRoot()) {
            return null;
        }
        try {
            String prev = Files.readString(UringFuseTransport.ENABLE_URING).trim();
            if (!prev.equals("Y")) {
                Files.writeString(UringFuseTransport.ENABLE_URING, "Y");
            }
            return prev;
        } catch (IOException e) {
            return null;
        }
    }

    /** Puts back what {@link #enable()} found. */
    static void restore(String previous) throws IOException {
        if (previous != null && !previous.equals("Y")) {
            Files.writeString(UringFuseTransport.ENABLE_URING, previous);
        }
    }

    /** Skips (or fails under CI) a test that needs FUSE over io_uring where this machine cannot give it. */
    static void require(int threads) {
        String why = UringFuseTransport.unavailableReason(threads);
        Require.feature("fuse/io_uring", why == null ? null
                : why + (FuseMount.isRoot() ? "" : " (the test sets enable_uring itself when run as root)"));
    }
}
