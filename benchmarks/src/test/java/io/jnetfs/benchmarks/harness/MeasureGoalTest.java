package io.jnetfs.benchmarks.harness;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MeasureGoalTest {
    @Test
    void normalisesJmhUnits() {
        Measure us = Measure.fromJmh(1.5, 0.1, "us/op");
        assertEquals(Measure.Unit.NS_PER_OP, us.unit());
        assertEquals(1500, us.value(), 1e-9);
        assertEquals(100, us.error(), 1e-9);
        Measure thrpt = Measure.fromJmh(2, 0, "ops/ms");
        assertEquals(Measure.Unit.OPS_PER_S, thrpt.unit());
        assertEquals(2000, thrpt.value(), 1e-9);
        assertThrows(IllegalArgumentException.class, () -> Measure.fromJmh(1, 0, "B/op"));
    }

    @Test
    void ratioIsHowManyTimesFasterTheSubjectIs() {
        Measure jnetfs = new Measure(600, 0, Measure.Unit.NS_PER_OP);
        Measure nio = new Measure(821, 0, Measure.Unit.NS_PER_OP);
        assertEquals(821.0 / 600, jnetfs.speedupOver(nio), 1e-12);
        // time against rate of the same operations compares; operations against bytes does not
        assertEquals(1.0, jnetfs.speedupOver(new Measure(1e9 / 600, 0, Measure.Unit.OPS_PER_S)), 1e-12);
        assertTrue(Double.isNaN(jnetfs.speedupOver(new Measure(1, 0, Measure.Unit.BYTES_PER_S))));
    }

    @Test
    void goalsUseTheIssuesThresholds() {
        Goal nio = Goal.atLeast(1.3, "NIO");
        assertTrue(nio.met(821.0 / 631));
        assertFalse(nio.met(821.0 / 632));
        assertFalse(nio.met(Double.NaN));
        Goal c = Goal.within(0.10, "C");
        // per-call cost within 10% of C: 654 ns against C's 595 ns is in, 656 ns is out, faster is in
        assertTrue(c.met(595.0 / 654));
        assertFalse(c.met(595.0 / 656));
        assertTrue(c.met(2.0));
        assertEquals("≥ 1.30x NIO", nio.text());
        assertEquals("within 10% of C", c.text());
        assertFalse(Goal.NONE.exists());
    }

    @Test
    void displaysWithScaledUnits() {
        assertEquals("612 ± 8.00 ns/op", new Measure(612, 8, Measure.Unit.NS_PER_OP).display());
        assertEquals("32.6 µs/op", new Measure(32_553, Double.NaN, Measure.Unit.NS_PER_OP).display());
        assertEquals("4.22 GB/s", new Measure(4.215e9, 0, Measure.Unit.BYTES_PER_S).display());
        assertEquals("670 kops/s", new Measure(670_123, Double.NaN, Measure.Unit.OPS_PER_S).display());
    }
}
