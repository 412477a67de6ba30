package io.jnetfs.p9.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.util.regex.Pattern;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * The glob translation against its model, the default provider's {@code glob:} matcher: for random
 * patterns over the glob's own syntax and random names, the same answer, or both refuse the pattern.
 */
class GlobModelTest {
    @Provide
    Arbitrary<String> globs() {
        return Arbitraries.strings().withChars('a', 'b', '*', '?', '[', ']', '{', '}', ',', '!', '-', '/', '\\', '.', '^',
                '&', '(', '+').ofMaxLength(9);
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.strings().withChars('a', 'b', '.', '/', '-', ',', '{', '^', '&', '(').ofMaxLength(7);
    }

    private static String model(String glob, String name) {
        try {
            return String.valueOf(FileSystems.getDefault().getPathMatcher("glob:" + glob).matches(Path.of(name)));
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    private static String ours(String glob, String name) {
        try {
            return String.valueOf(Pattern.compile(Globs.toRegex(glob)).matcher(Path.of(name).toString()).matches());
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    @Property(tries = 20_000)
    void matchesAsTheDefaultProvider(@ForAll("globs") String glob, @ForAll("names") String name) {
        assertEquals(model(glob, name), ours(glob, name), "glob=\"" + glob + "\", name=\"" + name + "\"");
    }

    @Property(tries = 2000)
    void matchesWhatItsOwnLiteralEscapesSay(@ForAll("names") String name) {
        StringBuilder g = new StringBuilder();
        for (char c : Path.of(name).toString().toCharArray()) {
            g.append(c == '/' ? "/" : "\\" + c);
        }
        assertEquals("true", ours(g.toString(), name), "an escaped name matches itself: " + g);
    }
}
