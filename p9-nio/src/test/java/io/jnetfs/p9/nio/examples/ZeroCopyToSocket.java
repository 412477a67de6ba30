package io.jnetfs.p9.nio.examples;

import io.jnetfs.p9.nio.P9FileChannel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * The README's second example: send a remote file to your own socket with the zero-copy extension:
 * the page cache's folios go to {@code write} as they are, with no copy in Java. {@link ExamplesTest}
 * runs it and checks that the README shows this code.
 */
public final class ZeroCopyToSocket {
    private ZeroCopyToSocket() {
    }

    /**
     * Sends the whole file to the socket, folio by folio, straight from the page cache.
     *
     * @param remoteFile a path of a p9 file system
     * @param socket a connected, blocking socket
     * @return bytes sent
     * @throws IOException if reading the file or writing the socket fails
     */
    public static long send(Path remoteFile, SocketChannel socket) throws IOException {
        // README:begin zero-copy
        try (P9FileChannel file = P9FileChannel.open(remoteFile)) {
            return file.read(0, file.size(), (folio, offset, length) -> {
                ByteBuffer bytes = folio.asSlice(offset, length).asByteBuffer(); // the page cache's memory
                while (bytes.hasRemaining()) {
                    socket.write(bytes);
                }
            });
        }
        // README:end
    }

    /**
     * The same with the standard API: {@link FileChannel#transferTo} of a p9 channel hands the target
     * the page cache's memory the same way.
     *
     * @param remoteFile a path of a p9 file system
     * @param socket a connected, blocking socket
     * @return bytes sent
     * @throws IOException if reading the file or writing the socket fails
     */
    public static long transfer(Path remoteFile, SocketChannel socket) throws IOException {
        // README:begin transfer-to
        try (FileChannel file = FileChannel.open(remoteFile)) {
            long sent = 0;
            while (sent < file.size()) {
                sent += file.transferTo(sent, file.size() - sent, socket);
            }
            return sent;
        }
        // README:end
    }
}
