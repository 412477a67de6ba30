package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.TransportKind;
import io.jnetfs.peers.Diod;
import io.jnetfs.testkit.Require;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Against the real diod: a command sets up only what it uses. A {@code stat} connects with system
 * calls and makes no engine, folio pool, disk cache or cache-writer thread; the first read of a file's
 * data makes them.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LazySetupDiodTest {
    @TempDir
    Path tmp;
    private Path export;
    private Path cache;
    private Diod diod;

    @BeforeEach
    void start() throws IOException {
        Require.feature(Diod.FEATURE, Diod.unavailableReason());
        export = Files.createDirectory(tmp.resolve("export"));
        cache = tmp.resolve("cache");
        Files.writeString(export.resolve("f"), "abc");
        diod = Diod.start(export);
    }

    @AfterEach
    void stop() {
        if (diod != null) {
            diod.close();
        }
    }

    /** A run of {@code jnetfs COMMAND} as picocli prepares it, without executing the command. */
    private Run run(String command) throws CommandFailure {
        JnetfsCommand top = new JnetfsCommand();
        new CommandLine(top).parseArgs("--aname", diod.aname(), "--cache", cache.toString(), command, "x");
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        PrintWriter w = new PrintWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8));
        top.prepare(new Terminal(sink, w, w, false, 80), java.util.List.of(command));
        return top.newRun();
    }

    private static boolean threadNamed(String name) {
        return Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals(name) && t.isAlive());
    }

    @Test
    void statSetsUpNoDataPathAndAReadSetsItUp() throws IOException {
        try (Run run = run("stat")) {
            run.metadataOnly(true);
            Run.Target t = run.resolve("9p://127.0.0.1:" + diod.port() + "/f");
            FileInfo info = t.fs().stat(t.path());
            assertEquals(3, info.size());
            RemoteSession session = ((RemoteFilesystem) t.fs()).session();
            assertFalse(session.dataPathOpen(), "a stat made the engine");
            assertEquals(TransportKind.SOCKET, session.client().transportKind(), "a stat set up an io_uring ring");
            assertFalse(Files.exists(cache), "a stat made the disk cache " + cache);

            try (Filesystem.Reader r = t.fs().openRead(t.path())) {
                byte[] b = new byte[8];
                assertEquals(3, r.read(0, MemorySegment.ofArray(b)));
                assertEquals("abc", new String(b, 0, 3, StandardCharsets.UTF_8));
            }
            assertTrue(session.dataPathOpen(), "the read went through no engine");
            assertTrue(Files.isDirectory(cache), "the read made no disk cache");
            assertTrue(threadNamed("jnetfs-cache-writer"), "the read started no cache writer");
        }
    }

    @Test
    void aCommandThatMovesDataKeepsTheDefaultTransport() throws IOException {
        try (Run run = run("cat")) {
            Run.Target t = run.resolve("9p://127.0.0.1:" + diod.port() + "/f");
            RemoteSession session = ((RemoteFilesystem) t.fs()).session();
            assertEquals(run.settings().transportToUse(), session.client().transportKind());
            assertFalse(session.dataPathOpen(), "connecting made the engine before any data moved");
        }
    }
}
