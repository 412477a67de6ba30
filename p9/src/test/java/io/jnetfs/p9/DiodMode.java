package io.jnetfs.p9;

import java.util.Locale;

/**
 * How {@link DiodServer} runs diod: chosen by the system property {@value #PROPERTY}, else the
 * environment variable {@value #ENV}, as {@code process}, {@code container} or {@code auto} (the default).
 *
 * <p>An explicit mode is a demand: where it cannot be had, {@link DiodServer#start} fails with the reason.
 * {@link #AUTO} takes what there is and skips the tests (with the reason) where there is nothing.
 */
public enum DiodMode {
    /** A local {@code /usr/sbin/diod} process. */
    PROCESS,
    /**
     * diod in a container started with Testcontainers from the local image (never pulled), with host
     * networking on 127.0.0.1 and the export bind-mounted at its own path; see {@code docker/} in the
     * repository for the image and a loopback-only engine.
     */
    CONTAINER,
    /** {@link #PROCESS} where diod is installed, else {@link #CONTAINER} where Docker answers, else none. */
    AUTO;

    /** The system property that chooses the mode. */
    public static final String PROPERTY = "jnetfs.diod.mode";
    /** The environment variable that chooses the mode where the property is not set. */
    public static final String ENV = "JNETFS_DIOD_MODE";

    /**
     * @return the mode asked for by {@value #PROPERTY} or {@value #ENV}, {@link #AUTO} where neither is set
     * @throws IllegalArgumentException for a value other than process, container or auto
     */
    public static DiodMode requested() {
        String v = System.getProperty(PROPERTY);
        String from = PROPERTY;
        if (v == null || v.isBlank()) {
            v = System.getenv(ENV);
            from = ENV;
        }
        if (v == null || v.isBlank()) {
            return AUTO;
        }
        return switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "process" -> PROCESS;
            case "container" -> CONTAINER;
            case "auto" -> AUTO;
            default -> throw new IllegalArgumentException(from + "=" + v + ": expected process, container or auto");
        };
    }

    /** @return how the mode is written in {@value #PROPERTY} */
    public String value() {
        return name().toLowerCase(Locale.ROOT);
    }
}
