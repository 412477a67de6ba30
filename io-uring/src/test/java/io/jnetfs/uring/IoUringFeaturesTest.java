package io.jnetfs.uring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.gen.LibC;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The reasons {@link IoUringFeatures} gives: what is missing, how it was learnt, since which Linux. */
@Timeout(30)
class IoUringFeaturesTest {

    @Test
    void unavailableReasonsNameTheErrnoAndTheCause() {
        assertTrue(IoUringFeatures.describeUnavailable(Errno.ENOSYS, null, "0").startsWith(
                "io_uring_setup failed: ENOSYS (Function not implemented)"));
        String seccomp = IoUringFeatures.describeUnavailable(Errno.EPERM, "0", "2");
        assertTrue(seccomp.contains("EPERM") && seccomp.contains("seccomp") && seccomp.contains("Docker"), seccomp);
        String sysctl = IoUringFeatures.describeUnavailable(Errno.EPERM, "2", "0");
        assertTrue(sysctl.contains("kernel.io_uring_disabled=2"), sysctl);
        String group = IoUringFeatures.describeUnavailable(Errno.EPERM, "1", "0");
        assertTrue(group.contains("io_uring_group"), group);
    }

    @Test
    void anOpcodeTheKernelDoesNotKnowIsNamedWithTheProbe() {
        Fixtures.requireUring();
        String r = IoUringFeatures.missingOpcode(250);
        assertTrue(r != null && r.startsWith("IORING_OP_<250> not supported by this kernel (IORING_REGISTER_PROBE: last_op="),
                r);
        assertNull(IoUringFeatures.missingOpcode(Opcode.IORING_OP_NOP));
        // asked twice, answered the same (cached)
        assertEquals(r, IoUringFeatures.missingOpcode(250));
    }

    @Test
    void aSetupFlagTheKernelRefusesIsNamedWithTheErrno() {
        Fixtures.requireUring();
        int unknown = 1 << 30;
        String r = IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_CLAMP() | unknown);
        assertEquals("0x40000000 refused by io_uring_setup: EINVAL", r);
        assertNull(IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_CLAMP()));
    }

    @Test
    void aFlagRefusedForWantOfItsCompanionNamesBoth() {
        Fixtures.requireSetup(LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN());
        // DEFER_TASKRUN alone is refused: the kernel wants SINGLE_ISSUER with it
        String r = IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_DEFER_TASKRUN());
        assertEquals("IORING_SETUP_DEFER_TASKRUN refused by io_uring_setup: EINVAL"
                + " (it needs IORING_SETUP_SINGLE_ISSUER with it)", r);
        r = IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_TASKRUN_FLAG());
        assertEquals("IORING_SETUP_TASKRUN_FLAG refused by io_uring_setup: EINVAL"
                + " (it needs IORING_SETUP_COOP_TASKRUN or IORING_SETUP_DEFER_TASKRUN with it)", r);
        // given with the flags it needs, whatever their bit order, it is tried after them
        assertNull(IoUringFeatures.missingSetupFlags(LibC.IORING_SETUP_TASKRUN_FLAG()
                | LibC.IORING_SETUP_SINGLE_ISSUER() | LibC.IORING_SETUP_DEFER_TASKRUN()));
    }

    @Test
    void aFeatureBitTheKernelDoesNotReportIsNamed() {
        Fixtures.requireUring();
        String r = IoUringFeatures.missingFeature(1 << 30);
        assertTrue(r != null && r.startsWith("IORING_FEAT_<1<<30> not reported by io_uring_setup (features=0x"), r);
        assertNull(IoUringFeatures.missingFeature(LibC.IORING_FEAT_NODROP()));
    }
}
