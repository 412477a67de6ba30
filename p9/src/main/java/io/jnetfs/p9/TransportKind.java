package io.jnetfs.p9;

/** Which {@link Transport} a client uses. */
public enum TransportKind {
    /** {@code sendmsg}/{@code recvmsg} system calls on a blocking socket. */
    SOCKET,
    /** {@code IORING_OP_SENDMSG}/{@code IORING_OP_RECVMSG} submissions on io_uring rings. */
    IO_URING
}
