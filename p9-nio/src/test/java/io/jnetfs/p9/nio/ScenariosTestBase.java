package io.jnetfs.p9.nio;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every {@link Scenarios scenario} twice: with the default provider in a local directory (the model),
 * and with the p9 provider on a real server; the transcripts must be equal, the export must hold the
 * same tree as the local directory, and afterwards the client must hold no fid but its root and the
 * file system no open file. One server and one file system per class (the subclass starts them), one
 * directory per scenario on each side.
 */
abstract class ScenariosTestBase {
    static Path tmp;
    static Path local;
    static Path export;
    static Peers.Peer peer;
    static P9FileSystem fs;

    /** Starts the server on {@code export} and opens the file system (from the subclass's @BeforeAll). */
    static void start(Peers.PeerFactory factory) throws IOException {
        tmp = Files.createTempDirectory("p9-nio-scenarios-");
        local = Files.createDirectory(tmp.resolve("local"));
        export = Files.createDirectory(tmp.resolve("export"));
        Files.createDirectory(tmp.resolve("scratch"));
        peer = factory.start(export);
        fs = peer.open(Map.of("pageCacheSize", "16m", "timeout", "20s"));
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (fs != null) {
                fs.close();
            }
        } finally {
            fs = null;
            if (peer != null) {
                peer.close();
                peer = null;
            }
            deleteTree(tmp);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                p.toFile().setWritable(true);
                Files.delete(p);
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> sameAsTheDefaultProvider() {
        return Scenarios.ALL.stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> {
            Path here = Files.createDirectory(local.resolve(s.name()));
            Path there = Files.createDirectory(fs.getPath("/" + s.name()));
            Path scratchHere = Files.createDirectory(tmp.resolve("scratch").resolve(s.name() + "-local"));
            Path scratchThere = Files.createDirectory(tmp.resolve("scratch").resolve(s.name() + "-p9"));
            Transcript model = new Transcript();
            s.body().run(here, scratchHere, model);
            Transcript got = new Transcript();
            s.body().run(there, scratchThere, got);
            assertEquals(model.text(), got.text(), s.name() + " on " + peer.name());
            assertEquals(Scenarios.tree(here), Scenarios.tree(export.resolve(s.name())), "the export after " + s.name());
            assertEquals(1, fs.client().liveFids(), "fids live after " + s.name() + " (the root only)");
            assertEquals(0, fs.openFiles(), "files open after " + s.name());
        }));
    }
}
