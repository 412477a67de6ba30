package io.jnetfs.ffm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.testkit.Require;
import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.PaddingLayout;
import java.lang.foreign.SequenceLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Compiles a C program with gcc that prints {@code sizeof}/{@code offsetof} of every field of every
 * struct in the jextract filter, and compares them with the generated layouts. This is what catches a
 * binding generated on another architecture or against other headers.
 */
class LayoutCrossCheckTest {
    private static final Path HEADER_DIR = Path.of("src/main/jextract");

    @Test
    void generatedLayoutsMatchTheCCompiler(@TempDir Path tmp) throws Exception {
        Require.feature("gcc", onPath("gcc") ? null
                : "gcc is not on PATH (apt-get install gcc; .ci/run installs it): the layout cross-check compiles C");

        Map<String, Long> expected = new LinkedHashMap<>();
        StringBuilder c = new StringBuilder("""
                #include <stdio.h>
                #include <stddef.h>
                #include "jnetfs.h"
                #define F(s, f) printf("%s.%s %zu %zu\\n", #s, #f, offsetof(struct s, f), sizeof(((struct s *)0)->f))
                #define O(s, f) printf("%s.%s %zu -\\n", #s, #f, offsetof(struct s, f))
                #define S(s) printf("%s %zu\\n", #s, sizeof(struct s))
                int main(void) {
                """);
        for (String struct : structs()) {
            GroupLayout layout = layoutOf(struct);
            expected.put(struct, layout.byteSize());
            c.append("  S(").append(struct).append(");\n");
            fields(struct, layout, 0, c, expected);
        }
        c.append("  return 0;\n}\n");
        assertTrue(expected.size() > 100, "expected to check many fields, got " + expected.size());
        // the FUSE protocol structs are spoken to the kernel byte for byte (module fuse): every one is checked
        for (String key : List.of("fuse_in_header.unique@offset", "fuse_init_out.flags2@offset",
                "fuse_entry_out.attr@offset", "fuse_setattr_in.gid@offset", "fuse_dirent.name@offset",
                "fuse_direntplus.dirent@offset", "fuse_write_in.flags@offset", "fuse_kstatfs.frsize@offset")) {
            assertTrue(expected.containsKey(key), "the cross-check lost " + key);
        }

        Path src = tmp.resolve("layouts.c");
        Path exe = tmp.resolve("layouts");
        Files.writeString(src, c);
        run(tmp, "gcc", "-Wall", "-Werror", "-I", HEADER_DIR.toAbsolutePath().toString(), "-o", exe.toString(),
                src.toString());
        String out = run(tmp, exe.toString());

        Map<String, Long> actual = new LinkedHashMap<>();
        for (String line : out.split("\n")) {
            String[] p = line.trim().split(" ");
            if (p.length == 2) {
                actual.put(p[0], Long.parseLong(p[1]));
            } else {
                actual.put(p[0] + "@offset", Long.parseLong(p[1]));
                if (!p[2].equals("-")) {
                    actual.put(p[0] + "@size", Long.parseLong(p[2]));
                }
            }
        }
        List<String> mismatches = new ArrayList<>();
        expected.forEach((k, v) -> {
            if (!v.equals(actual.get(k))) {
                mismatches.add(k + ": generated=" + v + " gcc=" + actual.get(k));
            }
        });
        assertEquals(List.of(), mismatches, "generated layouts disagree with gcc on this machine");
    }

    /** Appends a check for each named field; anonymous unions and structs are flattened, as in C. */
    private static void fields(String struct, GroupLayout group, long base, StringBuilder c, Map<String, Long> expected) {
        for (MemoryLayout m : group.memberLayouts()) {
            if (m instanceof PaddingLayout || m.name().isEmpty()) {
                continue;
            }
            long offset = base + group.byteOffset(MemoryLayout.PathElement.groupElement(m.name().get()));
            String name = m.name().get();
            if (name.startsWith("$anon$") && m instanceof GroupLayout inner) {
                fields(struct, inner, offset, c, expected);
                continue;
            }
            String key = struct + "." + name;
            expected.put(key + "@offset", offset);
            if (m instanceof SequenceLayout seq && seq.elementCount() == 0) {
                c.append("  O(").append(struct).append(", ").append(name).append(");\n");
            } else {
                expected.put(key + "@size", m.byteSize());
                c.append("  F(").append(struct).append(", ").append(name).append(");\n");
            }
        }
    }

    private static List<String> structs() throws IOException {
        return Files.readAllLines(HEADER_DIR.resolve("includes.txt")).stream()
                .filter(l -> l.startsWith("--include-struct "))
                .map(l -> l.substring("--include-struct ".length()).trim())
                .toList();
    }

    private static GroupLayout layoutOf(String struct) throws ReflectiveOperationException {
        Class<?> k = Class.forName("io.jnetfs.ffm.gen." + struct);
        return (GroupLayout) k.getMethod("layout").invoke(null);
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + String.join(" ", cmd));
        assertEquals(0, p.exitValue(), String.join(" ", cmd) + " failed:\n" + out);
        return out;
    }
}
