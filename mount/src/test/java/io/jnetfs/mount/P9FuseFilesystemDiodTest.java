package io.jnetfs.mount;

import java.io.IOException;
import java.nio.file.Path;

/** {@link P9FuseFilesystemTest} against diod. */
class P9FuseFilesystemDiodTest extends P9FuseFilesystemTest {
    @Override
    Remote remote(Path dir) throws IOException {
        return Remote.diod(dir);
    }
}
