package io.jnetfs.bvecq;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event for one get or put of a segment reference (only with {@code -Djnetfs.bvecq.trace=true}). */
@Name("io.jnetfs.bvecq.Ref")
@Label("bvecq reference")
@Category({"jnetfs", "bvecq"})
@Description("A get or put of a reference on a bvecq segment, with its reason")
@Enabled(true)
@StackTrace(true)
final class BvecqRefEvent extends jdk.jfr.Event {
    static final boolean TRACE = Boolean.getBoolean("jnetfs.bvecq.trace");

    @Label("segment")
    long segment;
    @Label("reason")
    String reason;
    @Label("delta")
    int delta;
    @Label("refs after")
    int refs;

    static void emit(Bvecq seg, RefTrace why, int delta, int refs) {
        BvecqRefEvent e = new BvecqRefEvent();
        if (e.shouldCommit()) {
            e.segment = seg.id();
            e.reason = why.name();
            e.delta = delta;
            e.refs = refs;
            e.commit();
        }
    }
}
