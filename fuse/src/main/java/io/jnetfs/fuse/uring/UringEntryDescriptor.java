package io.jnetfs.fuse.uring;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.gen.LibC;
import io.jnetfs.ffm.gen.fuse_in_header;
import io.jnetfs.ffm.gen.fuse_uring_cmd_req;
import io.jnetfs.ffm.gen.fuse_uring_ent_in_out;
import io.jnetfs.ffm.gen.fuse_uring_req_header;
import java.lang.foreign.MemoryLayout.PathElement;

/**
 * The memory of one ring entry: one folio holding the kernel's {@code struct fuse_uring_req_header}
 * (iov[0] of REGISTER), a staging area, and the payload buffer (iov[1]).
 *
 * <pre>
 *   folio:  0           288                     4096 - 40 - op      4096                 4096 + payload
 *           [ req_header ] ...................  [ in_header | op_in ][ payload (names, WRITE data) ]
 *            in_out  (fuse_in_header / fuse_out_header, 128)         ^ iov[1]: the kernel copies the
 *            op_in   (the op's first argument, 128)                    args after the first here, and
 *            ring_ent_in_out (commit_id, payload_sz)                    reads the reply's args from here
 * </pre>
 * On a fetch the kernel writes the in-header into {@code in_out}, the op's fixed struct into
 * {@code op_in} and the rest into the payload; copying the first two (at most 168 bytes) right in front
 * of the payload makes the request contiguous, as {@code read(/dev/fuse)} gives it, without moving the
 * payload. The op struct's size is {@code in_header.len - 40 - payload_sz}.
 */
final class UringEntryDescriptor {
    /** {@code sizeof(struct fuse_uring_req_header)}: 288. */
    static final long HEADER_SIZE = fuse_uring_req_header.layout().byteSize();
    static final long IN_OUT = fuse_uring_req_header.layout().byteOffset(PathElement.groupElement("in_out"));
    static final long OP_IN = fuse_uring_req_header.layout().byteOffset(PathElement.groupElement("op_in"));
    static final int OP_IN_MAX = LibC.FUSE_URING_OP_IN_OUT_SZ();
    private static final long ENT = fuse_uring_req_header.layout().byteOffset(PathElement.groupElement("ring_ent_in_out"));
    static final long COMMIT_ID = ENT + fuse_uring_ent_in_out.layout().byteOffset(PathElement.groupElement("commit_id"));
    static final long PAYLOAD_SZ = ENT + fuse_uring_ent_in_out.layout().byteOffset(PathElement.groupElement("payload_sz"));
    /** {@code sizeof(struct fuse_in_header)}: 40. */
    static final long IN_HEADER_SIZE = fuse_in_header.layout().byteSize();
    static final long IN_LEN = fuse_in_header.layout().byteOffset(PathElement.groupElement("len"));
    static final long IN_UNIQUE = fuse_in_header.layout().byteOffset(PathElement.groupElement("unique"));
    /** Where the payload starts in the entry's folio. */
    static final long PAYLOAD = FolioPool.PAGE_SIZE;

    /** {@code struct fuse_uring_cmd_req} in the SQE's command area. */
    static final long CMD_SIZE = fuse_uring_cmd_req.layout().byteSize();
    static final long CMD_FLAGS = fuse_uring_cmd_req.layout().byteOffset(PathElement.groupElement("flags"));
    static final long CMD_COMMIT_ID = fuse_uring_cmd_req.layout().byteOffset(PathElement.groupElement("commit_id"));
    static final long CMD_QID = fuse_uring_cmd_req.layout().byteOffset(PathElement.groupElement("qid"));

    static final int FUSE_IO_URING_CMD_REGISTER = LibC.FUSE_IO_URING_CMD_REGISTER();
    static final int FUSE_IO_URING_CMD_COMMIT_AND_FETCH = LibC.FUSE_IO_URING_CMD_COMMIT_AND_FETCH();

    static {
        if (HEADER_SIZE + IN_HEADER_SIZE + OP_IN_MAX > PAYLOAD) {
            throw new ExceptionInInitializerError("fuse_uring_req_header and the staging area overlap");
        }
    }

    private UringEntryDescriptor() {
    }

    /** @return the folio offset where a request whose op struct is {@code opSize} bytes starts */
    static long requestStart(int opSize) {
        return PAYLOAD - IN_HEADER_SIZE - opSize;
    }
}
