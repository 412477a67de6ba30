package io.jnetfs.p9.nio;

import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * What a scenario saw, line by line, in words that do not depend on the provider: values, contents as
 * digests, failures as their exception's class. Two runs of one scenario on two providers must give
 * equal transcripts.
 */
final class Transcript {
    /** A call that may fail. */
    @FunctionalInterface
    interface Call<T> {
        T call() throws Exception;
    }

    /** A call with no result that may fail. */
    @FunctionalInterface
    interface Run {
        void run() throws Exception;
    }

    private final List<String> lines = new ArrayList<>();

    /** Notes a value. */
    void note(String what, Object value) {
        lines.add(what + " = " + render(value));
    }

    /** Runs {@code call}, noting its result or the class of what it threw; the result, or null. */
    <T> T attempt(String what, Call<T> call) {
        try {
            T v = call.call();
            note(what, v);
            return v;
        } catch (Exception e) {
            lines.add(what + " threw " + e.getClass().getSimpleName());
            return null;
        }
    }

    /** Runs {@code run}, noting "ok" or the class of what it threw. */
    void run(String what, Run run) {
        try {
            run.run();
            lines.add(what + " ok");
        } catch (Exception e) {
            lines.add(what + " threw " + e.getClass().getSimpleName());
        }
    }

    List<String> lines() {
        return lines;
    }

    String text() {
        return String.join("\n", lines);
    }

    @SuppressWarnings("unchecked")
    static String render(Object v) {
        if (v instanceof byte[] b) {
            return "bytes[" + b.length + "] " + digest(b);
        }
        if (v instanceof FileTime t) {
            return t.toInstant().toString();
        }
        if (v instanceof Set<?> s && !s.isEmpty() && s.iterator().next() instanceof PosixFilePermission) {
            return PosixFilePermissions.toString((Set<PosixFilePermission>) s);
        }
        if (v instanceof Object[] a) {
            return Arrays.toString(a);
        }
        return String.valueOf(v);
    }

    static String digest(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b)).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString() {
        return text();
    }
}
