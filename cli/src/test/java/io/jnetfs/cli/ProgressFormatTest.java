package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The progress bar's text: bytes, rate, ETA, the bar, and the width it keeps to. */
class ProgressFormatTest {
    private static final long SECOND = 1_000_000_000L;

    @Test
    void bytesUseBinaryUnitsWithOneDecimal() {
        assertEquals("0 B", Sizes.format(0));
        assertEquals("1023 B", Sizes.format(1023));
        assertEquals("1.0 KiB", Sizes.format(1024));
        assertEquals("1.5 KiB", Sizes.format(1536));
        assertEquals("256.0 MiB", Sizes.format(256L << 20));
        assertEquals("1.0 GiB", Sizes.format((1L << 30) - 1), "rounds up to the next unit, not 1024.0 MiB");
        assertEquals("3.0 TiB", Sizes.format(3L << 40));
    }

    @Test
    void rateIsBytesPerSecondInBinaryUnits() {
        assertEquals("512.0 MiB/s", ProgressFormat.rate(512.0 * (1 << 20)));
        assertEquals("0 B/s", ProgressFormat.rate(0));
    }

    @Test
    void etaIsTheRemainingBytesOverTheRate() {
        assertEquals("0:01", ProgressFormat.eta(1 << 20, 1 << 20));
        assertEquals("0:02", ProgressFormat.eta((1 << 20) + 1, 1 << 20), "rounded up");
        assertEquals("1:40", ProgressFormat.eta(100L << 20, 1 << 20));
        assertEquals("1:01:01", ProgressFormat.eta(3661L, 1));
        assertEquals("--:--", ProgressFormat.eta(100, 0), "no rate yet");
        assertEquals("0:00", ProgressFormat.eta(0, 0), "done");
        assertEquals("--:--", ProgressFormat.eta(Long.MAX_VALUE, 1), "beyond 100 hours");
    }

    @Test
    void percentAndBar() {
        assertEquals(0, ProgressFormat.percent(0, 100));
        assertEquals(50, ProgressFormat.percent(50, 100));
        assertEquals(100, ProgressFormat.percent(100, 100));
        assertEquals(100, ProgressFormat.percent(0, 0), "an empty file is done");
        assertEquals("[#####.....]", ProgressFormat.bar(50, 100, 10));
        assertEquals("[..........]", ProgressFormat.bar(0, 100, 10));
        assertEquals("[##########]", ProgressFormat.bar(100, 100, 10));
    }

    @Test
    void aLineShowsNameBarPercentBytesRateAndEta() {
        String line = ProgressFormat.line("big.bin", 128L << 20, 256L << 20, 2 * SECOND, 100);
        assertTrue(line.startsWith("big.bin"), line);
        assertTrue(line.contains("[###"), line);
        assertTrue(line.contains(" 50%"), line);
        assertTrue(line.contains("128.0 MiB / 256.0 MiB"), line);
        assertTrue(line.contains("64.0 MiB/s"), line);
        assertTrue(line.endsWith("ETA 0:02"), line);
        assertTrue(line.length() <= 100, line);
    }

    @Test
    void aLineKeepsToTheWidthAndShortensTheNameFromTheLeft() {
        String name = "a/very/long/path/".repeat(10) + "file.bin";
        String line = ProgressFormat.line(name, 1, 2, SECOND, 80);
        assertTrue(line.length() <= 80, line.length() + ": " + line);
        assertTrue(line.startsWith("..."), line);
        assertTrue(line.contains("file.bin"), line);
    }

    @Test
    void anUnknownTotalShowsBytesAndRateOnly() {
        String line = ProgressFormat.line("fifo", 3L << 20, -1, SECOND, 80);
        assertTrue(line.contains("3.0 MiB"), line);
        assertTrue(line.contains("3.0 MiB/s"), line);
        assertTrue(!line.contains("ETA") && !line.contains("%") && !line.contains("["), line);
    }
}
