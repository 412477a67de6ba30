package io.jnetfs.p9.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code P9Path} against its model, the default provider's Unix path: for random strings of names,
 * dots and slashes, every lexical operation gives the same string (or the same exception).
 */
class PathModelTest {
    private static Path tmp;
    private static Peers.Peer peer;
    private static P9FileSystem fs;

    @BeforeContainer
    static void open() throws IOException {
        tmp = Files.createTempDirectory("p9-nio-paths-");
        peer = Peers.jnetfsServe(tmp);
        fs = peer.open(Map.of("pageCacheSize", "4m"));
    }

    @AfterContainer
    static void close() throws IOException {
        try {
            if (fs != null) {
                fs.close();
            }
        } finally {
            if (peer != null) {
                peer.close();
            }
            Files.deleteIfExists(tmp);
        }
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.strings().withChars('a', 'b', '.', '/', 'é').ofMaxLength(12);
    }

    private static String s(Supplier<Object> f) {
        try {
            Object o = f.get();
            return o == null ? "null" : o.toString();
        } catch (RuntimeException e) {
            return e.getClass().getSimpleName();
        }
    }

    /** Everything one path says about itself and about another, as text. */
    private static List<String> describe(Path p, Path q) {
        List<String> out = new ArrayList<>();
        out.add(s(p::toString));
        out.add(s(p::isAbsolute));
        out.add(s(p::getNameCount));
        out.add(s(p::getFileName));
        out.add(s(p::getParent));
        out.add(s(p::getRoot));
        out.add(s(p::normalize));
        for (int i = -1; i <= p.getNameCount(); i++) {
            int b = i;
            out.add(s(() -> p.getName(b)));
            for (int e = b; e <= p.getNameCount() + 1; e++) {
                int end = e;
                out.add(s(() -> p.subpath(b, end)));
            }
        }
        List<String> names = new ArrayList<>();
        p.forEach(n -> names.add(n.toString()));
        out.add(names.toString());
        out.add(s(() -> p.startsWith(q)));
        out.add(s(() -> p.endsWith(q)));
        out.add(s(() -> p.startsWith(q.toString())));
        out.add(s(() -> p.endsWith(q.toString())));
        out.add(s(() -> p.resolve(q)));
        out.add(s(() -> p.resolveSibling(q)));
        out.add(s(() -> p.relativize(q)));
        out.add(s(() -> p.relativize(q).normalize()));
        out.add(s(() -> Integer.signum(p.compareTo(q))));
        out.add(s(() -> p.equals(q)));
        out.add(s(() -> p.resolve(q).normalize().startsWith(p.normalize())));
        return out;
    }

    @Property(tries = 3000)
    void everyLexicalOperationAgreesWithTheDefaultProvider(@ForAll("paths") String a, @ForAll("paths") String b) {
        List<String> model = describe(Path.of(a), Path.of(b));
        List<String> got = describe(fs.getPath(a), fs.getPath(b));
        assertEquals(model, got, "a=\"" + a + "\", b=\"" + b + "\"");
    }

    @Property(tries = 500)
    void getPathJoinsAsTheDefaultProvider(@ForAll("paths") String a, @ForAll("paths") String b,
                                          @ForAll("paths") String c) {
        assertEquals(Path.of(a, b, c).toString(), fs.getPath(a, b, c).toString());
    }
}
