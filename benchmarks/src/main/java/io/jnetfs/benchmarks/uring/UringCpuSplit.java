package io.jnetfs.benchmarks.uring;

import io.jnetfs.ffm.Native;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.uring.CompletionCallback;
import io.jnetfs.uring.IoUring;
import io.jnetfs.uring.SqeFlags;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Where the CPU time of one 4 KiB random read goes: user time (the Java side: SQE writes, in-flight
 * table, CQ reads; or FileChannel's own code) and system time (the kernel), per operation, from the
 * process's {@code utime}/{@code stime} in {@code /proc/self/stat} over a few seconds of the same loop
 * as {@link UringRandomReadBenchmark}. Like CPU time per operation, the split hardly moves when other
 * processes load the machine.
 *
 * <pre>
 * java --enable-native-access=ALL-UNNAMED -cp benchmarks/target/benchmarks.jar io.jnetfs.benchmarks.uring.UringCpuSplit [seconds]
 * </pre>
 */
public final class UringCpuSplit {
    private static final int BLOCK = 4096;
    private static final int BUFFERS = 32;
    /** Clock ticks per second of utime/stime: USER_HZ, 100 on Linux. */
    private static final double NANOS_PER_TICK = 1e7;

    private UringCpuSplit() {
    }

    /**
     * Prints user and system nanoseconds per operation for NOPs, READ and READ_FIXED at depth 8 and 32,
     * and FileChannel positional reads.
     *
     * @param args optional: seconds per measurement (default 5)
     * @throws Exception if the file or the ring cannot be set up
     */
    public static void main(String[] args) throws Exception {
        long seconds = args.length > 0 ? Long.parseLong(args[0]) : 5;
        Path file = BenchFile.ensureCached();
        try (Arena arena = Arena.ofShared()) {
            int fd = Native.open(arena.allocateFrom(file.toString()), LibC.O_RDONLY() | LibC.O_CLOEXEC(), 0);
            if (fd < 0) {
                throw new IOException("open " + file + ": " + fd);
            }
            MemorySegment pool = arena.allocate((long) BUFFERS * BLOCK, 4096);
            MemorySegment[] bufs = new MemorySegment[BUFFERS];
            for (int i = 0; i < BUFFERS; i++) {
                bufs[i] = pool.asSlice((long) i * BLOCK, BLOCK);
            }
            long[] offsets = new long[1 << 16];
            SplittableRandom rnd = new SplittableRandom(42);
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = rnd.nextLong(BenchFile.SIZE / BLOCK) * BLOCK;
            }
            System.out.println("| operation | depth | user ns/op | system ns/op | total ns/op |");
            System.out.println("|---|---:|---:|---:|---:|");
            for (String mode : new String[] {"IORING_OP_NOP", "IORING_OP_READ", "IORING_OP_READ_FIXED+regfile"}) {
                for (int depth : new int[] {8, 32}) {
                    try (IoUring ring = UringRandomReadBenchmark.ring("fio", 64)) {
                        ring.registerBuffers(pool);
                        ring.registerFiles(fd);
                        measure(mode, depth, seconds, ops -> ringLoop(ring, mode, depth, fd, bufs, offsets, ops));
                    }
                }
            }
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                ByteBuffer[] bb = new ByteBuffer[BUFFERS];
                for (int i = 0; i < BUFFERS; i++) {
                    bb[i] = bufs[i].asByteBuffer();
                }
                measure("FileChannel.read(dst, position)", 1, seconds, ops -> channelLoop(ch, bb, offsets, ops));
            }
            Native.close(fd);
        }
    }

    @FunctionalInterface
    private interface Loop {
        /** Runs {@code ops} operations. */
        void run(long ops) throws IOException;
    }

    private static void measure(String name, int depth, long seconds, Loop loop) throws IOException {
        loop.run(200_000); // warm-up: compile the loop
        long chunk = 64_000;
        long ops = 0;
        long[] t0 = cpuTicks();
        long end = System.nanoTime() + seconds * 1_000_000_000L;
        while (System.nanoTime() < end) {
            loop.run(chunk);
            ops += chunk;
        }
        long[] t1 = cpuTicks();
        double user = (t1[0] - t0[0]) * NANOS_PER_TICK / ops;
        double sys = (t1[1] - t0[1]) * NANOS_PER_TICK / ops;
        System.out.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.0f |%n", name, depth, user, sys, user + sys);
    }

    private static int next;

    private static void ringLoop(IoUring ring, String mode, int depth, int fd, MemorySegment[] bufs, long[] offsets,
                                 long ops) {
        CompletionCallback check = (res, flags, userData) -> {
            if (res < 0) {
                throw new IllegalStateException(mode + " failed: " + res);
            }
        };
        for (long done = 0; done < ops; done += depth) {
            for (int j = 0; j < depth; j++) {
                long off = offsets[next++ & 0xFFFF];
                switch (mode) {
                    case "IORING_OP_NOP" -> ring.prepNop(0, j);
                    case "IORING_OP_READ" -> ring.prepRead(fd, bufs[j & (BUFFERS - 1)], off, 0, j);
                    default -> ring.prepReadFixed(0, bufs[j & (BUFFERS - 1)], off, 0, SqeFlags.IOSQE_FIXED_FILE, j);
                }
            }
            ring.submitAndWait(depth);
            ring.complete(check);
        }
    }

    private static void channelLoop(FileChannel ch, ByteBuffer[] bb, long[] offsets, long ops) throws IOException {
        for (long done = 0; done < ops; done++) {
            ByteBuffer b = bb[(int) (done & (BUFFERS - 1))];
            b.clear();
            if (ch.read(b, offsets[next++ & 0xFFFF]) != BLOCK) {
                throw new IllegalStateException("short read");
            }
        }
    }

    /** @return this process's {@code utime} and {@code stime}, in clock ticks */
    private static long[] cpuTicks() throws IOException {
        String stat = Files.readString(Path.of("/proc/self/stat"));
        // fields after "(comm) ": state is field 3, utime 14, stime 15
        String[] f = stat.substring(stat.lastIndexOf(") ") + 2).split(" ");
        return new long[] {Long.parseLong(f[11]), Long.parseLong(f[12])};
    }
}
