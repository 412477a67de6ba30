package io.jnetfs.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class RequireTest {
    @Test
    void patternsMatchWithinAndAcrossLevels() {
        assertTrue(Require.required("diod", "diod,io_uring"));
        assertTrue(Require.required("io_uring", "diod,io_uring"));
        assertFalse(Require.required("io_uring/op/SENDMSG_ZC", "diod,io_uring"));
        assertTrue(Require.required("io_uring/op/SENDMSG_ZC", "io_uring/**"));
        assertTrue(Require.required("io_uring/op/SENDMSG_ZC", "io_uring/op/*"));
        assertFalse(Require.required("io_uring/setup/SQPOLL", "io_uring/op/*"));
        assertTrue(Require.required("fuse", "**"));
        assertFalse(Require.required("io_uring/op/SPLICE", "**,!io_uring/**"));
        assertFalse(Require.required("io_uring", "**,!io_uring,!io_uring/**"));
        assertTrue(Require.required("diod", "**,!io_uring/**"));
        assertFalse(Require.required("diod", ""));
        assertFalse(Require.required("diodcat", "diod"));
    }

    @Test
    void aMissingFeatureSkipsUnlessRequired() {
        String before = System.getProperty(Require.PROPERTY);
        try {
            System.clearProperty(Require.PROPERTY);
            assertThrows(TestAbortedException.class, () -> Require.feature("diod", "not installed"));
            System.setProperty(Require.PROPERTY, "diod");
            AssertionFailedError e = assertThrows(AssertionFailedError.class,
                    () -> Require.feature("diod", "not installed"));
            assertTrue(e.getMessage().contains("diod unavailable: not installed"), e.getMessage());
            Require.feature("diod", null);
            Require.feature("diod", true, () -> { throw new AssertionError("asked for a reason"); });
        } finally {
            if (before == null) {
                System.clearProperty(Require.PROPERTY);
            } else {
                System.setProperty(Require.PROPERTY, before);
            }
        }
    }
}
