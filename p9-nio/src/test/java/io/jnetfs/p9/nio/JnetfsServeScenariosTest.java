package io.jnetfs.p9.nio;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/** The scenarios on {@code jnetfs serve} (P9Server in this JVM) against the default provider. */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class JnetfsServeScenariosTest extends ScenariosTestBase {
    @BeforeAll
    static void startServer() throws IOException {
        start(Peers::jnetfsServe);
    }
}
