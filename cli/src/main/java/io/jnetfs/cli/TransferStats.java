package io.jnetfs.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The counters of one command: bytes it moved, how long it took, and the engine's and connections'
 * counters (bytes from the server, the disk cache and zero-fill, read and write RPCs, {@code sendmsg}
 * calls, subrequests, retries). Printed by {@code --stats}, kept in {@code DIR/last-stats} after a
 * transfer, and printed again by {@code jnetfs stats}.
 *
 * @param command the command line
 * @param when when the command ended
 * @param bytes bytes transferred (file data copied or printed)
 * @param nanos the command's run time
 * @param counters the counters by name ({@code bytes_from_server}, {@code read_rpcs}, {@code sendmsg_calls}, ...)
 */
public record TransferStats(String command, Instant when, long bytes, long nanos, Map<String, Long> counters) {
    /** The file in the state directory that holds the last transfer's counters. */
    public static final String FILE = "last-stats";

    /** The rows printed, in order: counter name and label. */
    private static final List<String[]> ROWS = List.of(
            new String[] {"bytes_from_server", "bytes from server"},
            new String[] {"bytes_from_cache", "bytes from cache"},
            new String[] {"bytes_zero_fill", "bytes zero-fill"},
            new String[] {"bytes_to_server", "bytes to server"},
            new String[] {"bytes_to_cache", "bytes to cache"},
            new String[] {"read_rpcs", "read RPCs"},
            new String[] {"write_rpcs", "write RPCs"},
            new String[] {"sendmsg_calls", "sendmsg calls"},
            new String[] {"recvmsg_calls", "recvmsg calls"},
            new String[] {"requests", "requests"},
            new String[] {"subrequests", "subrequests"},
            new String[] {"retries", "retries"},
            new String[] {"failed_requests", "failed requests"},
            new String[] {"page_cache_hits", "page-cache hits"},
            new String[] {"cache_disabled", "cache switched off"});

    /**
     * One counter.
     *
     * @param name a counter's name
     * @return its value, 0 if absent
     */
    public long counter(String name) {
        return counters.getOrDefault(name, 0L);
    }

    /** {@return MiB per second over the command's run time} */
    public double mibPerSecond() {
        return Sizes.mibPerSecond(bytes, nanos);
    }

    /** {@return the counters as people read them, one per line} */
    public String format() {
        StringBuilder b = new StringBuilder();
        b.append("stats of: ").append(command).append("  (").append(when).append(")\n");
        row(b, "bytes", bytes + "  (" + Sizes.format(bytes) + ")");
        row(b, "seconds", String.format(Locale.ROOT, "%.3f", nanos / 1e9));
        row(b, "MiB/s", String.format(Locale.ROOT, "%.1f", mibPerSecond()));
        for (String[] r : ROWS) {
            row(b, r[1], Long.toString(counter(r[0])));
        }
        return b.toString();
    }

    private static void row(StringBuilder b, String label, String value) {
        b.append("  ").append(label).append(" ".repeat(Math.max(1, 20 - label.length()))).append(value).append('\n');
    }

    /**
     * Writes the stats to {@code dir/last-stats} (through a temporary file and a rename).
     *
     * @param dir the state directory, made if absent
     * @throws IOException if the file cannot be written
     */
    public void save(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder b = new StringBuilder();
        b.append("command=").append(command.replace('\n', ' ')).append('\n');
        b.append("when=").append(when).append('\n');
        b.append("bytes=").append(bytes).append('\n');
        b.append("nanos=").append(nanos).append('\n');
        counters.forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
        Path tmp = dir.resolve(FILE + Partials.SUFFIX + ProcessHandle.current().pid());
        try {
            Files.writeString(tmp, b, StandardCharsets.UTF_8);
            Files.move(tmp, dir.resolve(FILE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            Files.deleteIfExists(tmp);
            throw e;
        }
    }

    /**
     * Reads what {@link #save(Path)} wrote.
     *
     * @param dir the state directory
     * @return the stats, or {@code null} if none were saved there
     * @throws IOException if the file cannot be read or is malformed
     */
    public static TransferStats load(Path dir) throws IOException {
        Path f = dir.resolve(FILE);
        if (!Files.exists(f)) {
            return null;
        }
        String command = "?";
        Instant when = Instant.EPOCH;
        long bytes = 0;
        long nanos = 0;
        Map<String, Long> counters = new LinkedHashMap<>();
        for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String k = line.substring(0, eq);
            String v = line.substring(eq + 1);
            try {
                switch (k) {
                    case "command" -> command = v;
                    case "when" -> when = Instant.parse(v);
                    case "bytes" -> bytes = Long.parseLong(v);
                    case "nanos" -> nanos = Long.parseLong(v);
                    default -> counters.put(k, Long.parseLong(v));
                }
            } catch (RuntimeException e) {
                throw new IOException("malformed line in " + f + ": " + line, e);
            }
        }
        return new TransferStats(command, when, bytes, nanos, counters);
    }
}
