package io.jnetfs.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Runs {@code jnetfs} in this JVM through picocli, as the tests do, and keeps what it printed. */
final class CliHarness {
    private final List<String> fixed;

    /**
     * @param fixed options put before every command line (such as {@code --aname} and {@code --cache})
     */
    CliHarness(String... fixed) {
        this.fixed = List.of(fixed);
    }

    /** What one run did. */
    record Result(int code, byte[] stdout, String err) {
        String out() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        @Override
        public String toString() {
            return "exit " + code + ", stdout: " + out() + ", stderr: " + err;
        }
    }

    Result run(String... args) {
        List<String> all = new ArrayList<>(fixed);
        all.addAll(List.of(args));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(out, err, all.toArray(String[]::new));
        return new Result(code, out.toByteArray(), err.toString(StandardCharsets.UTF_8));
    }
}
