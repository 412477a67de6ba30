package io.jnetfs.p9.nio;

import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Attr;
import io.jnetfs.p9.P9Flags;
import java.io.IOException;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttributeView;
import java.nio.file.attribute.FileOwnerAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.UserPrincipal;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The attribute views: {@code basic}, {@code owner}, {@code posix} and the default provider's
 * {@code unix} (mode, ino, dev, rdev, nlink, uid, gid, ctime), read with one Tgetattr and set with one
 * Tsetattr, by type ({@link #view}) or by name ({@link #read}, {@link #set}).
 */
final class AttributeViews {
    /** The views this provider supports. */
    static final Set<String> VIEWS = Set.of("basic", "owner", "posix", "unix");

    private static final List<String> BASIC = List.of("size", "lastModifiedTime", "lastAccessTime", "creationTime",
            "isRegularFile", "isDirectory", "isSymbolicLink", "isOther", "fileKey");
    private static final List<String> OWNER = List.of("owner");
    private static final List<String> POSIX = concat(BASIC, List.of("permissions", "owner", "group"));
    private static final List<String> UNIX = concat(POSIX, List.of("mode", "ino", "dev", "rdev", "nlink", "uid",
            "gid", "ctime"));

    private AttributeViews() {
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    private static List<String> namesOf(String view) {
        return switch (view) {
            case "basic" -> BASIC;
            case "owner" -> OWNER;
            case "posix" -> POSIX;
            case "unix" -> UNIX;
            default -> throw new UnsupportedOperationException("View '" + view + "' not available");
        };
    }

    /** Tgetattr of the file {@code path} names, translated errors. */
    static P9FileAttributes stat(P9Path path, boolean follow) throws IOException {
        P9FileSystem fs = path.getFileSystem();
        try (Fid f = fs.walker().walk(path, follow)) {
            return new P9FileAttributes(fs, fs.client().getattr(f, P9Flags.P9_GETATTR_ALL));
        } catch (IOException e) {
            throw FsErrors.translate(e, path, null);
        }
    }

    /** Tsetattr of {@code valid}'s fields on the file {@code path} names. */
    static void setattr(P9Path path, boolean follow, int valid, int mode, int uid, int gid, FileTime atime,
                        FileTime mtime) throws IOException {
        P9FileSystem fs = path.getFileSystem();
        Instant a = atime == null ? Instant.EPOCH : atime.toInstant();
        Instant m = mtime == null ? Instant.EPOCH : mtime.toInstant();
        try (Fid f = fs.walker().walk(path, follow)) {
            fs.client().setattr(f, valid, mode, uid, gid, 0, a.getEpochSecond(), a.getNano(), m.getEpochSecond(),
                    m.getNano());
        } catch (IOException e) {
            throw FsErrors.translate(e, path, null);
        }
    }

    /** {@code readAttributes(path, "view:a,b")}. */
    static Map<String, Object> read(P9Path path, String spec, boolean follow) throws IOException {
        int colon = spec.indexOf(':');
        String view = colon < 0 ? "basic" : spec.substring(0, colon);
        List<String> known = namesOf(view);
        String list = colon < 0 ? spec : spec.substring(colon + 1);
        List<String> wanted = new java.util.ArrayList<>();
        for (String n : list.split(",")) {
            if (n.equals("*")) {
                wanted.addAll(known);
            } else if (known.contains(n)) {
                wanted.add(n);
            } else {
                throw new IllegalArgumentException("'" + n + "' not recognized");
            }
        }
        P9FileAttributes attrs = stat(path, follow);
        P9Attr a = attrs.raw();
        Map<String, Object> out = new LinkedHashMap<>();
        for (String n : wanted) {
            out.put(n, switch (n) {
                case "size" -> attrs.size();
                case "lastModifiedTime" -> attrs.lastModifiedTime();
                case "lastAccessTime" -> attrs.lastAccessTime();
                case "creationTime" -> attrs.creationTime();
                case "isRegularFile" -> attrs.isRegularFile();
                case "isDirectory" -> attrs.isDirectory();
                case "isSymbolicLink" -> attrs.isSymbolicLink();
                case "isOther" -> attrs.isOther();
                case "fileKey" -> attrs.fileKey();
                case "permissions" -> attrs.permissions();
                case "owner" -> attrs.owner();
                case "group" -> attrs.group();
                case "mode" -> a.mode();
                case "ino" -> a.qid().path();
                case "dev" -> path.getFileSystem().store().fsid();
                case "rdev" -> a.rdev();
                case "nlink" -> (int) a.nlink();
                case "uid" -> a.uid();
                case "gid" -> a.gid();
                case "ctime" -> attrs.ctime();
                default -> throw new IllegalStateException("unhandled attribute " + n);
            });
        }
        return out;
    }

    /** {@code setAttribute(path, "view:name", value)}. */
    static void set(P9Path path, String spec, Object value, boolean follow) throws IOException {
        int colon = spec.indexOf(':');
        String view = colon < 0 ? "basic" : spec.substring(0, colon);
        String name = colon < 0 ? spec : spec.substring(colon + 1);
        List<String> known = namesOf(view);
        View v = new View(path, follow, view);
        switch (known.contains(name) ? name : "") {
            case "lastModifiedTime" -> v.setTimes((FileTime) value, null, null);
            case "lastAccessTime" -> v.setTimes(null, (FileTime) value, null);
            case "creationTime" -> v.setTimes(null, null, (FileTime) value);
            case "permissions" -> {
                @SuppressWarnings("unchecked")
                Set<PosixFilePermission> perms = (Set<PosixFilePermission>) value;
                v.setPermissions(perms);
            }
            case "owner" -> v.setOwner((UserPrincipal) value);
            case "group" -> v.setGroup((GroupPrincipal) value);
            case "mode" -> setattr(path, follow, P9Flags.P9_ATTR_MODE, (Integer) value & 07777, 0, 0, null, null);
            case "uid" -> setattr(path, follow, P9Flags.P9_ATTR_UID, 0, (Integer) value, 0, null, null);
            case "gid" -> setattr(path, follow, P9Flags.P9_ATTR_GID, 0, 0, (Integer) value, null, null);
            default -> throw new IllegalArgumentException("'" + name + "' not recognized");
        }
    }

    /**
     * The view of {@code type} on {@code path}, or {@code null} for a type this provider has not.
     */
    @SuppressWarnings("unchecked")
    static <V extends FileAttributeView> V view(P9Path path, Class<V> type, boolean follow) {
        if (type == BasicFileAttributeView.class) {
            return (V) new View(path, follow, "basic");
        }
        if (type == PosixFileAttributeView.class) {
            return (V) new View(path, follow, "posix");
        }
        if (type == FileOwnerAttributeView.class) {
            return (V) new View(path, follow, "owner");
        }
        return null;
    }

    /** {@code readAttributes(path, type)} for {@link BasicFileAttributes} and {@link PosixFileAttributes}. */
    @SuppressWarnings("unchecked")
    static <A extends BasicFileAttributes> A readAttributes(P9Path path, Class<A> type, boolean follow)
            throws IOException {
        if (type != BasicFileAttributes.class && type != PosixFileAttributes.class) {
            throw new UnsupportedOperationException("attributes of type " + type.getName()
                    + " (p9 has BasicFileAttributes and PosixFileAttributes)");
        }
        return (A) stat(path, follow);
    }

    /**
     * One view; nothing is asked of the server until a method is called. Answers as basic, owner or
     * posix by its name.
     */
    private record View(P9Path path, boolean follow, String name) implements PosixFileAttributeView {
        @Override
        public PosixFileAttributes readAttributes() throws IOException {
            return stat(path, follow);
        }

        @Override
        public void setTimes(FileTime lastModifiedTime, FileTime lastAccessTime, FileTime createTime)
                throws IOException {
            // the creation time cannot be set over 9P (as on Linux, where the default provider ignores it)
            int valid = 0;
            if (lastModifiedTime != null) {
                valid |= P9Flags.P9_ATTR_MTIME | P9Flags.P9_ATTR_MTIME_SET;
            }
            if (lastAccessTime != null) {
                valid |= P9Flags.P9_ATTR_ATIME | P9Flags.P9_ATTR_ATIME_SET;
            }
            if (valid != 0) {
                setattr(path, follow, valid, 0, 0, 0, lastAccessTime, lastModifiedTime);
            }
        }

        @Override
        public void setPermissions(Set<PosixFilePermission> perms) throws IOException {
            setattr(path, follow, P9Flags.P9_ATTR_MODE, P9FileAttributes.mode(perms), 0, 0, null, null);
        }

        @Override
        public UserPrincipal getOwner() throws IOException {
            return stat(path, follow).owner();
        }

        @Override
        public void setOwner(UserPrincipal owner) throws IOException {
            setattr(path, follow, P9Flags.P9_ATTR_UID, 0, P9Principals.idOf(owner, false), 0, null, null);
        }

        @Override
        public void setGroup(GroupPrincipal group) throws IOException {
            setattr(path, follow, P9Flags.P9_ATTR_GID, 0, 0, P9Principals.idOf(group, true), null, null);
        }
    }
}
