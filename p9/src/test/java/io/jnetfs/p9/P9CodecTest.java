package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/** Requests encoded byte for byte as the spec lays them out; reply checks at their edges. */
class P9CodecTest {
    private static byte[] encoded(MemorySegment b, int len) {
        return b.asSlice(0, len).toArray(ValueLayout.JAVA_BYTE);
    }

    private static byte[] hex(String s) {
        return HexFormat.of().parseHex(s.replace(" ", ""));
    }

    @Test
    void requestsAreLaidOutAsTheSpecSays() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(256);
            int n = P9Codec.tversion(b, 65536, P9Codec.utf8("9P2000.L"));
            assertArrayEquals(hex("15000000 64 ffff 00000100 0800 3950323030302e4c"), encoded(b, n));
            n = P9Codec.tattach(b, 1, 0, P9Descriptor.NOFID, P9Codec.utf8("root"), P9Codec.utf8("/x"), 0);
            assertArrayEquals(hex("1d000000 68 0100 00000000 ffffffff 0400 726f6f74 0200 2f78 00000000"), encoded(b, n));
            n = P9Codec.twalk(b, 2, 0, 1, new byte[][] {P9Codec.utf8("a"), P9Codec.utf8("bc")});
            assertArrayEquals(hex("18000000 6e 0200 00000000 01000000 0200 0100 61 0200 6263"), encoded(b, n));
            n = P9Codec.tread(b, 3, 5, 0x0102030405060708L, 65512);
            assertArrayEquals(hex("17000000 74 0300 05000000 0807060504030201 e8ff0000"), encoded(b, n));
            n = P9Codec.twriteHeader(b, 4, 5, 0, 65512);
            assertEquals(P9Descriptor.TWRITE_HEADER_SIZE, n, "only the header: the data is sent from the chain");
            assertArrayEquals(hex("ffff0000 76 0400 05000000 0000000000000000 e8ff0000"), encoded(b, n),
                    "size counts the data: 23 + 65512");
            n = P9Codec.tflush(b, 5, 3);
            assertArrayEquals(hex("09000000 6c 0500 0300"), encoded(b, n));
            n = P9Codec.tlcreate(b, 6, 1, P9Codec.utf8("f"), 2, 0644, 0);
            assertArrayEquals(hex("1a000000 0e 0600 01000000 0100 66 02000000 a4010000 00000000"), encoded(b, n));
            n = P9Codec.tunlinkat(b, 7, 1, P9Codec.utf8("d"), P9Flags.P9_DOTL_AT_REMOVEDIR);
            assertArrayEquals(hex("12000000 4c 0700 01000000 0100 64 00020000"), encoded(b, n));
            n = P9Codec.tgetattr(b, 8, 9, P9Flags.P9_GETATTR_ALL);
            assertArrayEquals(hex("13000000 18 0800 09000000 ff3f000000000000"), encoded(b, n));
        }
    }

    @Test
    void encodersRefuseWhatDoesNotFit() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment small = a.allocate(16);
            assertEquals(-Errno.EMSGSIZE, P9Codec.tmkdir(small, 1, 1, P9Codec.utf8("a-long-name"), 0755, 0));
            MemorySegment big = a.allocate(1 << 17);
            assertEquals(-Errno.ENAMETOOLONG, P9Codec.tmkdir(big, 1, 1, new byte[70_000], 0755, 0));
            byte[][] names = new byte[17][];
            java.util.Arrays.fill(names, P9Codec.utf8("x"));
            assertEquals(-Errno.EINVAL, P9Codec.twalk(big, 1, 0, 1, names), "more than MAXWELEM names");
        }
    }

    @Test
    void replyChecksAtTheirEdges() {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(256);
            assertNull(P9Codec.checkHeader(7, P9Type.Rclunk, 8192));
            assertNull(P9Codec.checkHeader(8192, P9Type.Rread, 8192));
            assertTrue(P9Codec.checkHeader(8193, P9Type.Rread, 8192).contains("outside"));
            assertTrue(P9Codec.checkHeader(6, P9Type.Rclunk, 8192).contains("outside"));
            assertTrue(P9Codec.checkHeader(100, P9Type.Tread, 8192).contains("unknown reply Tread"));
            assertNull(P9Codec.checkReply(P9Type.Tclunk, P9Type.Rclunk, b, 0, 0));
            assertTrue(P9Codec.checkReply(P9Type.Tclunk, P9Type.Rclunk, b, 1, 0).contains("expected 0"));
            b.set(P9Codec.U32, 0, 100);
            assertTrue(P9Codec.checkReply(P9Type.Twrite, P9Type.Rwrite, b, 4, 99).contains("larger than requested"));
            assertNull(P9Codec.checkReply(P9Type.Twrite, P9Type.Rwrite, b, 4, 100));
            b.set(P9Codec.U16, 0, (short) 3);
            assertTrue(P9Codec.checkReply(P9Type.Treadlink, P9Type.Rreadlink, b, 4, 0).contains("truncated string"));
            assertNull(P9Codec.checkReply(P9Type.Treadlink, P9Type.Rreadlink, b, 5, 0));
            assertTrue(P9Codec.checkReply(P9Type.Treadlink, P9Type.Rreadlink, b, 6, 0).contains("after its strings"));
        }
    }

    /** Any entries encoded back to back decode to themselves; any cut through them is caught. */
    @Property(tries = 200)
    void direntsRoundTripAndEveryTruncationIsCaught(@ForAll @Size(max = 12) List<@Size(max = 40) String> names) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment d = a.allocate(16 << 10);
            long at = 0;
            for (int i = 0; i < names.size(); i++) {
                byte[] n = P9Codec.utf8(names.get(i));
                d.set(ValueLayout.JAVA_BYTE, at, (byte) 0);
                d.set(P9Codec.U32, at + 1, i);
                d.set(P9Codec.U64, at + 5, 1000 + i);
                d.set(P9Codec.U64, at + 13, i + 1);
                d.set(ValueLayout.JAVA_BYTE, at + 21, (byte) 8);
                d.set(P9Codec.U16, at + 22, (short) n.length);
                MemorySegment.copy(n, 0, d, ValueLayout.JAVA_BYTE, at + 24, n.length);
                at += 24 + n.length;
            }
            assertNull(P9Codec.checkDirents(d, at));
            List<Dirent> out = new ArrayList<>();
            long next = P9Codec.decodeDirents(d, at, out);
            assertEquals(names, out.stream().map(Dirent::name).toList());
            assertEquals(names.isEmpty() ? -1 : names.size(), next);
            for (long cut = 1; cut < at; cut++) {
                boolean boundary = false;
                long p = 0;
                for (String s : names) {
                    p += 24 + P9Codec.utf8(s).length;
                    boundary |= p == cut;
                }
                String bad = P9Codec.checkDirents(d, cut);
                assertEquals(boundary, bad == null, "cut at " + cut + ": " + bad);
            }
        }
    }
}
