package io.jnetfs.p9;

/**
 * A qid: the server's identity of a file ({@code type[1] version[4] path[8]}). Two fids name the same
 * file when their qids' paths are equal.
 *
 * @param type the {@code P9_QT*} bits of {@link P9Flags}
 * @param version a number the server changes when the file changes (diod sends 0)
 * @param path the file's unique number on the server (diod uses the inode number)
 */
public record Qid(int type, int version, long path) {
    /** {@return whether the qid names a directory ({@link P9Flags#P9_QTDIR})} */
    public boolean isDirectory() {
        return (type & P9Flags.P9_QTDIR) != 0;
    }

    /** {@return whether the qid names a symbolic link ({@link P9Flags#P9_QTSYMLINK})} */
    public boolean isSymlink() {
        return (type & P9Flags.P9_QTSYMLINK) != 0;
    }

    @Override
    public String toString() {
        return "Qid[type=0x" + Integer.toHexString(type) + ", version=" + version + ", path=" + path + "]";
    }
}
