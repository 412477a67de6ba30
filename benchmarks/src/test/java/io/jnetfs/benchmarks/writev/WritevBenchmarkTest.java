package io.jnetfs.benchmarks.writev;

import io.jnetfs.benchmarks.support.Scratch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Runs every variant of the experiment on every target outside JMH: real /dev/null, ext4 file, loopback TCP. */
@Timeout(120)
class WritevBenchmarkTest {
    @TempDir
    Path scratch;

    @AfterEach
    void restoreScratch() {
        System.clearProperty(Scratch.PROPERTY);
    }

    private WritevBenchmark open(String target, String shape) throws IOException {
        System.setProperty(Scratch.PROPERTY, scratch.toString());
        WritevBenchmark b = new WritevBenchmark();
        b.target = target;
        b.shape = shape;
        b.open();
        return b;
    }

    @Test
    void everyVariantWritesTheWholeShapeToEveryTarget() throws IOException {
        for (String target : List.of("devnull", "file", "socket")) {
            for (String shape : List.of("16x65536", "256x4096")) {
                WritevBenchmark b = open(target, shape);
                try {
                    for (int i = 0; i < 8; i++) {
                        assertEquals(1 << 20, b.nioGatheringWrite(), target + " " + shape);
                        assertEquals(1 << 20, b.nioWriteLoop(), target + " " + shape);
                        assertEquals(1 << 20, b.nativeWritev(), target + " " + shape);
                        assertEquals(1 << 20, b.chainWritev(), target + " " + shape);
                    }
                } finally {
                    b.close();
                }
            }
        }
        try (Stream<Path> left = Files.list(scratch)) {
            assertEquals(List.of(), left.toList(), "close() deletes the benchmark's files");
        }
    }

    @Test
    void fileTargetsReturnToZeroAtTheBound() throws IOException {
        WritevBenchmark b = open("file", "16x65536");
        try {
            long calls = WritevBenchmark.FILE_BOUND / (1 << 20) + 3;
            for (long i = 0; i < calls; i++) {
                b.nativeWritev();
                b.nioGatheringWrite();
                b.chainWritev();
            }
            try (Stream<Path> files = Files.list(scratch)) {
                for (Path f : files.toList()) {
                    assertEquals(WritevBenchmark.FILE_BOUND, Files.size(f), f.toString());
                }
            }
        } finally {
            b.close();
        }
    }

    /**
     * Once compiled, as JMH measures it, the jnetfs variants allocate nothing. Rounds of 20k calls are
     * measured until one allocates zero bytes (the interpreter and C1 may allocate before C2 compiles
     * the path; on a loaded machine that takes a while), or the test fails after 100 rounds.
     */
    @Test
    void jnetfsVariantsAllocateNothingOnceCompiled() throws IOException {
        WritevBenchmark b = open("devnull", "16x65536");
        try {
            assertEquals(0, allocatedOnceCompiled(b::nativeWritev), "bytes allocated by 20k nativeWritev calls");
            assertEquals(0, allocatedOnceCompiled(b::chainWritev), "bytes allocated by 20k chainWritev calls");
        } finally {
            b.close();
        }
    }

    private interface Call {
        long run() throws IOException;
    }

    private static long allocatedOnceCompiled(Call call) throws IOException {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long allocated = -1;
        for (int round = 0; round < 100 && allocated != 0; round++) {
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < 20_000; i++) {
                call.run();
            }
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }
        return allocated;
    }
}
