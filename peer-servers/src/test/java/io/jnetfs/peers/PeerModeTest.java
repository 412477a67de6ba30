package io.jnetfs.peers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The mode setting: what each value means, and a bad one named with where it came from. */
class PeerModeTest {
    private static final String PROPERTY = "jnetfs.peers.test.mode";

    @Test
    void theSettingChoosesTheModeAndABadOneIsNamed() {
        try {
            System.clearProperty(PROPERTY);
            assertEquals(PeerMode.AUTO, PeerMode.requested(PROPERTY, "JNETFS_PEERS_TEST_MODE_UNSET"));
            System.setProperty(PROPERTY, " Container ");
            assertEquals(PeerMode.CONTAINER, PeerMode.requested(PROPERTY, "JNETFS_PEERS_TEST_MODE_UNSET"));
            System.setProperty(PROPERTY, "process");
            assertEquals(PeerMode.PROCESS, PeerMode.requested(PROPERTY, "JNETFS_PEERS_TEST_MODE_UNSET"));
            System.setProperty(PROPERTY, "vm");
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> PeerMode.requested(PROPERTY, "JNETFS_PEERS_TEST_MODE_UNSET"));
            assertEquals(PROPERTY + "=vm: expected process, container or auto", e.getMessage());
            assertEquals("container", PeerMode.CONTAINER.value());
        } finally {
            System.clearProperty(PROPERTY);
        }
    }

    @Test
    void theProcessModeIsAvailableExactlyWhereDiodIsInstalled() {
        String reason = Diod.unavailableReason(PeerMode.PROCESS);
        if (java.nio.file.Files.isExecutable(Diod.DIOD)) {
            assertNull(reason);
        } else {
            assertEquals("/usr/sbin/diod is not installed (apt-get install diod; .ci/run installs it)", reason);
        }
    }
}
