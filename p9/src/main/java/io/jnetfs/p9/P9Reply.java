package io.jnetfs.p9;

import java.util.List;

/**
 * The decoded parts of a reply the -errno layer hands back besides its result: a qid, an iounit,
 * a string, the qids of a walk, a statfs. Mutable and reused by one caller.
 */
final class P9Reply {
    Qid qid;
    int iounit;
    String text;
    List<Qid> qids;
    P9StatFs statfs;
    /**
     * Set when a Twalk/Tattach was flushed (timed out or cancelled): the new fid's number then belongs
     * to the connection, which gives it back once the server's answer (or the Rflush) says what became
     * of it.
     */
    boolean fidKeptByConnection;

    void clear() {
        fidKeptByConnection = false;
        qid = null;
        iounit = 0;
        text = null;
        qids = null;
        statfs = null;
    }
}
