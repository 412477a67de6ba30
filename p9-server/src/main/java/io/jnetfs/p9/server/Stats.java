package io.jnetfs.p9.server;

import java.util.concurrent.atomic.LongAdder;

/**
 * The server's counters, added to by every connection without allocating; {@link #snapshot()} reads
 * them into a {@link ServerStats}.
 */
final class Stats {
    final LongAdder accepted = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder protocolErrors = new LongAdder();
    final LongAdder ringConnections = new LongAdder();
    final LongAdder flushes = new LongAdder();
    final LongAdder rreads = new LongAdder();
    final LongAdder rreadSendmsgs = new LongAdder();
    final LongAdder rreadSplices = new LongAdder();
    final LongAdder twrites = new LongAdder();
    final LongAdder twriteRecvmsgs = new LongAdder();
    final LongAdder bytesRead = new LongAdder();
    final LongAdder bytesWritten = new LongAdder();

    ServerStats snapshot(int open) {
        return new ServerStats(accepted.sum(), refused.sum(), open, requests.sum(), errors.sum(), protocolErrors.sum(),
                ringConnections.sum(),                flushes.sum(), rreads.sum(), rreadSendmsgs.sum(), rreadSplices.sum(),
                twrites.sum(), twriteRecvmsgs.sum(), bytesRead.sum(),
                bytesWritten.sum());
    }
}
