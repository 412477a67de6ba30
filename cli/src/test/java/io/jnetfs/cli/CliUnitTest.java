package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.ffm.Errno;
import io.jnetfs.ffm.NativeIoException;
import io.jnetfs.p9.P9Exception;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The parts without a server: remote paths, sizes, exit codes, messages, modes, stats records. */
class CliUnitTest {
    @TempDir
    java.nio.file.Path tmp;

    @Test
    void remotePathsParseWithTheDefaultPort() throws CommandFailure {
        assertEquals(new RemotePath("127.0.0.1", 564, "a/b"), RemotePath.parse("9p://127.0.0.1/a/b"));
        assertEquals(new RemotePath("127.0.0.1", 5640, "a/b"), RemotePath.parse("9p://127.0.0.1:5640//a/./b/"));
        assertEquals(new RemotePath("localhost", 564, ""), RemotePath.parse("9p://localhost"));
        assertEquals(new RemotePath("h", 1, ""), RemotePath.parse("9P://h:1/"));
        assertEquals("9p://h:1/x", RemotePath.parse("9p://h:1/x").toString());
        assertTrue(RemotePath.isRemote("9p://x") && !RemotePath.isRemote("/9p://x") && !RemotePath.isRemote("x"));
    }

    @Test
    void theProvidersUriSchemeIsARemotePathToo() throws CommandFailure {
        assertTrue(RemotePath.isRemote("p9://h/x") && RemotePath.isRemote("P9://h/x") && !RemotePath.isRemote("p9:/h"));
        assertEquals(new RemotePath("127.0.0.1", 5640, "a/b"), RemotePath.parse("p9://127.0.0.1:5640/a/b/"));
        assertEquals(RemotePath.parse("9p://h:1/x"), RemotePath.parse("p9://h:1/x"));
        assertEquals("9p://h:1/x", RemotePath.parse("p9://h:1/x").toString(), "printed in one form");
        for (String bad : new String[] {"p9://", "p9://h:0/x", "p9://u@h/x"}) {
            assertEquals(ExitCodes.USAGE, assertThrows(CommandFailure.class, () -> RemotePath.parse(bad), bad).exitCode());
        }
    }

    @Test
    void malformedRemotePathsAreUsageErrors() {
        for (String bad : new String[] {"9p://", "9p://:5/x", "9p://h:0/x", "9p://h:65536/x", "9p://h:x/y",
            "9p://[::1]:5/x", "9p://u@h/x", "/local"}) {
            CommandFailure f = assertThrows(CommandFailure.class, () -> RemotePath.parse(bad), bad);
            assertEquals(ExitCodes.USAGE, f.exitCode(), bad);
        }
    }

    @Test
    void lostConnectionsAreRecoveredUnlessNoReconnect() throws CommandFailure {
        CommonOptions on = new CommonOptions();
        new picocli.CommandLine(on).parseArgs();
        assertTrue(on.settings().reconnect(), "recovery is on by default");
        CommonOptions off = new CommonOptions();
        new picocli.CommandLine(off).parseArgs("--no-reconnect");
        assertFalse(off.settings().reconnect());
    }

    @Test
    void sizesParseWithBinarySuffixes() {
        assertEquals(4096, Sizes.parse("4096"));
        assertEquals(64 << 10, Sizes.parse("64K"));
        assertEquals(64 << 10, Sizes.parse("64k"));
        assertEquals(256L << 20, Sizes.parse("256M"));
        assertEquals(256L << 20, Sizes.parse("256MiB"));
        assertEquals(1L << 30, Sizes.parse("1G"));
        assertEquals(2L << 40, Sizes.parse("2T"));
        for (String bad : new String[] {"", "-1", "1X", "M", "99999999999T", "1.5M"}) {
            assertThrows(IllegalArgumentException.class, () -> Sizes.parse(bad), bad);
        }
    }

    @Test
    void exitCodesFollowTheErrno() {
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new P9Exception("Twalk(fid=1)", Errno.ENOENT, null)));
        assertEquals(ExitCodes.NOT_FOUND, ExitCodes.of(new NoSuchFileException("/x")));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new P9Exception("Tlopen(fid=1)", Errno.EACCES, null)));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new AccessDeniedException("/x")));
        assertEquals(ExitCodes.PERMISSION, ExitCodes.of(new NativeIoException("open", Errno.EROFS)));
        assertEquals(ExitCodes.NO_SPACE, ExitCodes.of(new NativeIoException("flush(): writeback", Errno.ENOSPC)));
        assertEquals(ExitCodes.NO_SPACE, ExitCodes.of(new IOException("No space left on device")),
                "the JDK reports a local ENOSPC by its words only");
        assertEquals(ExitCodes.NO_SPACE, ExitCodes.of(new FileSystemException("/x", null, "No space left on device")));
        assertEquals(ExitCodes.UNREACHABLE, ExitCodes.of(new ConnectException("connect(127.0.0.1:1) failed")));
        assertEquals(ExitCodes.UNREACHABLE, ExitCodes.of(new P9Exception("Tread(fid=1)", Errno.ECONNRESET, "gone")));
        assertEquals(ExitCodes.IO, ExitCodes.of(new NativeIoException("Tlcreate", Errno.EEXIST)));
        assertEquals(ExitCodes.IO, ExitCodes.of(new IOException("something else")));
        assertEquals(ExitCodes.INTERRUPTED, ExitCodes.of(new java.io.InterruptedIOException()));
        assertEquals(ExitCodes.NO_SPACE, ExitCodes.of(CommandFailure.of("x", new NativeIoException("w", Errno.ENOSPC))));
    }

    @Test
    void aFailureIsOneLineNamingWhatAndWhy() {
        CommandFailure f = CommandFailure.of("9p://127.0.0.1:5640/missing",
                new P9Exception("Twalk(fid=1, newfid=2, names=[missing])", Errno.ENOENT, null));
        assertEquals("9p://127.0.0.1:5640/missing: No such file or directory (ENOENT)", f.getMessage());
        assertEquals(ExitCodes.NOT_FOUND, f.exitCode());
        CommandFailure c = CommandFailure.of("9p://127.0.0.1:1", "connect",
                new ConnectException("connect(127.0.0.1:1) failed: ECONNREFUSED (Connection refused)"));
        assertEquals("9p://127.0.0.1:1: connect: Connection refused (ECONNREFUSED)", c.getMessage());
        assertEquals(ExitCodes.UNREACHABLE, c.exitCode());
        CommandFailure reset = CommandFailure.of("9p://h:1/f", new P9Exception("Tread(fid=4, offset=0, count=9)",
                Errno.ECONNRESET, "9P connection to h:1 failed: server closed the connection (end of stream)"));
        assertEquals("9p://h:1/f: Connection reset by peer (ECONNRESET): 9P connection to h:1 failed: server closed "
                + "the connection (end of stream)", reset.getMessage());
        assertTrue(!f.getMessage().contains("\n") && !c.getMessage().contains("\n"));
    }

    @Test
    void modesPrintAsLsDoes() {
        assertEquals("-rw-r--r--", FileInfo.modeString(0100644));
        assertEquals("drwxr-xr-x", FileInfo.modeString(0040755));
        assertEquals("lrwxrwxrwx", FileInfo.modeString(0120777));
        assertEquals("drwxrwxrwt", FileInfo.modeString(0041777));
        assertEquals("-rwSr-Sr-T", FileInfo.modeString(0107644));
        assertEquals("-rwsr-sr-t", FileInfo.modeString(0107755));
        FileInfo f = new FileInfo("a.bin", 0100640, 1234, 8, 4096, 1, 0, 0, 7, 0, 0, 0, null);
        String line = LsCommand.longLine(f, 1, 1, 1, 4);
        assertTrue(line.startsWith("-rw-r----- 1 0 0 1234 ") && line.endsWith(" a.bin"), line);
        String stat = StatCommand.format("a.bin", f);
        assertTrue(stat.contains("Size: 1234") && stat.contains("(0640/-rw-r-----)") && stat.contains("regular file"), stat);
    }

    @Test
    void libraryLogRecordsBecomeOneLineMessages() {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        ConsoleLog log = new ConsoleLog(new java.io.PrintStream(b, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            ConsoleLog.configure(false, false);
            log.publish(new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "disk cache switched off"));
            log.publish(new java.util.logging.LogRecord(java.util.logging.Level.FINE, "detail"));
            assertEquals("jnetfs: warning: disk cache switched off\n", b.toString(java.nio.charset.StandardCharsets.UTF_8));
            b.reset();
            ConsoleLog.configure(true, false);
            log.publish(new java.util.logging.LogRecord(java.util.logging.Level.WARNING, "quiet"));
            assertEquals("", b.toString(java.nio.charset.StandardCharsets.UTF_8), "-q");
            ConsoleLog.configure(false, true);
            log.publish(new java.util.logging.LogRecord(java.util.logging.Level.FINE, "detail"));
            assertEquals("jnetfs: detail\n", b.toString(java.nio.charset.StandardCharsets.UTF_8), "-v");
        } finally {
            ConsoleLog.configure(false, false);
        }
    }

    @Test
    void statsRoundTripThroughTheStateDirectory() throws IOException {
        TransferStats s = new TransferStats("jnetfs cat x", Instant.parse("2026-01-02T03:04:05Z"), 3 << 20, 1_000_000_000L,
                Map.of("bytes_from_server", 3L << 20, "read_rpcs", 48L, "sendmsg_calls", 50L));
        s.save(tmp);
        TransferStats back = TransferStats.load(tmp);
        assertEquals(s.command(), back.command());
        assertEquals(s.when(), back.when());
        assertEquals(s.bytes(), back.bytes());
        assertEquals(48, back.counter("read_rpcs"));
        assertEquals(3.0, back.mibPerSecond(), 1e-9);
        String text = back.format();
        assertTrue(text.contains("bytes from server   3145728") && text.contains("read RPCs           48")
                && text.contains("sendmsg calls       50") && text.contains("MiB/s               3.0"), text);
        assertEquals(null, TransferStats.load(tmp.resolve("none")));
    }
}
