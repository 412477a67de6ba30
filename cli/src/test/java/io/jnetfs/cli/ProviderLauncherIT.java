package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar as a library: its {@code META-INF/services} names the p9 provider, and an
 * application on {@code java -cp cli/target/jnetfs.jar:app} opens {@code p9://} through the JDK's
 * installed providers ({@link ProviderProbe}, against {@code jnetfs serve} in that JVM). Runs in the
 * integration-test phase, after the shaded jar is made.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ProviderLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();
    private static final Path JAR = ROOT.resolve("cli/target/jnetfs.jar");

    @Test
    void theShadedJarListsTheProvider() throws IOException {
        assertTrue(Files.isRegularFile(JAR), "the shaded jar is made before this runs");
        try (ZipFile z = new ZipFile(JAR.toFile())) {
            var e = z.getEntry("META-INF/services/java.nio.file.spi.FileSystemProvider");
            assertTrue(e != null, "the services file is in the jar");
            String services = new String(z.getInputStream(e).readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(services.lines().anyMatch(l -> l.trim().equals("io.jnetfs.p9.nio.P9FileSystemProvider")),
                    services);
        }
    }

    @Test
    void anApplicationOnTheClassPathOpensP9Uris(@TempDir Path tmp) throws Exception {
        Path dir = Files.createDirectory(tmp.resolve("served"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        String testClasses = Path.of(ProviderProbe.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                .toString();
        Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", JAR + File.pathSeparator + testClasses,
                ProviderProbe.class.getName(), dir.toString()))
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        String said = Files.readString(out);
        assertEquals(0, p.exitValue(), said + Files.readString(err));
        assertEquals("io.jnetfs.p9.nio.P9FileSystemProvider: through the provider", said.strip());
        assertEquals("through the provider", Files.readString(dir.resolve("probe.txt")));
    }
}
