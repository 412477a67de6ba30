package io.jnetfs.p9;

import io.jnetfs.bvecq.FolioPool;
import java.time.Duration;
import java.util.Objects;

/**
 * How to connect a {@link P9Client}: the server, the export and user to attach as, and the client's
 * limits. Immutable; made by {@link #builder(String, int)}.
 */
public final class P9Options {
    /** The msize asked for by default (servers answer with their own, diod with 65536). */
    public static final int DEFAULT_MSIZE = 1 << 20;
    /** Default request timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Default number of tags (requests in flight at most). */
    public static final int DEFAULT_MAX_TAGS = 128;
    /** Default number of Tread/Twrite in flight for one blocking read or write. */
    public static final int DEFAULT_WINDOW = 8;
    /**
     * The receive mode a client uses unless told otherwise: the faster one measured against diod
     * (see BENCHMARKS.md, section p9).
     */
    public static final ReceiveMode DEFAULT_RECEIVE_MODE = ReceiveMode.DIRECT;

    private final String host;
    private final int port;
    private final String aname;
    private final String uname;
    private final int nUname;
    private final int gid;
    private final int msize;
    private final Duration timeout;
    private final int maxTags;
    private final int window;
    private final TransportKind transport;
    private final ReceiveMode receiveMode;
    private final FolioPool pool;
    private final boolean acceptsRerror;
    private final boolean reconnect;

    private P9Options(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.aname = b.aname;
        this.uname = b.uname;
        this.nUname = b.nUname;
        this.gid = b.gid;
        this.msize = b.msize;
        this.timeout = b.timeout;
        this.maxTags = b.maxTags;
        this.window = b.window;
        this.transport = b.transport;
        this.receiveMode = b.receiveMode;
        this.pool = b.pool;
        this.acceptsRerror = b.acceptsRerror;
        this.reconnect = b.reconnect;
    }

    /** The same options with another pool (the client's own, shared by its successive connections). */
    private P9Options(P9Options o, FolioPool pool) {
        this.host = o.host;
        this.port = o.port;
        this.aname = o.aname;
        this.uname = o.uname;
        this.nUname = o.nUname;
        this.gid = o.gid;
        this.msize = o.msize;
        this.timeout = o.timeout;
        this.maxTags = o.maxTags;
        this.window = o.window;
        this.transport = o.transport;
        this.receiveMode = o.receiveMode;
        this.pool = pool;
        this.acceptsRerror = o.acceptsRerror;
        this.reconnect = o.reconnect;
    }

    /** {@return these options with {@code pool} as the pool} */
    P9Options withPool(FolioPool pool) {
        return new P9Options(this, pool);
    }

    /**
     * Starts options for a server.
     *
     * @param host an IPv4 address (such as {@code "127.0.0.1"})
     * @param port the server's TCP port
     * @return a builder with the defaults
     */
    public static Builder builder(String host, int port) {
        return new Builder(host, port);
    }

    /** {@return the server's IPv4 address} */
    public String host() {
        return host;
    }

    /** {@return the server's port} */
    public int port() {
        return port;
    }

    /** {@return the export to attach (diod: the exported path)} */
    public String aname() {
        return aname;
    }

    /** {@return the user name to attach as} */
    public String uname() {
        return uname;
    }

    /** {@return the numeric user to attach as, or {@link P9Descriptor#NONUNAME} to go by {@link #uname()}} */
    public int nUname() {
        return nUname;
    }

    /** {@return the gid given to files, directories and links this client creates} */
    public int gid() {
        return gid;
    }

    /** {@return the msize asked for in Tversion} */
    public int msize() {
        return msize;
    }

    /** {@return how long a request may take before it is flushed and fails with ETIMEDOUT} */
    public Duration timeout() {
        return timeout;
    }

    /** {@return the number of tags: how many requests may be in flight} */
    public int maxTags() {
        return maxTags;
    }

    /** {@return how many Treads/Twrites one blocking read or write keeps in flight} */
    public int window() {
        return window;
    }

    /** {@return the transport} */
    public TransportKind transport() {
        return transport;
    }

    /** {@return the receive mode} */
    public ReceiveMode receiveMode() {
        return receiveMode;
    }

    /** {@return the folio pool for bulk receive and appended reads, or {@code null} for one of the client's own} */
    public FolioPool pool() {
        return pool;
    }

    /**
     * {@return whether an Rerror (type 107) whose body is only a 4-byte errno is read as that errno, as
     * NFS-Ganesha sends its errors on a 9P2000.L session; false refuses it as a protocol error}
     */
    public boolean acceptsRerror() {
        return acceptsRerror;
    }

    /**
     * {@return whether a lost connection is recovered: the client reconnects (with back-off, for up to
     * {@link #timeout()}), attaches again, walks every live fid again by its path, reopens the open ones
     * and sends again the requests that had no reply; {@code false}: the first lost connection fails
     * every request in flight and the client stays failed}
     */
    public boolean reconnect() {
        return reconnect;
    }

    @Override
    public String toString() {
        return "P9Options[" + host + ":" + port + ", aname=" + aname + ", uname=" + uname + ", n_uname="
                + Integer.toUnsignedString(nUname) + ", msize=" + msize + ", timeout=" + timeout + ", maxTags="
                + maxTags + ", transport=" + transport + ", receiveMode=" + receiveMode + (acceptsRerror ? "" : ", strict: no Rerror")
                + ", reconnect=" + reconnect + "]";
    }

    /** Builds {@link P9Options}. */
    public static final class Builder {
        private final String host;
        private final int port;
        private String aname = "";
        private String uname = System.getProperty("user.name", "root");
        private int nUname = P9Descriptor.NONUNAME;
        private int gid;
        private int msize = DEFAULT_MSIZE;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxTags = DEFAULT_MAX_TAGS;
        private int window = DEFAULT_WINDOW;
        private TransportKind transport = TransportKind.SOCKET;
        private ReceiveMode receiveMode = DEFAULT_RECEIVE_MODE;
        private FolioPool pool;
        private boolean acceptsRerror = true;
        private boolean reconnect = true;

        private Builder(String host, int port) {
            this.host = Objects.requireNonNull(host, "host");
            if (port <= 0 || port > 65535) {
                throw new IllegalArgumentException("invalid port=" + port);
            }
            this.port = port;
        }

        /**
         * Sets aname.
         *
         * @param aname the export to attach
         * @return this
         */
        public Builder aname(String aname) {
            this.aname = Objects.requireNonNull(aname, "aname");
            return this;
        }

        /**
         * Sets uname.
         *
         * @param uname the user name to attach as
         * @return this
         */
        public Builder uname(String uname) {
            this.uname = Objects.requireNonNull(uname, "uname");
            return this;
        }

        /**
         * Sets nUname.
         *
         * @param nUname the numeric user, or {@link P9Descriptor#NONUNAME}
         * @return this
         */
        public Builder nUname(int nUname) {
            this.nUname = nUname;
            return this;
        }

        /**
         * Sets gid.
         *
         * @param gid the gid for created files
         * @return this
         */
        public Builder gid(int gid) {
            this.gid = gid;
            return this;
        }

        /**
         * Sets msize.
         *
         * @param msize the msize to ask for, 4096 .. 16 MiB
         * @return this
         */
        public Builder msize(int msize) {
            if (msize < 4096 || msize > (16 << 20)) {
                throw new IllegalArgumentException("invalid msize=" + msize + " (4096 .. 16 MiB)");
            }
            this.msize = msize;
            return this;
        }

        /**
         * Sets timeout.
         *
         * @param timeout the request timeout, 10 ms .. 1 day
         * @return this
         */
        public Builder timeout(Duration timeout) {
            if (timeout.toMillis() < 10 || timeout.toDays() >= 1) {
                throw new IllegalArgumentException("invalid timeout=" + timeout + " (10 ms .. 1 day)");
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * Sets maxTags.
         *
         * @param maxTags the number of tags, 2 .. 65535
         * @return this
         */
        public Builder maxTags(int maxTags) {
            if (maxTags < 2 || maxTags > 0xFFFF) {
                throw new IllegalArgumentException("invalid maxTags=" + maxTags + " (2 .. 65535)");
            }
            this.maxTags = maxTags;
            return this;
        }

        /**
         * Sets window.
         *
         * @param window Treads/Twrites in flight per blocking call, at least 1
         * @return this
         */
        public Builder window(int window) {
            if (window < 1) {
                throw new IllegalArgumentException("invalid window=" + window);
            }
            this.window = window;
            return this;
        }

        /**
         * Sets transport.
         *
         * @param transport the transport
         * @return this
         */
        public Builder transport(TransportKind transport) {
            this.transport = Objects.requireNonNull(transport, "transport");
            return this;
        }

        /**
         * Sets receiveMode.
         *
         * @param receiveMode the receive mode
         * @return this
         */
        public Builder receiveMode(ReceiveMode receiveMode) {
            this.receiveMode = Objects.requireNonNull(receiveMode, "receiveMode");
            return this;
        }

        /**
         * Sets pool.
         *
         * @param pool a folio pool the caller owns (and closes after the client)
         * @return this
         */
        public Builder pool(FolioPool pool) {
            this.pool = pool;
            return this;
        }

        /**
         * Sets whether an Rerror (type 107) with an errno-only body is read as that errno (the default, for
         * NFS-Ganesha, which answers a 9P2000.L session's failures so; counted in
         * {@link P9Client#rerrorsReceived()}), or refused as a protocol error (strict). An Rerror with a
         * 9P2000 body (a string) is refused either way.
         *
         * @param on whether to accept it
         * @return this
         */
        public Builder acceptRerror(boolean on) {
            this.acceptsRerror = on;
            return this;
        }

        /**
         * Sets whether a lost connection is recovered ({@link P9Options#reconnect()}); on by default.
         *
         * @param on false to fail for good at the first lost connection, as v9fs does
         * @return this builder
         */
        public Builder reconnect(boolean on) {
            this.reconnect = on;
            return this;
        }

        /** {@return the options} */
        public P9Options build() {
            return new P9Options(this);
        }
    }
}
