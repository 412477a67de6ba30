package io.jnetfs.benchmarks.harness;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The C references compiled with the real gcc and run briefly against /dev/null, ext4 and loopback TCP. */
@Timeout(120)
class CReferenceTest {
    private static final List<String> BRIEF = List.of("--warmup", "0", "--iterations", "2", "--seconds", "0.2");

    @TempDir
    Path scratch;
    private PeerContext ctx;

    @BeforeEach
    void open() throws IOException {
        ctx = new PeerContext(Profile.SHORT, scratch, new PrintStream(OutputStream.nullOutputStream()));
    }

    @AfterEach
    void close() throws IOException {
        ctx.close();
        ctx.close(); // idempotent
    }

    private Map<String, Object> run(String program, String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(ctx.compile(program).toString());
        cmd.addAll(List.of(args));
        cmd.addAll(BRIEF);
        Map<String, Object> out = Json.parseObjectIn(ctx.run(cmd, Duration.ofSeconds(30)));
        assertEquals(program, out.get("program"));
        assertEquals(2, ((List<?>) out.get("ns_per_call_iterations")).size(), out.toString());
        assertTrue(Json.number(out, "calls") > 0, out.toString());
        assertTrue(Json.number(out, "ns_per_call") > 0, out.toString());
        return out;
    }

    @Test
    void writevLoopToDevNullMovesTheWholeIovecArrayPerCall() throws Exception {
        Map<String, Object> out = run("writev_loop", "--target", "devnull", "--iovcnt", "16", "--iovlen", "65536");
        assertEquals(16.0 * 65536, Json.number(out, "bytes_per_call"));
        assertEquals(0.0, Json.number(out, "short_writes"));
    }

    @Test
    void writevLoopToAFileStaysWithinItsBound() throws Exception {
        Path file = ctx.scratchFile("w.dat");
        Map<String, Object> out = run("writev_loop", "--target", "file", "--path", file.toString(), "--iovcnt", "4",
                "--iovlen", "65536", "--bound", Long.toString(1 << 20));
        assertEquals(0.0, Json.number(out, "short_writes"));
        assertEquals(1 << 20, Files.size(file));
        byte[] head = Files.readAllBytes(file);
        assertEquals(0x5a, head[0]);
        assertEquals(0x5a, head[head.length - 1]);
    }

    @Test
    void writevLoopToLoopbackTcpIsDrained() throws Exception {
        Map<String, Object> out = run("writev_loop", "--target", "socket", "--iovcnt", "256", "--iovlen", "4096");
        assertEquals(0.0, Json.number(out, "short_writes"));
    }

    @Test
    void sendmsgLoopSendsHeaderAndDataInOneOrTwoCalls() throws Exception {
        for (String mode : List.of("one", "two")) {
            Map<String, Object> out = run("sendmsg_loop", "--mode", mode, "--iovcnt", "1", "--iovlen", "4096");
            assertEquals(64.0 + 4096, Json.number(out, "bytes_per_call"));
            assertEquals(0.0, Json.number(out, "short_sends"));
        }
    }

    @Test
    void factProgramsRun() throws Exception {
        run("getpid_loop");
        Map<String, Object> out = run("memcpy_loop", "--bytes", Long.toString(1 << 20));
        assertTrue(Json.number(out, "bytes_per_s") > 0, out.toString());
    }

    @Test
    void badArgumentsFailWithTheUsage() throws Exception {
        Path exe = ctx.compile("writev_loop");
        IOException e = assertThrows(IOException.class,
                () -> ctx.run(List.of(exe.toString(), "--target", "nowhere", "--iovcnt", "1", "--iovlen", "1"),
                        Duration.ofSeconds(10)));
        assertTrue(e.getMessage().contains("exit code 1") && e.getMessage().contains("usage"), e.getMessage());
        assertThrows(IOException.class, () -> ctx.compile("no_such_program"));
    }

    @Test
    void cPeerReportsTheMeanOfItsIterationsWithAnError() throws Exception {
        PeerRun run = Peer.c("C getpid", "getpid_loop", (p, c) -> List.of(), CPeer.Metric.NS_PER_CALL)
                .run(Params.NONE, ctx);
        assertEquals(Measure.Unit.NS_PER_OP, run.measure().unit());
        assertTrue(run.measure().value() > 10 && run.measure().value() < 100_000, run.measure().display());
        assertTrue(run.measure().error() >= 0, run.measure().display());
        assertTrue(run.command().containsAll(List.of("--iterations", "3")), run.command().toString());
    }

    @Test
    void processesThatOverrunAreKilled() {
        IOException e = assertThrows(IOException.class,
                () -> ctx.run(List.of("sleep", "30"), Duration.ofMillis(300)));
        assertTrue(e.getMessage().contains("timed out"), e.getMessage());
    }
}
