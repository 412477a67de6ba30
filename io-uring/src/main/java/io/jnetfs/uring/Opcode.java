package io.jnetfs.uring;

import io.jnetfs.ffm.gen.LibC;

/**
 * The kernel's {@code IORING_OP_*} opcode numbers, under their kernel names, and
 * {@link #name(int)} to turn a number back into its name for messages.
 *
 * <p>Values come from the generated bindings (kernel UAPI headers 6.1, so up to
 * {@code IORING_OP_SENDMSG_ZC}); the ones {@link IoUring} writes SQEs for are listed first.
 */
public final class Opcode {
    /** {@code IORING_OP_NOP}. */
    public static final int IORING_OP_NOP = LibC.IORING_OP_NOP();
    /** {@code IORING_OP_READV}. */
    public static final int IORING_OP_READV = LibC.IORING_OP_READV();
    /** {@code IORING_OP_WRITEV}. */
    public static final int IORING_OP_WRITEV = LibC.IORING_OP_WRITEV();
    /** {@code IORING_OP_FSYNC}. */
    public static final int IORING_OP_FSYNC = LibC.IORING_OP_FSYNC();
    /** {@code IORING_OP_READ_FIXED}. */
    public static final int IORING_OP_READ_FIXED = LibC.IORING_OP_READ_FIXED();
    /** {@code IORING_OP_WRITE_FIXED}. */
    public static final int IORING_OP_WRITE_FIXED = LibC.IORING_OP_WRITE_FIXED();
    /** {@code IORING_OP_SENDMSG}. */
    public static final int IORING_OP_SENDMSG = LibC.IORING_OP_SENDMSG();
    /** {@code IORING_OP_RECVMSG}. */
    public static final int IORING_OP_RECVMSG = LibC.IORING_OP_RECVMSG();
    /** {@code IORING_OP_TIMEOUT}. */
    public static final int IORING_OP_TIMEOUT = LibC.IORING_OP_TIMEOUT();
    /** {@code IORING_OP_ASYNC_CANCEL}. */
    public static final int IORING_OP_ASYNC_CANCEL = LibC.IORING_OP_ASYNC_CANCEL();
    /** {@code IORING_OP_LINK_TIMEOUT}. */
    public static final int IORING_OP_LINK_TIMEOUT = LibC.IORING_OP_LINK_TIMEOUT();
    /** {@code IORING_OP_FALLOCATE}. */
    public static final int IORING_OP_FALLOCATE = LibC.IORING_OP_FALLOCATE();
    /** {@code IORING_OP_OPENAT}. */
    public static final int IORING_OP_OPENAT = LibC.IORING_OP_OPENAT();
    /** {@code IORING_OP_CLOSE}. */
    public static final int IORING_OP_CLOSE = LibC.IORING_OP_CLOSE();
    /** {@code IORING_OP_READ}. */
    public static final int IORING_OP_READ = LibC.IORING_OP_READ();
    /** {@code IORING_OP_WRITE}. */
    public static final int IORING_OP_WRITE = LibC.IORING_OP_WRITE();
    /** {@code IORING_OP_SEND}. */
    public static final int IORING_OP_SEND = LibC.IORING_OP_SEND();
    /** {@code IORING_OP_RECV}. */
    public static final int IORING_OP_RECV = LibC.IORING_OP_RECV();
    /** {@code IORING_OP_SEND_ZC}. */
    public static final int IORING_OP_SEND_ZC = LibC.IORING_OP_SEND_ZC();
    /** {@code IORING_OP_SENDMSG_ZC}. */
    public static final int IORING_OP_SENDMSG_ZC = LibC.IORING_OP_SENDMSG_ZC();
    /** {@code IORING_OP_POLL_ADD}. */
    public static final int IORING_OP_POLL_ADD = LibC.IORING_OP_POLL_ADD();
    /** {@code IORING_OP_POLL_REMOVE}. */
    public static final int IORING_OP_POLL_REMOVE = LibC.IORING_OP_POLL_REMOVE();
    /** {@code IORING_OP_SYNC_FILE_RANGE}. */
    public static final int IORING_OP_SYNC_FILE_RANGE = LibC.IORING_OP_SYNC_FILE_RANGE();
    /** {@code IORING_OP_TIMEOUT_REMOVE}. */
    public static final int IORING_OP_TIMEOUT_REMOVE = LibC.IORING_OP_TIMEOUT_REMOVE();
    /** {@code IORING_OP_ACCEPT}. */
    public static final int IORING_OP_ACCEPT = LibC.IORING_OP_ACCEPT();
    /** {@code IORING_OP_CONNECT}. */
    public static final int IORING_OP_CONNECT = LibC.IORING_OP_CONNECT();
    /** {@code IORING_OP_FILES_UPDATE}. */
    public static final int IORING_OP_FILES_UPDATE = LibC.IORING_OP_FILES_UPDATE();
    /** {@code IORING_OP_STATX}. */
    public static final int IORING_OP_STATX = LibC.IORING_OP_STATX();
    /** {@code IORING_OP_FADVISE}. */
    public static final int IORING_OP_FADVISE = LibC.IORING_OP_FADVISE();
    /** {@code IORING_OP_MADVISE}. */
    public static final int IORING_OP_MADVISE = LibC.IORING_OP_MADVISE();
    /** {@code IORING_OP_OPENAT2}. */
    public static final int IORING_OP_OPENAT2 = LibC.IORING_OP_OPENAT2();
    /** {@code IORING_OP_EPOLL_CTL}. */
    public static final int IORING_OP_EPOLL_CTL = LibC.IORING_OP_EPOLL_CTL();
    /** {@code IORING_OP_SPLICE}. */
    public static final int IORING_OP_SPLICE = LibC.IORING_OP_SPLICE();
    /** {@code IORING_OP_PROVIDE_BUFFERS}. */
    public static final int IORING_OP_PROVIDE_BUFFERS = LibC.IORING_OP_PROVIDE_BUFFERS();
    /** {@code IORING_OP_REMOVE_BUFFERS}. */
    public static final int IORING_OP_REMOVE_BUFFERS = LibC.IORING_OP_REMOVE_BUFFERS();
    /** {@code IORING_OP_TEE}. */
    public static final int IORING_OP_TEE = LibC.IORING_OP_TEE();
    /** {@code IORING_OP_SHUTDOWN}. */
    public static final int IORING_OP_SHUTDOWN = LibC.IORING_OP_SHUTDOWN();
    /** {@code IORING_OP_RENAMEAT}. */
    public static final int IORING_OP_RENAMEAT = LibC.IORING_OP_RENAMEAT();
    /** {@code IORING_OP_UNLINKAT}. */
    public static final int IORING_OP_UNLINKAT = LibC.IORING_OP_UNLINKAT();
    /** {@code IORING_OP_MKDIRAT}. */
    public static final int IORING_OP_MKDIRAT = LibC.IORING_OP_MKDIRAT();
    /** {@code IORING_OP_SYMLINKAT}. */
    public static final int IORING_OP_SYMLINKAT = LibC.IORING_OP_SYMLINKAT();
    /** {@code IORING_OP_LINKAT}. */
    public static final int IORING_OP_LINKAT = LibC.IORING_OP_LINKAT();
    /** {@code IORING_OP_MSG_RING}. */
    public static final int IORING_OP_MSG_RING = LibC.IORING_OP_MSG_RING();
    /** {@code IORING_OP_FSETXATTR}. */
    public static final int IORING_OP_FSETXATTR = LibC.IORING_OP_FSETXATTR();
    /** {@code IORING_OP_SETXATTR}. */
    public static final int IORING_OP_SETXATTR = LibC.IORING_OP_SETXATTR();
    /** {@code IORING_OP_FGETXATTR}. */
    public static final int IORING_OP_FGETXATTR = LibC.IORING_OP_FGETXATTR();
    /** {@code IORING_OP_GETXATTR}. */
    public static final int IORING_OP_GETXATTR = LibC.IORING_OP_GETXATTR();
    /** {@code IORING_OP_SOCKET}. */
    public static final int IORING_OP_SOCKET = LibC.IORING_OP_SOCKET();
    /** {@code IORING_OP_URING_CMD}. */
    public static final int IORING_OP_URING_CMD = LibC.IORING_OP_URING_CMD();

    private static final String[] NAMES = new String[256];
    /** The Linux release that added each opcode, for the reason a probe gives when one is missing. */
    private static final String[] SINCE = new String[256];

    static {
        NAMES[IORING_OP_NOP] = "IORING_OP_NOP";
        NAMES[IORING_OP_READV] = "IORING_OP_READV";
        NAMES[IORING_OP_WRITEV] = "IORING_OP_WRITEV";
        NAMES[IORING_OP_FSYNC] = "IORING_OP_FSYNC";
        NAMES[IORING_OP_READ_FIXED] = "IORING_OP_READ_FIXED";
        NAMES[IORING_OP_WRITE_FIXED] = "IORING_OP_WRITE_FIXED";
        NAMES[IORING_OP_POLL_ADD] = "IORING_OP_POLL_ADD";
        NAMES[IORING_OP_POLL_REMOVE] = "IORING_OP_POLL_REMOVE";
        NAMES[IORING_OP_SYNC_FILE_RANGE] = "IORING_OP_SYNC_FILE_RANGE";
        NAMES[IORING_OP_SENDMSG] = "IORING_OP_SENDMSG";
        NAMES[IORING_OP_RECVMSG] = "IORING_OP_RECVMSG";
        NAMES[IORING_OP_TIMEOUT] = "IORING_OP_TIMEOUT";
        NAMES[IORING_OP_TIMEOUT_REMOVE] = "IORING_OP_TIMEOUT_REMOVE";
        NAMES[IORING_OP_ACCEPT] = "IORING_OP_ACCEPT";
        NAMES[IORING_OP_ASYNC_CANCEL] = "IORING_OP_ASYNC_CANCEL";
        NAMES[IORING_OP_LINK_TIMEOUT] = "IORING_OP_LINK_TIMEOUT";
        NAMES[IORING_OP_CONNECT] = "IORING_OP_CONNECT";
        NAMES[IORING_OP_FALLOCATE] = "IORING_OP_FALLOCATE";
        NAMES[IORING_OP_OPENAT] = "IORING_OP_OPENAT";
        NAMES[IORING_OP_CLOSE] = "IORING_OP_CLOSE";
        NAMES[IORING_OP_FILES_UPDATE] = "IORING_OP_FILES_UPDATE";
        NAMES[IORING_OP_STATX] = "IORING_OP_STATX";
        NAMES[IORING_OP_READ] = "IORING_OP_READ";
        NAMES[IORING_OP_WRITE] = "IORING_OP_WRITE";
        NAMES[IORING_OP_FADVISE] = "IORING_OP_FADVISE";
        NAMES[IORING_OP_MADVISE] = "IORING_OP_MADVISE";
        NAMES[IORING_OP_SEND] = "IORING_OP_SEND";
        NAMES[IORING_OP_RECV] = "IORING_OP_RECV";
        NAMES[IORING_OP_OPENAT2] = "IORING_OP_OPENAT2";
        NAMES[IORING_OP_EPOLL_CTL] = "IORING_OP_EPOLL_CTL";
        NAMES[IORING_OP_SPLICE] = "IORING_OP_SPLICE";
        NAMES[IORING_OP_PROVIDE_BUFFERS] = "IORING_OP_PROVIDE_BUFFERS";
        NAMES[IORING_OP_REMOVE_BUFFERS] = "IORING_OP_REMOVE_BUFFERS";
        NAMES[IORING_OP_TEE] = "IORING_OP_TEE";
        NAMES[IORING_OP_SHUTDOWN] = "IORING_OP_SHUTDOWN";
        NAMES[IORING_OP_RENAMEAT] = "IORING_OP_RENAMEAT";
        NAMES[IORING_OP_UNLINKAT] = "IORING_OP_UNLINKAT";
        NAMES[IORING_OP_MKDIRAT] = "IORING_OP_MKDIRAT";
        NAMES[IORING_OP_SYMLINKAT] = "IORING_OP_SYMLINKAT";
        NAMES[IORING_OP_LINKAT] = "IORING_OP_LINKAT";
        NAMES[IORING_OP_MSG_RING] = "IORING_OP_MSG_RING";
        NAMES[IORING_OP_FSETXATTR] = "IORING_OP_FSETXATTR";
        NAMES[IORING_OP_SETXATTR] = "IORING_OP_SETXATTR";
        NAMES[IORING_OP_FGETXATTR] = "IORING_OP_FGETXATTR";
        NAMES[IORING_OP_GETXATTR] = "IORING_OP_GETXATTR";
        NAMES[IORING_OP_SOCKET] = "IORING_OP_SOCKET";
        NAMES[IORING_OP_URING_CMD] = "IORING_OP_URING_CMD";
        NAMES[IORING_OP_SEND_ZC] = "IORING_OP_SEND_ZC";
        NAMES[IORING_OP_SENDMSG_ZC] = "IORING_OP_SENDMSG_ZC";
    }

    static {
        String[][] since = {
            {"5.1", "NOP", "READV", "WRITEV", "FSYNC", "READ_FIXED", "WRITE_FIXED", "POLL_ADD", "POLL_REMOVE"},
            {"5.2", "SYNC_FILE_RANGE"},
            {"5.3", "SENDMSG", "RECVMSG"},
            {"5.4", "TIMEOUT"},
            {"5.5", "TIMEOUT_REMOVE", "ACCEPT", "ASYNC_CANCEL", "LINK_TIMEOUT", "CONNECT"},
            {"5.6", "FALLOCATE", "OPENAT", "CLOSE", "FILES_UPDATE", "STATX", "READ", "WRITE", "FADVISE", "MADVISE",
                "SEND", "RECV", "OPENAT2", "EPOLL_CTL"},
            {"5.7", "SPLICE", "PROVIDE_BUFFERS", "REMOVE_BUFFERS"},
            {"5.8", "TEE"},
            {"5.11", "SHUTDOWN", "RENAMEAT", "UNLINKAT"},
            {"5.15", "MKDIRAT", "SYMLINKAT", "LINKAT"},
            {"5.18", "MSG_RING"},
            {"5.19", "FSETXATTR", "SETXATTR", "FGETXATTR", "GETXATTR", "SOCKET", "URING_CMD"},
            {"6.0", "SEND_ZC"},
            {"6.1", "SENDMSG_ZC"},
        };
        for (String[] row : since) {
            for (int i = 1; i < row.length; i++) {
                for (int op = 0; op < NAMES.length; op++) {
                    if (("IORING_OP_" + row[i]).equals(NAMES[op])) {
                        SINCE[op] = row[0];
                    }
                }
            }
        }
    }

    private Opcode() {
    }

    /**
     * @param opcode an opcode number
     * @return the Linux release that added it, such as {@code "6.1"}, or null if this binding does not know
     */
    static String since(int opcode) {
        return (opcode & ~0xFF) == 0 ? SINCE[opcode] : null;
    }

    /**
     * @param opcode an opcode number
     * @return its kernel name, such as {@code "IORING_OP_READV"}, or {@code "IORING_OP_<n>"} for a
     *     number this binding does not know
     */
    public static String name(int opcode) {
        String n = (opcode & ~0xFF) == 0 ? NAMES[opcode] : null;
        return n != null ? n : "IORING_OP_<" + opcode + ">";
    }
}
