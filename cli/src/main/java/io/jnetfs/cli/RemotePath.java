package io.jnetfs.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * A remote operand, {@code 9p://HOST[:PORT]/PATH} or {@code p9://HOST[:PORT]/PATH} (the URI scheme of
 * the {@code java.nio.file} provider, module p9-nio: {@code 9p} cannot be a URI scheme, which must begin
 * with a letter): the server and a slash-separated path inside the export ({@code --aname} names the
 * export; diod names its exports by their path).
 *
 * @param host the server's host name or IPv4 address
 * @param port the TCP port ({@value #DEFAULT_PORT} when the operand names none)
 * @param path the path inside the export without leading or trailing slashes, {@code ""} for its root
 */
public record RemotePath(String host, int port, String path) {
    /** The scheme prefix that marks a remote operand, and the one it is printed with. */
    public static final String SCHEME = "9p://";
    /** The other prefix of a remote operand: the p9 provider's URI scheme, {@code p9://}. */
    public static final String URI_SCHEME = "p9://";
    /** The 9P port registered with IANA ({@code 564/tcp}). */
    public static final int DEFAULT_PORT = 564;

    /** Checks the fields. */
    public RemotePath {
        if (host.isEmpty()) {
            throw new IllegalArgumentException("invalid host=" + host);
        }
        if (port <= 0 || port > 65535) {
            throw new IllegalArgumentException("invalid port=" + port);
        }
    }

    /**
     * {@return whether {@code operand} is remote (starts with {@value #SCHEME} or {@value #URI_SCHEME})}
     *
     * @param operand a command-line operand
     */
    public static boolean isRemote(String operand) {
        return operand.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || operand.regionMatches(true, 0, URI_SCHEME, 0, URI_SCHEME.length());
    }

    /**
     * Parses {@code 9p://HOST[:PORT]/PATH} (or {@code p9://...}). Empty and {@code "."} path components
     * are dropped.
     *
     * @param operand the operand
     * @return the remote path
     * @throws CommandFailure ({@link ExitCodes#USAGE}) if the operand is malformed
     */
    public static RemotePath parse(String operand) throws CommandFailure {
        if (!isRemote(operand)) {
            throw CommandFailure.usage("not a remote path (" + SCHEME + "HOST[:PORT]/PATH or " + URI_SCHEME
                    + "HOST[:PORT]/PATH): " + operand);
        }
        String rest = operand.substring(SCHEME.length()); // both prefixes are five characters
        int slash = rest.indexOf('/');
        String authority = slash < 0 ? rest : rest.substring(0, slash);
        String path = slash < 0 ? "" : rest.substring(slash + 1);
        String host = authority;
        int port = DEFAULT_PORT;
        int colon = authority.lastIndexOf(':');
        if (colon >= 0) {
            host = authority.substring(0, colon);
            try {
                port = Integer.parseInt(authority.substring(colon + 1));
            } catch (NumberFormatException e) {
                port = -1;
            }
            if (port <= 0 || port > 65535) {
                throw CommandFailure.usage("invalid port in " + operand + " (1 .. 65535)");
            }
        }
        if (host.isEmpty() || host.contains("[") || host.contains("@")) {
            throw CommandFailure.usage("invalid host in " + operand + " (an IPv4 address or a host name)");
        }
        return new RemotePath(host, port, normalize(path));
    }

    /**
     * Drops empty and {@code "."} components.
     *
     * @param path a slash-separated path
     * @return the same path without leading, trailing or doubled slashes
     */
    public static String normalize(String path) {
        List<String> names = new ArrayList<>();
        for (String n : path.split("/")) {
            if (!n.isEmpty() && !n.equals(".")) {
                names.add(n);
            }
        }
        return String.join("/", names);
    }

    /** {@return {@code HOST:PORT}} */
    public String server() {
        return host + ":" + port;
    }

    /** {@return the operand in its canonical form, {@code 9p://HOST:PORT/PATH}} */
    @Override
    public String toString() {
        return SCHEME + host + ":" + port + "/" + path;
    }
}
