package io.jnetfs.p9.server;

/**
 * {@link P9ServerHostileTest} against connections that receive on io_uring: broken framing, half-open
 * and idle connections, huge sizes and the rest end the same way on the multishot receive.
 */
class RingP9ServerHostileTest extends P9ServerHostileTest {
    @Override
    boolean ioUring() {
        return true;
    }
}
