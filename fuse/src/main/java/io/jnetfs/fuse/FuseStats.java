package io.jnetfs.fuse;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of a {@link FuseSession}: requests per opcode, and the requests that went wrong in each way.
 * Updated by the workers without locks; read at any time.
 */
public final class FuseStats {
    private final AtomicLongArray byOpcode = new AtomicLongArray(FuseOpcode.MAX + 1);
    final LongAdder malformed = new LongAdder();
    final LongAdder enosys = new LongAdder();
    final LongAdder handlerFailures = new LongAdder();
    final LongAdder sendFailures = new LongAdder();
    final LongAdder interrupts = new LongAdder();
    final LongAdder interruptedGone = new LongAdder();

    FuseStats() {
    }

    void count(int opcode) {
        byOpcode.getAndIncrement(opcode >= 0 && opcode < FuseOpcode.MAX ? opcode : FuseOpcode.MAX);
    }

    /**
     * @param opcode a {@code FUSE_*} opcode ({@link FuseOpcode})
     * @return how many requests with it arrived
     */
    public long requests(int opcode) {
        return opcode >= 0 && opcode < FuseOpcode.MAX ? byOpcode.get(opcode) : 0;
    }

    /** @return requests with an opcode this jnetfs does not know at all */
    public long unknownOpcodes() {
        return byOpcode.get(FuseOpcode.MAX);
    }

    /** @return every request received */
    public long requests() {
        long n = 0;
        for (int i = 0; i <= FuseOpcode.MAX; i++) {
            n += byOpcode.get(i);
        }
        return n;
    }

    /** @return requests shorter than their opcode needs, or whose length disagreed with the header */
    public long malformed() {
        return malformed.sum();
    }

    /** @return requests answered {@code ENOSYS} because no handler exists for their opcode */
    public long enosys() {
        return enosys.sum();
    }

    /** @return handlers that threw (answered with the exception's errno or {@code EIO}) */
    public long handlerFailures() {
        return handlerFailures.sum();
    }

    /** @return replies the kernel refused for a reason other than an interrupted request */
    public long sendFailures() {
        return sendFailures.sum();
    }

    /** @return INTERRUPT requests received */
    public long interrupts() {
        return interrupts.sum();
    }

    /** @return replies to requests the kernel had already given up on after an interrupt */
    public long interruptedGone() {
        return interruptedGone.sum();
    }

    @Override
    public String toString() {
        return "FuseStats[requests=" + requests() + ", malformed=" + malformed() + ", enosys=" + enosys()
                + ", handlerFailures=" + handlerFailures() + ", sendFailures=" + sendFailures() + ", interrupts="
                + interrupts() + "]";
    }
}
