package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import java.nio.file.Files;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link ServerClientTestBase} with two worker threads per connection (the default). */
class WorkersServerClientTest extends ServerClientTestBase {
    @Override
    int workers() {
        return 2;
    }

    /** The names of the server's worker threads alive now. */
    private static List<String> workerThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("p9-server-127.0.0.1:") && n.matches(".*-w[0-9]+$")).toList();
    }

    /** Workers started since {@code before} (workers of connections that closed meanwhile do not count). */
    private static List<String> started(List<String> before) {
        return workerThreads().stream().filter(n -> !before.contains(n)).toList();
    }

    /**
     * One request at a time runs on the reader (no worker is ever started); Treads with more requests
     * behind them go to workers, and so does every Tfsync.
     */
    @Test
    void workersTakeQueuedReadsAndFsyncOnly() throws Exception {
        byte[] data = ServerFixture.bytes(9, 4 << 20);
        Files.write(local.resolve("r"), data);
        List<String> before = workerThreads();
        try (P9Client c = P9Client.connect(ServerFixture.options(server).pool(pool).window(1).build());
             Fid f = c.open(local.getFileName() + "/r", P9Flags.P9_DOTL_RDWR)) {
            for (int i = 0; i < 20; i++) {
                assertEquals(data.length, c.read(f, 0, data.length).length); // one Tread at a time
                c.getattr(f);
            }
            assertEquals(List.of(), started(before), "nothing was handed to a worker");
            c.fsync(f, false);
            assertEquals(1, started(before).size(), "Tfsync runs on a worker");
        }
        try (P9Client c = P9Client.connect(ServerFixture.options(server).pool(pool).window(16).build());
             Fid f = c.open(local.getFileName() + "/r", P9Flags.P9_DOTL_RDONLY);
             BvecqBuffer dest = BvecqBuffer.allocate(pool, data.length, 1 << 20)) {
            List<String> mine = workerThreads();
            for (int i = 0; i < 10; i++) {
                assertEquals(data.length, c.read(f, 0, dest, 0, data.length)); // four 1 MiB Treads at once
            }
            assertTrue(!started(mine).isEmpty(), "queued Treads went to workers");
        }
    }
}
