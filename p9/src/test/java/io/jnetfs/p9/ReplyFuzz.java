package io.jnetfs.p9;

import static io.jnetfs.p9.FakeServer.le;
import static io.jnetfs.p9.FakeServer.msg;
import static io.jnetfs.p9.FakeServer.qid;
import static io.jnetfs.p9.FakeServer.str;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.ffm.Errno;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * The client-reply fuzzer: a real {@link P9Client} on a real loopback socket asks a {@link FakeServer}
 * one thing ({@link Call}); the server answers the request under test with a mutated copy of a valid
 * reply (bits flipped, size, count and length fields set to edge values, bytes cut or added, type or tag
 * changed) and then closes the connection, answering anything else properly.
 *
 * <p>The only acceptable outcomes: the call returns, or it throws a {@link P9Exception} (a protocol
 * error, the server's Rlerror, the end of the stream); within a bound of time; with every tag free
 * afterwards and every pooled byte back. Anything else escaping is a finding, kept in the corpus
 * ({@code src/test/resources/fuzz-corpus/client-replies}) as a {@link Case}.
 */
final class ReplyFuzz {
    static final int MSIZE = 8192;
    /** The longest a call may take: a few client timeouts. */
    static final long MAX_CALL_NANOS = TimeUnit.SECONDS.toNanos(5);

    /** What the client asks, and the request whose reply is mutated. */
    enum Call {
        VERSION(P9Type.Tversion),
        GETATTR(P9Type.Tgetattr),
        STATFS(P9Type.Tstatfs),
        WALK(P9Type.Twalk),
        READLINK(P9Type.Treadlink),
        READ(P9Type.Tread),
        WRITE(P9Type.Twrite),
        LOPEN(P9Type.Tlopen),
        FSYNC(P9Type.Tfsync),
        MKDIR(P9Type.Tmkdir),
        SYMLINK(P9Type.Tsymlink),
        UNLINKAT(P9Type.Tunlinkat),
        RENAMEAT(P9Type.Trenameat),
        READDIR(P9Type.Treaddir),
        SETATTR(P9Type.Tsetattr),
        CLUNK(P9Type.Tclunk);

        final int requestType;

        Call(int requestType) {
            this.requestType = requestType;
        }
    }

    /**
     * One input: the call and the exact frame the server sends in reply to its request.
     *
     * @param call what the client asks
     * @param frame the reply bytes
     * @param patchTag whether bytes 5..6 are replaced by the request's tag (the mutation left the tag alone)
     * @param note why the case is kept
     */
    record Case(Call call, byte[] frame, boolean patchTag, String note) {
        String text() {
            return "# " + note.replaceAll("[^\\x20-\\x7e]", "?") + "\ncall=" + call + "\npatchTag=" + patchTag + "\nframe=" + HexFormat.of().formatHex(frame) + "\n";
        }

        static Case parse(String text) {
            Call call = null;
            byte[] frame = null;
            boolean patch = true;
            String note = "";
            for (String line : text.split("\n")) {
                if (line.startsWith("#")) {
                    note = line.substring(1).trim();
                } else if (line.startsWith("call=")) {
                    call = Call.valueOf(line.substring(5).trim());
                } else if (line.startsWith("patchTag=")) {
                    patch = Boolean.parseBoolean(line.substring(9).trim());
                } else if (line.startsWith("frame=")) {
                    frame = HexFormat.of().parseHex(line.substring(6).trim());
                }
            }
            if (call == null || frame == null) {
                throw new IllegalArgumentException("invalid corpus case: " + text);
            }
            return new Case(call, frame, patch, note);
        }
    }

    /** What a run of one case came to. */
    record Outcome(boolean ok, String signature, Throwable unexpected) {
    }

    private ReplyFuzz() {
    }

    // ---- valid replies ------------------------------------------------------------------------------

    /** @return a well-formed reply to {@code requestType} (with tag 0, patched later) */
    static byte[] validReply(int requestType, int tag, Random r) {
        return switch (requestType) {
            case P9Type.Tversion -> msg(P9Type.Rversion, P9Descriptor.NOTAG, le(14).putInt(MSIZE).put(str("9P2000.L")));
            case P9Type.Tgetattr -> {
                byte[] b = new byte[P9Descriptor.RGETATTR_BODY];
                r.nextBytes(b);
                yield msg(P9Type.Rgetattr, tag, b);
            }
            case P9Type.Tstatfs -> {
                byte[] b = new byte[P9Descriptor.RSTATFS_BODY];
                r.nextBytes(b);
                yield msg(P9Type.Rstatfs, tag, b);
            }
            case P9Type.Twalk -> msg(P9Type.Rwalk, tag, le(2 + 26).putShort((short) 2).put(qid(P9Flags.P9_QTDIR, 2))
                    .put(qid(0, 3)));
            case P9Type.Treadlink -> msg(P9Type.Rreadlink, tag, str("../outside/target"));
            case P9Type.Tread -> {
                int n = r.nextInt(200);
                byte[] d = new byte[n];
                r.nextBytes(d);
                yield msg(P9Type.Rread, tag, le(4 + n).putInt(n).put(d));
            }
            case P9Type.Twrite -> msg(P9Type.Rwrite, tag, le(4).putInt(100));
            case P9Type.Tlopen -> msg(P9Type.Rlopen, tag, le(17).put(qid(P9Flags.P9_QTDIR, 1)).putInt(0));
            case P9Type.Tmkdir -> msg(P9Type.Rmkdir, tag, qid(P9Flags.P9_QTDIR, 7));
            case P9Type.Tsymlink -> msg(P9Type.Rsymlink, tag, qid(P9Flags.P9_QTSYMLINK, 8));
            case P9Type.Treaddir -> {
                ByteBuffer d = le(1024);
                int n = 1 + r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    d.put(qid(0, 10 + i)).putLong(i + 1).put((byte) 8).put(str("entry-" + i));
                }
                int len = d.position();
                yield msg(P9Type.Rreaddir, tag, le(4 + len).putInt(len).put(d.array(), 0, len));
            }
            case P9Type.Tfsync -> msg(P9Type.Rfsync, tag, new byte[0]);
            case P9Type.Tunlinkat -> msg(P9Type.Runlinkat, tag, new byte[0]);
            case P9Type.Trenameat -> msg(P9Type.Rrenameat, tag, new byte[0]);
            case P9Type.Tsetattr -> msg(P9Type.Rsetattr, tag, new byte[0]);
            case P9Type.Tclunk -> msg(P9Type.Rclunk, tag, new byte[0]);
            case P9Type.Tflush -> msg(P9Type.Rflush, tag, new byte[0]);
            default -> msg(P9Type.Rlerror, tag, le(4).putInt(Errno.EOPNOTSUPP));
        };
    }

    // ---- mutations ----------------------------------------------------------------------------------

    private static final long[] EDGE32 = {0, 1, 6, 7, 8, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFF, 0x10000, MSIZE - 1,
        MSIZE, MSIZE + 1, 0x7FFF_FFFFL, 0x8000_0000L, 0xFFFF_FFFFL};
    private static final int[] EDGE16 = {0, 1, 2, 15, 16, 17, 0x7F, 0x80, 0xFF, 0x100, 0x7FFF, 0x8000, 0xFFFE, 0xFFFF};

    /**
     * Mutates a valid frame: 1 to 4 of bit flips, random bytes, edge values in the size field or in any
     * 16- or 32-bit field, cutting, appending, another type or tag; or (one time in eight) the Rlerror
     * form with a random ecode.
     */
    static Case mutate(Call call, Random r) {
        int tag = 0;
        byte[] f = validReply(call.requestType, tag, r);
        boolean patch = true;
        int n = 1 + r.nextInt(4);
        StringBuilder what = new StringBuilder();
        if (r.nextInt(8) == 0) {
            f = msg(P9Type.Rlerror, tag, le(4).putInt(r.nextInt(8) == 0 ? r.nextInt() : r.nextInt(200)));
            what.append("rlerror ");
        }
        for (int i = 0; i < n; i++) {
            int m = f.length == 0 ? 6 : r.nextInt(10);
            switch (m) {
                case 0 -> {
                    int bit = r.nextInt(f.length * 8);
                    f[bit / 8] ^= (byte) (1 << (bit % 8));
                    what.append("flip@").append(bit / 8).append(' ');
                }
                case 1 -> {
                    int at = r.nextInt(f.length);
                    f[at] = (byte) r.nextInt();
                    what.append("byte@").append(at).append(' ');
                }
                case 2 -> {
                    long v = r.nextBoolean() ? EDGE32[r.nextInt(EDGE32.length)] : f.length + r.nextInt(9) - 4;
                    put32(f, 0, v);
                    what.append("size=").append(v).append(' ');
                }
                case 3 -> {
                    if (f.length >= 9) {
                        int at = 7 + r.nextInt(f.length - 8);
                        int v = EDGE16[r.nextInt(EDGE16.length)];
                        f[at] = (byte) v;
                        f[at + 1] = (byte) (v >>> 8);
                        what.append("u16@").append(at).append('=').append(v).append(' ');
                    }
                }
                case 4 -> {
                    if (f.length >= 11) {
                        int at = 7 + r.nextInt(f.length - 10);
                        long v = EDGE32[r.nextInt(EDGE32.length)];
                        put32(f, at, v);
                        what.append("u32@").append(at).append('=').append(v).append(' ');
                    }
                }
                case 5 -> {
                    int keep = r.nextInt(f.length);
                    f = java.util.Arrays.copyOf(f, keep);
                    what.append("cut@").append(keep).append(' ');
                }
                case 6 -> {
                    int more = 1 + r.nextInt(64);
                    byte[] g = java.util.Arrays.copyOf(f, f.length + more);
                    for (int k = f.length; k < g.length; k++) {
                        g[k] = (byte) r.nextInt();
                    }
                    f = g;
                    what.append("append ").append(more).append(' ');
                }
                case 7 -> {
                    if (f.length > 4) {
                        f[4] = (byte) (r.nextBoolean() ? r.nextInt(256) : 1 + 2 * r.nextInt(64) + (r.nextBoolean() ? 100 : 0));
                        what.append("type=").append(f[4] & 0xFF).append(' ');
                    }
                }
                case 8 -> {
                    if (f.length > 6) {
                        f[5] = (byte) r.nextInt();
                        f[6] = (byte) r.nextInt();
                        patch = false;
                        what.append("tag ");
                    }
                }
                default -> {
                    // the size field recomputed after the other changes: a well-framed, wrong body
                    if (f.length >= 4) {
                        put32(f, 0, f.length);
                        what.append("reframed ");
                    }
                }
            }
        }
        return new Case(call, f, patch, what.toString().trim());
    }

    private static void put32(byte[] f, int at, long v) {
        for (int k = 0; k < 4 && at + k < f.length; k++) {
            f[at + k] = (byte) (v >>> (8 * k));
        }
    }

    // ---- running ------------------------------------------------------------------------------------

    /**
     * Runs one case against a real client on loopback.
     *
     * @param pool the client's pool, checked for leaks by the caller
     */
    static Outcome run(Case c, FolioPool pool, TransportKind transport, ReceiveMode mode) throws IOException {
        FakeServer.Handler h = (type, tag, body, out) -> {
            if (type == c.call().requestType) {
                byte[] f = c.frame().clone();
                if (c.patchTag() && f.length >= 7) {
                    f[5] = (byte) tag;
                    f[6] = (byte) (tag >>> 8);
                }
                out.write(f);
                out.flush();
                return false; // close after the mutated reply: a short frame ends in end of stream, not a wait
            }
            out.write(validReply(type, tag, new Random(type)));
            return true;
        };
        try (FakeServer s = new FakeServer(MSIZE, h)) {
            if (c.call() == Call.VERSION) {
                s.versionReply = c.frame();
            }
            P9Options o = s.options().transport(transport).receiveMode(mode).pool(pool).msize(MSIZE)
                    .timeout(Duration.ofMillis(500)).build();
            long t0 = System.nanoTime();
            try {
                try (P9Client client = P9Client.connect(o)) {
                    try {
                        call(client, c.call());
                        return new Outcome(true, "ok", checkAfter(client, t0));
                    } catch (P9Exception e) {
                        Throwable bad = checkAfter(client, t0);
                        return new Outcome(false, signature(e), bad);
                    }
                }
            } catch (P9Exception e) {
                return new Outcome(false, "connect: " + signature(e), null);
            } catch (LinkageError e) {
                throw e; // a broken build or classpath, not a finding
            } catch (RuntimeException | Error | IOException e) {
                return new Outcome(false, "unexpected " + e.getClass().getName(), e);
            }
        }
    }

    /** @return why the state after the call is wrong, or {@code null} */
    private static Throwable checkAfter(P9Client client, long t0) {
        long took = System.nanoTime() - t0;
        if (took > MAX_CALL_NANOS) {
            return new AssertionError("the call took " + TimeUnit.NANOSECONDS.toMillis(took) + " ms");
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (client.tagsInUse() != 0 && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        if (client.tagsInUse() != 0) {
            return new AssertionError("tags in use after the call: " + client.tagsInUse());
        }
        return null;
    }

    /** The error class of an outcome: the errno and the message with its numbers blanked. */
    static String signature(P9Exception e) {
        if (e.detail() == null) {
            return "server error (Rlerror)"; // any errno the server names is a valid answer
        }
        String m = e.getMessage();
        int colon = m.indexOf("failed: ");
        String tail = colon < 0 ? m : m.substring(colon);
        return e.errnoName() + " " + tail.replaceAll("[0-9]+", "#").replaceAll("127\\.#\\.#\\.#:#", "HOST");
    }

    private static void call(P9Client c, Call call) throws IOException {
        Fid root = c.root();
        switch (call) {
            case VERSION, GETATTR -> c.getattr(root);
            case STATFS -> c.statfs(root);
            case WALK -> {
                try (Fid f = c.walk(root, "a", "b")) {
                    f.qid();
                }
            }
            case READLINK -> c.readlink(root);
            case READ -> c.read(root, 0, 100);
            case WRITE -> c.write(root, 0, new byte[100]);
            case LOPEN -> c.lopen(root, P9Flags.P9_DOTL_RDONLY);
            case FSYNC -> c.fsync(root, false);
            case MKDIR -> c.mkdir(root, "d", 0755);
            case SYMLINK -> c.symlink(root, "l", "../../etc/passwd");
            case UNLINKAT -> c.unlinkat(root, "x", 0);
            case RENAMEAT -> c.renameat(root, "x", root, "y");
            case READDIR -> c.readdir(root);
            case SETATTR -> c.truncate(root, 5);
            case CLUNK -> {
                Fid f = c.walk(root);
                f.close();
            }
        }
    }

    // ---- corpus -------------------------------------------------------------------------------------

    /** The corpus directory in the source tree (the tests run with the module as working directory). */
    static final Path CORPUS = Path.of("src/test/resources/fuzz-corpus/client-replies");

    /** @return every case in the corpus (from the test classpath copy, else the source tree) */
    static List<Case> corpus() throws IOException {
        List<Case> out = new ArrayList<>();
        Path dir = CORPUS;
        var url = ReplyFuzz.class.getResource("/fuzz-corpus/client-replies");
        if (url != null && "file".equals(url.getProtocol())) {
            dir = Path.of(java.net.URI.create(url.toString()));
        }
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (var files = Files.list(dir)) {
            for (Path p : files.sorted().toList()) {
                if (p.toString().endsWith(".case")) {
                    out.add(Case.parse(Files.readString(p, StandardCharsets.UTF_8)));
                }
            }
        }
        return out;
    }

    /** Where a plain run leaves the inputs that escaped, for a person to look at and move into the corpus. */
    static final Path FINDINGS = Path.of("target/fuzz-findings/client-replies");

    /**
     * Writes a case under a name derived from its bytes: into the source tree's corpus when asked to
     * grow it, else into {@link #FINDINGS}.
     */
    static Path keep(Case c, boolean intoCorpus) throws IOException {
        Path dir = intoCorpus ? CORPUS : FINDINGS;
        Files.createDirectories(dir);
        String id = Integer.toHexString(java.util.Arrays.hashCode(c.frame()) ^ c.call().hashCode() * 31);
        Path p = dir.resolve(c.call().name().toLowerCase() + "-" + id + ".case");
        Files.writeString(p, c.text(), StandardCharsets.UTF_8);
        return p;
    }
}
