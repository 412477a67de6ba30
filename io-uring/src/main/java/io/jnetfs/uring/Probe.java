package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.io_uring_probe;
import io.jnetfs.ffm.gen.io_uring_probe_op;

import java.lang.foreign.MemorySegment;
import java.util.StringJoiner;

/**
 * Which opcodes the running kernel supports: a copy of the answer to {@code IORING_REGISTER_PROBE}
 * (see {@link IoUring#probe()}).
 */
public final class Probe {
    private final int lastOp;
    private final boolean[] supported;

    private Probe(int lastOp, boolean[] supported) {
        this.lastOp = lastOp;
        this.supported = supported;
    }

    /** Reads a {@code struct io_uring_probe} with {@code opsLen} entries the kernel filled in. */
    static Probe read(MemorySegment probe) {
        int last = io_uring_probe.last_op(probe) & 0xFF;
        int n = io_uring_probe.ops_len(probe) & 0xFF;
        boolean[] ok = new boolean[256];
        MemorySegment ops = probe.asSlice(io_uring_probe.ops$offset());
        for (int i = 0; i < n; i++) {
            MemorySegment op = io_uring_probe_op.asSlice(ops, i);
            if ((io_uring_probe_op.flags(op) & LibC.IO_URING_OP_SUPPORTED()) != 0) {
                ok[io_uring_probe_op.op(op) & 0xFF] = true;
            }
        }
        return new Probe(last, ok);
    }

    /** @return {@code last_op}: the highest opcode number the kernel knows */
    public int lastOp() {
        return lastOp;
    }

    /**
     * @param opcode an {@code IORING_OP_*} number
     * @return whether the kernel reports it {@code IO_URING_OP_SUPPORTED}
     */
    public boolean isSupported(int opcode) {
        return (opcode & ~0xFF) == 0 && supported[opcode];
    }

    @Override
    public String toString() {
        StringJoiner j = new StringJoiner(", ", "Probe[last_op=" + lastOp + ": ", "]");
        for (int i = 0; i <= lastOp && i < supported.length; i++) {
            if (supported[i]) {
                j.add(Opcode.name(i));
            }
        }
        return j.toString();
    }
}
