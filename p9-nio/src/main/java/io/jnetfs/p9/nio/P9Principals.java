package io.jnetfs.p9.nio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.HashMap;
import java.util.Map;

/**
 * Owners as 9P carries them: numeric uids and gids. Names are this machine's ({@code /etc/passwd},
 * {@code /etc/group}), as {@code ls -l} shows them over a v9fs mount; an id with no local name is named
 * by its number, and a number is accepted wherever a name is.
 */
final class P9Principals extends UserPrincipalLookupService {
    private final P9FileSystem fs;
    private volatile Names users;
    private volatile Names groups;

    /** One of the two files, both ways; the first of two names for one id wins, as getpwuid's. */
    private record Names(Map<String, Integer> byName, Map<Integer, String> byId) {
    }

    P9Principals(P9FileSystem fs) {
        this.fs = fs;
    }

    /** A uid, or a gid. */
    record Id(int id, String name, boolean group) implements UserPrincipal, GroupPrincipal {
        @Override
        public String getName() {
            return name;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Id i && i.id == id && i.group == group;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(id) * 31 + (group ? 1 : 0);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    /** {@return the user of {@code uid}} */
    UserPrincipal user(int uid) {
        return new Id(uid, nameOf(users(), uid), false);
    }

    /** {@return the group of {@code gid}} */
    GroupPrincipal group(int gid) {
        return new Id(gid, nameOf(groups(), gid), true);
    }

    /**
     * {@return the uid or gid a principal stands for}
     *
     * @param p a principal of this provider
     * @param group whether a group is wanted (else a user)
     */
    static int idOf(UserPrincipal p, boolean group) throws IOException {
        if (p instanceof Id i) {
            if (i.group != group) {
                throw new IllegalArgumentException((group ? "not a group: " : "a group is not an owner: ") + p);
            }
            return i.id;
        }
        throw new UserPrincipalNotFoundException(p == null ? "null" : p.getName() + " (not a principal of a p9 file system)");
    }

    @Override
    public UserPrincipal lookupPrincipalByName(String name) throws IOException {
        fs.checkOpen();
        return new Id(lookup(users(), name), name, false);
    }

    @Override
    public GroupPrincipal lookupPrincipalByGroupName(String group) throws IOException {
        fs.checkOpen();
        return new Id(lookup(groups(), group), group, true);
    }

    private static int lookup(Names names, String name) throws UserPrincipalNotFoundException {
        Integer id = names.byName.get(name);
        if (id != null) {
            return id;
        }
        try {
            long n = Long.parseLong(name);
            if (n >= 0 && n <= 0xFFFFFFFFL) {
                return (int) n;
            }
        } catch (NumberFormatException e) {
            // not a number either
        }
        throw new UserPrincipalNotFoundException(name);
    }

    private static String nameOf(Names names, int id) {
        String n = names.byId.get(id);
        return n != null ? n : Integer.toUnsignedString(id);
    }

    private Names users() {
        Names m = users;
        if (m == null) {
            m = read(Path.of("/etc/passwd"));
            users = m;
        }
        return m;
    }

    private Names groups() {
        Names m = groups;
        if (m == null) {
            m = read(Path.of("/etc/group"));
            groups = m;
        }
        return m;
    }

    /** {@code name:x:id:...} lines. */
    private static Names read(Path file) {
        Map<String, Integer> m = new HashMap<>();
        Map<Integer, String> r = new HashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String[] f = line.split(":");
                if (f.length >= 3 && !f[0].isEmpty()) {
                    try {
                        int id = Integer.parseInt(f[2]);
                        m.putIfAbsent(f[0], id);
                        r.putIfAbsent(id, f[0]);
                    } catch (NumberFormatException e) {
                        // a malformed line: skipped
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // no such file here: ids are named by their numbers
        }
        return new Names(Map.copyOf(m), Map.copyOf(r));
    }
}
