package io.jnetfs.mount;

import io.jnetfs.p9.Fid;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The FUSE nodeids of a mount and the 9P fids behind them (libfuse's node table, with fids for inodes):
 * found by nodeid for every request, by {@code qid.path} when a lookup finds a file, by
 * (parent, name) when a name is removed or renamed here.
 *
 * <p>Lookup counts are the contract: {@link #lookedUp} adds one for every entry reply (and reuses the
 * node of a file the kernel already holds), {@link #forget} takes the kernel's count away and hands
 * back the node whose count reached zero, whose fids the caller clunks. The root (nodeid 1) is never
 * forgotten: its fid is the client's.
 */
final class NodeTable {
    /** The root's nodeid ({@code FUSE_ROOT_ID}). */
    static final long ROOT_ID = 1;

    /** A name in a directory. */
    record Dentry(long parent, String name) {
    }

    private final ConcurrentHashMap<Long, Node> byId = new ConcurrentHashMap<>();
    /** Guarded by {@code this}. */
    private final Map<Long, Node> byQid = new HashMap<>();
    /** Guarded by {@code this}. */
    private final Map<Dentry, Node> byName = new HashMap<>();
    private final Node root;
    /** Guarded by {@code this}. */
    private long nextId = ROOT_ID + 1;

    /**
     * @param rootFid the export's root fid (the client's; never clunked here)
     */
    NodeTable(Fid rootFid) {
        this.root = new Node(ROOT_ID, rootFid);
        root.lookups = 1;
        byId.put(ROOT_ID, root);
    }

    /** {@return the root} */
    Node root() {
        return root;
    }

    /** {@return the node of {@code nodeid}, or {@code null} if the kernel holds no such node} */
    Node get(long nodeid) {
        return byId.get(nodeid);
    }

    /** {@return how many nodes the kernel holds, the root included} */
    int size() {
        return byId.size();
    }

    /**
     * A lookup (or create, mkdir, symlink, link) found {@code walked} as {@code name} in {@code parent}:
     * the kernel's lookup count of its node goes up by one.
     *
     * @param parent the directory's nodeid
     * @param name the name
     * @param walked a fresh walked fid of the file; kept by a new node, else returned for the caller to
     *     clunk
     * @param out {@code out[0]} receives {@code walked} when the caller must clunk it, else {@code null} (kept
     *     by the node)
     * @return the node
     */
    synchronized Node lookedUp(long parent, String name, Fid walked, Fid[] out) {
        long qp = walked.qid().path();
        Node n = byQid.get(qp);
        out[0] = null;
        Dentry d = new Dentry(parent, name);
        if (n != null && n.qidType == walked.qid().type()) {
            n.lookups++;
            if (n.dentry != null && !n.dentry.equals(d)) {
                // another name of the file (a hard link, as git makes one from its temporary object file
                // before removing that): keep the newest walk, so a server that keeps the path in each fid
                // (diod) still finds the file when the older name goes away
                n.replaceFid(walked);
            } else {
                out[0] = walked;
            }
        } else {
            if (n != null) {
                n.detached = true; // another file of the same number (of another type): a node of its own
                byQid.remove(qp);
            }
            n = new Node(nextId++, walked);
            n.lookups = 1;
            byId.put(n.nodeid, n);
            byQid.put(qp, n);
        }
        n.dentry = d;
        byName.put(d, n);
        return n;
    }

    /**
     * The name {@code name} of {@code parent} was removed here: its node (if the kernel holds it) is
     * detached from the qid index, so that a new file of the same inode number gets a node of its own.
     */
    synchronized void removed(long parent, String name) {
        Node n = byName.remove(new Dentry(parent, name));
        if (n != null && !n.detached && n.nodeid != ROOT_ID) {
            n.detached = true;
            byQid.remove(n.qidPath, n);
        }
    }

    /**
     * {@code oldName} of {@code oldParent} is now {@code newName} of {@code newParent}: the node that was
     * there (overwritten) is detached, the moved node is found under its new name.
     *
     * @return the moved node, or {@code null} if the kernel holds none under the old name here
     */
    synchronized Node renamed(long oldParent, String oldName, long newParent, String newName) {
        Dentry to = new Dentry(newParent, newName);
        Node moved = byName.remove(new Dentry(oldParent, oldName));
        Node victim = byName.remove(to);
        if (victim != null && victim != moved && !victim.detached && victim.nodeid != ROOT_ID) {
            victim.detached = true;
            byQid.remove(victim.qidPath, victim);
        }
        if (moved != null) {
            moved.dentry = to;
            byName.put(to, moved);
        }
        return moved;
    }

    /**
     * FORGET: the kernel drops {@code count} lookups of {@code nodeid}.
     *
     * @return the node if its count reached zero (removed from the table: the caller closes it), else
     *     {@code null}
     */
    synchronized Node forget(long nodeid, long count) {
        if (nodeid == ROOT_ID) {
            return null;
        }
        Node n = byId.get(nodeid);
        if (n == null) {
            return null;
        }
        n.lookups -= count;
        if (n.lookups > 0) {
            return null;
        }
        byId.remove(nodeid);
        if (!n.detached) {
            byQid.remove(n.qidPath, n);
        }
        if (n.dentry != null) {
            byName.remove(n.dentry, n);
        }
        return n;
    }

    /** Takes every node but the root out of the table (the mount is ending); the caller closes them. */
    synchronized List<Node> drain() {
        List<Node> all = new ArrayList<>();
        for (Node n : byId.values()) {
            if (n.nodeid != ROOT_ID) {
                all.add(n);
            }
        }
        byId.clear();
        byId.put(ROOT_ID, root);
        byQid.clear();
        byName.clear();
        return all;
    }
}
