package io.jnetfs.cli;

import io.jnetfs.p9.server.P9Server;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * An application of the shaded jar, run by {@link ProviderLauncherIT} as {@code java -cp
 * cli/target/jnetfs.jar:test-classes}: serves a directory, opens it as {@code p9://} through the
 * JDK's installed providers and writes and reads a file, printing the provider's class and the text.
 */
public final class ProviderProbe {
    private ProviderProbe() {
    }

    /**
     * Runs the probe.
     *
     * @param args the directory to serve
     * @throws Exception whatever fails (the exit code says it)
     */
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]).toRealPath();
        try (P9Server s = P9Server.builder(dir).listen("127.0.0.1", 0).build().start();
             FileSystem fs = FileSystems.newFileSystem(URI.create("p9://127.0.0.1:" + s.port() + "/"),
                     Map.of("aname", dir.toString(), "uname", "root", "nUname", "0"))) {
            Files.writeString(fs.getPath("/probe.txt"), "through the provider");
            System.out.println(fs.provider().getClass().getName() + ": " + Files.readString(fs.getPath("/probe.txt")));
        }
    }
}
