package io.jnetfs.peers;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether this process runs in a network namespace of its own that has nothing but {@code lo}, up: the
 * only place where a server that binds every interface (NFS-Ganesha's 9P listener, glusterd) may run,
 * since nothing outside the namespace can reach it there.
 *
 * <p>The interfaces are read from {@code /proc/self/net/dev}, which always shows this process's
 * namespace; {@code /sys/class/net} shows the namespace of whoever mounted {@code /sys}, which after a
 * plain {@code unshare --net} is still the machine's. {@code lo} is up when a socket can be bound and
 * connected on 127.0.0.1.
 *
 * <p>How to get one, for a whole test run:
 * <pre>
 *   unshare --net -- sh -c 'ip link set lo up &amp;&amp; mvn -o test -pl p9 -Dtest=*Ganesha*Test'
 * </pre>
 */
public final class LoopbackNamespace {
    /** The feature name a test requires before it starts such a server. */
    public static final String FEATURE = "netns-lo";
    /** How to run inside such a namespace, for messages. */
    public static final String HOW = "unshare --net -- sh -c 'ip link set lo up && ...'";

    private static final Path NET_DEV = Path.of("/proc/self/net/dev");

    private LoopbackNamespace() {
    }

    /**
     * @return null where this process's network namespace has only {@code lo}, up; else what it has
     *     instead and how to run in one
     */
    public static String unavailableReason() {
        List<String> names;
        try {
            names = interfaces();
        } catch (IOException e) {
            return "cannot list this process's network interfaces (" + NET_DEV + "): " + e.getMessage();
        }
        List<String> others = new ArrayList<>(names);
        others.remove("lo");
        if (!others.isEmpty()) {
            return "this process's network namespace has " + String.join(", ", others) + " besides lo"
                    + " (" + NET_DEV + "); servers that bind every interface run only in a namespace of their own"
                    + " with nothing but lo: " + HOW;
        }
        if (!names.contains("lo")) {
            return "this process's network namespace has no lo (" + NET_DEV + ")";
        }
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(PeerServer.HOST, 0));
            try (Socket c = new Socket()) {
                c.connect(new InetSocketAddress(PeerServer.HOST, s.getLocalPort()), 1000);
            }
        } catch (IOException e) {
            return "lo is down in this network namespace (" + e.getMessage() + "): ip link set lo up";
        }
        return null;
    }

    /**
     * @return the names of this process's network interfaces, from {@code /proc/self/net/dev}
     * @throws IOException where it cannot be read
     */
    public static List<String> interfaces() throws IOException {
        List<String> names = new ArrayList<>();
        for (String line : Files.readAllLines(NET_DEV)) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.contains("|")) {
                names.add(line.substring(0, colon).strip());
            }
        }
        return names;
    }
}
