package io.jnetfs.p9.nio;

import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_ANAME;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_CACHE_DIRECTORY;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_GID;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_INFLIGHT;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_IO_URING;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_MSIZE;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_N_UNAME;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_PAGE_CACHE_SIZE;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_POOL;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_TIMEOUT;
import static io.jnetfs.p9.nio.P9FileSystemProvider.ENV_UNAME;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.P9Descriptor;
import io.jnetfs.p9.P9Options;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment of {@code FileSystems.newFileSystem(uri, env)}, checked: every key known, every
 * value of a type it can have (a {@code String} always works: {@code "64k"}, {@code "30s"},
 * {@code "true"}). An unknown key or a bad value is an {@link IllegalArgumentException} naming it.
 *
 * @param aname the export to attach
 * @param uname the user name to attach as
 * @param nUname the numeric user, or {@code P9_NONUNAME}
 * @param gid the group of the files this client creates
 * @param msize the msize to ask for
 * @param inflight RPCs in flight per request and per open file
 * @param cacheDirectory the disk cache directory, or {@code null} for none
 * @param pageCacheBytes the page cache's budget
 * @param timeout how long one request may take
 * @param ioUring whether 9P messages go through io_uring
 * @param pool a folio pool the caller owns, or {@code null} for the file system's own
 */
record P9Environment(String aname, String uname, int nUname, int gid, int msize, int inflight, Path cacheDirectory,
                     long pageCacheBytes, Duration timeout, boolean ioUring, FolioPool pool) {
    static final Set<String> KEYS = Set.of(ENV_ANAME, ENV_UNAME, ENV_N_UNAME, ENV_GID, ENV_MSIZE, ENV_INFLIGHT,
            ENV_CACHE_DIRECTORY, ENV_PAGE_CACHE_SIZE, ENV_TIMEOUT, ENV_IO_URING, ENV_POOL);
    /** The default page cache: 256 MiB, as the command's. */
    static final long DEFAULT_PAGE_CACHE = 256L << 20;
    /** The default RPCs in flight per request, as the command's. */
    static final int DEFAULT_INFLIGHT = 16;

    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*([kKmMgG]?)(?:[iI]?[bB])?");
    private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");

    /**
     * Checks {@code env}.
     *
     * @param env the caller's map (may be empty, not null)
     * @return the settings with the defaults filled in
     * @throws IllegalArgumentException naming the key and value that are wrong
     */
    static P9Environment parse(Map<String, ?> env) {
        for (String k : env.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("unknown environment key=" + k + " (known: "
                        + String.join(", ", KEYS.stream().sorted().toList()) + ")");
            }
        }
        String aname = string(env, ENV_ANAME, "");
        String uname = string(env, ENV_UNAME, null);
        int nUname;
        if (env.containsKey(ENV_N_UNAME)) {
            nUname = (int) number(env, ENV_N_UNAME, 0, 0xFFFFFFFFL, 0);
        } else if (uname == null) {
            nUname = LocalIdentity.SELF.uid() >= 0 ? LocalIdentity.SELF.uid() : P9Descriptor.NONUNAME;
        } else {
            nUname = P9Descriptor.NONUNAME;
        }
        if (uname == null) {
            uname = System.getProperty("user.name", "root");
        }
        int gid = (int) number(env, ENV_GID, 0, Integer.MAX_VALUE, Math.max(0, LocalIdentity.SELF.gid()));
        int msize = (int) size(env, ENV_MSIZE, 4096, 16 << 20, P9Options.DEFAULT_MSIZE);
        int inflight = (int) number(env, ENV_INFLIGHT, 1, 1024, DEFAULT_INFLIGHT);
        long pageCache = size(env, ENV_PAGE_CACHE_SIZE, FolioPool.MAX_FOLIO, 1L << 40, DEFAULT_PAGE_CACHE);
        Duration timeout = duration(env, ENV_TIMEOUT, P9Options.DEFAULT_TIMEOUT);
        boolean ioUring = bool(env, ENV_IO_URING, false);
        Path cacheDir = null;
        Object c = env.get(ENV_CACHE_DIRECTORY);
        if (c instanceof Path p) {
            cacheDir = p;
        } else if (c instanceof String s && !s.isBlank()) {
            cacheDir = Path.of(s);
        } else if (c != null) {
            throw bad(ENV_CACHE_DIRECTORY, c, "a Path or a String");
        }
        if (cacheDir != null && cacheDir.getFileSystem() != java.nio.file.FileSystems.getDefault()) {
            throw bad(ENV_CACHE_DIRECTORY, c, "a directory of the default file system");
        }
        FolioPool pool = null;
        Object p = env.get(ENV_POOL);
        if (p instanceof FolioPool fp) {
            pool = fp;
            if (pageCache > fp.maxBytes()) {
                throw bad(ENV_PAGE_CACHE_SIZE, pageCache, "at most the pool's maxBytes=" + fp.maxBytes());
            }
        } else if (p != null) {
            throw bad(ENV_POOL, p, "a " + FolioPool.class.getName());
        }
        return new P9Environment(aname, uname, nUname, gid, msize, inflight, cacheDir == null ? null
                : cacheDir.toAbsolutePath(), pageCache, timeout, ioUring, pool);
    }

    private static IllegalArgumentException bad(String key, Object value, String expected) {
        return new IllegalArgumentException("invalid " + key + "=" + value + " (" + expected + ")");
    }

    private static String string(Map<String, ?> env, String key, String dflt) {
        Object v = env.get(key);
        if (v == null) {
            return dflt;
        }
        if (!(v instanceof String s)) {
            throw bad(key, v, "a String");
        }
        return s;
    }

    private static long number(Map<String, ?> env, String key, long min, long max, long dflt) {
        Object v = env.get(key);
        if (v == null) {
            return dflt;
        }
        long n;
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            try {
                n = Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                throw bad(key, v, "a whole number, " + min + " .. " + max);
            }
        } else {
            throw bad(key, v, "a whole number, " + min + " .. " + max);
        }
        if (n < min || n > max) {
            throw bad(key, v, min + " .. " + max);
        }
        return n;
    }

    private static long size(Map<String, ?> env, String key, long min, long max, long dflt) {
        Object v = env.get(key);
        if (v == null) {
            return dflt;
        }
        String range = "a size, " + min + " .. " + max + " bytes, such as 65536, 64k, 256m, 1g";
        long n;
        if (v instanceof Integer || v instanceof Long) {
            n = ((Number) v).longValue();
        } else if (v instanceof String s) {
            Matcher m = SIZE.matcher(s.trim());
            if (!m.matches()) {
                throw bad(key, v, range);
            }
            int shift = switch (m.group(2).toLowerCase(Locale.ROOT)) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            try {
                n = Long.parseLong(m.group(1));
            } catch (NumberFormatException e) {
                throw bad(key, v, range);
            }
            if (n > (max >> shift)) {
                throw bad(key, v, range);
            }
            n <<= shift;
        } else {
            throw bad(key, v, range);
        }
        if (n < min || n > max) {
            throw bad(key, v, range);
        }
        return n;
    }

    private static Duration duration(Map<String, ?> env, String key, Duration dflt) {
        Object v = env.get(key);
        if (v == null) {
            return dflt;
        }
        String expected = "a Duration, or a String such as 30s, 500ms, 2m or PT30S; 10 ms .. 1 day";
        Duration d;
        if (v instanceof Duration x) {
            d = x;
        } else if (v instanceof String s) {
            String t = s.trim();
            Matcher m = DURATION.matcher(t);
            if (m.matches()) {
                long n;
                try {
                    n = Long.parseLong(m.group(1));
                } catch (NumberFormatException e) {
                    throw bad(key, v, expected);
                }
                String unit = m.group(2) == null ? "s" : m.group(2);
                d = switch (unit) {
                    case "ms" -> Duration.ofMillis(n);
                    case "m" -> Duration.ofMinutes(Math.min(n, 1440));
                    case "h" -> Duration.ofHours(Math.min(n, 24));
                    default -> Duration.ofSeconds(Math.min(n, 86_400));
                };
            } else {
                try {
                    d = Duration.parse(t);
                } catch (DateTimeParseException e) {
                    throw bad(key, v, expected);
                }
            }
        } else {
            throw bad(key, v, expected);
        }
        if (d.toMillis() < 10 || d.toDays() >= 1) {
            throw bad(key, v, expected);
        }
        return d;
    }

    private static boolean bool(Map<String, ?> env, String key, boolean dflt) {
        Object v = env.get(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        if (v instanceof String s) {
            if (s.equalsIgnoreCase("true")) {
                return true;
            }
            if (s.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw bad(key, v, "true or false");
    }
}
