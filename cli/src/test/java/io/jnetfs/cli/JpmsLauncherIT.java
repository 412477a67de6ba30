package io.jnetfs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * jnetfs on the module path: a consumer module, compiled here against the modules of this build
 * ({@code target/classes} of each jnetfs module, each with its {@code module-info}), runs as {@code java --module-path ...
 * --add-modules io.jnetfs.p9.nio -m jnetfs.probe} with native access enabled for the modules that need
 * it (and {@code --illegal-native-access=deny}, so a missing one fails instead of warning). It serves a
 * directory with {@code P9Server} (in that JVM), opens {@code p9://} through the JDK's installed
 * providers (the ServiceLoader finds {@code provides ... FileSystemProvider} of {@code io.jnetfs.p9.nio}),
 * writes and reads a file, and says whether {@code io.jnetfs.ffm.gen} is exported to it (it must not be).
 * The class-path form is {@link ProviderLauncherIT}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class JpmsLauncherIT {
    private static final Path ROOT = Path.of(System.getProperty("jnetfs.root", "..")).toAbsolutePath().normalize();
    /** The modules the consumer needs, in the order of the reactor. */
    private static final List<String> MODULE_DIRS = List.of("ffm-bindings", "bvecq-native-view", "fiemap", "io-uring",
            "netfs", "p9", "p9-server", "p9-netfs", "p9-nio");
    /** What the README tells a module-path user to enable. */
    static final String NATIVE_ACCESS = "io.jnetfs.ffm,io.jnetfs.bvecq,io.jnetfs.uring,io.jnetfs.p9,io.jnetfs.p9.server";

    private static final String MODULE_INFO = """
            module jnetfs.probe {
                requires io.jnetfs.p9.server;
            }
            """;
    private static final String PROBE = """
            package jnetfs.probe;

            import io.jnetfs.p9.server.P9Server;
            import java.net.URI;
            import java.nio.file.FileSystem;
            import java.nio.file.FileSystems;
            import java.nio.file.Files;
            import java.nio.file.Path;
            import java.util.Map;

            public final class Main {
                public static void main(String[] args) throws Exception {
                    Path dir = Path.of(args[0]).toRealPath();
                    try (P9Server s = P9Server.builder(dir).listen("127.0.0.1", 0).build().start();
                         FileSystem fs = FileSystems.newFileSystem(URI.create("p9://127.0.0.1:" + s.port() + "/"),
                                 Map.of("aname", dir.toString(), "uname", "root", "nUname", "0"))) {
                        Files.writeString(fs.getPath("/probe.txt"), "on the module path");
                        Module ffm = ModuleLayer.boot().findModule("io.jnetfs.ffm").orElseThrow();
                        System.out.println(fs.provider().getClass().getModule().getName() + " "
                                + fs.provider().getClass().getName() + ": " + Files.readString(fs.getPath("/probe.txt"))
                                + "; gen exported to me: " + ffm.isExported("io.jnetfs.ffm.gen", Main.class.getModule()));
                    }
                }
            }
            """;

    @Test
    void aModuleOpensP9UrisThroughTheServiceLoader(@TempDir Path tmp) throws Exception {
        String modulePath = MODULE_DIRS.stream().map(m -> ROOT.resolve(m).resolve("target/classes"))
                .peek(d -> assertTrue(Files.isRegularFile(d.resolve("module-info.class")), d + " is a module"))
                .map(Path::toString).collect(Collectors.joining(File.pathSeparator));
        Path src = tmp.resolve("src");
        Files.createDirectories(src.resolve("jnetfs/probe"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("jnetfs/probe/Main.java"), PROBE);
        Path classes = tmp.resolve("probe-classes");
        ByteArrayOutputStream javacOut = new ByteArrayOutputStream();
        int rc = ToolProvider.getSystemJavaCompiler().run(null, javacOut, javacOut, "--module-path", modulePath, "-d",
                classes.toString(), src.resolve("module-info.java").toString(),
                src.resolve("jnetfs/probe/Main.java").toString());
        assertEquals(0, rc, "the consumer compiles against the modules: " + javacOut);

        Path dir = Files.createDirectory(tmp.resolve("served"));
        Path out = tmp.resolve("out.txt");
        Path err = tmp.resolve("err.txt");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=" + NATIVE_ACCESS, "--illegal-native-access=deny",
                "--module-path", modulePath + File.pathSeparator + classes,
                "--add-modules", "io.jnetfs.p9.nio", "-m", "jnetfs.probe/jnetfs.probe.Main", dir.toString()));
        Process p = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the probe ends");
        String said = Files.readString(out);
        assertEquals(0, p.exitValue(), said + Files.readString(err));
        assertEquals("io.jnetfs.p9.nio io.jnetfs.p9.nio.P9FileSystemProvider: on the module path; gen exported to me: false",
                said.strip());
        assertEquals("on the module path", Files.readString(dir.resolve("probe.txt")));
        assertTrue(!Files.readString(err).contains("WARNING"), "no native-access warning: " + Files.readString(err));
    }
}
