package io.jnetfs.p9.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code jnetfs serve} as a plain main: its arguments, and a real run in a process of its own. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ServeMainTest {
    @TempDir
    Path dir;

    @Test
    void argumentsAreParsed() throws IOException {
        P9Server s = ServeMain.parse(new String[] {dir.toString(), "--listen", "127.0.0.1:0", "--read-only", "--msize",
                "65536", "--ctl", "--workers", "2", "--idle-timeout", "5"}).build();
        assertEquals(dir.toRealPath(), s.root());
        assertTrue(s.readOnly());
        assertEquals(65536, s.msize());
        assertEquals("127.0.0.1", s.host());
        P9Server d = ServeMain.parse(new String[] {dir.toString()}).build();
        assertEquals(P9Server.DEFAULT_MSIZE, d.msize());
        assertEquals(false, d.readOnly());
        assertNull(ServeMain.parse(new String[] {"--help"}));
        for (String[] bad : List.of(new String[] {}, new String[] {dir.toString(), "--msize", "12"},
                new String[] {dir.toString(), "--listen", "nocolon"}, new String[] {dir.toString(), "--bogus"},
                new String[] {dir.toString(), "--msize"}, new String[] {dir.toString(), "other"},
                new String[] {dir.toString(), "--listen", "127.0.0.1:99999"})) {
            assertThrows(IllegalArgumentException.class, () -> ServeMain.parse(bad), String.join(" ", bad));
        }
        assertThrows(IOException.class, () -> ServeMain.parse(new String[] {dir.resolve("missing").toString()}).build());
    }

    @Test
    void servesUntilStopped() throws Exception {
        Files.writeString(dir.resolve("hello"), "hello");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ServeMain.class.getName(), dir.toString(), "--listen",
                "127.0.0.1:0", "--read-only").redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line = out.readLine();
            Matcher m = Pattern.compile("^serving (.+) on 127\\.0\\.0\\.1:([0-9]+) read-only, msize 1048576$").matcher(
                    String.valueOf(line));
            assertTrue(m.matches(), line);
            assertEquals(dir.toRealPath().toString(), m.group(1));
            try (P9Client c = P9Client.connect(P9Options.builder("127.0.0.1", Integer.parseInt(m.group(2))).aname("")
                    .uname("root").build()); Fid f = c.open("hello", P9Flags.P9_DOTL_RDONLY)) {
                assertEquals("hello", new String(c.read(f, 0, 100)));
            }
            p.destroy(); // SIGTERM: the shutdown hook closes the server
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void badArgumentsExitWithStatusTwo() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-cp",
                System.getProperty("java.class.path"), ServeMain.class.getName(), "--bogus")
                .redirectErrorStream(true).start();
        String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), text);
        assertTrue(text.contains("usage: jnetfs serve DIR"), text);
    }
}
