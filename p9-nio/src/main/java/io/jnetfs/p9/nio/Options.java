package io.jnetfs.p9.nio;

import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The options of an open, checked as the default provider checks them: what to do with the file,
 * the mode a new file gets.
 *
 * @param read whether the channel reads
 * @param write whether the channel writes
 * @param append whether every write goes to the end
 * @param create whether a missing file is made
 * @param createNew whether the file must not exist
 * @param truncate whether an existing file is emptied (written files only)
 * @param deleteOnClose whether the name is removed (right after the open, as the default provider does on Unix)
 * @param sync whether every write is made durable before it returns (SYNC, DSYNC)
 * @param follow whether a link at the end is followed
 */
record Options(boolean read, boolean write, boolean append, boolean create, boolean createNew, boolean truncate,
               boolean deleteOnClose, boolean sync, boolean follow) {

    /**
     * Checks the options of {@code newByteChannel} and {@code newFileChannel}.
     *
     * @throws IllegalArgumentException for READ with APPEND, or APPEND with TRUNCATE_EXISTING
     * @throws UnsupportedOperationException for an option this provider does not know
     */
    static Options of(Set<? extends OpenOption> options) {
        boolean read = false;
        boolean write = false;
        boolean append = false;
        boolean create = false;
        boolean createNew = false;
        boolean truncate = false;
        boolean deleteOnClose = false;
        boolean sync = false;
        boolean follow = true;
        for (OpenOption o : options) {
            if (o == null) {
                throw new NullPointerException("an open option is null");
            }
            if (o instanceof StandardOpenOption s) {
                switch (s) {
                    case READ -> read = true;
                    case WRITE -> write = true;
                    case APPEND -> append = true;
                    case CREATE -> create = true;
                    case CREATE_NEW -> createNew = true;
                    case TRUNCATE_EXISTING -> truncate = true;
                    case DELETE_ON_CLOSE -> deleteOnClose = true;
                    case SYNC, DSYNC -> sync = true;
                    case SPARSE -> {
                        // a hint; files past their end read as zeroes on every server
                    }
                }
            } else if (o == LinkOption.NOFOLLOW_LINKS) {
                follow = false;
            } else {
                throw new UnsupportedOperationException("'" + o + "' not supported");
            }
        }
        if (append) {
            write = true;
        }
        if (!write) {
            read = true;
        }
        if (read && append) {
            throw new IllegalArgumentException("READ + APPEND not allowed");
        }
        if (append && truncate) {
            throw new IllegalArgumentException("APPEND + TRUNCATE_EXISTING not allowed");
        }
        // creating and truncating are for writers, as open(2) without O_WRONLY/O_RDWR ignores them
        return new Options(read, write, append, write && create, write && createNew, write && truncate,
                deleteOnClose, sync, follow);
    }

    /** {@return whether the options say to follow links (no {@link LinkOption#NOFOLLOW_LINKS})} */
    static boolean follow(LinkOption... options) {
        for (LinkOption o : options) {
            if (o == LinkOption.NOFOLLOW_LINKS) {
                return false;
            } else if (o == null) {
                throw new NullPointerException("a link option is null");
            }
        }
        return true;
    }

    /**
     * The mode a new file or directory gets: the {@code posix:permissions} (or {@code unix:permissions})
     * attribute or {@code dflt}, less this process's umask.
     *
     * @throws UnsupportedOperationException for any other initial attribute
     */
    static int mode(int dflt, FileAttribute<?>... attrs) {
        int mode = dflt;
        for (FileAttribute<?> a : attrs) {
            if (a.name().equals("posix:permissions") || a.name().equals("unix:permissions")) {
                @SuppressWarnings("unchecked")
                Set<PosixFilePermission> perms = (Set<PosixFilePermission>) a.value();
                mode = P9FileAttributes.mode(perms);
            } else {
                throw new UnsupportedOperationException("'" + a.name() + "' cannot be set initially");
            }
        }
        return mode & ~LocalIdentity.SELF.umask();
    }
}
