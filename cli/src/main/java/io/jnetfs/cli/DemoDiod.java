package io.jnetfs.cli;

import io.jnetfs.peers.Diod;
import io.jnetfs.peers.PeerMode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * diod as the demo's server: the project's one diod fixture ({@link Diod}, peer-servers) as a process
 * on a free loopback port, no authentication, exporting the demo's directory; a diod not started by root
 * serves this user only ({@code -u UID}). When {@code /usr/sbin/diod} is missing and this process is root,
 * it is installed first with {@code apt-get update && apt-get install -y diod}.
 */
final class DemoDiod implements DemoServer {
    private final Diod diod;

    private DemoDiod(Diod diod) {
        this.diod = diod;
    }

    /**
     * Installs diod if needed, starts it and waits until it accepts.
     *
     * @param export the directory to export
     * @param out where to say what is done
     * @return the running diod
     * @throws CommandFailure ({@link ExitCodes#SETUP}) if diod is missing and cannot be installed, or it
     *     does not start
     */
    static DemoDiod start(Path export, PrintWriter out) throws CommandFailure {
        ensureInstalled(out);
        Diod.Builder b = Diod.builder(export).mode(PeerMode.PROCESS).startTimeout(Duration.ofSeconds(10));
        int uid = CommonOptions.currentUid();
        if (uid > 0) {
            b.user(uid); // an unprivileged diod serves its own user only
        }
        try {
            return new DemoDiod(b.start());
        } catch (IOException e) {
            throw CommandFailure.of(Diod.DIOD.toString(), "could not start: " + e.getMessage(), ExitCodes.SETUP);
        }
    }

    /**
     * Makes sure {@code /usr/sbin/diod} exists: as root with apt-get, installs it (saying so).
     *
     * @param out where to say what is done
     * @throws CommandFailure ({@link ExitCodes#SETUP}) if it is missing and cannot be installed
     */
    static void ensureInstalled(PrintWriter out) throws CommandFailure {
        if (Diod.unavailableReason(PeerMode.PROCESS) == null) {
            return;
        }
        boolean root = CommonOptions.currentUid() == 0;
        Path aptGet = Path.of("/usr/bin/apt-get");
        if (!root || !Files.isExecutable(aptGet)) {
            throw CommandFailure.of(Diod.DIOD.toString(), "diod is not installed; install it with: sudo apt-get install diod"
                    + (root ? " (apt-get was not found)" : ""), ExitCodes.SETUP);
        }
        out.println("diod is not installed: running apt-get update && apt-get install -y diod");
        out.flush();
        run(List.of(aptGet.toString(), "update"));
        run(List.of(aptGet.toString(), "install", "-y", "diod"));
        String still = Diod.unavailableReason(PeerMode.PROCESS);
        if (still != null) {
            throw CommandFailure.of(Diod.DIOD.toString(), "apt-get install diod did not install it: " + still,
                    ExitCodes.SETUP);
        }
    }

    private static void run(List<String> cmd) throws CommandFailure {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).inheritIO();
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = pb.start();
            if (!p.waitFor(15, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw CommandFailure.of(String.join(" ", cmd), "did not finish within 15 minutes", ExitCodes.SETUP);
            }
            if (p.exitValue() != 0) {
                throw CommandFailure.of(String.join(" ", cmd), "exited with " + p.exitValue(), ExitCodes.SETUP);
            }
        } catch (IOException e) {
            throw CommandFailure.of(String.join(" ", cmd), CommandFailure.reason(e), ExitCodes.SETUP);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.of(String.join(" ", cmd), "interrupted", ExitCodes.INTERRUPTED);
        }
    }

    @Override
    public String host() {
        return diod.host();
    }

    @Override
    public int port() {
        return diod.port();
    }

    @Override
    public String aname() {
        return diod.aname();
    }

    @Override
    public String describe() {
        return "diod (pid " + diod.pid() + ") on " + diod.host() + ":" + diod.port() + " exporting " + diod.export();
    }

    /** Stops diod (SIGTERM, then SIGKILL after 5 s) and deletes its log. Idempotent. */
    @Override
    public void close() {
        diod.close();
    }
}
