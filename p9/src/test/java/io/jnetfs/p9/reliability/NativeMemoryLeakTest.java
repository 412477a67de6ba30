package io.jnetfs.p9.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Native memory returns to its starting level after a million chain operations and a million ring
 * operations: {@link NativeMemoryWorkload} runs in a JVM of its own with Native Memory Tracking, and
 * its NMT "Other" category (where FFM arenas allocate), the folio pools' mapped slabs (mmap, which NMT
 * does not count: {@link io.jnetfs.bvecq.FolioPool#mappedBytes()}) and its open descriptors must end
 * where they began after the warm-up. Operations: {@code -Djnetfs.leak.ops} (default 1,000,000 of each kind).
 */
class NativeMemoryLeakTest {
    /** Slack for the JVM's own bookkeeping in the category (NMT rounds to KB; some JDK buffers come and go). */
    private static final long SLACK_KB = 1024;

    @Test
    @Timeout(value = 170, unit = TimeUnit.SECONDS)
    void aMillionChainAndRingOperationsLeaveNativeMemoryAndFdsWhereTheyWere() throws Exception {
        int ops = Integer.getInteger("jnetfs.leak.ops", 1_000_000);
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(List.of(java.toString(), "--enable-native-access=ALL-UNNAMED",
                "-XX:NativeMemoryTracking=summary", "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                NativeMemoryWorkload.class.getName(), Integer.toString(ops)))
                .redirectErrorStream(true).start();
        String out;
        try {
            out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(150, TimeUnit.SECONDS), "the workload ended");
        } finally {
            p.destroyForcibly();
        }
        System.out.print(out.lines().filter(l -> l.startsWith("nmt:") || l.startsWith("result:"))
                .map(l -> "native memory " + l + "\n").reduce("", String::concat));
        assertEquals(0, p.exitValue(), out);
        Matcher m = Pattern.compile("NMT Other committed (\\d+) KB -> (\\d+) KB, total committed (\\d+) KB -> (\\d+) KB; "
                + "pool slabs mapped (\\d+) KB -> (\\d+) KB; fds (\\d+) -> (\\d+)").matcher(out);
        assertTrue(m.find(), out);
        long otherBefore = Long.parseLong(m.group(1));
        long otherAfter = Long.parseLong(m.group(2));
        assertTrue(otherAfter - otherBefore <= SLACK_KB, "NMT Other grew from " + otherBefore + " KB to " + otherAfter
                + " KB: " + out);
        long mappedBefore = Long.parseLong(m.group(5));
        long mappedAfter = Long.parseLong(m.group(6));
        assertEquals(mappedBefore, mappedAfter, "folio pool slabs left mapped: " + out);
        Matcher during = Pattern.compile("nmt: during other_committed_kb=\\d+ total_committed_kb=\\d+ pool_mapped_kb=(\\d+)")
                .matcher(out);
        assertTrue(during.find(), out);
        assertTrue(Long.parseLong(during.group(1)) >= mappedBefore + 2048, "the count sees the pool's 2 MiB slabs while "
                + "they are held (else this test could not see a leak): " + out);
        assertTrue(Integer.parseInt(m.group(8)) <= Integer.parseInt(m.group(7)), "descriptors leaked: " + out);
    }

}
