package io.jnetfs.fuse;

import java.io.IOException;

/**
 * How requests reach the dispatcher and replies reach the kernel: the part of a FUSE server that is
 * not the protocol. The dispatcher ({@link FuseSession}) never knows which transport carries a request,
 * as libfuse's handlers never know whether {@code /dev/fuse} or an io_uring queue did.
 *
 * <p>A transport hands out one {@link FuseChannel} per worker thread; a request read on a channel is
 * answered on the same channel. Implementations: {@link DevFuseTransport} ({@code read} and
 * {@code writev} on {@code /dev/fuse}, one cloned descriptor per channel); an io_uring transport
 * ({@code FUSE_IO_URING_CMD}) fits the same interface.
 */
public interface FuseTransport extends AutoCloseable {
    /**
     * Opens the channel for worker {@code index}; called once per worker, from the session's thread
     * before the workers start.
     *
     * @param index 0 .. threads - 1
     * @param maxRequest the largest request the channel must be able to receive, header included
     * @return the channel, owned by the caller
     * @throws IOException if it cannot be set up
     */
    FuseChannel openChannel(int index, int maxRequest) throws IOException;

    /** @return a short name for logs and the mount's summary line, such as {@code "/dev/fuse"} */
    String name();

    /** Releases what the transport holds (the device descriptor); channels are closed first. Idempotent. */
    @Override
    void close();
}
