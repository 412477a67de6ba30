package io.jnetfs.peers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.Volume;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.ContainerLaunchException;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * {@link PeerMode#CONTAINER} for {@link Diod}: diod in a container started with Testcontainers from a
 * local image ({@value #DEFAULT_IMAGE}, or the system property {@value #IMAGE_PROPERTY}; built by
 * {@code docker/build-image.sh}), never pulled.
 *
 * <pre>
 *   this JVM ──9P over 127.0.0.1:PORT──▶ diod -f -n -l 127.0.0.1:PORT -e DIR ...   (container, --network host)
 *      │                                      │
 *      └── reads and writes DIR ◀── bind mount DIR:DIR ──┘   (same path both sides: the aname is DIR)
 *          writes RUN/diod.conf ──▶ bind mount RUN:RUN, read-only (a read-only export's configuration)
 * </pre>
 *
 * <p>Host networking only: no port mapping, no bridge, nothing but 127.0.0.1 is a target. Readiness is a
 * connect to the port from this JVM. Suspended with {@code docker pause} (the cgroup freezer: every
 * thread stopped when it returns), killed with {@code docker kill} (SIGKILL to diod, the container's
 * PID 1). Closing removes the container. There is no reaper container: Testcontainers' own would be
 * pulled, so {@link #unavailableReason()} demands {@code TESTCONTAINERS_RYUK_DISABLED=true} (the build's
 * surefire sets it) and every start is paired with a close by its owner (or {@link OpenServers}' hook).
 *
 * <p>Loaded only in container mode, and only after {@link Diod} checked that Testcontainers is on the
 * class path: peer-servers declares it optional, so the CLI and the benchmarks run without it.
 */
final class DiodContainer implements Backend {
    /** The system property naming the image. */
    static final String IMAGE_PROPERTY = "jnetfs.diod.image";
    /** The image docker/build-image.sh and docker/Dockerfile build. */
    static final String DEFAULT_IMAGE = "jnetfs/diod:bookworm";

    private final GenericContainer<?> container;
    private final String id;
    private final long pid;
    private boolean paused;
    private boolean closed;

    private DiodContainer(GenericContainer<?> container) {
        this.container = container;
        this.id = container.getContainerId();
        Long p = container.getContainerInfo().getState().getPidLong();
        this.pid = p == null ? -1 : p;
    }

    static String image() {
        return System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    }

    /**
     * Asks for the reaper switch, the engine (DOCKER_HOST, else the default socket) and the engine for
     * the image.
     *
     * @return null where a container can be started, else why not
     */
    static String unavailableReason() {
        if (!Boolean.parseBoolean(System.getenv("TESTCONTAINERS_RYUK_DISABLED"))) {
            return "TESTCONTAINERS_RYUK_DISABLED=true is not set in this JVM's environment: Testcontainers would pull"
                    + " its reaper image (the build's surefire configuration sets it; see docker/README.md)";
        }
        DockerClient client;
        try {
            client = DockerClientFactory.instance().client();
        } catch (RuntimeException e) {
            return "no Docker engine answers (DOCKER_HOST=" + System.getenv("DOCKER_HOST") + "): " + e.getMessage()
                    + "; docker/engine.sh start provides a loopback-only one";
        }
        try {
            client.inspectImageCmd(image()).exec();
        } catch (NotFoundException e) {
            return "the engine has no image " + image() + " (it is never pulled): docker/build-image.sh builds it";
        } catch (DockerException e) {
            return "inspecting image " + image() + " failed: " + e.getMessage();
        }
        return null;
    }

    /** {@return where the engine is, for the fixture's one line about itself} */
    static String engine() {
        DockerClientFactory f = DockerClientFactory.instance();
        return "image " + image() + ", engine " + f.getTransportConfig().getDockerHost() + " (Docker "
                + f.getInfo().getServerVersion() + ")";
    }

    /**
     * Starts the container with diod's arguments and waits until diod accepts on 127.0.0.1:{@code port}.
     *
     * @param args diod's arguments (the image's entry point is diod)
     * @param export the exported directory, bound read-write at its own path
     * @param run the server's run directory, bound read-only at its own path
     * @param port the port in {@code args}
     * @param max how long to wait
     * @return the running container, which the caller closes
     * @throws IOException where it does not start or accept within {@code max}; nothing is left running
     */
    static DiodContainer start(List<String> args, Path export, Path run, int port, Duration max) throws IOException {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image()));
        try {
            c.withImagePullPolicy(name -> false) // a local image only
                    .withNetworkMode("host")
                    // the binds go straight into the create command: Testcontainers' own binds make it
                    // check file mounting first, in a container of an image it would pull
                    .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withBinds(
                            new Bind(export.toString(), new Volume(export.toString()), AccessMode.rw),
                            new Bind(run.toString(), new Volume(run.toString()), AccessMode.ro)))
                    .withCommand(args.toArray(String[]::new))
                    .waitingFor(new LoopbackPort(port).withStartupTimeout(max))
                    .start();
            return new DiodContainer(c);
        } catch (ContainerLaunchException | DockerException e) {
            String log;
            try {
                log = c.getContainerId() == null ? "(no container)" : c.getLogs();
            } catch (RuntimeException ignored) {
                log = "(no log)";
            }
            c.stop();
            throw new IOException("diod container (" + image() + ") on port " + port + " did not start: "
                    + rootMessage(e) + "; its log: " + log.strip(), e);
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t == e ? String.valueOf(e.getMessage()) : e.getMessage() + " <- " + t;
    }

    /** Ready when a connect from this JVM to 127.0.0.1:port succeeds; fails early when the container exits. */
    private static final class LoopbackPort extends AbstractWaitStrategy {
        private final int port;

        LoopbackPort(int port) {
            this.port = port;
        }

        @Override
        protected void waitUntilReady() {
            try {
                Loopback.awaitAccepting("diod container", port, startupTimeout, waitStrategyTarget::isRunning,
                        waitStrategyTarget::getLogs);
            } catch (IOException e) {
                throw new ContainerLaunchException(e.getMessage(), e);
            }
        }
    }

    @Override
    public boolean isAlive() {
        return !closed && container.isRunning();
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public String log() {
        try {
            return container.getLogs();
        } catch (RuntimeException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void kill() {
        DockerClient client = container.getDockerClient();
        try {
            if (paused) {
                client.unpauseContainerCmd(id).exec(); // a frozen task does not die until thawed
                paused = false;
            }
            client.killContainerCmd(id).withSignal("KILL").exec();
            client.waitContainerCmd(id).start().awaitStatusCode(10, TimeUnit.SECONDS);
        } catch (RuntimeException e) {
            // it exited already (DockerException), or no exit status within 10 s: close() removes it anyway
        }
    }

    @Override
    public void suspend() throws IOException {
        try {
            container.getDockerClient().pauseContainerCmd(id).exec();
            paused = true;
        } catch (DockerException e) {
            throw new IOException("docker pause " + id + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void resume() throws IOException {
        try {
            container.getDockerClient().unpauseContainerCmd(id).exec();
            paused = false;
        } catch (DockerException e) {
            throw new IOException("docker unpause " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Kills and removes the container (thawing it first if paused). Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (paused) {
            try {
                resume();
            } catch (IOException e) {
                // it may be gone; stop() removes what is left
            }
        }
        container.stop();
    }

    @Override
    public String describe() {
        return "container " + id.substring(0, Math.min(12, id.length())) + ", pid " + pid;
    }
}
