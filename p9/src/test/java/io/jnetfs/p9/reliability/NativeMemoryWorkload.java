package io.jnetfs.p9.reliability;

import io.jnetfs.bvecq.BvecqBuffer;
import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.uring.IoUring;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * The native-memory workload run by {@code NativeMemoryLeakTest} in a JVM of its own started with
 * {@code -XX:NativeMemoryTracking=summary}: a warm-up, a measurement, a million chain operations and a
 * million ring operations, then a second measurement. Prints one {@code nmt:} line per measurement and
 * a {@code result:} line; exits 0. The {@code during} measurement, taken while the folio pool still
 * holds its slabs, shows that NMT sees the memory the library allocates.
 */
public final class NativeMemoryWorkload {
    private static final Pattern OTHER = Pattern.compile("-\\s+Other \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");

    private NativeMemoryWorkload() {
    }

    /**
     * Runs the workload.
     *
     * @param args {@code [operations]}, default 1,000,000 of each kind
     */
    public static void main(String[] args) throws Exception {
        int ops = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        run(ops / 20, false); // warm-up: recycling pools fill to their working size
        System.gc();
        long[] before = measure("before");
        int fdsBefore = Leaks.openFds();
        long t0 = System.nanoTime();
        long done = run(ops, true);
        System.gc();
        long[] after = measure("after");
        int fdsAfter = Leaks.openFds();
        System.out.printf("result: %d chain and ring operations in %.1f s; NMT Other committed %d KB -> %d KB, "
                        + "total committed %d KB -> %d KB; pool slabs mapped %d KB -> %d KB; fds %d -> %d%n", done,
                (System.nanoTime() - t0) / 1e9, before[0], after[0], before[1], after[1], before[2], after[2],
                fdsBefore, fdsAfter);
    }

    /** @return operations done: {@code ops} chain operations and {@code ops} ring operations */
    private static long run(int ops, boolean measureDuring) throws Exception {
        long n = 0;
        try (FolioPool pool = new FolioPool(64L << 20); Arena a = Arena.ofConfined()) {
            MemorySegment header = a.allocate(23);
            byte[] b = new byte[4096];
            // chain operations: allocate, fill, slice, describe around a header, release
            for (int i = 0; n < ops; i++) {
                try (BvecqBuffer c = BvecqBuffer.allocate(pool, 64 << 10 << (i % 3), 64 << 10)) {
                    c.copyFrom(b, 0, 4096L * (i % 4), b.length);
                    try (BvecqBuffer s = c.slice(100, 60_000);
                         BvecqBuffer m = c.copyWithHeaderTrailer(0, 8192, header, null)) {
                        n += 5 + s.slotCount() * 0L + m.slotCount() * 0L;
                    }
                }
            }
            if (measureDuring) {
                measure("during"); // the pool's slabs are still held: the count must see them
            }
            if (pool.leasedBytes() != 0) {
                throw new AssertionError("pool leased " + pool.leasedBytes() + " bytes after the chain operations");
            }
        }
        // ring operations: NOPs through one ring, and rings set up and torn down
        long ringOps = 0;
        if (IoUring.isAvailable()) {
            try (IoUring ring = IoUring.builder().entries(64).build()) {
                while (ringOps < ops) {
                    for (int i = 0; i < 64; i++) {
                        ring.prepNop(0, i);
                    }
                    ring.submitAndWait(64);
                    ringOps += ring.complete((res, flags, ud) -> { });
                }
            }
            for (int i = 0; i < Math.max(10, ops / 1000); i++) {
                try (IoUring ring = IoUring.builder().entries(8).build()) {
                    ring.prepNop(0, 1);
                    ring.submitAndWait(1);
                    ring.complete((res, flags, ud) -> { });
                }
                ringOps++;
            }
        }
        return n + ringOps;
    }

    /**
     * @return {NMT Other committed KB (FFM arenas), NMT total committed KB, folio pool slabs mapped KB
     *     (mmap, which NMT does not see)}, printed as an {@code nmt:} line
     */
    private static long[] measure(String when) throws Exception {
        String out = (String) ManagementFactory.getPlatformMBeanServer().invoke(
                new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()});
        Matcher o = OTHER.matcher(out);
        Matcher t = TOTAL.matcher(out);
        if (!o.find() || !t.find()) {
            throw new IllegalStateException("no NMT summary (is -XX:NativeMemoryTracking=summary set?): " + out);
        }
        long[] r = {Long.parseLong(o.group(2)), Long.parseLong(t.group(2)), FolioPool.mappedBytes() >> 10};
        System.out.println("nmt: " + when + " other_committed_kb=" + r[0] + " total_committed_kb=" + r[1]
                + " pool_mapped_kb=" + r[2]);
        return r;
    }
}
