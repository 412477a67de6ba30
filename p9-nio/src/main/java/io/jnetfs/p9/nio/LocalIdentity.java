package io.jnetfs.p9.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * This process as the kernel sees it, from {@code /proc/self/status}: its uid, gid, supplementary
 * groups and umask. The provider applies the umask to the modes it creates files with (a 9P server
 * applies its own, or none: diod and {@code jnetfs serve} give the client's mode exactly), as the
 * kernel applies it to a local {@code open} or {@code mkdir}.
 *
 * @param uid the real uid, -1 where unknown
 * @param gid the real gid, -1 where unknown
 * @param groups the supplementary groups and the gid
 * @param umask the umask (022 where the kernel does not show it)
 */
record LocalIdentity(int uid, int gid, Set<Integer> groups, int umask) {
    /** This process, read once. */
    static final LocalIdentity SELF = read();

    private static LocalIdentity read() {
        int uid = -1;
        int gid = -1;
        int umask = 022;
        Set<Integer> groups = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                String[] f = line.split("\\s+");
                switch (f[0]) {
                    case "Uid:" -> uid = Integer.parseInt(f[1]);
                    case "Gid:" -> gid = Integer.parseInt(f[1]);
                    case "Umask:" -> umask = Integer.parseInt(f[1], 8) & 0777;
                    case "Groups:" -> {
                        for (int i = 1; i < f.length; i++) {
                            groups.add(Integer.parseInt(f[i]));
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux's procfs: the defaults stand
        }
        if (gid >= 0) {
            groups.add(gid);
        }
        return new LocalIdentity(uid, gid, Set.copyOf(groups), umask);
    }
}
