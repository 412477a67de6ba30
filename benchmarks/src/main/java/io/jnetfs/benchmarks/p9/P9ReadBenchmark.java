package io.jnetfs.benchmarks.p9;

import io.jnetfs.bvecq.FolioPool;
import io.jnetfs.p9.Fid;
import io.jnetfs.p9.P9Client;
import io.jnetfs.p9.P9Flags;
import io.jnetfs.p9.P9Options;
import io.jnetfs.p9.ReceiveMode;
import io.jnetfs.p9.TransportKind;
import io.jnetfs.peers.Diod;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Experiment: read a page-cached 1 GiB file from a real diod with the p9 client, {@code inFlight}
 * Treads of {@code msize - 24} bytes always in flight; one operation = the whole file (ms/op). The peer
 * is {@code diodcat} reading the same file from a diod of its own ({@link DiodcatPeer}), one 64 KiB read
 * at a time.
 *
 * <ul>
 *   <li>{@code receive=DIRECT}: each Rread's header, then its data straight into the reader's
 *       destination (the default receive mode)</li>
 *   <li>{@code receive=BULK_SLICE}: bulk receive into pooled chunks, each Rread's data sliced into the
 *       reader's chain (a folio reference, no copy)</li>
 * </ul>
 *
 * Not final: JMH subclasses state classes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
public class P9ReadBenchmark {
    /** Treads in flight. */
    @Param({"1", "4", "16"})
    public int inFlight;

    /** How replies are received (see the class comment). */
    @Param({"DIRECT", "BULK_SLICE"})
    public String receive;

    /** The transport. */
    @Param({"SOCKET"})
    public String transport;

    private Diod diod;
    private FolioPool pool;
    private P9Client client;
    private Fid fid;
    private WholeFileReader reader;
    private long size;

    /**
     * Makes sure the file exists and is cached, starts diod, connects and opens the file.
     *
     * @throws IOException if diod or the client cannot start
     */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        Path file = BenchFile.ensureFile();
        size = Files.size(file);
        diod = BenchFile.startDiod(file.getParent());
        pool = new FolioPool(256L << 20);
        boolean bulk = receive.startsWith("BULK");
        client = P9Client.connect(P9Options.builder(diod.host(), diod.port()).aname(diod.export().toString())
                .uname("root").nUname(0).pool(pool).transport(TransportKind.valueOf(transport))
                .receiveMode(bulk ? ReceiveMode.BULK : ReceiveMode.DIRECT).build());
        fid = client.open(BenchFile.FILE_NAME, P9Flags.P9_DOTL_RDONLY);
        reader = new WholeFileReader(client, fid, size, inFlight,
                bulk ? WholeFileReader.Delivery.APPEND : WholeFileReader.Delivery.ITER, pool);
    }

    /**
     * Reads the whole file once.
     *
     * @return the bytes read
     * @throws IOException if a read fails
     */
    @Benchmark
    public long readOneGiB() throws IOException {
        long n = reader.readAll();
        if (n != size) {
            throw new IOException("read " + n + " of " + size + " bytes");
        }
        return n;
    }

    /**
     * Closes the client and stops diod.
     *
     * @throws IOException if the fid cannot be clunked
     */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        reader.close();
        fid.close();
        client.close();
        pool.close();
        diod.close();
    }
}
