package io.jnetfs.peers;

import java.util.Locale;

/**
 * Where a peer server runs: a process on this machine, or a container on a Docker engine (Testcontainers,
 * host networking, the image never pulled). Each server reads its own setting (for diod
 * {@value Diod#MODE_PROPERTY}, else the environment variable {@value Diod#MODE_ENV}); {@link #AUTO} takes
 * what there is.
 */
public enum PeerMode {
    /** A process of this machine's installed server, a child of this JVM. */
    PROCESS,
    /** A container started with Testcontainers from a local image, with host networking on 127.0.0.1. */
    CONTAINER,
    /** {@link #PROCESS} where the server is installed, else {@link #CONTAINER} where an engine has the image. */
    AUTO;

    /**
     * Reads the mode a run asks for.
     *
     * @param property the system property that names it
     * @param env the environment variable read where the property is not set
     * @return the mode asked for, {@link #AUTO} where neither is set
     * @throws IllegalArgumentException for a value other than process, container or auto, naming where it came from
     */
    public static PeerMode requested(String property, String env) {
        String v = System.getProperty(property);
        String from = property;
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
            from = env;
        }
        if (v == null || v.isBlank()) {
            return AUTO;
        }
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "process" -> PROCESS;
            case "container" -> CONTAINER;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(from + "=" + v + ": expected process, container or auto");
        };
    }

    /** {@return how the mode is written in a setting: {@code process}, {@code container} or {@code auto}} */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
