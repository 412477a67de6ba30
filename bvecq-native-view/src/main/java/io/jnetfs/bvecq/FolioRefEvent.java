package io.jnetfs.bvecq;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Enabled;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** JFR event for one get or put of a folio reference (only with {@code -Djnetfs.bvecq.trace=true}). */
@Name("io.jnetfs.bvecq.FolioRef")
@Label("folio reference")
@Category({"jnetfs", "bvecq"})
@Description("A get or put of a reference on a folio, with its reason")
@Enabled(true)
@StackTrace(true)
final class FolioRefEvent extends jdk.jfr.Event {
    @Label("address")
    long address;
    @Label("reason")
    String reason;
    @Label("delta")
    int delta;
    @Label("refs after")
    int refs;

    static void emit(Folio f, FolioRef why, int delta, int refs) {
        FolioRefEvent e = new FolioRefEvent();
        if (e.shouldCommit()) {
            e.address = f.address();
            e.reason = why.name();
            e.delta = delta;
            e.refs = refs;
            e.commit();
        }
    }
}
