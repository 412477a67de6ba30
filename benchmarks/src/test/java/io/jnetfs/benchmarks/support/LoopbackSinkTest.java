package io.jnetfs.benchmarks.support;

import io.jnetfs.ffm.Native;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.channels.SocketChannel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Real loopback TCP on 127.0.0.1: NIO and native client ends, drained until closed. */
@Timeout(30)
class LoopbackSinkTest {
    @Test
    void drainsNioAndNativeConnectionsAndStopsOnClose() throws IOException {
        SocketChannel nio;
        LoopbackSink sink = new LoopbackSink();
        try (GatherBuffers b = new GatherBuffers(16, 65536)) {
            assertTrue(sink.address().getAddress().isLoopbackAddress());
            nio = sink.connectNio(true);
            int fd = sink.connectNative(true);
            // 64 MiB each: far more than the socket buffers hold, so only a working drain lets this finish
            for (int i = 0; i < 64; i++) {
                b.rewind();
                assertEquals(b.totalBytes(), nio.write(b.buffers()));
                assertEquals(b.totalBytes(), Native.writev(fd, b.iov(), b.iovcnt()));
            }
        } finally {
            sink.close();
        }
        sink.close(); // idempotent
        assertFalse(nio.isOpen());
    }
}
