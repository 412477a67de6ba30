package io.jnetfs.p9.reliability;

import io.jnetfs.peers.PeerServer;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code jnetfs serve} as a process of its own ({@code io.jnetfs.p9.server.ServeMain} on this test's
 * class path), so that a test can kill it with SIGKILL or stop it with SIGTERM as an administrator
 * would. Listens on 127.0.0.1 at a port the kernel picks; the port is read from its first line.
 */
final class ServeProcess implements SoakTest.Peer {
    private static final Pattern SERVING = Pattern.compile("serving .* on 127\\.0\\.0\\.1:(\\d+)");
    private static final long START_MILLIS = 30_000;

    private final Process process;
    private final Path export;
    private final int port;
    private final StringBuilder log = new StringBuilder();

    private ServeProcess(Process process, Path export, int port) {
        this.process = process;
        this.export = export;
        this.port = port;
    }

    /** Starts {@code jnetfs serve EXPORT --listen 127.0.0.1:0} and waits (bounded) until it listens. */
    static ServeProcess start(Path export) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "--enable-native-access=ALL-UNNAMED", "-Xmx256m",
                "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                "io.jnetfs.p9.server.ServeMain", export.toString(), "--listen", PeerServer.HOST + ":0"))
                .redirectErrorStream(true).start();
        BlockingQueue<String> first = new ArrayBlockingQueue<>(1);
        StringBuilder out = new StringBuilder();
        Thread reader = Thread.ofPlatform().daemon().name("serve-process-out").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (out) {
                        out.append(line).append('\n');
                    }
                    if (SERVING.matcher(line).find()) {
                        first.offer(line);
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        });
        String line;
        try {
            line = first.poll(START_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while jnetfs serve started", e);
        }
        if (line == null) {
            p.destroyForcibly();
            synchronized (out) {
                throw new IOException("jnetfs serve did not listen within " + START_MILLIS + " ms: " + out);
            }
        }
        Matcher m = SERVING.matcher(line);
        m.find();
        ServeProcess s = new ServeProcess(p, export, Integer.parseInt(m.group(1)));
        reader.setName("serve-process-out " + p.pid());
        return s;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String aname() {
        return export.toAbsolutePath().toString();
    }

    @Override
    public boolean alive() {
        return process.isAlive();
    }

    /** SIGKILL, or SIGTERM when {@code gently} (its shutdown hook closes the server); waits until it is gone. */
    @Override
    public void stop(boolean gently) {
        if (gently) {
            process.destroy();
        } else {
            process.destroyForcibly();
        }
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String log() {
        return "jnetfs serve pid " + process.pid() + (process.isAlive() ? "" : ", exit " + process.exitValue());
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop(false);
        }
    }

}
