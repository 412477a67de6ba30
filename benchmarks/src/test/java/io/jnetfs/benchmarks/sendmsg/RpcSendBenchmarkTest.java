package io.jnetfs.benchmarks.sendmsg;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Every variant over real loopback TCP, outside JMH. */
@Timeout(60)
class RpcSendBenchmarkTest {
    @Test
    void everyVariantSendsHeaderAndData() throws IOException {
        for (String shape : List.of("1x4096", "16x65536")) {
            RpcSendBenchmark b = new RpcSendBenchmark();
            b.shape = shape;
            b.open();
            try {
                long want = RpcSendBenchmark.HEADER + (shape.equals("1x4096") ? 4096 : 16 * 65536);
                for (int i = 0; i < 64; i++) {
                    assertEquals(want, b.oneSendmsg(), shape);
                    assertEquals(want, b.twoSends(), shape);
                    assertEquals(want, b.nioGatheringWrite(), shape);
                }
            } finally {
                b.close();
            }
        }
    }

    @Test
    void oneSendmsgAllocatesNothingOnceCompiled() throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        RpcSendBenchmark b = new RpcSendBenchmark();
        b.shape = "1x4096";
        b.open();
        try {
            // rounds until C2 has compiled the path (see WritevBenchmarkTest), at most 50
            long allocated = -1;
            for (int round = 0; round < 50 && allocated != 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    b.oneSendmsg();
                }
                allocated = threads.getCurrentThreadAllocatedBytes() - before;
            }
            assertEquals(0, allocated, "bytes allocated by 10k oneSendmsg calls in the last of 50 rounds");
        } finally {
            b.close();
        }
    }
}
