package io.jnetfs.fiemap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs e2fsprogs' {@code filefrag -v -e} on a file and parses what it prints on this machine
 * (e2fsprogs 1.47):
 *
 * <pre>
 * Filesystem type is: ef53
 * File size of f is 1048576 (256 blocks of 4096 bytes)
 *  ext:     logical_offset:        physical_offset: length:   expected: flags:
 *    0:        0..     255:    5847296..   5847551:    256:             last,unwritten,eof
 * f: 1 extent found
 * </pre>
 */
final class Filefrag {
    private static final Pattern SIZE = Pattern.compile(
            "^File size of .* is (\\d+) \\((\\d+) blocks? of (\\d+) bytes\\)");
    private static final Pattern ROW = Pattern.compile(
            "^\\s*(\\d+):\\s*(\\d+)\\.\\.\\s*(\\d+):\\s*(\\d+)\\.\\.\\s*(\\d+):\\s*(\\d+):\\s*(?:(\\d+):)?\\s*(\\S*)\\s*$");
    private static final Pattern FOUND = Pattern.compile("^.*: (\\d+) extents? found$");

    /** One extent line; offsets in the units filefrag printed; expected is -1 where blank. */
    record Row(int ext, long logicalStart, long logicalEnd, long physicalStart, long physicalEnd,
               long length, long expected, Set<String> flags) {
    }

    /** A whole report; {@code fileSize} and {@code blockSize} come from the "File size" line. */
    record Report(long fileSize, int blockSize, List<Row> rows, int extentsFound, String text) {
    }

    private Filefrag() {
    }

    /** @return null where filefrag is installed (the "filefrag" feature), else how to install it */
    static String unavailableReason() {
        return available() ? null : "filefrag is not installed (apt-get install e2fsprogs; .ci/run installs it)";
    }

    static boolean available() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/sbin").split(":")) {
            if (Files.isExecutable(Path.of(dir, "filefrag"))) {
                return true;
            }
        }
        return Files.isExecutable(Path.of("/usr/sbin/filefrag")) || Files.isExecutable(Path.of("/sbin/filefrag"));
    }

    /** Runs {@code filefrag -v -e [options] file} and parses its output. */
    static Report run(Path file, String... options) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(command(), "-v", "-e"));
        cmd.addAll(Arrays.asList(options));
        cmd.add(file.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("filefrag timed out");
        }
        String text = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), "filefrag failed:\n" + text);
        return parse(text);
    }

    private static String command() {
        for (String c : List.of("/usr/sbin/filefrag", "/sbin/filefrag")) {
            if (Files.isExecutable(Path.of(c))) {
                return c;
            }
        }
        return "filefrag";
    }

    /** Parses filefrag's report, or the rows alone (as {@link FilefragFormat} prints them). */
    static Report parse(String text) {
        long fileSize = -1;
        int blockSize = -1;
        int found = -1;
        List<Row> rows = new ArrayList<>();
        for (String line : text.split("\n")) {
            Matcher m = SIZE.matcher(line);
            if (m.find()) {
                fileSize = Long.parseLong(m.group(1));
                blockSize = Integer.parseInt(m.group(3));
                continue;
            }
            m = ROW.matcher(line);
            if (m.matches()) {
                Set<String> flags = new TreeSet<>();
                for (String word : m.group(8).split(",")) {
                    // filefrag 1.47 prints ",eof" when eof is the only word
                    if (!word.isEmpty()) {
                        flags.add(word);
                    }
                }
                rows.add(new Row(Integer.parseInt(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                        Long.parseLong(m.group(4)), Long.parseLong(m.group(5)), Long.parseLong(m.group(6)),
                        m.group(7) == null ? -1 : Long.parseLong(m.group(7)), flags));
                continue;
            }
            m = FOUND.matcher(line);
            if (m.matches()) {
                found = Integer.parseInt(m.group(1));
            }
        }
        return new Report(fileSize, blockSize, rows, found, text);
    }

    /** filefrag's words for the kernel's bits, written out here so the test does not trust the code under test. */
    private static final Map<Integer, String> WORDS = new HashMap<>(Map.ofEntries(
            Map.entry(0x1, "last"), Map.entry(0x2, "unknown_loc"), Map.entry(0x4, "delalloc"),
            Map.entry(0x8, "encoded"), Map.entry(0x80, "encrypted"), Map.entry(0x100, "not_aligned"),
            Map.entry(0x200, "inline"), Map.entry(0x400, "tail_packed"), Map.entry(0x800, "unwritten"),
            Map.entry(0x1000, "merged"), Map.entry(0x2000, "shared")));

    /**
     * Asserts that {@code extents} (from our FIEMAP query) are what filefrag reported, extent by
     * extent: logical range, physical range and length (filefrag shows 0 for unknown locations),
     * every flag, the eof word, and the fragment count.
     */
    static void assertSame(Extents extents, Report report) {
        assertEquals(report.rows().size(), extents.count(), () -> "extent count\n" + extents + "\n" + report.text());
        int shift = Integer.numberOfTrailingZeros(report.blockSize());
        for (int i = 0; i < extents.count(); i++) {
            Row row = report.rows().get(i);
            final int index = i;
            String where = "extent " + i + "\n" + report.text();
            int flags = extents.flags(i);
            int s = (flags & 0x200) != 0 ? 0 : shift;
            boolean unknown = (flags & 0x2) != 0;
            assertEquals(i, row.ext(), where);
            assertEquals(extents.logical(i) >>> s, row.logicalStart(), where);
            assertEquals((extents.logical(i) + extents.length(i) - 1) >>> s, row.logicalEnd(), where);
            assertEquals(unknown ? 0 : extents.physical(i) >>> s, row.physicalStart(), where);
            assertEquals(unknown ? 0 : extents.length(i) >>> s, row.length(), where);
            Set<String> words = new TreeSet<>();
            for (Map.Entry<Integer, String> e : WORDS.entrySet()) {
                if ((flags & e.getKey()) != 0) {
                    words.add(e.getValue());
                }
            }
            if (extents.logical(index) + extents.length(index) >= report.fileSize()) {
                words.add("eof");
            }
            assertEquals(words, row.flags(), where);
        }
        assertEquals(report.extentsFound(), FilefragFormat.fragments(extents), "extents found\n" + report.text());
        assertTrue(report.extentsFound() >= 0, "no 'extents found' line\n" + report.text());
    }
}
