package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/jnetfs} and the AOT cache beside the jar ({@code make build}, {@code .ci/aot-train}), in a
 * copy of the tree's layout (the tree's own {@code cli/target} is left alone): a cache made for another
 * JDK or jar is not used and nothing is said (a debug line with {@code JNETFS_DEBUG}); a cache whose
 * identity matches but that the JVM cannot use still leaves stdout and stderr clean.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AotLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();

    @TempDir
    Path tmp;
    private Path launcher;
    private Path target;

    @BeforeEach
    void layout() throws IOException {
        Files.createDirectories(tmp.resolve("bin"));
        Files.createDirectories(tmp.resolve(".ci"));
        target = Files.createDirectories(tmp.resolve("cli/target"));
        launcher = Files.copy(ROOT.resolve("bin/jnetfs"), tmp.resolve("bin/jnetfs"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(ROOT.resolve(".ci/find-jdk"), tmp.resolve(".ci/find-jdk"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.copy(ROOT.resolve("cli/target/jnetfs.jar"), target.resolve("jnetfs.jar"), StandardCopyOption.COPY_ATTRIBUTES);
        // not a cache the JVM can map: what matters is that bin/jnetfs decides by the .id, and stays quiet
        Files.write(target.resolve("jnetfs.aot"), new byte[4096]);
    }

    private record Done(int code, String out, String err) {
    }

    private Done run(Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(launcher.toString()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().remove("JNETFS_DEBUG");
        pb.environment().remove("JNETFS_JAVA_OPTS");
        pb.environment().putAll(env);
        Path out = tmp.resolve("out");
        Path err = tmp.resolve("err");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "bin/jnetfs did not finish");
        return new Done(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The identity .ci/aot-train writes for this JDK and this copy of the jar. */
    private String matchingId() throws IOException, InterruptedException {
        Process p = new ProcessBuilder(tmp.resolve(".ci/find-jdk").toString()).start();
        String javaHome = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(0, p.waitFor());
        String release = Files.readString(Path.of(javaHome, "release"));
        String version = release.substring(release.indexOf("JAVA_RUNTIME_VERSION=\"") + 22);
        version = version.substring(0, version.indexOf('"'));
        Path jar = target.resolve("jnetfs.jar");
        long mtime = Files.getLastModifiedTime(jar).toMillis() / 1000;
        return "jdk=" + javaHome + " " + version + " jar=" + Files.size(jar) + " " + mtime;
    }

    @Test
    void aCacheForAnotherJarIsNotUsedAndNothingIsSaid() throws Exception {
        Files.writeString(target.resolve("jnetfs.aot.id"), "jdk=/elsewhere 24+1 jar=1 1\n");
        Done d = run(Map.of(), "--version");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("jnetfs "), d.out());
        assertEquals("", d.err());

        Done debug = run(Map.of("JNETFS_DEBUG", "1"), "--version");
        assertEquals(0, debug.code(), debug.err());
        assertEquals(d.out(), debug.out());
        assertTrue(debug.err().startsWith("jnetfs: debug: not using cli/target/jnetfs.aot"), debug.err());
        assertEquals(1, debug.err().lines().count(), debug.err());
    }

    @Test
    void aMatchingCacheTheJvmRefusesLeavesTheOutputClean() throws Exception {
        Files.writeString(target.resolve("jnetfs.aot.id"), matchingId() + "\n");
        Done d = run(Map.of("JNETFS_DEBUG", "1"), "--version");
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("jnetfs "), d.out());
        assertEquals(2, d.out().lines().count(), d.out());
        assertEquals("", d.err());
    }

    @Test
    void withoutACacheTheCommandRuns() throws Exception {
        Files.delete(target.resolve("jnetfs.aot"));
        Done d = run(Map.of("JNETFS_DEBUG", "1"), "stat", launcher.toString());
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains("File: " + launcher), d.out());
        assertEquals("", d.err());
    }
}
