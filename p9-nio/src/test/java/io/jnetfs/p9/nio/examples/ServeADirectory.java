package io.jnetfs.p9.nio.examples;

import io.jnetfs.p9.server.P9Server;
import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The README's first example: serve a directory from your own program ({@code jnetfs serve} as a
 * library) and use it through {@code p9://}. {@link ExamplesTest} runs it and checks that the README
 * shows this code.
 */
public final class ServeADirectory {
    private ServeADirectory() {
    }

    /**
     * Serves {@code dir} on a free loopback port, writes a file through the p9 provider and reads it back.
     *
     * @param dir the directory to serve
     * @return what was read back
     * @throws IOException if serving, connecting, writing or reading fails
     */
    public static String serveAndUse(Path dir) throws IOException {
        // README:begin serve
        try (P9Server server = P9Server.builder(dir).listen("127.0.0.1", 0).build().start();
             FileSystem fs = FileSystems.newFileSystem(URI.create("p9://127.0.0.1:" + server.port() + "/"),
                     Map.of("aname", dir.toRealPath().toString()))) {
            Path hello = fs.getPath("/hello.txt");
            Files.writeString(hello, "served from my own program\n");
            return Files.readString(hello);
        }
        // README:end
    }

    /**
     * Runs the example.
     *
     * @param args the directory to serve
     * @throws IOException if it fails
     */
    public static void main(String[] args) throws IOException {
        System.out.print(serveAndUse(Path.of(args[0])));
    }
}
