package io.jnetfs.cli;

import io.jnetfs.ffm.Errno;
import java.io.IOException;

/**
 * A failure as the user sees it: what failed (a path, a server) and why, in one line such as
 * {@code 9p://127.0.0.1:5640/missing: No such file or directory (ENOENT)}, with the exit code it
 * stands for ({@link ExitCodes}). The original exception stays the cause, for {@code -v}.
 */
public final class CommandFailure extends IOException {
    private static final long serialVersionUID = 1L;

    /** What failed, as the user wrote it. */
    private final String what;
    /** The step that failed. */
    private final String doing;
    /** One of {@link ExitCodes}. */
    private final int exitCode;

    private CommandFailure(String what, String doing, String reason, int exitCode, Throwable cause) {
        super(line(what, doing, reason), cause);
        this.what = what;
        this.doing = doing;
        this.exitCode = exitCode;
    }

    /**
     * A failure of an operation on {@code what}.
     *
     * @param what the path or server the operation was about, as the user wrote it
     * @param cause the exception
     * @return the failure (itself if {@code cause} already is one)
     */
    public static CommandFailure of(String what, Throwable cause) {
        return of(what, null, cause);
    }

    /**
     * A failure of one step ({@code doing}, such as {@code "connect"}) on {@code what}.
     *
     * @param what the path or server, as the user wrote it
     * @param doing the step that failed, or {@code null}
     * @param cause the exception
     * @return the failure (itself if {@code cause} already is one)
     */
    public static CommandFailure of(String what, String doing, Throwable cause) {
        if (cause instanceof CommandFailure f) {
            return f;
        }
        return new CommandFailure(what, doing, reason(cause), ExitCodes.of(cause), cause);
    }

    /**
     * A failure with an errno of our own (such as EISDIR for copying a directory without {@code -r}).
     *
     * @param what the path, as the user wrote it
     * @param errno the positive errno
     * @param hint words after the errno, or {@code null}
     * @return the failure
     */
    public static CommandFailure errno(String what, int errno, String hint) {
        return new CommandFailure(what, null, Errno.description(errno) + " (" + Errno.name(errno) + ")"
                + (hint == null ? "" : "; " + hint), ExitCodes.ofErrno(errno), null);
    }

    /**
     * A failure with its own words and exit code.
     *
     * @param what what failed, or {@code null}
     * @param reason why
     * @param exitCode one of {@link ExitCodes}
     * @return the failure
     */
    public static CommandFailure of(String what, String reason, int exitCode) {
        return new CommandFailure(what, null, reason, exitCode, null);
    }

    /**
     * A bad command line ({@link ExitCodes#USAGE}).
     *
     * @param reason what is wrong
     * @return the failure
     */
    public static CommandFailure usage(String reason) {
        return new CommandFailure(null, null, reason, ExitCodes.USAGE, null);
    }

    /**
     * The same failure about another path (a copy's failure on its partial file is reported under the
     * destination's name).
     *
     * @param other what failed, as the user wrote it
     * @return the failure naming {@code other}
     */
    public CommandFailure at(String other) {
        String m = getMessage();
        String reason = what != null && m.startsWith(what + ": ") ? m.substring(what.length() + 2) : m;
        if (doing != null && reason.startsWith(doing + ": ")) {
            reason = reason.substring(doing.length() + 2);
        }
        CommandFailure f = new CommandFailure(other, doing, reason, exitCode, getCause());
        f.setStackTrace(getStackTrace());
        return f;
    }

    /**
     * Why a failure happened, in the user's words: the errno's description and name where one is
     * known ({@code No such file or directory (ENOENT)}), else the exception's message.
     *
     * @param t the failure
     * @return the reason
     */
    public static String reason(Throwable t) {
        int errno = ExitCodes.errnoOf(t);
        if (errno > 0) {
            String r = Errno.description(errno) + " (" + Errno.name(errno) + ")";
            String detail = connectionDetail(t);
            return detail == null ? r : r + ": " + detail;
        }
        String m = t.getMessage();
        return m == null || m.isEmpty() ? t.getClass().getSimpleName() : m;
    }

    /** Why a 9P connection failed (its P9Exception's detail), for errors that are the connection's. */
    private static String connectionDetail(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.jnetfs.p9.P9Exception p && p.detail() != null) {
                return p.detail();
            }
        }
        return null;
    }

    private static String line(String what, String doing, String reason) {
        StringBuilder b = new StringBuilder();
        if (what != null) {
            b.append(what).append(": ");
        }
        if (doing != null) {
            b.append(doing).append(": ");
        }
        return b.append(reason).toString();
    }

    /** {@return what failed, as the user wrote it, or {@code null}} */
    public String what() {
        return what;
    }

    /** {@return the step that failed, or {@code null}} */
    public String doing() {
        return doing;
    }

    /** {@return the exit code, one of {@link ExitCodes}} */
    public int exitCode() {
        return exitCode;
    }
}
