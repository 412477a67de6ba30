package io.jnetfs.p9;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SmokeDiodTest {
    @Test
    void readsAFileWrittenLocally(@TempDir Path dir) throws Exception {
        assumeTrue(DiodServer.available(), DiodServer.UNAVAILABLE);
        Files.writeString(dir.resolve("a.txt"), "hello 9p");
        try (DiodServer d = DiodServer.start(dir); P9Client c = d.connect()) {
            System.out.println(c + " root=" + c.root());
            try (Fid f = c.open("a.txt", P9Flags.P9_DOTL_RDONLY)) {
                byte[] b = c.read(f, 0, 100);
                assertArrayEquals("hello 9p".getBytes(StandardCharsets.UTF_8), b);
            }
            assertEquals(1, c.liveFids());
        }
    }
}
