package io.jnetfs.benchmarks.harness;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The machine a run measured, read from {@code /proc}, {@code /etc/os-release} and the tools
 * themselves, so every table says where its numbers come from.
 *
 * @param cpu the CPU model ({@code /proc/cpuinfo} "model name"), with "(virtual machine)" when the
 *     hypervisor flag is set
 * @param cores the processors this JVM may use
 * @param memoryBytes {@code MemTotal}
 * @param kernel {@code /proc/sys/kernel/osrelease}
 * @param os {@code PRETTY_NAME} of {@code /etc/os-release}
 * @param jdk the JVM's vendor, name and version
 * @param tools versions of gcc, fio, iperf3 and diod ("not installed" where missing)
 * @param scratch the scratch directory and its filesystem type
 */
record MachineDescription(String cpu, int cores, long memoryBytes, String kernel, String os, String jdk,
                          Map<String, String> tools, String scratch) {

    /**
     * Probes the running machine.
     *
     * @param scratch the scratch directory benchmarks write their files to
     * @return the description
     */
    static MachineDescription probe(Path scratch) {
        String cpuinfo = read(Path.of("/proc/cpuinfo"));
        String cpu = field(cpuinfo, "model name", ":");
        if (cpu.isEmpty()) {
            cpu = "unknown CPU";
        }
        String flags = field(cpuinfo, "flags", ":");
        if ((" " + flags + " ").contains(" hypervisor ")) {
            cpu += " (virtual machine)";
        }
        String meminfo = field(read(Path.of("/proc/meminfo")), "MemTotal", ":").replace("kB", "").strip();
        long memory = meminfo.isEmpty() ? 0 : Long.parseLong(meminfo) * 1024;
        String os = field(read(Path.of("/etc/os-release")), "PRETTY_NAME", "=").replace("\"", "");
        String jdk = System.getProperty("java.vm.vendor") + " " + System.getProperty("java.vm.name") + " "
                + System.getProperty("java.runtime.version");
        Map<String, String> tools = new LinkedHashMap<>();
        tools.put("gcc", firstLine(List.of("gcc", "-dumpfullversion")));
        tools.put("fio", firstLine(List.of("fio", "--version")));
        tools.put("iperf3", firstLine(List.of("iperf3", "--version")));
        // diod has no --version option; its Debian package knows
        tools.put("diod", firstLine(List.of("dpkg-query", "-W", "-f=${Version}", "diod")));
        return new MachineDescription(cpu, Runtime.getRuntime().availableProcessors(), memory,
                read(Path.of("/proc/sys/kernel/osrelease")).strip(), os.isEmpty() ? "unknown OS" : os, jdk, tools,
                scratch + " (" + filesystem(scratch) + ")");
    }

    /** {@return one Markdown line} */
    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(cpu).append(", ").append(cores).append(cores == 1 ? " core, " : " cores, ")
                .append(String.format(Locale.ROOT, "%.1f GiB", memoryBytes / (double) (1L << 30)))
                .append(" RAM; Linux ").append(kernel).append(", ").append(os).append("; ").append(jdk);
        for (Map.Entry<String, String> t : tools.entrySet()) {
            sb.append("; ").append(t.getKey()).append(' ').append(t.getValue());
        }
        sb.append("; scratch files in ").append(scratch);
        return sb.toString();
    }

    /** {@return the description for the results file} */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("memoryBytes", memoryBytes);
        m.put("kernel", kernel);
        m.put("os", os);
        m.put("jdk", jdk);
        m.put("tools", tools);
        m.put("scratch", scratch);
        return m;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    private static String field(String text, String key, String separator) {
        for (String line : text.split("\n")) {
            int i = line.indexOf(separator);
            if (i > 0 && line.substring(0, i).strip().equals(key)) {
                return line.substring(i + 1).strip();
            }
        }
        return "";
    }

    /** The first line a tool prints about its version, or "not installed" (it is missing or fails). */
    private static String firstLine(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "unknown version";
            }
            if (p.exitValue() != 0) {
                return "not installed";
            }
            String line = out.lines().map(String::strip).filter(l -> !l.isEmpty()).findFirst().orElse("");
            return line.isEmpty() ? "unknown version" : line;
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown version";
        }
    }

    /** The type of the filesystem holding {@code dir}: the longest mount point prefix in mountinfo. */
    private static String filesystem(Path dir) {
        String best = "";
        String type = "unknown filesystem";
        String abs = dir.toAbsolutePath().normalize().toString();
        for (String line : read(Path.of("/proc/self/mountinfo")).split("\n")) {
            String[] f = line.split(" ");
            int dash = List.of(f).indexOf("-");
            if (f.length < 5 || dash < 0 || dash + 1 >= f.length) {
                continue;
            }
            String mount = f[4];
            boolean under = abs.equals(mount) || abs.startsWith(mount.endsWith("/") ? mount : mount + "/");
            if (under && mount.length() >= best.length()) {
                best = mount;
                type = f[dash + 1];
            }
        }
        return type;
    }
}
