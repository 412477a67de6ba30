package io.jnetfs.fuse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.fuse.uring.UringFuseTransport;
import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code auto|io-uring|dev} on real mounts: {@code auto} takes io_uring when the kernel offers it and
 * says so, falls back to /dev/fuse and says why when {@code enable_uring} is N; {@code io-uring} then
 * fails with that reason before mounting anything. The switch is set by the test itself (as root) and
 * restored in a finally.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FuseTransportChoiceTest {
    @TempDir
    Path tmp;
    private Path mnt;
    private FuseSession session;
    private String previous;

    @BeforeEach
    void setUp() throws IOException {
        Require.feature("fuse", FuseSession.unavailableReason(FuseOptions.MountMethod.AUTO));
        mnt = Files.createDirectories(tmp.resolve("mnt")).toRealPath();
        previous = Files.isReadable(UringFuseTransport.ENABLE_URING)
                ? Files.readString(UringFuseTransport.ENABLE_URING).trim() : null;
    }

    @AfterEach
    void tearDown() throws Exception {
        try {
            if (session != null) {
                session.close();
            }
            if (mnt != null && FuseMount.isMounted(mnt)) {
                FuseKernelMountTest.run(10, "umount", "-l", mnt.toString());
            }
        } finally {
            if (previous != null && FuseMount.isRoot()) {
                Files.writeString(UringFuseTransport.ENABLE_URING, previous);
            }
        }
        assertFalse(mnt != null && FuseMount.isMounted(mnt));
    }

    private void requireSwitch() {
        Require.feature("fuse/io_uring", previous == null ? "no " + UringFuseTransport.ENABLE_URING
                + " (a kernel before 6.14 or without CONFIG_FUSE_IO_URING)"
                : !FuseMount.isRoot() ? "setting enable_uring needs root" : null);
    }

    private static void setSwitch(String v) throws IOException {
        Files.writeString(UringFuseTransport.ENABLE_URING, v);
    }

    @Test
    void autoTakesIoUringWhenTheKernelOffersItAndSaysSo() throws Exception {
        requireSwitch();
        setSwitch("Y");
        EnableUring.require(4);
        MemFs fs = new MemFs();
        session = FuseSession.mount(mnt, fs, new FuseOptions().transport(FuseOptions.Transport.AUTO));
        assertTrue(session.describe().startsWith("io_uring ("), session.describe());
        assertTrue(session.conn().enabled(UringFuseTransport.FUSE_OVER_IO_URING), session.conn().toString());
        Files.writeString(mnt.resolve("f"), "over the rings");
        assertEquals("over the rings", Files.readString(mnt.resolve("f")));
        assertTrue(((UringFuseTransport) session.transport()).uringRequests() > 0, session.describe());
    }

    @Test
    void autoFallsBackToDevFuseAndSaysWhy() throws Exception {
        requireSwitch();
        setSwitch("N");
        MemFs fs = new MemFs();
        session = FuseSession.mount(mnt, fs, new FuseOptions().transport(FuseOptions.Transport.AUTO));
        String d = session.describe();
        assertTrue(d.startsWith("/dev/fuse") && d.contains("io_uring not used") && d.contains(whyNotUring()), d);
        assertFalse(session.conn().enabled(UringFuseTransport.FUSE_OVER_IO_URING), session.conn().toString());
        Files.writeString(mnt.resolve("f"), "over the device");
        assertEquals("over the device", Files.readString(mnt.resolve("f")));
        assertEquals(0, ((UringFuseTransport) session.transport()).uringRequests());
    }

    @Test
    void ioUringDemandedFailsWithTheReasonAndMountsNothing() throws Exception {
        requireSwitch();
        setSwitch("N");
        IOException e = assertThrows(IOException.class, () -> session = FuseSession.mount(mnt, new MemFs(),
                new FuseOptions().transport(FuseOptions.Transport.IO_URING)));
        assertTrue(e.getMessage().contains("FUSE over io_uring is unavailable") && e.getMessage().contains(whyNotUring()),
                e.getMessage());
        assertFalse(mnt != null && FuseMount.isMounted(mnt));
    }

    @Test
    void ioUringNeedsAWorkerBesideTheDevice() {
        IOException e = assertThrows(IOException.class, () -> session = FuseSession.mount(mnt, new MemFs(),
                new FuseOptions().transport(FuseOptions.Transport.IO_URING).threads(1)));
        assertTrue(e.getMessage().contains("at least 2 worker threads"), e.getMessage());
        assertFalse(mnt != null && FuseMount.isMounted(mnt));
    }

    @Test
    void devNeverTouchesIoUring() throws Exception {
        session = FuseSession.mount(mnt, new MemFs(), new FuseOptions().transport(FuseOptions.Transport.DEV));
        assertTrue(session.describe().startsWith("/dev/fuse") && !session.describe().contains("io_uring"), session.describe());
        assertTrue(session.transport() instanceof DevFuseTransport);
    }

    @Test
    void transportNamesParse() {
        assertEquals(FuseOptions.Transport.AUTO, FuseOptions.Transport.parse("auto"));
        assertEquals(FuseOptions.Transport.IO_URING, FuseOptions.Transport.parse("io-uring"));
        assertEquals(FuseOptions.Transport.DEV, FuseOptions.Transport.parse("dev"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FuseOptions.Transport.parse("ring"));
        assertEquals("invalid fuse transport=\"ring\" (auto, io-uring or dev)", e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FuseOptions().uringQueueDepth(0));
    }

    /**
     * {@return what the reason must name with enable_uring set to N: that switch, or, where the kernel refuses
     * io_uring itself (kernel.io_uring_disabled, seccomp), the refused io_uring_setup, which is found first}
     */
    private static String whyNotUring() {
        return io.jnetfs.uring.IoUring.unavailableReason() == null ? "enable_uring is N" : "io_uring_setup";
    }
}
