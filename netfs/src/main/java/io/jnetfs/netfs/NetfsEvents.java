package io.jnetfs.netfs;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/** JFR events for the lifecycle of requests and subrequests: the engine's tracepoints. */
final class NetfsEvents {
    private NetfsEvents() {
    }

    @Name("io.jnetfs.netfs.Request")
    @Label("netfs request")
    @Category({"jnetfs", "netfs"})
    @StackTrace(false)
    static final class RequestEvent extends jdk.jfr.Event {
        @Label("id") long id;
        @Label("origin") String origin;
        @Label("start") long start;
        @DataAmount @Label("len") long len;
        @DataAmount @Label("transferred") long transferred;
        @Label("subrequests") int subrequests;
        @Label("error") int error;
        /** From the request's making to its completion (the event itself is committed at completion). */
        @Timespan(Timespan.NANOSECONDS) @Label("elapsed") long elapsed;
    }

    @Name("io.jnetfs.netfs.Subrequest")
    @Label("netfs subrequest")
    @Category({"jnetfs", "netfs"})
    @StackTrace(false)
    static final class SubrequestEvent extends jdk.jfr.Event {
        @Label("request") long request;
        @Label("index") int index;
        @Label("source") String source;
        @Label("start") long start;
        @DataAmount @Label("len") long len;
        @DataAmount @Label("transferred") long transferred;
        @Label("flags") String flags;
        @Label("retries") int retries;
        @Label("error") int error;
    }

    static void subrequestDone(NetfsIoSubrequest s) {
        SubrequestEvent e = new SubrequestEvent();
        if (e.shouldCommit()) {
            e.request = s.rreq.debugId();
            e.index = s.debugIndex;
            e.source = s.source.name();
            e.start = s.start;
            e.len = s.len;
            e.transferred = s.transferred;
            e.flags = NetfsSreqFlags.describe(s.flags());
            e.retries = s.retryCount;
            e.error = s.error;
            e.commit();
        }
    }

    static void requestDone(NetfsIoRequest r, long startNanos) {
        RequestEvent e = new RequestEvent();
        if (e.shouldCommit()) {
            e.id = r.debugId();
            e.origin = r.origin().name();
            e.start = r.start();
            e.len = r.len();
            e.transferred = r.transferred();
            e.subrequests = r.subreqCount();
            e.error = r.error();
            e.elapsed = System.nanoTime() - startNanos;
            e.commit();
        }
    }
}
