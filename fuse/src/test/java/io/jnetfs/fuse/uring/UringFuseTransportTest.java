package io.jnetfs.fuse.uring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Which of the kernel's per-CPU queues each io_uring worker registers entries on (the ring is used
 * only once every queue has one), and the entry layout the kernel writes into.
 */
class UringFuseTransportTest {
    @Test
    void everyQueueGetsAWorker() {
        // more workers than queues: each worker one queue, round robin
        assertArrayEquals(new int[] {0}, UringFuseTransport.queuesOf(0, 3, 2));
        assertArrayEquals(new int[] {1}, UringFuseTransport.queuesOf(1, 3, 2));
        assertArrayEquals(new int[] {0}, UringFuseTransport.queuesOf(2, 3, 2));
        // fewer workers than queues: each worker several
        assertArrayEquals(new int[] {0, 2, 4}, UringFuseTransport.queuesOf(0, 2, 5));
        assertArrayEquals(new int[] {1, 3}, UringFuseTransport.queuesOf(1, 2, 5));
        for (int workers = 1; workers <= 9; workers++) {
            for (int queues = 1; queues <= 9; queues++) {
                boolean[] seen = new boolean[queues];
                for (int k = 0; k < workers; k++) {
                    for (int q : UringFuseTransport.queuesOf(k, workers, queues)) {
                        seen[q] = true;
                    }
                }
                for (int q = 0; q < queues; q++) {
                    assertTrue(seen[q], "queue " + q + " of " + queues + " has no worker of " + workers);
                }
            }
        }
        assertTrue(UringFuseTransport.possibleCpus() >= Runtime.getRuntime().availableProcessors());
    }

    @Test
    void entryLayoutIsTheKernels() {
        assertEquals(288, UringEntryDescriptor.HEADER_SIZE);
        assertEquals(0, UringEntryDescriptor.IN_OUT);
        assertEquals(128, UringEntryDescriptor.OP_IN);
        assertEquals(256 + 8, UringEntryDescriptor.COMMIT_ID);
        assertEquals(256 + 16, UringEntryDescriptor.PAYLOAD_SZ);
        assertEquals(24, UringEntryDescriptor.CMD_SIZE);
        assertEquals(16, UringEntryDescriptor.CMD_QID);
        assertEquals(1, UringEntryDescriptor.FUSE_IO_URING_CMD_REGISTER);
        assertEquals(2, UringEntryDescriptor.FUSE_IO_URING_CMD_COMMIT_AND_FETCH);
        assertEquals(1L << 41, UringFuseTransport.FUSE_OVER_IO_URING);
        // the staging area in front of the payload never reaches back into the header
        assertTrue(UringEntryDescriptor.requestStart(128) >= UringEntryDescriptor.HEADER_SIZE);
    }
}
