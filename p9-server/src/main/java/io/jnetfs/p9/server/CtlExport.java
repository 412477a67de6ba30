package io.jnetfs.p9.server;

import static io.jnetfs.p9.P9Descriptor.HEADER_SIZE;
import static io.jnetfs.p9.P9Descriptor.QID_SIZE;

import io.jnetfs.ffm.Errno;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Type;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

/**
 * The synthetic {@code ctl} export (aname {@code "ctl"}, with {@code --ctl}), what diod's
 * {@code diodload} drives: a directory with two files.
 *
 * <pre>
 *   /       directory  0555
 *   zero    file       0444   every Tread returns count zero bytes, forever (sent from one zeroed
 *                             buffer of the server's: no file, no copy)
 *   null    file       0666   every Twrite is accepted whole and dropped; Tread returns 0 bytes
 * </pre>
 *
 * Nothing else can be made or changed ({@code EROFS}).
 */
final class CtlExport implements ExportOps {
    /** The node number (and qid path) of the directory. */
    static final int ROOT = 1;
    /** The node of {@code zero}. */
    static final int ZERO = 2;
    /** The node of {@code null}. */
    static final int NULL = 3;

    private static final String[] NAMES = {null, "", "zero", "null"};
    private static final int[] MODES = {0, 0040555, 0100444, 0100666};

    private final DataBuffer zeroes;
    private final long startSec = System.currentTimeMillis() / 1000;

    /** @param zeroes a zero-filled buffer at least as large as the largest Rread's data */
    CtlExport(DataBuffer zeroes) {
        this.zeroes = zeroes;
    }

    private ServerFid node(int node) {
        return new ServerFid(this, -1, NAMES[node], node == ROOT ? P9Flags.P9_QTDIR : P9Flags.P9_QTFILE, node, node);
    }

    private static ServerFid fail(Scratch s, int errno) {
        s.errno = errno;
        return null;
    }

    @Override
    public ServerFid attach(Scratch s) {
        return node(ROOT);
    }

    @Override
    public ServerFid clone(Scratch s, ServerFid f) {
        s.qidVersion = 0;
        return node(f.node);
    }

    @Override
    public ServerFid walk(Scratch s, ServerFid from, int nameLen) {
        if (from.node != ROOT) {
            return fail(s, Errno.ENOTDIR);
        }
        s.qidVersion = 0;
        String name = new String(s.name.asSlice(0, nameLen).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        return switch (name) {
            case ".", ".." -> node(ROOT);
            case "zero" -> node(ZERO);
            case "null" -> node(NULL);
            default -> fail(s, Errno.ENOENT);
        };
    }

    @Override
    public int lopen(Scratch s, ServerFid f, int p9flags, ServerRequest r) {
        int acc = p9flags & 3;
        if (f.node == ROOT && acc != P9Flags.P9_DOTL_RDONLY) {
            return -Errno.EISDIR;
        }
        if (f.node == ZERO && acc != P9Flags.P9_DOTL_RDONLY) {
            return -Errno.EACCES;
        }
        if (!f.setOpen(-1, DirExport.linuxFlags(p9flags))) {
            return -Errno.EBADF;
        }
        return Replies.lopen(r, P9Type.Rlopen, f.qidType, 0, f.qidPath, 0);
    }

    @Override
    public ServerFid lcreate(Scratch s, ServerFid dir, int nameLen, int p9flags, int mode, int gid) {
        return fail(s, Errno.EROFS);
    }

    @Override
    public long read(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        if (!f.isOpen()) {
            return -Errno.EBADF;
        }
        s.readSpliced = false;
        return switch (f.node) {
            case ZERO -> {
                s.readChain = zeroes.chain;
                yield Math.min(count, zeroes.capacity);
            }
            case NULL -> {
                s.readChain = zeroes.chain;
                yield 0;
            }
            default -> -Errno.EISDIR;
        };
    }

    @Override
    public long write(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        if (!f.isOpen()) {
            return -Errno.EBADF;
        }
        return switch (f.node) {
            case NULL -> count;
            case ZERO -> -Errno.EBADF;
            default -> -Errno.EISDIR;
        };
    }

    @Override
    public int getattr(Scratch s, ServerFid f, long mask, ServerRequest r) {
        return Replies.getattr(r, P9Flags.P9_GETATTR_BASIC, f.qidType, 0, f.qidPath, MODES[f.node], 0, 0, f.node == ROOT ? 2 : 1, 0, 0, 4096, 0,
                startSec, 0, startSec, 0, startSec, 0);
    }

    @Override
    public int setattr(Scratch s, ServerFid f, int valid, int mode, int uid, int gid, long size, long atimeSec,
                       long atimeNsec, long mtimeSec, long mtimeNsec) {
        return -Errno.EROFS;
    }

    @Override
    public int readdir(Scratch s, ServerFid f, long offset, int count, ServerRequest r) {
        if (f.node != ROOT) {
            return -Errno.ENOTDIR;
        }
        if (!f.isOpen()) {
            return -Errno.EBADF;
        }
        String[] names = {".", "..", "zero", "null"};
        int[] nodes = {ROOT, ROOT, ZERO, NULL};
        MemorySegment out = r.data.mem;
        long at = P9Descriptor.RREADDIR_HEADER_SIZE;
        long limit = at + (long) count;
        for (int i = Math.clamp(offset, 0, names.length); i < names.length; i++) {
            byte[] n = names[i].getBytes(StandardCharsets.US_ASCII);
            long size = QID_SIZE + 8 + 1 + 2 + n.length;
            if (at + size > limit) {
                break;
            }
            int node = nodes[i];
            out.set(ServerRequest.U8, at, (byte) (node == ROOT ? P9Flags.P9_QTDIR : P9Flags.P9_QTFILE));
            out.set(ServerRequest.U32, at + 1, 0);
            out.set(ServerRequest.U64, at + 5, node);
            out.set(ServerRequest.U64, at + QID_SIZE, i + 1);
            out.set(ServerRequest.U8, at + QID_SIZE + 8, (byte) (node == ROOT ? 4 : 8)); // DT_DIR, DT_REG
            out.set(ServerRequest.U16, at + QID_SIZE + 9, (short) n.length);
            MemorySegment.copy(MemorySegment.ofArray(n), 0, out, at + QID_SIZE + 11, n.length);
            at += size;
        }
        int total = (int) at;
        out.set(ServerRequest.U32, 0, total);
        out.set(ServerRequest.U8, 4, (byte) P9Type.Rreaddir);
        out.set(ServerRequest.U16, 5, (short) r.tag);
        out.set(ServerRequest.U32, HEADER_SIZE, total - P9Descriptor.RREADDIR_HEADER_SIZE);
        return total;
    }

    @Override
    public int fsync(Scratch s, ServerFid f, boolean datasync) {
        return 0;
    }

    @Override
    public int statfs(Scratch s, ServerFid f, ServerRequest r) {
        int size = HEADER_SIZE + P9Descriptor.RSTATFS_BODY;
        r.header(size, P9Type.Rstatfs);
        r.put32(7, 0);
        r.put32(11, 4096);
        for (int off = 15; off < 63; off += 8) {
            r.put64(off, 0);
        }
        r.put32(63, 255);
        return size;
    }

    @Override
    public int mkdir(Scratch s, ServerFid dir, int nameLen, int mode, int gid, ServerRequest r) {
        return -Errno.EROFS;
    }

    @Override
    public int unlinkat(Scratch s, ServerFid dir, int nameLen, int flags) {
        return -Errno.EROFS;
    }

    @Override
    public int renameat(Scratch s, ServerFid oldDir, ServerFid newDir) {
        return -Errno.EROFS;
    }

    @Override
    public int rename(Scratch s, ServerFid f, ServerFid dir) {
        return -Errno.EROFS;
    }

    @Override
    public int symlink(Scratch s, ServerFid dir, int nameLen, int gid, ServerRequest r) {
        return -Errno.EROFS;
    }

    @Override
    public int readlink(Scratch s, ServerFid f, ServerRequest r) {
        return -Errno.EINVAL;
    }

    @Override
    public int link(Scratch s, ServerFid dir, ServerFid f) {
        return -Errno.EROFS;
    }

    @Override
    public int remove(Scratch s, ServerFid f) {
        return -Errno.EROFS;
    }
}
