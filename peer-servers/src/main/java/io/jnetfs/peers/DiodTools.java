package io.jnetfs.peers;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * diod's own C clients, the only C peers of jnetfs's 9P: {@code diodcat} (reads a file), {@code diodls}
 * (lists a directory, or a server's exports), {@code diodload} (loads a server's ctl export). They run on
 * this machine whichever mode the server is in, so they are a feature of their own ({@value #FEATURE}):
 * a diod in a container does not bring them.
 */
public final class DiodTools {
    /** The feature name a test requires: {@code Require.feature(DiodTools.FEATURE, DiodTools.unavailableReason())}. */
    public static final String FEATURE = "diod/tools";
    /** Where Debian installs diodcat. */
    public static final Path DIODCAT = Path.of("/usr/sbin/diodcat");
    /** Where Debian installs diodls. */
    public static final Path DIODLS = Path.of("/usr/sbin/diodls");
    /** Where Debian installs diodload. */
    public static final Path DIODLOAD = Path.of("/usr/sbin/diodload");

    private DiodTools() {
    }

    /** @return null where all three are installed, else which are missing and how to install them */
    public static String unavailableReason() {
        List<String> missing = new ArrayList<>();
        for (Path p : List.of(DIODCAT, DIODLS, DIODLOAD)) {
            if (!Files.isExecutable(p)) {
                missing.add(p.toString());
            }
        }
        return missing.isEmpty() ? null
                : String.join(", ", missing) + (missing.size() == 1 ? " is" : " are")
                        + " not installed (apt-get install diod; .ci/run installs it)";
    }
}
