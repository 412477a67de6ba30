package io.jnetfs.p9;

/**
 * How the receiving thread takes replies off the socket.
 *
 * <pre>
 *   DIRECT: recvmsg [size type tag]          -- 7 bytes, then by the tag's request:
 *           recvmsg [count][dest chain...]   -- the data lands in the request's destination
 *   BULK:   recvmsg [pooled chunk ......]    -- as much as the socket holds, several replies;
 *           each Rread's data is then sliced (folio reference, no copy) into the request's chain,
 *           or copied into its destination iterator
 * </pre>
 *
 * DIRECT moves each byte once (kernel to destination) with two system calls per reply; BULK uses
 * fewer system calls when many replies are queued but holds chunk memory while slices live.
 */
public enum ReceiveMode {
    /** Header first, then the payload straight into the destination. */
    DIRECT,
    /** Bulk receive into pooled chunks, sliced (or copied) into the requests' chains. */
    BULK
}
